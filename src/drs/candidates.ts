/**
 * The hot path of load balancing: one scan over every (VM, less-loaded destination) pair,
 * keeping the k moves with the best goodness that pass the hard filters (100% load cap,
 * reservations, rules, the per-host move budget). Each pair costs O(1) through the ledger's
 * running sums, plus O(rule members) for the few that reach the rule check.
 *
 * Sources and destinations are shortlists: the few most-loaded and least-loaded open hosts by
 * CPU, by memory and by the combined load (all hosts when there are at most 12). The best move
 * almost always takes load from one of the busiest hosts to one of the idlest; the shortlists
 * keep a scan at O(VMs on 12 hosts × 12 destinations) instead of O(V × H) — at 64 hosts and
 * 8,000 VMs about 18,000 pairs instead of 250,000.
 */
import { HOST_LOAD_CAP } from './constants.js';
import type { HostLedger } from './ledger.js';
import type { RuleIndex } from './rules.js';

/** A scored move of ledger VM `vm` to host index `to`; the cost-benefit fields are filled in later. */
export interface Candidate {
  readonly vm: number;
  readonly to: number;
  /** Imbalance before − imbalance after. */
  readonly goodness: number;
  readonly migrationSeconds?: number;
  readonly benefit?: number;
  readonly cost?: number;
}

/** How many candidates each hard filter dropped (only those that would otherwise have ranked). */
export interface CandidateCounts {
  loadCap: number;
  reservation: number;
  rule: number;
}

/**
 * The up-to-`k` best moves by goodness (> 0), best first; ties keep scan order (VMs, then hosts,
 * as listed), so the result is deterministic. A VM moves only from a shortlisted busy host to a
 * shortlisted connected host whose combined load is below its own host's, and only between hosts under their move limits.
 * O(H log H + H_s × V/32 + V_s × D) for H_s ≤ 12 shortlisted sources holding V_s VMs (found
 * through the ledger's per-host VM index, in ascending VM order) and D ≤ 12 shortlisted
 * destinations, plus O(r) per rule check. The V_s × D pairs allocate nothing (the ranking lives in
 * typed arrays of k slots; k Candidate objects are made at the end).
 */
export function findCandidates(
  ledger: HostLedger,
  rules: RuleIndex,
  imbalance: number,
  limits: readonly number[],
  moved: Int32Array,
  k: number,
  counts: CandidateCounts,
): Candidate[] {
  const hostCount = ledger.hosts.length;
  const score = new Float64Array(hostCount);
  const open = new Uint8Array(hostCount);
  for (let h = 0; h < hostCount; h++) {
    score[h] = ledger.score(h);
    open[h] = ledger.receives(h) && moved[h]! < limits[h]! ? 1 : 0;
  }
  const destinations = Int32Array.from(shortlist(ledger, open, score, 1));
  const sources = new Uint8Array(hostCount);
  for (const h of shortlist(ledger, open, score, -1)) sources[h] = 1;
  const top = new TopMoves(k);
  const { vmHost, vmResCpu, vmResMem, vmIds } = ledger;
  const anyRules = rules.rules.length > 0;
  const lower = lowerScoredDestinations(destinations, score, sources);
  const after = new Float64Array(destinations.length);
  const loadCap = HOST_LOAD_CAP;
  const onSources = sourceScratch(vmIds.length);
  const sourceVms = ledger.vmsOnHosts(sources, onSources);
  for (let j = 0; j < sourceVms; j++) {
    const v = onSources[j]!;
    const to = lower[vmHost[v]!]!;
    ledger.imbalancesIfMoved(v, to, to.length, loadCap, after);
    for (let i = 0; i < to.length; i++) {
      const d = to[i]!;
      const imbalanceAfter = after[i]!;
      if (imbalanceAfter !== imbalanceAfter) {
        counts.loadCap++;
        continue;
      }
      const goodness = imbalance - imbalanceAfter;
      if (goodness <= top.floor) continue;
      if (!ledger.fitsReservation(d, vmResCpu[v]!, vmResMem[v]!)) {
        counts.reservation++;
        continue;
      }
      if (anyRules && rules.brokenRule(ledger, vmIds[v]!, d, 'all')) {
        counts.rule++;
        continue;
      }
      top.insert(v, d, goodness);
    }
  }
  return top.toCandidates();
}

/** A reusable buffer of ≥ `n` slots for the VMs on the source hosts (one scan at a time; grows by doubling). */
let sourceBuffer = new Int32Array(0);
function sourceScratch(n: number): Int32Array {
  if (sourceBuffer.length < n) sourceBuffer = new Int32Array(Math.max(n, 2 * sourceBuffer.length));
  return sourceBuffer;
}

/** For each source host, the destinations (in list order) whose combined load is below its own. O(sources × D). */
function lowerScoredDestinations(destinations: Int32Array, score: Float64Array, sources: Uint8Array): Int32Array[] {
  const out: Int32Array[] = [];
  for (let s = 0; s < sources.length; s++) {
    out.push(sources[s] ? destinations.filter((d) => score[d]! < score[s]!) : EMPTY);
  }
  return out;
}

const EMPTY = new Int32Array(0);

/**
 * The k best (VM, destination, goodness) triples seen so far, best first, a newcomer after its
 * equals; `floor` is the goodness a newcomer must beat (0 until k are held). Insert O(k), no allocation.
 */
class TopMoves {
  readonly #vm: Int32Array;
  readonly #to: Int32Array;
  readonly #goodness: Float64Array;
  #length = 0;
  floor = 0;

  constructor(readonly k: number) {
    this.#vm = new Int32Array(k);
    this.#to = new Int32Array(k);
    this.#goodness = new Float64Array(k);
  }

  /** Ranks a move; the worst falls off when k are held. Preconditions: k ≥ 1 or the call is a no-op. */
  insert(vm: number, to: number, goodness: number): void {
    const k = this.k;
    if (k === 0) return;
    let i = this.#length;
    while (i > 0 && this.#goodness[i - 1]! < goodness) i--;
    if (i >= k) return;
    const last = Math.min(this.#length, k - 1);
    for (let j = last; j > i; j--) {
      this.#vm[j] = this.#vm[j - 1]!;
      this.#to[j] = this.#to[j - 1]!;
      this.#goodness[j] = this.#goodness[j - 1]!;
    }
    this.#vm[i] = vm;
    this.#to[i] = to;
    this.#goodness[i] = goodness;
    this.#length = last + 1;
    if (this.#length === k) this.floor = this.#goodness[k - 1]!;
  }

  toCandidates(): Candidate[] {
    const out: Candidate[] = [];
    for (let i = 0; i < this.#length; i++) out.push({ vm: this.#vm[i]!, to: this.#to[i]!, goodness: this.#goodness[i]! });
    return out;
  }
}

/** Hosts kept per ordering (CPU, memory, combined) in each shortlist. */
const HOSTS_PER_ORDER = 4;

/**
 * The union of the {@link HOSTS_PER_ORDER} open hosts with the lowest (`direction` 1) or highest
 * (−1) CPU load, memory load and combined load `score`, in host order (ties: lower index first).
 * O(H) per ordering (a selection of the first few, not a sort), no per-host objects.
 */
function shortlist(ledger: HostLedger, open: Uint8Array, score: Float64Array, direction: 1 | -1): number[] {
  const hosts: number[] = [];
  for (let h = 0; h < open.length; h++) if (open[h]) hosts.push(h);
  if (hosts.length <= 3 * HOSTS_PER_ORDER) return hosts;
  const picked = new Uint8Array(open.length);
  const key = new Float64Array(open.length);
  const first = new Int32Array(HOSTS_PER_ORDER);
  for (let order = 0; order < 3; order++) {
    for (const h of hosts) key[h] = direction * (order === 0 ? ledger.cpuLoad(h) : order === 1 ? ledger.memoryLoad(h) : score[h]!);
    const n = firstByKey(hosts, key, first);
    for (let i = 0; i < n; i++) picked[first[i]!] = 1;
  }
  return hosts.filter((h) => picked[h]);
}

/**
 * Writes into `out` the first `out.length` of `hosts` (ascending host indices) ordered by `key`
 * ascending, ties by index — what sorting with (key[a] − key[b]) || a − b and keeping the first
 * few gives — and returns how many. O(hosts × out.length).
 */
function firstByKey(hosts: readonly number[], key: Float64Array, out: Int32Array): number {
  const k = out.length;
  let n = 0;
  for (const h of hosts) {
    const kh = key[h]!;
    let i = n;
    // Hosts come in ascending index order, so an equal key never goes before one already held.
    while (i > 0 && kh - key[out[i - 1]!]! < 0) i--;
    if (i >= k) continue;
    for (let j = Math.min(n, k - 1); j > i; j--) out[j] = out[j - 1]!;
    out[i] = h;
    if (n < k) n++;
  }
  return n;
}

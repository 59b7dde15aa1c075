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
 * O(H log H + V + V_s × D) for V_s VMs on shortlisted sources and D shortlisted destinations, plus O(r) per rule check.
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
  const destinations = shortlist(ledger, open, HOSTS_PER_ORDER, 1);
  const sources = new Uint8Array(hostCount);
  for (const h of shortlist(ledger, open, HOSTS_PER_ORDER, -1)) sources[h] = 1;
  const top: Candidate[] = [];
  let floor = 0;
  const { vmHost, vmCpu, vmMem, vmResCpu, vmResMem, vmIds } = ledger;
  const sums = new Float64Array(4);
  const loadCap = HOST_LOAD_CAP;
  for (let v = 0; v < vmIds.length; v++) {
    const s = vmHost[v]!;
    if (!sources[s]) continue;
    const sourceScore = score[s]!;
    const cpu = vmCpu[v]!;
    const mem = vmMem[v]!;
    ledger.sumsWithout(v, sums);
    for (const d of destinations) {
      if (!(score[d]! < sourceScore)) continue;
      if (!ledger.fitsLoadCap(d, cpu, mem, loadCap)) {
        counts.loadCap++;
        continue;
      }
      const goodness = imbalance - ledger.imbalanceWithAdded(d, cpu, mem, sums);
      if (goodness <= floor) continue;
      if (!ledger.fitsReservation(d, vmResCpu[v]!, vmResMem[v]!)) {
        counts.reservation++;
        continue;
      }
      if (rules.brokenRule(ledger, vmIds[v]!, d, 'all')) {
        counts.rule++;
        continue;
      }
      insertRanked(top, { vm: v, to: d, goodness }, k);
      if (top.length === k) floor = top[k - 1]!.goodness;
    }
  }
  return top;
}

/** Hosts kept per ordering (CPU, memory, combined) in each shortlist. */
const HOSTS_PER_ORDER = 4;

/**
 * The union of the `per` open hosts with the lowest (`direction` 1) or highest (−1) CPU load,
 * memory load and combined load, in host order. O(H log H).
 */
function shortlist(ledger: HostLedger, open: Uint8Array, per: number, direction: 1 | -1): number[] {
  const hosts: number[] = [];
  for (let h = 0; h < open.length; h++) if (open[h]) hosts.push(h);
  if (hosts.length <= 3 * per) return hosts;
  const picked = new Set<number>();
  const orders: ((h: number) => number)[] = [(h) => ledger.load(h).cpu, (h) => ledger.load(h).memory, (h) => ledger.score(h)];
  for (const key of orders) {
    const sorted = hosts.map((h) => ({ h, k: key(h) })).sort((a, b) => direction * (a.k - b.k) || a.h - b.h);
    for (const { h } of sorted.slice(0, per)) picked.add(h);
  }
  return [...picked].sort((a, b) => a - b);
}

/** Inserts `c` into `top` (best first, after equals), keeping at most `k`. O(k). */
function insertRanked(top: Candidate[], c: Candidate, k: number): void {
  let i = top.length;
  while (i > 0 && top[i - 1]!.goodness < c.goodness) i--;
  top.splice(i, 0, c);
  if (top.length > k) top.pop();
}

/**
 * The hot path of load balancing: one scan over every (VM, less-loaded destination) pair,
 * keeping the k moves with the best goodness that pass the hard filters (100% load cap,
 * reservations, rules, the per-host move budget). Each pair costs O(1) through the ledger's
 * running sums, plus O(rule members) for the few that reach the rule check.
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
 * as listed), so the result is deterministic. A VM moves only to a connected host whose
 * combined load is below its own host's, and only between hosts under their move limits.
 * O(V × H) plus O(r) per rule check.
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
  const top: Candidate[] = [];
  let floor = 0;
  const { vmHost, vmCpu, vmMem, vmResCpu, vmResMem, vmIds } = ledger;
  for (let v = 0; v < vmIds.length; v++) {
    const s = vmHost[v]!;
    if (!open[s]) continue;
    const sourceScore = score[s]!;
    const cpu = vmCpu[v]!;
    const mem = vmMem[v]!;
    for (let d = 0; d < hostCount; d++) {
      if (!open[d] || !(score[d]! < sourceScore)) continue;
      if (!ledger.fitsLoadCap(d, cpu, mem, HOST_LOAD_CAP)) {
        counts.loadCap++;
        continue;
      }
      const goodness = imbalance - ledger.imbalanceIfMoved(v, d);
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

/** Inserts `c` into `top` (best first, after equals), keeping at most `k`. O(k). */
function insertRanked(top: Candidate[], c: Candidate, k: number): void {
  let i = top.length;
  while (i > 0 && top[i - 1]!.goodness < c.goodness) i--;
  top.splice(i, 0, c);
  if (top.length > k) top.pop();
}

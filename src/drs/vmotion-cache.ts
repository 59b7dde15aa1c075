/**
 * Each VM's vMotion time over its host's link, kept across DRS passes (session.ts) and recomputed
 * only when its inputs change: consumed memory, dirty rate, link speed or the pre-copy tunables.
 * The adaptive move budget sums these times over every running VM each pass; most VMs' consumed
 * memory and dirty rate do not change from one pass to the next.
 */
import type { VmotionTotal } from './balance.js';
import type { HostLedger } from './ledger.js';
import type { DemandColumns } from './demand-columns.js';
import { precopyTotalSeconds, type ResolvedPrecopy } from './vmotion.js';

/** Cached precopyTotalSeconds per VM slot. */
export class VmotionTimes {
  readonly #memory: Float64Array;
  readonly #dirty: Float64Array;
  readonly #link: Float64Array;
  readonly #seconds: Float64Array;
  #precopy: ResolvedPrecopy | undefined;

  /** Room for `vmCount` VMs, none known yet. O(V). */
  constructor(vmCount: number) {
    this.#memory = new Float64Array(vmCount).fill(NaN);
    this.#dirty = new Float64Array(vmCount);
    this.#link = new Float64Array(vmCount);
    this.#seconds = new Float64Array(vmCount);
  }

  /**
   * balance.ts's vmotionTotal with each VM's time taken from the cache when its inputs are those
   * of the last call: the same sum, in the same order, to the bit. O(V) plus O(rounds) per VM whose inputs changed.
   * Preconditions: `vms` (consumed memory and dirty rates) in ledger order, at most the constructor's count; errors: as precopyTotalSeconds for a VM it recomputes.
   */
  total(ledger: HostLedger, vms: DemandColumns, precopy: ResolvedPrecopy): VmotionTotal {
    if (!samePrecopy(this.#precopy, precopy)) {
      this.#memory.fill(NaN);
      this.#precopy = precopy;
    }
    const memory = this.#memory, dirty = this.#dirty, link = this.#link, times = this.#seconds;
    let seconds = 0;
    let count = 0;
    for (let v = 0; v < ledger.vmIds.length; v++) {
      const h = ledger.vmHost[v]!;
      if (!ledger.receives(h)) continue;
      const m = vms.memConsumedMB[v]!, d = vms.dirtyMBps[v]!, g = ledger.hosts[h]!.vmotionGbps;
      if (m !== memory[v] || d !== dirty[v] || g !== link[v]) {
        times[v] = precopyTotalSeconds(m, d, g, precopy);
        memory[v] = m;
        dirty[v] = d;
        link[v] = g;
      }
      seconds += times[v]!;
      count++;
    }
    return { seconds, count };
  }
}

/** Whether two resolved tunables are the same (field by field). O(1). */
function samePrecopy(a: ResolvedPrecopy | undefined, b: ResolvedPrecopy): boolean {
  return a !== undefined && a.targetStunMs === b.targetStunMs && a.resumeMs === b.resumeMs && a.maxRounds === b.maxRounds && a.sdpsLambda === b.sdpsLambda;
}

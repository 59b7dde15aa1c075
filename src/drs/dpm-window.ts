/**
 * DPM's settings and its view of demand: the defaults of the target band and windows, and the
 * per-VM demand estimate over a window (mean + k standard deviations of the samples in it).
 */
import { InvalidArgumentError } from '../sim/errors.js';
import type { CpuMem } from './snapshot.js';

/**
 * DPM defaults. The band is vSphere's DemandCapacityRatioTarget 63% ± DemandCapacityRatioToleranceHost
 * 18% = 45–81% (vSphere Resource Management guide, DPM advanced options); power-on looks at the last
 * 5 minutes of demand and power-off at the last 40 (the same guide: VmDemandHistorySecsHostOn 300 s,
 * VmDemandHistorySecsHostOff 2400 s). The rest are estimates, each overridable.
 */
export const DPM_DEFAULTS = Object.freeze({
  lowUtilization: 0.45,
  highUtilization: 0.81,
  powerOnWindowSec: 300,
  powerOffWindowSec: 2400,
  /** Demand over a window = mean + this many standard deviations. Estimate: DPM's published description ("mean plus two standard deviations"). */
  demandStdDevs: 2,
  /** Threshold 1..5: recommendations of priority ≤ t apply (vSphere's default 3). */
  threshold: 3,
  /** Hosts always left on. Estimate: vSphere keeps at least one (MinPoweredOnCpuCapacity 1 MHz). */
  minHostsOn: 1,
  /** Utilisation distance per priority level (5 − ⌊distance ÷ step⌋, floored at 2). Estimate. */
  priorityStep: 0.05,
  /** A host woken less than this long ago is not put back in standby. Estimate: 10 minutes, two DRS periods. */
  hostMinUptimeSec: 600,
});

/** One demand sample of a VM. */
export interface DemandSample {
  /** Simulated ms. */
  readonly atMs: number;
  readonly cpuMHz: number;
  readonly memoryMB: number;
}

/**
 * A VM's demand over the window (nowMs − windowMs, nowMs]: per resource, the mean plus
 * `stdDevs` population standard deviations of the samples in it; undefined when none falls in it.
 * Samples may come in any order. O(samples).
 * Preconditions: windowMs > 0, stdDevs ≥ 0.
 */
export function demandOverWindow(samples: readonly DemandSample[], nowMs: number, windowMs: number, stdDevs: number = DPM_DEFAULTS.demandStdDevs): CpuMem | undefined {
  if (!(windowMs > 0)) throw new InvalidArgumentError('windowMs', `a demand window must be > 0 ms, got ${windowMs}`);
  if (!(stdDevs >= 0)) throw new InvalidArgumentError('stdDevs', `standard deviations must be ≥ 0, got ${stdDevs}`);
  let n = 0;
  let sc = 0;
  let qc = 0;
  let sm = 0;
  let qm = 0;
  for (const s of samples) {
    if (s.atMs <= nowMs - windowMs || s.atMs > nowMs) continue;
    n++;
    sc += s.cpuMHz;
    qc += s.cpuMHz * s.cpuMHz;
    sm += s.memoryMB;
    qm += s.memoryMB * s.memoryMB;
  }
  if (n === 0) return undefined;
  const spread = (sum: number, sq: number) => Math.sqrt(Math.max(0, sq / n - (sum / n) ** 2));
  return { cpuMHz: sc / n + stdDevs * spread(sc, qc), memoryMB: sm / n + stdDevs * spread(sm, qm) };
}

/**
 * The priority of a power recommendation made `distance` (utilisation, ≥ 0) outside the band:
 * 5 − ⌊distance ÷ step⌋, at least 2 (priority 1 is kept for mandatory power-ons). O(1).
 */
export function dpmPriority(distance: number, step: number = DPM_DEFAULTS.priorityStep): number {
  return Math.max(2, 5 - Math.floor(Math.max(0, distance) / step + 1e-9));
}

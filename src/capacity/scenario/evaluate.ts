/**
 * Pure functions the runner evaluates scenario settings with: CPU demand at a time, the diurnal
 * rate multiplier, and lifetime draws. Randomness comes from the caller's Rng.
 */
import type { Rng } from '../../sim/rng.js';
import type { CpuDemand, DiurnalPattern, LifetimeDistribution } from './types.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * CPU demand in MHz at `tMs`: the container's age for a `container`-clock curve, scenario time
 * for a `scenario`-clock curve (the caller passes the right one). Linear between points; a
 * periodic curve wraps from its last point back to its first. O(log points).
 */
export function cpuDemandAt(demand: CpuDemand, tMs: number): number {
  if (demand.kind === 'constant') return demand.mhz;
  const points = demand.points;
  const t = demand.periodMs === null ? tMs : ((tMs % demand.periodMs) + demand.periodMs) % demand.periodMs;
  let lo = 0;
  let hi = points.length - 1;
  if (t >= points[hi]!.atMs) {
    if (demand.periodMs === null) return points[hi]!.mhz;
    const last = points[hi]!;
    return lerp(last.atMs, last.mhz, demand.periodMs, points[0]!.mhz, t);
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.atMs <= t) lo = mid;
    else hi = mid;
  }
  const a = points[lo]!;
  const b = points[hi]!;
  return lerp(a.atMs, a.mhz, b.atMs, b.mhz, t);
}

function lerp(x0: number, y0: number, x1: number, y1: number, x: number): number {
  return x1 === x0 ? y0 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
}

/** The arrival-rate multiplier at scenario time `tMs` (the run starts at hour 0 of day 0). O(1). */
export function diurnalMultiplier(pattern: DiurnalPattern, tMs: number): number {
  const dayMs = ((tMs % DAY_MS) + DAY_MS) % DAY_MS;
  switch (pattern.kind) {
    case 'flat':
      return 1;
    case 'hourly':
      return pattern.multipliers[Math.floor(dayMs / HOUR_MS)]!;
    case 'sinusoid':
      return 1 + pattern.amplitude * Math.cos((2 * Math.PI * (dayMs / HOUR_MS - pattern.peakHour)) / 24);
  }
}

/** The largest multiplier the pattern reaches (the bound for Poisson thinning). O(24). */
export function maxDiurnalMultiplier(pattern: DiurnalPattern): number {
  if (pattern.kind === 'flat') return 1;
  if (pattern.kind === 'hourly') return Math.max(...pattern.multipliers);
  return 1 + pattern.amplitude;
}

/** One lifetime in ms drawn from `dist`; null for `forever`. Draws at most two numbers from `rng`. */
export function sampleLifetimeMs(dist: LifetimeDistribution, rng: Rng): number | null {
  switch (dist.kind) {
    case 'fixed':
      return dist.durationMs;
    case 'exponential':
      return rng.exponential(dist.meanMs);
    case 'lognormal':
      return Math.exp(Math.log(dist.medianMs) + rng.normal(0, dist.sigma));
    case 'forever':
      return null;
  }
}

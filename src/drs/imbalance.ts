/**
 * Cluster imbalance and recommendation priority (calibration.md, DRS): the load of a host is the
 * sum of its VMs' entitlements over its capacity; the imbalance I is the standard deviation of
 * the loads; a recommendation's priority is 6 − ceil(I / 0.1 × √hosts); a migration threshold t
 * applies priorities ≤ t. Since vSphere 6.5, a pair of hosts whose utilizations differ by more
 * than a tolerable gap is also worth balancing.
 */
import { InvalidArgumentError } from '../sim/errors.js';
import { IMBALANCE_PRIORITY_STEP, PAIRWISE_GAP_BY_THRESHOLD } from './constants.js';

/** Slack for the ceiling: 0.3 / 0.1 is 2.9999999999999996 in floating point and must count as 3. */
const CEIL_SLACK = 1e-9;

/** Population standard deviation of `values` (0 for fewer than two). O(n). */
export function standardDeviation(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let sq = 0;
  for (const v of values) sq += (v - mean) ** 2;
  return Math.sqrt(sq / n);
}

/**
 * Priority of a recommendation made at imbalance `imbalance` over `hosts` hosts:
 * 6 − ceil(I / 0.1 × √hosts), clamped to 1..5. O(1).
 * Preconditions: imbalance ≥ 0, hosts ≥ 1.
 */
export function imbalancePriority(imbalance: number, hosts: number): number {
  checkHosts(hosts);
  if (!(imbalance >= 0)) throw new InvalidArgumentError('imbalance', `imbalance must be ≥ 0, got ${imbalance}`);
  const steps = Math.ceil((imbalance / IMBALANCE_PRIORITY_STEP) * Math.sqrt(hosts) - CEIL_SLACK);
  return Math.min(5, Math.max(1, 6 - steps));
}

/**
 * The largest imbalance a migration threshold tolerates: 0.1 × (5 − t) / √hosts. Above it the
 * imbalance priority is ≤ t, so load balancing acts. O(1).
 * Preconditions: threshold an integer in 1..5, hosts ≥ 1.
 */
export function targetImbalance(threshold: number, hosts: number): number {
  checkThreshold(threshold);
  checkHosts(hosts);
  return (IMBALANCE_PRIORITY_STEP * (5 - threshold)) / Math.sqrt(hosts);
}

/**
 * The tolerable utilization gap between two hosts at migration threshold `threshold` (vSphere
 * 6.5+), or undefined at threshold 1 (no load balancing). O(1).
 */
export function tolerableGap(threshold: number, gaps: Readonly<Record<number, number>> = PAIRWISE_GAP_BY_THRESHOLD): number | undefined {
  checkThreshold(threshold);
  return gaps[threshold];
}

/** @throws InvalidArgumentError unless `threshold` is an integer in 1..5. */
export function checkThreshold(threshold: number): void {
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > 5) {
    throw new InvalidArgumentError('threshold', `migration threshold must be an integer in 1..5, got ${threshold}`);
  }
}

function checkHosts(hosts: number): void {
  if (!Number.isInteger(hosts) || hosts < 1) throw new InvalidArgumentError('hosts', `host count must be an integer ≥ 1, got ${hosts}`);
}

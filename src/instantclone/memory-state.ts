/**
 * ESXi host memory states. minFree is 899 MB for the first 28 GB of host memory plus 1% of the rest
 * (a host smaller than 28 GB gets the same share of 899 MB); the state is the highest whose threshold
 * free memory reaches: high 400%, clear 100%, soft 64%, hard 32%, low 16% of minFree — and low below
 * that. States get worse at once and better only once free memory passes the threshold by a margin
 * (hysteresis), so a host on a boundary does not flap.
 */
import type { Calibration } from '../sim/calibration.js';

/** ESXi's memory states, best first. */
export const MEMORY_STATES = ['high', 'clear', 'soft', 'hard', 'low'] as const;

/** A memory state. */
export type MemoryState = (typeof MEMORY_STATES)[number];

/** Extra share of minFree free memory must exceed a threshold by to move to a better state (estimate). */
export const MEMORY_STATE_HYSTERESIS = 0.05;

const FIRST_TIER_MB = 28 * 1024;

/** A state's position in {@link MEMORY_STATES} (0 = high). */
function rank(s: MemoryState): number {
  return MEMORY_STATES.indexOf(s);
}

/** minFree in MB for a host of `capacityMB`. */
export function minFreeMB(capacityMB: number, calibration: Calibration): number {
  const m = calibration.memory;
  const first = m.minFreeBaseMB * Math.min(1, capacityMB / FIRST_TIER_MB);
  return first + m.minFreeRestFraction * Math.max(0, capacityMB - FIRST_TIER_MB);
}

/** The state free memory alone says, without hysteresis. */
export function rawMemoryState(freeMB: number, minFree: number, calibration: Calibration): MemoryState {
  const t = calibration.memory.stateThresholds;
  if (freeMB >= t.high * minFree) return 'high';
  if (freeMB >= t.clear * minFree) return 'clear';
  if (freeMB >= t.soft * minFree) return 'soft';
  if (freeMB >= t.hard * minFree) return 'hard';
  return 'low';
}

/** The next state from `current`: worse at once, better only past the threshold plus the margin. */
export function nextMemoryState(current: MemoryState, freeMB: number, minFree: number, calibration: Calibration): MemoryState {
  const raw = rawMemoryState(freeMB, minFree, calibration);
  if (rank(raw) >= rank(current)) return raw;
  const withMargin = rawMemoryState(freeMB - MEMORY_STATE_HYSTERESIS * minFree, minFree, calibration);
  return rank(withMargin) < rank(current) ? withMargin : current;
}

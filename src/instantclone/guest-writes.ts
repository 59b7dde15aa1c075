/**
 * One step of a guest's workload on its host's memory, in either of the two ways the calibration
 * names (memory.guestWrites): 'sampled' draws every run of pages the guest writes (workload.ts);
 * 'expected' writes the mean of that process (expected-writes.ts) in O(1) operations per step.
 */
import type { Calibration } from '../sim/calibration.js';
import type { Rng } from '../sim/rng.js';
import { adoptedExpectedWrites, freshExpectedWrites, writeExpected, type ExpectedWrites } from './expected-writes.js';
import type { ImageId, MemoryImages } from './types.js';
import { runWorkload, type GuestWorkload } from './workload.js';

/**
 * After a guest has written this many times its working set since its memory was last shared,
 * 1 − e^−3 ≈ 95% of the working set is private and further writes barely change any counter, so
 * sampled writes stop until the memory is shared again (estimate).
 */
export const WORKLOAD_SATURATION = 3;

/** What a guest has written since its memory was last shared (booted, forked, adopted). */
export interface GuestWriteState {
  /** Guest pages a sampled workload wrote. */
  writtenSinceShared: number;
  /** Granules from the image's start that arrived as private data by vMotion (0 otherwise). */
  adoptedGranules: number;
  /** The expected-writes layout, made on the first expected step. */
  expected: ExpectedWrites | undefined;
}

/** What a step did. */
export interface GuestStep {
  /** Granules the scanner must look at again (written or changed). */
  readonly granulesWritten: number;
  /** True when further steps with this profile cannot change a count until the memory is shared again. */
  readonly done: boolean;
}

/**
 * Lets the guest of `image` run `profile` for `ms` of simulated time. Sampled: O(runs written)
 * until {@link WORKLOAD_SATURATION}; expected: O(1).
 * Preconditions: the image is writable and holds the working set.
 */
export function stepGuest(pool: MemoryImages, image: ImageId, state: GuestWriteState, profile: GuestWorkload, rng: Rng, ms: number, calibration: Calibration): GuestStep {
  const pageBytes = calibration.memory.pageSize;
  if (calibration.memory.guestWrites === 'expected') {
    state.expected ??= state.adoptedGranules > 0 ? adoptedExpectedWrites(pool, profile, state.adoptedGranules) : freshExpectedWrites();
    const step = writeExpected(pool, image, profile, state.expected, ms, pageBytes);
    return { granulesWritten: step.granulesWritten + step.writes, done: step.settled };
  }
  const limit = WORKLOAD_SATURATION * (profile.workingSetBytes / pageBytes);
  if (state.writtenSinceShared >= limit) return { granulesWritten: 0, done: true };
  const run = runWorkload(pool, image, profile, rng, ms, pageBytes);
  state.writtenSinceShared += run.guestPages;
  return { granulesWritten: run.guestPages * Math.max(1, pageBytes / pool.granuleBytes) + run.writes, done: state.writtenSinceShared >= limit };
}

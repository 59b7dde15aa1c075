/**
 * Guest activity: a workload profile that dirties guest memory over simulated time, so pages shared
 * by fork turn private at the pace a guest writes. Writes go out as runs of consecutive guest pages
 * (one write operation per run), so a guest with high locality costs few operations per second.
 */
import { DEFAULT_CALIBRATION } from '../sim/calibration.js';
import { InvalidArgumentError } from '../sim/errors.js';
import type { Rng } from '../sim/rng.js';
import type { ImageId, MemoryImages } from './types.js';

/** How a guest writes its memory. */
export interface GuestWorkload {
  /** Bytes of guest memory the guest writes into (its working set). Precondition: > 0. */
  readonly workingSetBytes: number;
  /** Where the working set starts in guest memory, bytes. Default 0. */
  readonly workingSetOffsetBytes?: number;
  /** Guest pages (calibration page size, 4 KiB) dirtied per simulated second. Precondition: ≥ 0. */
  readonly dirtyPagesPerSec: number;
  /**
   * Probability, in [0, 1), that a dirtied page continues the current run of consecutive pages:
   * runs are geometric with mean 1 / (1 − locality) pages and start uniformly in the working set.
   */
  readonly locality: number;
  /** Share, in [0, 1], of runs that write zeros (pages the guest frees or clears). */
  readonly zeroShare: number;
}

/** What one call of {@link runWorkload} did. */
export interface WorkloadRun {
  /** Write operations issued (runs). */
  readonly writes: number;
  /** Guest pages written. */
  readonly guestPages: number;
}

/**
 * Lets the guest of `image` run `profile` for `durationMs` of simulated time: it writes about
 * dirtyPagesPerSec × duration guest pages (stochastic rounding keeps the long-run rate exact), in
 * runs drawn from `rng`. Same seed, same writes. Preconditions: the image exists, is writable and
 * holds the working set. Cost O(pages written × (1 − locality)) write operations.
 */
export function runWorkload(
  pool: MemoryImages,
  image: ImageId,
  profile: GuestWorkload,
  rng: Rng,
  durationMs: number,
  guestPageBytes: number = DEFAULT_CALIBRATION.memory.pageSize,
): WorkloadRun {
  const offset = profile.workingSetOffsetBytes ?? 0;
  checkProfile(profile, durationMs);
  const imageBytes = pool.counters(image).pages * pool.granuleBytes;
  if (offset + profile.workingSetBytes > imageBytes) {
    throw new InvalidArgumentError('workingSetBytes', `working set [${offset}, ${offset + profile.workingSetBytes}) exceeds the ${imageBytes} bytes of memory image ${image}`);
  }
  const setPages = Math.max(1, Math.floor(profile.workingSetBytes / guestPageBytes));
  const expected = (profile.dirtyPagesPerSec * durationMs) / 1000;
  let remaining = Math.floor(expected) + (rng.chance(expected - Math.floor(expected)) ? 1 : 0);
  const logLocality = Math.log(profile.locality);
  let writes = 0;
  let guestPages = 0;
  while (remaining > 0) {
    const run = Math.min(runLength(rng, logLocality), remaining, setPages);
    const start = rng.int(0, setPages - run);
    pool.writeBytes(image, offset + start * guestPageBytes, run * guestPageBytes, rng.chance(profile.zeroShare));
    remaining -= run;
    guestPages += run;
    writes++;
  }
  return { writes, guestPages };
}

/** A geometric run length ≥ 1 with P(continue) = e^logLocality; 1 when locality is 0. */
function runLength(rng: Rng, logLocality: number): number {
  if (logLocality === -Infinity) return 1;
  return 1 + Math.floor(Math.log(1 - rng.next()) / logLocality);
}

function checkProfile(profile: GuestWorkload, durationMs: number): void {
  const offset = profile.workingSetOffsetBytes ?? 0;
  if (!(profile.workingSetBytes > 0) || !(offset >= 0)) {
    throw new InvalidArgumentError('workingSetBytes', `working set must be > 0 bytes at an offset ≥ 0, got ${profile.workingSetBytes} at ${offset}`);
  }
  if (!(profile.dirtyPagesPerSec >= 0) || !Number.isFinite(profile.dirtyPagesPerSec)) {
    throw new InvalidArgumentError('dirtyPagesPerSec', `dirty rate must be ≥ 0 pages/s, got ${profile.dirtyPagesPerSec}`);
  }
  if (!(profile.locality >= 0 && profile.locality < 1)) {
    throw new InvalidArgumentError('locality', `locality must be in [0, 1), got ${profile.locality}`);
  }
  if (!(profile.zeroShare >= 0 && profile.zeroShare <= 1)) {
    throw new InvalidArgumentError('zeroShare', `zero share must be in [0, 1], got ${profile.zeroShare}`);
  }
  if (!(durationMs >= 0) || !Number.isFinite(durationMs)) {
    throw new InvalidArgumentError('durationMs', `duration must be ≥ 0 ms, got ${durationMs}`);
  }
}

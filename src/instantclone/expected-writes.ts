/**
 * Guest activity as its expectation: the pages a workload profile dirties over simulated time,
 * written into a memory image as the mean of the random process that runWorkload (workload.ts)
 * samples, in O(1) write operations per step whatever the dirty rate.
 *
 * The process. A guest writes P pages in runs that start uniformly in its working set of W
 * granules; a share z of the runs write zeros. A granule is hit at rate 1/W per granule written,
 * so after H more granule hits (H = P for 4 KiB granules; for larger granules each run hits about
 * 1 + (run − 1) × page ÷ granule of them) the expected shares of the working set are, with E = e^(−H/W):
 * - untouched since the memory was last shared: u' = u·E;
 * - last written with data: d' = (1 − z) + (d − (1 − z))·E;
 * - last written with zeros: the rest, 1 − u' − d'.
 * These are exact for the mean at any step length (edge effects of runs clipped at the working
 * set's ends aside), so a step may be as long as a sampling interval.
 *
 * The layout. The image holds the rounded expectation as three regions from the start of the
 * working set: data [0, D), zeros [D, D + Z), and the rest as it was when the memory was last
 * shared. The written part D + Z only grows, so each step is at most two write operations, and the
 * data region keeps one content tag per VM (content unique to this VM: its pages merge with no other).
 * Which pages are written differs from a sampled run; how many are private, shared and zero is what
 * the sampled process gives on average.
 */
import { InvalidArgumentError } from '../sim/errors.js';
import type { ImageId, MemoryImages } from './types.js';
import type { GuestWorkload } from './workload.js';

/** Where a VM's expected writes stand: shares of its working set and the regions laid out in its image. */
export interface ExpectedWrites {
  /** Share of the working set last written with data. */
  data: number;
  /** Share of the working set not written since the memory was last shared. */
  untouched: number;
  /** Granules of the data region [first, first + dataGranules). */
  dataGranules: number;
  /** Granules of the zero region right after the data region. */
  zeroGranules: number;
  /** The content tag of the data region (0 until the first data write). */
  tag: number;
}

/** A VM whose memory was just shared (booted, forked, adopted): nothing written since. */
export function freshExpectedWrites(): ExpectedWrites {
  return { data: 0, untouched: 1, dataGranules: 0, zeroGranules: 0, tag: 0 };
}

/**
 * Expected writes after a vMotion: the first `residentGranules` granules of the image arrived as
 * private data, so the part of the working set they cover counts as written with data and the
 * rest as untouched. Preconditions: the workload's working set lies in the image.
 */
export function adoptedExpectedWrites(pool: MemoryImages, profile: GuestWorkload, residentGranules: number): ExpectedWrites {
  const { first, granules } = workingSetGranules(pool, profile);
  const dataGranules = Math.max(0, Math.min(granules, residentGranules - first));
  return { data: dataGranules / granules, untouched: 1 - dataGranules / granules, dataGranules, zeroGranules: 0, tag: 0 };
}

/** What one step wrote. */
export interface ExpectedStep {
  /** Granules whose state changed in the image. */
  readonly granulesWritten: number;
  /** Write operations issued (0 to 2). */
  readonly writes: number;
  /** True when no later step can change the image: the rounded expectation has reached its limit. */
  readonly settled: boolean;
}

/**
 * Advances `state` by `durationMs` of `profile` and writes the change into `image`. O(1) write
 * operations. Preconditions: the image exists, is writable and holds the working set; `state`
 * describes this image since its memory was last shared.
 * @throws InvalidArgumentError for a working set outside the image or a negative duration.
 */
export function writeExpected(pool: MemoryImages, image: ImageId, profile: GuestWorkload, state: ExpectedWrites, durationMs: number, guestPageBytes: number): ExpectedStep {
  if (!(durationMs >= 0)) throw new InvalidArgumentError('durationMs', `duration must be ≥ 0 ms, got ${durationMs}`);
  const { first, granules } = workingSetGranules(pool, profile, pool.counters(image).pages);
  const hits = granuleHits(profile, durationMs, guestPageBytes, pool.granuleBytes);
  const decay = Math.exp(-hits / granules);
  const dataLimit = 1 - profile.zeroShare;
  state.untouched *= decay;
  state.data = dataLimit + (state.data - dataLimit) * decay;
  const written = Math.round((1 - state.untouched) * granules);
  const data = Math.min(written, Math.round(state.data * granules));
  const { dataGranules: d0, zeroGranules: z0 } = state;
  let ops = 0;
  let changed = 0;
  if (data > d0) {
    state.tag = pool.write(image, first + d0, data - d0, state.tag === 0 ? undefined : state.tag);
    ops++;
    changed += data - d0;
  } else if (data < d0) {
    pool.writeZero(image, first + data, d0 - data);
    ops++;
    changed += d0 - data;
  }
  const zerosFrom = Math.max(data, d0 + z0);
  if (written > zerosFrom) {
    pool.writeZero(image, first + zerosFrom, written - zerosFrom);
    ops++;
    changed += written - zerosFrom;
  }
  state.dataGranules = data;
  state.zeroGranules = written - data;
  // Both shares move monotonically to their limits, so once they round to them they stay there.
  const settled = written === granules && data === Math.round(dataLimit * granules);
  return { granulesWritten: changed, writes: ops, settled };
}

/**
 * Granules of the working set hit by the pages written in `durationMs`: one per run plus the run's
 * other pages as a share of a granule (the pages themselves for 4 KiB granules).
 */
function granuleHits(profile: GuestWorkload, durationMs: number, pageBytes: number, granuleBytes: number): number {
  const pages = (profile.dirtyPagesPerSec * durationMs) / 1000;
  const runs = pages * (1 - profile.locality);
  return runs + ((pages - runs) * pageBytes) / Math.max(pageBytes, granuleBytes);
}

/** The working set as granules of the pool: its first granule and how many it spans. */
function workingSetGranules(pool: MemoryImages, profile: GuestWorkload, imagePages = Infinity): { first: number; granules: number } {
  const offset = profile.workingSetOffsetBytes ?? 0;
  const first = Math.floor(offset / pool.granuleBytes);
  const granules = Math.max(1, Math.ceil((offset + profile.workingSetBytes) / pool.granuleBytes) - first);
  if (first + granules > imagePages) {
    throw new InvalidArgumentError('workingSetBytes', `working set [${offset}, ${offset + profile.workingSetBytes}) exceeds the ${imagePages * pool.granuleBytes} bytes of the memory image`);
  }
  return { first, granules };
}

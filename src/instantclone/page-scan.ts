/**
 * What a page scanner sees in a memory pool: the pages transparent page sharing (TPS) could merge,
 * and the large pages that back an image's private memory. Pure functions over
 * {@link MemoryImages.forEachRun}, so both pool modes give the same answers.
 *
 * Content. Page p holds content (tag, p); two physical pages are identical when they have the same
 * tag and index, which happens when one content tag was written into several layers (a guest OS
 * booted in several VMs, see `write`'s `content`). Pages shared by fork are one physical page already.
 */
import type { ImageId, MemoryImages } from './types.js';

/** Which physical pages a scan may look at and merge. */
export interface ScanScope {
  /** Whether the scanner may hash pages of a layer (false: e.g. still backed by a large page). */
  readonly eligible: (owner: ImageId, shared: boolean) => boolean;
  /**
   * The salt of a layer's pages: only pages with equal salts merge (ESXi's Mem.ShareForceSalting:
   * a salt per VM allows intra-VM sharing only; one salt for all allows inter-VM sharing).
   */
  readonly saltOf: (owner: ImageId, layer: number) => number;
}

/** What one pass over the pool found. */
export interface ScanCensus {
  /** Physical non-zero pages the scanner may hash. */
  readonly candidatePages: number;
  /** Candidate pages TPS could free: for each (salt, tag, page) held n times, n − 1. */
  readonly duplicatePages: number;
}

/**
 * Counts the candidate and duplicate pages of `pool` under `scope`. Only runs whose tag is in
 * `contents` (tags written into more than one place) can be duplicates; the others only count as
 * candidates. O(R + D log D): R physical runs, D runs with a tag in `contents`.
 */
export function scanCensus(pool: MemoryImages, scope: ScanScope, contents: ReadonlySet<number>): ScanCensus {
  let candidatePages = 0;
  const runs: [salt: number, tag: number, start: number, end: number][] = [];
  pool.forEachRun((start, end, tag, layer, owner, shared) => {
    if (!scope.eligible(owner, shared)) return;
    candidatePages += end - start;
    if (contents.has(tag)) runs.push([scope.saltOf(owner, layer), tag, start, end]);
  });
  runs.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  let duplicatePages = 0;
  let reach = -1;
  for (let i = 0; i < runs.length; i++) {
    const [salt, tag, start, end] = runs[i]!;
    const prev = runs[i - 1];
    if (!prev || prev[0] !== salt || prev[1] !== tag) reach = start;
    duplicatePages += Math.min(end, reach) - Math.min(start, reach);
    reach = Math.max(reach, end);
  }
  return { candidatePages, duplicatePages };
}

/**
 * Aligned regions of `regionPages` pages (a large page: 2 MiB ÷ the granule) in which `image`'s own
 * layer holds a non-zero page: the large pages backing its private memory.
 * Precondition: regionPages an integer ≥ 1; the image exists. O(runs of its own layer).
 */
export function occupiedRegions(pool: MemoryImages, image: ImageId, regionPages: number): number {
  let regions = 0;
  let last = -1;
  pool.forEachRun((start, end) => {
    const first = Math.max(Math.floor(start / regionPages), last + 1);
    const final = Math.floor((end - 1) / regionPages);
    if (final >= first) regions += final - first + 1;
    last = Math.max(last, final);
  }, image);
  return regions;
}

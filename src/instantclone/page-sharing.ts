/**
 * Large pages and transparent page sharing (TPS) on one host, over its memory pool.
 *
 * Large pages. ESXi backs guest memory with 2 MiB large pages by default, and a page scanner does
 * not share the 4 KiB pages inside them. Here a VM's private memory sits on large pages until the
 * host falls below the high state (free memory under 400% of minFree: clear or worse), when every
 * VM's large pages are broken — counted as the 2 MiB regions holding its private pages — and its
 * pages become candidates for sharing; a broken VM stays on small pages until it stops. Pages shared
 * by fork are small pages already (ESXi breaks a large page to share it). Large pages change no
 * other count: a large page is charged for the small pages written in it, not for 2 MiB.
 *
 * TPS. Pages with equal content (same content tag and page index) and equal salt merge into one.
 * Inter-VM sharing is off by default since 2014 (salting: a salt per VM); switched on, one salt for
 * all. With salting on the scanner could merge nothing in this model (a VM's only duplicates are its
 * zero pages, which are never backed), so it does not run and charges nothing. With inter-VM sharing
 * on it hashes candidate pages at about 4 MB/s per GHz of host CPU (calibration tpsScanMBPerSecPerGHz)
 * on the simulated clock, each hashed page costing a hash entry (calibration tpsHashEntryBytes,
 * 16 B) of overhead, and merges duplicates in proportion to what it has scanned: a pass over the
 * candidates merges every duplicate. A write to a merged page copies it again at once: the pages
 * merged never exceed the duplicates that exist.
 */
import type { Calibration } from '../sim/calibration.js';
import { MiB } from '../sim/units.js';
import { Int32Table } from './tables.js';
import { occupiedRegions, scanCensus, type ScanCensus, type ScanScope } from './page-scan.js';
import type { ImageId, MemoryImages } from './types.js';

/** ESXi backs guest memory with large pages by default (calibration.md, Memory). */
export const LARGE_PAGES_BY_DEFAULT = true;

/** How a host shares pages. */
export interface PageSharingOptions {
  /** Back guest memory with 2 MiB large pages. Default {@link LARGE_PAGES_BY_DEFAULT}. */
  readonly largePages?: boolean;
  /** Inter-VM TPS (Mem.ShareForceSalting = 0). Default: calibration `memory.interVmTps` (off). */
  readonly interVm?: boolean;
}

/** The page-sharing state of one host. Counts are in pool granules. */
export class PageSharing {
  readonly #pool: MemoryImages;
  readonly #calibration: Calibration;
  readonly largePages: boolean;
  #interVm: boolean;
  /**
   * Images whose private memory still sits on large pages: a flag per image id (ids are dense and
   * reused), their count, and one past the highest id flagged since the last break (a Set of ids
   * took ≈ 32 B per VM).
   */
  readonly #largeBacked = new Int32Table(0);
  #largeBackedCount = 0;
  #largeBackedEnd = 0;
  /** Content tags by name (e.g. a guest OS's boot footprint), and the set of them. */
  readonly #contents = new Map<string, number>();
  readonly #contentTags = new Set<number>();
  readonly #scope: ScanScope;
  /** Large pages broken so far. */
  brokenLargePages = 0;
  /** Pages TPS merged away (each one a duplicate copy freed). */
  mergedPages = 0;
  /** Pages with a hash entry. */
  hashedPages = 0;
  /**
   * Lower bounds of the duplicate and candidate pages now: the last census's counts less the pages
   * written since (a page written removes at most one of each). -Infinity: count again.
   */
  #duplicatesAtLeast = 0;
  #candidatesAtLeast = 0;

  /** Sharing over `pool`; see {@link PageSharingOptions}. */
  constructor(pool: MemoryImages, calibration: Calibration, options: PageSharingOptions = {}) {
    this.#pool = pool;
    this.#calibration = calibration;
    this.largePages = options.largePages ?? LARGE_PAGES_BY_DEFAULT;
    this.#interVm = options.interVm ?? calibration.memory.interVmTps;
    this.#scope = {
      eligible: (owner, shared) => shared || this.#largeBacked.get(owner) === 0,
      saltOf: (owner, layer) => (this.#interVm ? 0 : owner >= 0 ? owner : -1 - layer),
    };
  }

  /** Whether inter-VM sharing is on (salting off). */
  get interVm(): boolean {
    return this.#interVm;
  }

  /** Whether the scanner has anything to do: inter-VM sharing on. */
  get scanning(): boolean {
    return this.#interVm;
  }

  /** Switches inter-VM sharing; switching it off copies every merged page back and drops the hashes. */
  setInterVm(on: boolean): void {
    this.#interVm = on;
    if (!on) this.mergedPages = this.hashedPages = 0;
  }

  /** The content tag named `name`, if some VM wrote it on this host. */
  contentTag(name: string): number | undefined {
    return this.#contents.get(name);
  }

  /** Names the content tag `tag` (written by `pool.write`) so that others can write the same content. */
  nameContent(name: string, tag: number): void {
    this.#contents.set(name, tag);
    this.#contentTags.add(tag);
  }

  /** A new VM image on the host: its private memory goes on large pages while the host uses them. */
  track(image: ImageId): void {
    if (!this.largePages || this.#largeBacked.get(image) === 1) return;
    this.#largeBacked.set(image, 1);
    this.#largeBackedCount++;
    this.#largeBackedEnd = Math.max(this.#largeBackedEnd, image + 1);
  }

  /** The image is gone. */
  forget(image: ImageId): void {
    if (this.#largeBacked.get(image) === 1) {
      this.#largeBacked.set(image, 0);
      this.#largeBackedCount--;
    }
    this.#duplicatesAtLeast = this.#candidatesAtLeast = -Infinity;
  }

  /** Up to `pages` pages were written since the last call (a write, a workload, a boot). O(1). */
  noteWritten(pages: number): void {
    this.#duplicatesAtLeast -= pages;
    this.#candidatesAtLeast -= pages;
  }

  /** The candidate and duplicate pages now, counted afresh (for inspection). O(R + D log D). */
  census(): ScanCensus {
    const census = scanCensus(this.#pool, this.#scope, this.#contentTags);
    this.#duplicatesAtLeast = census.duplicatePages;
    this.#candidatesAtLeast = census.candidatePages;
    return census;
  }

  /** Breaks every large page still backing a VM's private memory. O(1) when none is; else O(image ids + VMs on large pages × their extents). */
  breakLargePages(): void {
    if (this.#largeBackedCount === 0) return;
    const regionPages = Math.max(1, Math.floor(this.#calibration.memory.largePageSize / this.#pool.granuleBytes));
    for (let image = 0; image < this.#largeBackedEnd; image++) {
      if (this.#largeBacked.get(image) === 0) continue;
      this.#largeBacked.set(image, 0);
      if (this.#pool.counters(image).privatePages > 0) this.brokenLargePages += occupiedRegions(this.#pool, image, regionPages);
    }
    this.#largeBackedCount = 0;
    this.#largeBackedEnd = 0;
  }

  /**
   * The scanner runs `ms` of simulated time on a host of `cpuMHz`: hashes up to its rate of pages and
   * merges the duplicates among them. Returns whether a later scan could still change something.
   * O(R + D log D) (see {@link scanCensus}).
   */
  scan(ms: number, cpuMHz: number): boolean {
    if (!this.scanning) return false;
    const m = this.#calibration.memory;
    const budget = (((m.tpsScanMBPerSecPerGHz * cpuMHz) / 1000) * (ms / 1000) * MiB) / this.#pool.granuleBytes;
    const { candidatePages, duplicatePages } = this.census();
    this.hashedPages = Math.min(candidatePages, this.hashedPages + budget);
    const found = candidatePages > 0 ? (budget * duplicatePages) / candidatePages : 0;
    this.mergedPages = Math.min(duplicatePages, this.mergedPages + found);
    return this.hashedPages < candidatePages || this.mergedPages < duplicatePages;
  }

  /**
   * After writes, forks or releases: merged pages that no longer have a twin are copied back and
   * hashes of pages gone are dropped. O(1) while nothing is merged or hashed (TPS off, or not yet
   * scanned) or the pages written since the last census cannot have removed a merged or hashed
   * page; else a census, as {@link scan}.
   */
  reconcile(): void {
    if (this.mergedPages === 0 && this.hashedPages === 0) return;
    if (this.mergedPages <= this.#duplicatesAtLeast && this.hashedPages <= this.#candidatesAtLeast) return;
    const { candidatePages, duplicatePages } = this.census();
    this.mergedPages = Math.min(this.mergedPages, duplicatePages);
    this.hashedPages = Math.min(this.hashedPages, candidatePages);
  }

  /** Overhead of the hash entries, MB. */
  get hashMB(): number {
    return (this.hashedPages * (this.#pool.granuleBytes / this.#calibration.memory.pageSize) * this.#calibration.memory.tpsHashEntryBytes) / MiB;
  }
}

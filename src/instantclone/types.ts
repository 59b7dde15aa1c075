/**
 * The public shape of a pool of copy-on-write memory images (one host's guest-physical memory).
 * Two implementations share it: {@link ExtentMemoryPool} (extents; the model's) and
 * {@link ExactMemoryPool} (one content tag per page; the tests' oracle). They agree on every count.
 */
import type { Calibration } from '../sim/calibration.js';

/** A memory image's handle within its pool. Valid until the image is destroyed; then reused. */
export type ImageId = number;

/** Which representation a pool uses. */
export type PoolMode = 'extent' | 'exact';

/** Page counts of one image. All in granules of the pool (see {@link MemoryImages.granuleBytes}). */
export interface ImageCounters {
  /** Configured memory in pages: `privatePages + sharedPages + zeroPages`. */
  readonly pages: number;
  /** Non-zero pages no other image can reach: its own writes, or a frozen template nobody forked. */
  readonly privatePages: number;
  /** Non-zero pages it reads from a generation that another image also references (shared by fork). */
  readonly sharedPages: number;
  /** Pages it reads as zero (never touched, or written with zeros); backed by the one zero page. */
  readonly zeroPages: number;
  /** Non-zero pages it reads: `privatePages + sharedPages`. */
  readonly residentPages: number;
  /** Sealed generations in its chain (a frozen image counts its own); 0 for a fresh image. */
  readonly depth: number;
  /** True once {@link MemoryImages.freeze} made it a template. */
  readonly frozen: boolean;
}

/** Aggregates of a whole pool, each kept up to date in O(1) per operation (no rescans). */
export interface PoolCounters {
  /** Images alive. */
  readonly images: number;
  /** Layers alive: every writable layer plus every sealed generation. */
  readonly layers: number;
  /** Sealed generations alive (frozen templates' included). */
  readonly generations: number;
  /** Sum of the reference counts of all sealed generations; 0 once everything is destroyed. */
  readonly references: number;
  /** Sum of the configured pages of all images. */
  readonly configuredPages: number;
  /** Sum of every image's resident (non-zero) pages: what the guests see. */
  readonly mappedPages: number;
  /** Sum of every image's zero pages: `configuredPages - mappedPages`. */
  readonly zeroPages: number;
  /** Distinct non-zero physical pages that back all images: what the host consumes for guest memory. */
  readonly physicalPages: number;
  /** Physical pages that only one image can reach. */
  readonly privatePages: number;
  /** Physical pages held in generations that two or more images reference: `physicalPages - privatePages`. */
  readonly sharedPages: number;
  /** Pages copied on first write to a page read from a sealed generation (copy-on-write events). */
  readonly cowEvents: number;
  /** Write operations (ranges) applied. */
  readonly writes: number;
  /** Forks made. */
  readonly forks: number;
  /** Operations that changed images (create, fork, freeze, write, destroy): equal counts at two moments mean no image's counters changed between them. */
  readonly changes: number;
}

/**
 * One run of physical pages [start, end) holding `tag`, in layer `layer`; `owner` is the image owning
 * the layer (its writable layer or frozen template) or -1 for a generation of a running-source fork;
 * `shared` is true when two or more images read the layer (pages shared by fork).
 */
export type RunVisitor = (start: number, end: number, tag: number, layer: number, owner: ImageId, shared: boolean) => void;

/** Options of a memory pool. */
export interface MemoryPoolOptions {
  /** Defaults: granule sizes and the generation limits (`cloneGenerations`). */
  readonly calibration?: Calibration;
  /** The copy-on-write granule in bytes; overrides `largePages`. Default: calibration page size (4 KiB). */
  readonly granuleBytes?: number;
  /** Back guest memory with large pages (calibration large page size, 2 MiB) as the granule. */
  readonly largePages?: boolean;
  /** Called when a fork or freeze takes an image above `cloneGenerations.warnAbove` levels. */
  readonly onGenerationWarning?: (image: ImageId, depth: number) => void;
}

/**
 * A pool of memory images sharing pages by copy-on-write. Pages are granules of
 * {@link granuleBytes}; page content is identified by the tag of the write that produced it (0 is the
 * zero page), so two pages hold the same content when they have the same index and the same tag.
 * Every method throws NotFoundError for an unknown or destroyed image.
 */
export interface MemoryImages {
  /** The representation. */
  readonly mode: PoolMode;
  /** Bytes per page (the copy-on-write granule). */
  readonly granuleBytes: number;
  /** A new image of `pages` zero pages, depth 0, writable. Precondition: `pages` an integer ≥ 1. O(1). */
  create(pages: number): ImageId;
  /** A new image covering `bytes` of memory (rounded up to whole granules). Precondition: bytes > 0. */
  createBytes(bytes: number): ImageId;
  /**
   * Instant clone: a new image that reads exactly what `source` reads. From a frozen template the
   * child references the template's generation (depth unchanged). From a running source the source's
   * writable layer is sealed and both sides get a fresh layer over it (depth + 1 on both).
   * O(1). Throws GenerationLimitError when the depth would reach `cloneGenerations.failAt`.
   */
  fork(source: ImageId): ImageId;
  /** Seals a writable image as a template (depth + 1); it can be forked but no longer written. O(1). */
  freeze(image: ImageId): void;
  /**
   * Writes new content to pages [first, first + count) and returns its content tag. Given `content`
   * (a tag this pool returned before), writes that content instead: page p then holds what page p of
   * every other write of that tag holds (identical pages, as transparent page sharing finds them).
   * Precondition: the image is not frozen; the range lies inside the image. O(extents touched × depth).
   */
  write(image: ImageId, first: number, count: number, content?: number): number;
  /** Writes zeros to pages [first, first + count); same preconditions and cost as {@link write}. */
  writeZero(image: ImageId, first: number, count: number): void;
  /** Writes the granules that the byte range [offset, offset + length) touches; `zero` writes zeros. */
  writeBytes(image: ImageId, offset: number, length: number, zero?: boolean): void;
  /** The content tag the image reads at `page` (0 = zero page). O(depth × log extents). */
  read(image: ImageId, page: number): number;
  /**
   * Destroys the image and frees its private pages. Generations it referenced lose one reference:
   * at zero they are freed; left with a single user that is a writable layer or an unshared template
   * they are folded into it, freeing the pages that user had overwritten. O(extents of what is folded).
   */
  destroy(image: ImageId): void;
  /** True while the image exists. */
  exists(image: ImageId): boolean;
  /** The image's counters. O(1). */
  counters(image: ImageId): ImageCounters;
  /** The image's resident pages (its counters' residentPages, without building them). O(1). */
  residentPages(image: ImageId): number;
  /**
   * Calls `visit` once per run of consecutive pages with one non-zero tag that a live layer physically
   * holds (every physical page exactly once over the pool), or only the runs of `image`'s own layer.
   * Runs of one layer come in page order; how a layer's pages split into runs depends on the mode.
   * O(extents) in extent mode, O(pages) in exact mode.
   */
  forEachRun(visit: RunVisitor, image?: ImageId): void;
  /** The pool's aggregates. O(1). */
  totals(): PoolCounters;
}

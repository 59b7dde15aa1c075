/**
 * The tests' oracle: the same generation tree, but every layer holds one content tag per page
 * (a Float64Array of the image's size, -1 where the layer holds nothing). Layer operations are plain
 * loops over pages, and {@link ExactMemoryPool.recount} recomputes every counter by scanning, so the
 * extent pool's incremental counts can be checked against both. O(pages) per write: tests only.
 */
import { NotFoundError } from '../sim/errors.js';
import { GenerationTree, LayerKind } from './generations.js';
import type { ImageCounters, ImageId, MemoryPoolOptions, PoolCounters, PoolMode } from './types.js';

/** Pool counters recomputed from the pages themselves. */
export type RecountedTotals = Pick<
  PoolCounters,
  'images' | 'layers' | 'generations' | 'references' | 'configuredPages' | 'mappedPages' | 'physicalPages' | 'privatePages'
>;

/** Copy-on-write memory images with per-page content tags. Same interface and counts as the extent pool. */
export class ExactMemoryPool extends GenerationTree {
  readonly mode: PoolMode = 'exact';
  readonly #layers: (Float64Array | undefined)[] = [];

  /** A pool; see {@link MemoryPoolOptions}. */
  constructor(options: MemoryPoolOptions = {}) {
    super(options);
  }

  /** The image's counters computed by reading every page and walking its chain. O(pages × depth). */
  recount(image: ImageId): ImageCounters {
    if (!this.exists(image)) throw new NotFoundError('memory image', String(image));
    const pages = this.pageCount.get(image);
    const top = this.top.get(image);
    let residentPages = 0;
    for (let page = 0; page < pages; page++) if (this.read(image, page) !== 0) residentPages++;
    const own = this.#nonZeroIn(top);
    const frozen = this.kind.get(top) === LayerKind.Sealed;
    const privatePages = !frozen || this.refs.get(top) === 1 ? own : 0;
    let depth = frozen ? 1 : 0;
    for (let layer = this.parent.get(top); layer >= 0; layer = this.parent.get(layer)) depth++;
    return { pages, privatePages, sharedPages: residentPages - privatePages, zeroPages: pages - residentPages, residentPages, depth, frozen };
  }

  /** The pool's counters computed by scanning every layer and image. O(total pages × depth). */
  recountTotals(): RecountedTotals {
    const totals = { images: 0, layers: 0, generations: 0, references: 0, configuredPages: 0, mappedPages: 0, physicalPages: 0, privatePages: 0 };
    for (let layer = 0; layer < this.layerHigh; layer++) {
      const kind = this.kind.get(layer);
      if (kind === LayerKind.Free) continue;
      const nonZero = this.#nonZeroIn(layer);
      totals.layers++;
      totals.physicalPages += nonZero;
      if (kind === LayerKind.Sealed) {
        totals.generations++;
        totals.references += this.refs.get(layer);
      }
      const unshared = kind === LayerKind.Writable || (this.owner.get(layer) >= 0 && this.refs.get(layer) === 1);
      if (unshared) totals.privatePages += nonZero;
    }
    for (let image = 0; image < this.imageHigh; image++) {
      if (!this.exists(image)) continue;
      totals.images++;
      totals.configuredPages += this.pageCount.get(image);
      totals.mappedPages += this.recount(image).residentPages;
    }
    return totals;
  }

  protected overwriteLayer(layer: number, first: number, end: number, tag: number, pages: number): void {
    const tags = this.#layers[layer] ?? new Float64Array(pages).fill(-1);
    this.#layers[layer] = tags;
    let covered = 0;
    let inherited = 0;
    for (let page = first; page < end; page++) {
      const old = tags[page]!;
      if (old > 0) covered++;
      else if (old < 0 && this.#readFrom(this.parent.get(layer), page) !== 0) inherited++;
      tags[page] = tag;
    }
    this.coveredNonZero = covered;
    this.inheritedNonZero = inherited;
  }

  protected tagInLayer(layer: number, page: number): number {
    return this.#layers[layer]?.[page] ?? -1;
  }

  protected foldLayer(upper: number, lower: number): void {
    const above = this.#layers[upper];
    this.#layers[upper] = undefined;
    let shadowed = 0;
    let moved = 0;
    if (above) {
      const below = this.#layers[lower] ?? new Float64Array(above.length).fill(-1);
      this.#layers[lower] = below;
      for (let page = 0; page < above.length; page++) {
        const tag = above[page]!;
        if (tag < 0) continue;
        if (below[page]! >= 0) {
          if (tag > 0) shadowed++;
        } else {
          below[page] = tag;
          if (tag > 0) moved++;
        }
      }
    }
    this.shadowedNonZero = shadowed;
    this.movedNonZero = moved;
  }

  protected dropLayer(layer: number): void {
    this.#layers[layer] = undefined;
  }

  protected visitRuns(layer: number, visit: (start: number, end: number, tag: number) => void): void {
    const tags = this.#layers[layer];
    if (!tags) return;
    let start = 0;
    for (let page = 1; page <= tags.length; page++) {
      if (page < tags.length && tags[page] === tags[start]) continue;
      if (tags[start]! > 0) visit(start, page, tags[start]!);
      start = page;
    }
  }

  #readFrom(layer: number, page: number): number {
    for (; layer >= 0; layer = this.parent.get(layer)) {
      const tag = this.tagInLayer(layer, page);
      if (tag >= 0) return tag;
    }
    return 0;
  }

  #nonZeroIn(layer: number): number {
    const tags = this.#layers[layer];
    let count = 0;
    if (tags) for (const tag of tags) if (tag > 0) count++;
    return count;
  }
}

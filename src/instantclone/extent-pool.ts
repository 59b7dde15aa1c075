/**
 * The model's memory pool: each layer's pages as extents (see extent-layer.ts). Forks touch no
 * extents; a write costs O(log n) in its own layer plus a lookup per uncovered gap in each ancestor
 * until the gap is resolved — O(dirtied extents × depth), never O(configured memory).
 */
import { GenerationTree } from './generations.js';
import {
  extentCount,
  extentEnd,
  extentStart,
  extentTag,
  firstEndingAfter,
  foldExtents,
  singleExtent,
  spliceExtents,
  tagAt,
} from './extent-layer.js';
import type { Extents } from './extent-layer.js';
import { NotFoundError } from '../sim/errors.js';
import type { ImageId, MemoryPoolOptions, PoolMode } from './types.js';

/**
 * Copy-on-write memory images held as extents: no per-page state, a layer's array is allocated on
 * its first write, so a clean fork costs two table rows. See {@link GenerationTree} for semantics.
 */
export class ExtentMemoryPool extends GenerationTree {
  readonly mode: PoolMode = 'extent';
  /** Extents per layer id; undefined while the layer holds nothing. */
  readonly #layers: (Extents | undefined)[] = [];

  /** A pool; see {@link MemoryPoolOptions}. */
  constructor(options: MemoryPoolOptions = {}) {
    super(options);
  }

  /** Extents in the image's own layer (writable, or its frozen generation); for inspection. O(1). */
  ownExtents(image: ImageId): number {
    if (!this.exists(image)) throw new NotFoundError('memory image', String(image));
    const x = this.#layers[this.top.get(image)];
    return x ? extentCount(x) : 0;
  }

  protected overwriteLayer(layer: number, first: number, end: number, tag: number): void {
    const above = this.parent.get(layer);
    const x = this.#layers[layer];
    if (!x) {
      this.coveredNonZero = 0;
      this.inheritedNonZero = this.#visibleNonZero(above, first, end);
      this.#layers[layer] = singleExtent(first, end, tag);
      return;
    }
    const n = extentCount(x);
    const i = firstEndingAfter(x, first);
    let j = i;
    let cursor = first;
    let covered = 0;
    let inherited = 0;
    for (; j < n && extentStart(x, j) < end; j++) {
      const s = Math.max(extentStart(x, j), first);
      const e = Math.min(extentEnd(x, j), end);
      if (s > cursor) inherited += this.#visibleNonZero(above, cursor, s);
      if (extentTag(x, j) !== 0) covered += e - s;
      cursor = e;
    }
    if (cursor < end) inherited += this.#visibleNonZero(above, cursor, end);
    this.coveredNonZero = covered;
    this.inheritedNonZero = inherited;
    spliceExtents(x, i, j, first, end, tag);
  }

  protected tagInLayer(layer: number, page: number): number {
    const x = this.#layers[layer];
    return x ? tagAt(x, page) : -1;
  }

  protected foldLayer(upper: number, lower: number): void {
    const above = this.#layers[upper];
    const below = this.#layers[lower];
    this.#layers[upper] = undefined;
    if (!above) {
      this.shadowedNonZero = 0;
      this.movedNonZero = 0;
      return;
    }
    if (!below) {
      this.shadowedNonZero = 0;
      this.movedNonZero = this.nonZero.get(upper);
      this.#layers[lower] = above;
      return;
    }
    const folded = foldExtents(above, below);
    this.shadowedNonZero = folded.shadowedNonZero;
    this.movedNonZero = folded.movedNonZero;
    this.#layers[lower] = folded.extents;
  }

  protected dropLayer(layer: number): void {
    this.#layers[layer] = undefined;
  }

  protected visitRuns(layer: number, visit: (start: number, end: number, tag: number) => void): void {
    const x = this.#layers[layer];
    if (!x) return;
    for (let j = 0, n = extentCount(x); j < n; j++) if (extentTag(x, j) !== 0) visit(extentStart(x, j), extentEnd(x, j), extentTag(x, j));
  }

  /** Non-zero pages of [first, end) read from `layer` and its ancestors. O(extents met × depth). */
  #visibleNonZero(layer: number, first: number, end: number): number {
    for (; layer >= 0; layer = this.parent.get(layer)) {
      const x = this.#layers[layer];
      if (!x) continue;
      const above = this.parent.get(layer);
      const n = extentCount(x);
      let cursor = first;
      let count = 0;
      for (let j = firstEndingAfter(x, first); j < n && extentStart(x, j) < end; j++) {
        const s = Math.max(extentStart(x, j), first);
        const e = Math.min(extentEnd(x, j), end);
        if (s > cursor) count += this.#visibleNonZero(above, cursor, s);
        if (extentTag(x, j) !== 0) count += e - s;
        cursor = e;
      }
      if (cursor < end) count += this.#visibleNonZero(above, cursor, end);
      return count;
    }
    return 0;
  }
}

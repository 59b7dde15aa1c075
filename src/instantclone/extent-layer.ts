/**
 * A layer's pages as sorted, disjoint extents in one flat array of numbers: slot 0 holds the extent
 * count n, then n triples (start, end, tag) with `end` exclusive. Page p of an extent holds content
 * (tag, p), so splitting an extent needs no bookkeeping and touching extents with one tag merge.
 * One array per written layer, no per-page and no per-extent objects. A plain array rather than a
 * typed one: V8 allocates a small typed array about 20× slower, and a layer is born on each first write.
 */

/** A layer's extents (layout above). */
export type Extents = number[];

/** Slots before the first extent. */
const HEADER = 1;
/** Slots per extent. */
const STRIDE = 3;

/** An empty layer. */
export function emptyExtents(): Extents {
  return [0];
}

/** A layer holding the one extent [start, end) with `tag`. */
export function singleExtent(start: number, end: number, tag: number): Extents {
  return [1, start, end, tag];
}

/** Number of extents. O(1). */
export function extentCount(x: Extents): number {
  return x[0]!;
}

/** First page of extent i. Precondition: 0 ≤ i < count. */
export function extentStart(x: Extents, i: number): number {
  return x[HEADER + STRIDE * i]!;
}

/** End (exclusive) of extent i. Precondition: 0 ≤ i < count. */
export function extentEnd(x: Extents, i: number): number {
  return x[HEADER + STRIDE * i + 1]!;
}

/** Tag of extent i. Precondition: 0 ≤ i < count. */
export function extentTag(x: Extents, i: number): number {
  return x[HEADER + STRIDE * i + 2]!;
}

/** Index of the first extent ending after `page` (count if none). O(1) past the last extent, else O(log n). */
export function firstEndingAfter(x: Extents, page: number): number {
  let lo = 0;
  let hi = x[0]!;
  if (hi === 0 || x[HEADER + STRIDE * (hi - 1) + 1]! <= page) return hi;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[HEADER + STRIDE * mid + 1]! <= page) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The tag the layer holds at `page`, or -1. O(log n). */
export function tagAt(x: Extents, page: number): number {
  const i = firstEndingAfter(x, page);
  return i < x[0]! && extentStart(x, i) <= page ? extentTag(x, i) : -1;
}

/**
 * Replaces, in place, extents [i, j) — those overlapping [a, b) — by [a, b) with `tag`, keeping the
 * parts of the first and last that stick out, and merging with touching neighbours of the same tag.
 * O(1) plus the extents after j, which shift by at most two places.
 */
export function spliceExtents(x: Extents, i: number, j: number, a: number, b: number, tag: number): void {
  const n = x[0]!;
  let start = a;
  let end = b;
  let lo = i;
  let hi = j;
  let left = -1;
  let right = -1;
  if (i < j && extentStart(x, i) < a) {
    if (extentTag(x, i) === tag) start = extentStart(x, i);
    else left = extentStart(x, i);
  } else if (i > 0 && extentEnd(x, i - 1) === a && extentTag(x, i - 1) === tag) {
    start = extentStart(x, --lo);
  }
  if (i < j && extentEnd(x, j - 1) > b) {
    if (extentTag(x, j - 1) === tag) end = extentEnd(x, j - 1);
    else right = extentEnd(x, j - 1);
  } else if (j < n && extentStart(x, j) === b && extentTag(x, j) === tag) {
    end = extentEnd(x, hi++);
  }
  const leftTag = left >= 0 ? extentTag(x, i) : 0;
  const rightTag = right >= 0 ? extentTag(x, j - 1) : 0;
  const pieces = 1 + (left >= 0 ? 1 : 0) + (right >= 0 ? 1 : 0);
  moveTail(x, hi, pieces - (hi - lo));
  let at = HEADER + STRIDE * lo;
  if (left >= 0) at = put(x, at, left, a, leftTag);
  at = put(x, at, start, end, tag);
  if (right >= 0) put(x, at, b, right, rightTag);
}

/**
 * Tails longer than this many slots move with Array.prototype.splice, whose memmove on a packed
 * array is ~25× faster than the element loop on a 300,000-slot layer (measured: 20,000 random
 * ±1-extent shifts, 0.8 s vs 41 s); shorter tails use the loop, which allocates nothing.
 */
const SPLICE_TAIL_SLOTS = 96;

/**
 * Shifts extents [from, n) by `delta` places (|delta| ≤ 2 here), growing or shrinking the array, and
 * updates the count. An append moves nothing. O(slots after `from`), a memmove for long tails.
 */
function moveTail(x: Extents, from: number, delta: number): void {
  const tail = HEADER + STRIDE * from;
  const length = x.length;
  const shift = STRIDE * delta;
  if (length - tail > SPLICE_TAIL_SLOTS && (shift < 0 || delta === 1 || delta === 2)) {
    if (shift < 0) x.splice(tail + shift, -shift);
    else if (delta === 1) x.splice(tail, 0, 0, 0, 0);
    else x.splice(tail, 0, 0, 0, 0, 0, 0, 0);
  } else if (shift > 0) {
    for (let k = 0; k < shift; k++) x.push(0);
    for (let k = length - 1; k >= tail; k--) x[k + shift] = x[k]!;
  } else if (shift < 0) {
    for (let k = tail; k < length; k++) x[k + shift] = x[k]!;
    x.length = length + shift;
  }
  x[0] = x[0]! + delta;
}

function put(x: Extents, at: number, start: number, end: number, tag: number): number {
  x[at] = start;
  x[at + 1] = end;
  x[at + 2] = tag;
  return at + STRIDE;
}

/** Result of {@link foldExtents}. */
export interface FoldedExtents {
  /** The merged layer. */
  readonly extents: Extents;
  /** Non-zero pages of the upper layer that the lower one hid. */
  readonly shadowedNonZero: number;
  /** Non-zero pages of the upper layer carried into the result. */
  readonly movedNonZero: number;
}

/**
 * The lower layer over the upper one as a single layer: lower's extents plus the parts of upper's
 * that lower does not cover, touching same-tag extents merged. O(n_upper + n_lower).
 */
export function foldExtents(upper: Extents, lower: Extents): FoldedExtents {
  const pieces = emptyExtents();
  let shadowed = 0;
  let moved = 0;
  const nl = extentCount(lower);
  let u = 0;
  for (let k = 0; k < extentCount(upper); k++) {
    const s = extentStart(upper, k);
    const e = extentEnd(upper, k);
    const t = extentTag(upper, k);
    let cur = s;
    while (u < nl && extentEnd(lower, u) <= s) u++;
    let v = u;
    while (v < nl && extentStart(lower, v) < e) {
      const ls = extentStart(lower, v);
      if (ls > cur) {
        append(pieces, cur, ls, t);
        if (t !== 0) moved += ls - cur;
        cur = ls;
      }
      const covered = Math.min(extentEnd(lower, v), e);
      if (t !== 0) shadowed += covered - cur;
      cur = covered;
      if (cur >= e) break;
      v++;
    }
    if (cur < e) {
      append(pieces, cur, e, t);
      if (t !== 0) moved += e - cur;
    }
    u = v;
  }
  return { extents: mergeSorted(lower, pieces), shadowedNonZero: shadowed, movedNonZero: moved };
}

/** Two sorted, mutually disjoint extent lists as one, touching same-tag extents merged. */
function mergeSorted(p: Extents, q: Extents): Extents {
  const np = extentCount(p);
  const nq = extentCount(q);
  const out = emptyExtents();
  let i = 0;
  let j = 0;
  while (i < np || j < nq) {
    const fromP = j >= nq || (i < np && extentStart(p, i) < extentStart(q, j));
    const src = fromP ? p : q;
    const k = fromP ? i++ : j++;
    append(out, extentStart(src, k), extentEnd(src, k), extentTag(src, k));
  }
  return out;
}

/** Adds [start, end) with `tag` after the last extent, merging when it touches one of the same tag. */
function append(x: Extents, start: number, end: number, tag: number): void {
  const n = x[0]!;
  const last = HEADER + STRIDE * (n - 1);
  if (n > 0 && x[last + 1] === start && x[last + 2] === tag) {
    x[last + 1] = end;
    return;
  }
  x.push(start, end, tag);
  x[0] = n + 1;
}

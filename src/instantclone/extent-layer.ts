/**
 * A layer's pages as sorted, disjoint extents in one Float64Array: slot 0 holds the extent count n,
 * then n triples (start, end, tag) with `end` exclusive. Page p of an extent holds content (tag, p),
 * so splitting an extent needs no bookkeeping and touching extents with one tag merge.
 * One typed array per written layer: no per-page and no per-extent objects.
 */

/** Slots before the first extent. */
const HEADER = 1;
/** Slots per extent. */
const STRIDE = 3;

/** An empty layer with room for `capacity` extents. */
export function emptyExtents(capacity = 4): Float64Array {
  return new Float64Array(HEADER + STRIDE * capacity);
}

/** Number of extents. O(1). */
export function extentCount(x: Float64Array): number {
  return x[0]!;
}

/** First page of extent i. Precondition: 0 ≤ i < count. */
export function extentStart(x: Float64Array, i: number): number {
  return x[HEADER + STRIDE * i]!;
}

/** End (exclusive) of extent i. Precondition: 0 ≤ i < count. */
export function extentEnd(x: Float64Array, i: number): number {
  return x[HEADER + STRIDE * i + 1]!;
}

/** Tag of extent i. Precondition: 0 ≤ i < count. */
export function extentTag(x: Float64Array, i: number): number {
  return x[HEADER + STRIDE * i + 2]!;
}

/** Index of the first extent ending after `page` (count if none). O(log n). */
export function firstEndingAfter(x: Float64Array, page: number): number {
  let lo = 0;
  let hi = x[0]!;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[HEADER + STRIDE * mid + 1]! <= page) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The tag the layer holds at `page`, or -1. O(log n). */
export function tagAt(x: Float64Array, page: number): number {
  const i = firstEndingAfter(x, page);
  return i < x[0]! && extentStart(x, i) <= page ? extentTag(x, i) : -1;
}

/**
 * Replaces extents [i, j) — those overlapping [a, b) — by [a, b) with `tag`, keeping the parts of the
 * first and last that stick out, and merging with touching neighbours of the same tag.
 * Returns the array, reallocated when it had to grow. O(log n + moved tail), a memmove.
 */
export function spliceExtents(x: Float64Array, i: number, j: number, a: number, b: number, tag: number): Float64Array {
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
  const out = moveTail(x, hi, pieces - (hi - lo));
  let at = HEADER + STRIDE * lo;
  if (left >= 0) at = put(out, at, left, a, leftTag);
  at = put(out, at, start, end, tag);
  if (right >= 0) put(out, at, b, right, rightTag);
  return out;
}

/** Shifts extents [from, n) by `delta` places (growing the array if needed) and updates the count. */
function moveTail(x: Float64Array, from: number, delta: number): Float64Array {
  const n = x[0]!;
  const needed = HEADER + STRIDE * (n + delta);
  const tail = HEADER + STRIDE * from;
  let out = x;
  if (needed > x.length) {
    out = new Float64Array(Math.max(needed, x.length * 2));
    out.set(x.subarray(0, tail));
    out.set(x.subarray(tail, HEADER + STRIDE * n), tail + STRIDE * delta);
  } else if (delta !== 0) {
    out.copyWithin(tail + STRIDE * delta, tail, HEADER + STRIDE * n);
  }
  out[0] = n + delta;
  return out;
}

function put(x: Float64Array, at: number, start: number, end: number, tag: number): number {
  x[at] = start;
  x[at + 1] = end;
  x[at + 2] = tag;
  return at + STRIDE;
}

/** Result of {@link foldExtents}. */
export interface FoldedExtents {
  /** The merged layer. */
  readonly extents: Float64Array;
  /** Non-zero pages of the upper layer that the lower one hid. */
  readonly shadowedNonZero: number;
  /** Non-zero pages of the upper layer carried into the result. */
  readonly movedNonZero: number;
}

/**
 * The lower layer over the upper one as a single layer: lower's extents plus the parts of upper's
 * that lower does not cover, touching same-tag extents merged. O(n_upper + n_lower).
 */
export function foldExtents(upper: Float64Array, lower: Float64Array): FoldedExtents {
  const pieces = emptyExtents(extentCount(upper) + extentCount(lower));
  let count = 0;
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
        put(pieces, HEADER + STRIDE * count++, cur, ls, t);
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
      put(pieces, HEADER + STRIDE * count++, cur, e, t);
      if (t !== 0) moved += e - cur;
    }
    u = v;
  }
  pieces[0] = count;
  return { extents: mergeSorted(lower, pieces), shadowedNonZero: shadowed, movedNonZero: moved };
}

/** Two sorted, mutually disjoint extent lists as one, touching same-tag extents merged. */
function mergeSorted(p: Float64Array, q: Float64Array): Float64Array {
  const np = extentCount(p);
  const nq = extentCount(q);
  const out = emptyExtents(Math.max(4, np + nq));
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < np || j < nq) {
    const fromP = j >= nq || (i < np && extentStart(p, i) < extentStart(q, j));
    const src = fromP ? p : q;
    const k = fromP ? i++ : j++;
    const s = extentStart(src, k);
    const at = HEADER + STRIDE * (n - 1);
    if (n > 0 && out[at + 1] === s && out[at + 2] === extentTag(src, k)) {
      out[at + 1] = extentEnd(src, k);
    } else {
      put(out, HEADER + STRIDE * n++, s, extentEnd(src, k), extentTag(src, k));
    }
  }
  out[0] = n;
  return out;
}

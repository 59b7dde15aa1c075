/**
 * Which points of a long series a chart draws: a 30-day run at 5-minute samples has 8,640 points
 * per series, ten times the pixels a chart is wide. Above {@link MAX_DRAWN_POINTS} the series is cut
 * into buckets of consecutive points and each bucket keeps its first, lowest, highest and last
 * point (the M4 rule), so the drawn line covers exactly the range the data spans in every pixel
 * column; below it every point is drawn.
 */

/** Points a chart draws per series at most (≈ 4 per pixel column of a report chart). */
export const MAX_DRAWN_POINTS = 2000;

/**
 * Indices of `ys` to draw, ascending: all of them when there are at most `max`, else per bucket of
 * ⌈n ÷ (max / 4)⌉ consecutive points the first, the lowest, the highest and the last. O(n).
 * Precondition: max ≥ 4.
 */
export function envelopeIndices(ys: readonly number[], max = MAX_DRAWN_POINTS): number[] {
  const n = ys.length;
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const size = Math.ceil(n / Math.floor(max / 4));
  const out: number[] = [];
  for (let first = 0; first < n; first += size) {
    const last = Math.min(n, first + size) - 1;
    let lo = first;
    let hi = first;
    for (let i = first + 1; i <= last; i++) {
      if (ys[i]! < ys[lo]!) lo = i;
      if (ys[i]! > ys[hi]!) hi = i;
    }
    for (const i of [first, Math.min(lo, hi), Math.max(lo, hi), last]) if (out[out.length - 1] !== i) out.push(i);
  }
  return out;
}

/**
 * Max-min water filling with floors, caps and weights: the way DRS divides a parent's
 * entitlement among its children by shares.
 */

/** One claimant: it gets at least `floor`, at most `cap` (≥ floor), and grows in proportion to `weight` (≥ 0; weight 0 stays at its floor). */
export interface FillItem {
  readonly floor: number;
  readonly cap: number;
  readonly weight: number;
}

/**
 * Divides `total` among `items`: item i gets clamp(λ·weight_i, floor_i, cap_i) for the level λ
 * at which the amounts add up to `total`. When `total` is below the sum of the floors, each gets
 * its floor scaled down in proportion; above what the claimants can take, each gets its cap
 * (the rest is left over). Deterministic; O(n log n).
 * Preconditions: floors ≥ 0, caps ≥ floors (Infinity allowed), weights ≥ 0, total ≥ 0.
 */
export function waterFill(items: readonly FillItem[], total: number): number[] {
  const floor = Float64Array.from(items, (it) => it.floor);
  const cap = Float64Array.from(items, (it) => it.cap);
  const weight = Float64Array.from(items, (it) => it.weight);
  const out = new Float64Array(items.length);
  waterFillInto(floor, cap, weight, total, out);
  return Array.from(out);
}

/**
 * {@link waterFill} over parallel arrays (item i is floor[i], cap[i], weight[i]), writing item i's
 * amount into out[i]: the same arithmetic in the same order, so the same amounts to the bit, with
 * no object per item. O(n log n). Preconditions: as waterFill; the four arrays have one length.
 */
export function waterFillInto(floor: Float64Array, cap: Float64Array, weight: Float64Array, total: number, out: Float64Array): void {
  fillAtLevel(floor, cap, weight, floor.length, total, out, (floors) => fillLevel(floor, cap, weight, total, floors));
}

/**
 * The water fill of items 0..n−1 around a level: all at their floor scaled down when `total` does
 * not cover the floors, all at their cap when it covers the caps, else each at
 * min(cap, max(floor, level × weight)) with the level from `levelOf(floors)` — the one step the
 * comparator fill and the radix fill (waterfill-radix.ts) compute differently. O(n) plus `levelOf`.
 */
export function fillAtLevel(floor: Float64Array, cap: Float64Array, weight: Float64Array, n: number, total: number, out: Float64Array, levelOf: (floors: number) => number): void {
  let floors = 0;
  let caps = 0;
  for (let i = 0; i < n; i++) {
    floors += floor[i]!;
    caps += cap[i]!;
  }
  if (total <= floors) {
    for (let i = 0; i < n; i++) out[i] = floors > 0 ? (floor[i]! * total) / floors : 0;
    return;
  }
  if (total >= caps) {
    for (let i = 0; i < n; i++) out[i] = weight[i]! > 0 ? cap[i]! : floor[i]!;
    return;
  }
  const level = levelOf(floors);
  for (let i = 0; i < n; i++) out[i] = Math.min(cap[i]!, Math.max(floor[i]!, level * weight[i]!));
}

function fillLevel(floor: Float64Array, cap: Float64Array, weight: Float64Array, total: number, floors: number): number {
  const at = new Float64Array(2 * floor.length);
  const slopeOf = new Float64Array(2 * floor.length);
  let count = 0;
  for (let i = 0; i < floor.length; i++) {
    const w = weight[i]!;
    if (w <= 0 || cap[i]! <= floor[i]!) continue;
    at[count] = floor[i]! / w;
    slopeOf[count++] = w;
    at[count] = cap[i]! / w;
    slopeOf[count++] = -w;
  }
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => at[a]! - at[b]! || slopeOf[a]! - slopeOf[b]!);
  let level = 0;
  let value = floors;
  let slope = 0;
  for (const e of order) {
    const next = value + slope * (at[e]! - level);
    if (slope > 0 && next >= total) return level + (total - value) / slope;
    value = next;
    level = at[e]!;
    slope += slopeOf[e]!;
  }
  // Only reachable through rounding: every item sits at its cap.
  return slope > 0 ? level + (total - value) / slope : level;
}

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
  let floors = 0;
  let caps = 0;
  for (const it of items) {
    floors += it.floor;
    caps += it.cap;
  }
  if (total <= floors) return items.map((it) => (floors > 0 ? (it.floor * total) / floors : 0));
  if (total >= caps) return items.map((it) => (it.weight > 0 ? it.cap : it.floor));
  const level = fillLevel(items, total, floors);
  return items.map((it) => Math.min(it.cap, Math.max(it.floor, level * it.weight)));
}

/** The level λ where Σ clamp(λ·w, floor, cap) = total, for floors < total < caps. */
function fillLevel(items: readonly FillItem[], total: number, floors: number): number {
  const events: { at: number; slope: number }[] = [];
  for (const it of items) {
    if (it.weight <= 0 || it.cap <= it.floor) continue;
    events.push({ at: it.floor / it.weight, slope: it.weight });
    events.push({ at: it.cap / it.weight, slope: -it.weight });
  }
  events.sort((a, b) => a.at - b.at || a.slope - b.slope);
  let level = 0;
  let value = floors;
  let slope = 0;
  for (const e of events) {
    const next = value + slope * (e.at - level);
    if (slope > 0 && next >= total) return level + (total - value) / slope;
    value = next;
    level = e.at;
    slope += e.slope;
  }
  // Only reachable through rounding: every item sits at its cap.
  return slope > 0 ? level + (total - value) / slope : level;
}

/**
 * {@link waterFillInto} (waterfill.ts) with reusable buffers and a radix sort: the same arithmetic
 * in the same order, so the same amounts to the bit. The fill level's sweep visits breakpoints in
 * (breakpoint, slope) order; waterfill.ts orders them with a comparator sort, O(n log n) with a
 * closure call per comparison. Here the events are ordered by two stable LSD radix sorts over
 * the IEEE-754 bits (slope, then breakpoint), O(n) with at most 12 digit passes of 11 bits (digits
 * every key shares are skipped). Events equal in both keys are interchangeable in the sweep,
 * so any order sorted by (breakpoint, slope) gives the same level.
 */

import { fillAtLevel } from './waterfill.js';

/** Below this many events an insertion sort beats the radix passes. */
const SMALL_SORT = 32;

/** The radix digits: six of 11 bits cover a float64's 64 bits. */
const DIGITS = 6;
const DIGIT_BUCKETS = 2048;
const DIGIT_MASK = DIGIT_BUCKETS - 1;

/** Whether the platform stores a float64's low word first (the radix passes read the words). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A water filler whose inputs are its own growable arrays: write n items into `floor`, `cap` and
 * `weight` (after {@link reserve}), call {@link fill}, read `out`. One instance serves many fills
 * (one at a time); it allocates only when n grows past its capacity.
 */
export class WaterFiller {
  floor = new Float64Array(0);
  cap = new Float64Array(0);
  weight = new Float64Array(0);
  out = new Float64Array(0);
  #at = new Float64Array(0);
  #slope = new Float64Array(0);
  #order = new Int32Array(0);
  #spare = new Int32Array(0);
  #keyBits = new Float64Array(0);
  #digits = new Uint16Array(0);
  readonly #tally = new Int32Array(DIGITS * DIGIT_BUCKETS);

  /** Makes room for `n` items (contents of the input arrays are kept only when no growth happens). Amortized O(1). */
  reserve(n: number): void {
    if (this.floor.length >= n) return;
    const size = Math.max(n, this.floor.length * 2, 16);
    this.floor = new Float64Array(size);
    this.cap = new Float64Array(size);
    this.weight = new Float64Array(size);
    this.out = new Float64Array(size);
    this.#at = new Float64Array(2 * size);
    this.#slope = new Float64Array(2 * size);
    this.#order = new Int32Array(2 * size);
    this.#spare = new Int32Array(2 * size);
    this.#keyBits = new Float64Array(2 * size);
    this.#digits = new Uint16Array(DIGITS * 2 * size);
  }

  /**
   * Divides `total` among items 0..n−1 of `floor`/`cap`/`weight` into `out[0..n)`, exactly as
   * waterFillInto would. O(n). Preconditions: as waterFillInto; {@link reserve}(n) was called.
   */
  fill(n: number, total: number): void {
    fillAtLevel(this.floor, this.cap, this.weight, n, total, this.out, (floors) => this.#level(n, total, floors));
  }

  /** The sweep of waterfill.ts's fillLevel over the events in (breakpoint, slope) order. */
  #level(n: number, total: number, floors: number): number {
    const { floor, cap, weight } = this;
    const at = this.#at;
    const slopeOf = this.#slope;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const w = weight[i]!;
      if (w <= 0 || cap[i]! <= floor[i]!) continue;
      at[count] = floor[i]! / w;
      slopeOf[count++] = w;
      at[count] = cap[i]! / w;
      slopeOf[count++] = -w;
    }
    const order = this.#sortEvents(count);
    let level = 0;
    let value = floors;
    let slope = 0;
    for (let k = 0; k < count; k++) {
      const e = order[k]!;
      const next = value + slope * (at[e]! - level);
      if (slope > 0 && next >= total) return level + (total - value) / slope;
      value = next;
      level = at[e]!;
      slope += slopeOf[e]!;
    }
    // Only reachable through rounding: every item sits at its cap.
    return slope > 0 ? level + (total - value) / slope : level;
  }

  /** Event indices 0..count−1 ordered by (breakpoint, slope). O(count) (O(count²) below {@link SMALL_SORT}). */
  #sortEvents(count: number): Int32Array {
    for (let e = 0; e < count; e++) this.#order[e] = e;
    if (count <= SMALL_SORT || !LITTLE_ENDIAN || !this.#keysAreNumbers(count)) {
      this.#insertionSort(count);
      return this.#order;
    }
    this.#radixBy(this.#slope, count);
    return this.#radixBy(this.#at, count);
  }

  /** Whether every breakpoint and slope is a number (NaN has no place in the radix order). O(count). */
  #keysAreNumbers(count: number): boolean {
    for (let e = 0; e < count; e++) if (this.#at[e] !== this.#at[e] || this.#slope[e] !== this.#slope[e]) return false;
    return true;
  }

  /** Stable insertion sort of `#order[0..count)` by (breakpoint, slope), the comparator of waterfill.ts. */
  #insertionSort(count: number): void {
    const order = this.#order, at = this.#at, slope = this.#slope;
    for (let i = 1; i < count; i++) {
      const e = order[i]!;
      let j = i - 1;
      while (j >= 0 && (at[order[j]!]! - at[e]! || slope[order[j]!]! - slope[e]!) > 0) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = e;
    }
  }

  /**
   * Stable LSD radix sort of `#order[0..count)` by `key[event]`, over the float's bits mapped to an
   * unsigned order (sign flipped for positives, all bits for negatives; −0 counted as +0, as the
   * comparator does), in six 11-bit digits whose counts are taken in one read of the keys. Leaves
   * the result in `#order` and returns it. O(count) per digit, ≤ 6 digit passes (a digit every key
   * shares is skipped).
   */
  #radixBy(key: Float64Array, count: number): Int32Array {
    const bits = this.#keyBits;
    const words = new Uint32Array(bits.buffer, 0, 2 * count);
    const digits = this.#digits;
    const tally = this.#tally;
    tally.fill(0);
    for (let e = 0; e < count; e++) {
      bits[e] = key[e]! + 0;
      let l = words[2 * e]!, h = words[2 * e + 1]!;
      if (h >>> 31) {
        l = ~l >>> 0;
        h = ~h >>> 0;
      } else {
        h = (h | 0x80000000) >>> 0;
      }
      const d0 = l & DIGIT_MASK, d1 = (l >>> 11) & DIGIT_MASK, d2 = ((l >>> 22) | (h << 10)) & DIGIT_MASK;
      const d3 = (h >>> 1) & DIGIT_MASK, d4 = (h >>> 12) & DIGIT_MASK, d5 = h >>> 23;
      digits[e] = d0;
      digits[count + e] = d1;
      digits[2 * count + e] = d2;
      digits[3 * count + e] = d3;
      digits[4 * count + e] = d4;
      digits[5 * count + e] = d5;
      tally[d0]!++;
      tally[DIGIT_BUCKETS + d1]!++;
      tally[2 * DIGIT_BUCKETS + d2]!++;
      tally[3 * DIGIT_BUCKETS + d3]!++;
      tally[4 * DIGIT_BUCKETS + d4]!++;
      tally[5 * DIGIT_BUCKETS + d5]!++;
    }
    for (let pass = 0; pass < DIGITS; pass++) this.#digitPass(pass, count);
    return this.#order;
  }

  /** One stable counting pass of `#order` by digit `pass` (counts already taken); skipped when every event has the same digit. */
  #digitPass(pass: number, count: number): void {
    const digits = this.#digits;
    const tally = this.#tally;
    const from = this.#order;
    const base = pass * DIGIT_BUCKETS;
    const row = pass * count;
    if (tally[base + digits[row + from[0]!]!] === count) return;
    let sum = 0;
    for (let b = base; b < base + DIGIT_BUCKETS; b++) {
      const c = tally[b]!;
      tally[b] = sum;
      sum += c;
    }
    const to = this.#spare;
    for (let k = 0; k < count; k++) {
      const e = from[k]!;
      to[tally[base + digits[row + e]!]!++] = e;
    }
    this.#spare = from;
    this.#order = to;
  }
}

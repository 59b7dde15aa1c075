/**
 * Growable columns of numbers backed by typed arrays: the pools keep one row per image and per
 * layer in such columns instead of one object each, so a clean fork costs a few dozen bytes.
 */

/** A growable Int32Array column; unset rows read as the column's fill value. O(1) amortized set. */
export class Int32Table {
  #data: Int32Array;
  readonly #fill: number;

  /** A column whose rows start at `fill`. */
  constructor(fill: number, capacity = 64) {
    this.#fill = fill;
    this.#data = new Int32Array(capacity).fill(fill);
  }

  /** The value at `row` (the fill value beyond the rows set so far). Precondition: row ≥ 0. */
  get(row: number): number {
    return this.#data[row] ?? this.#fill;
  }

  /** Sets `row` to a 32-bit integer, growing the column by doubling. Precondition: row ≥ 0. */
  set(row: number, value: number): void {
    if (row >= this.#data.length) this.#data = grow(this.#data, row, this.#fill);
    this.#data[row] = value;
  }
}

/** A growable Float64Array column (page counts beyond 2^31); unset rows read as 0. */
export class Float64Table {
  #data = new Float64Array(64);

  /** The value at `row` (0 beyond the rows set so far). Precondition: row ≥ 0. */
  get(row: number): number {
    return this.#data[row] ?? 0;
  }

  /** Sets `row`, growing the column by doubling. Precondition: row ≥ 0. */
  set(row: number, value: number): void {
    if (row >= this.#data.length) this.#data = grow(this.#data, row, 0);
    this.#data[row] = value;
  }
}

function grow<T extends Int32Array | Float64Array>(data: T, row: number, fill: number): T {
  let capacity = data.length * 2;
  while (capacity <= row) capacity *= 2;
  const bigger = new (data.constructor as new (length: number) => T)(capacity);
  bigger.set(data);
  if (fill !== 0) bigger.fill(fill, data.length);
  return bigger;
}

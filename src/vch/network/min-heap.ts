/**
 * A binary min-heap of numbers: the IPAM's released addresses, lowest first.
 */

/** A min-heap of numbers. push and pop are O(log n); peek and size O(1). */
export class MinHeap {
  readonly #items: number[] = [];

  /** How many numbers the heap holds (duplicates counted). */
  get size(): number {
    return this.#items.length;
  }

  /** Adds a number. O(log n). */
  push(n: number): void {
    const a = this.#items;
    a.push(n);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= a[i]!) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }

  /** Removes and returns the smallest number, or undefined when empty. O(log n). */
  pop(): number | undefined {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && a[l]! < a[m]!) m = l;
      if (r < a.length && a[r]! < a[m]!) m = r;
      if (m === i) return top;
      [a[m], a[i]] = [a[i]!, a[m]!];
      i = m;
    }
  }
}

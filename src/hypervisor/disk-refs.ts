/**
 * How many chains (VM disks, snapshots, stand-alone disks) reference each disk link, as the model
 * books them: the counts a `Map<path, count>` held, kept on the disks themselves (RefBooking) — a
 * map with an entry per disk took ≈ 46 B per container; two small-integer fields on the disk take
 * 16. It answers as that map did: get, has, set, delete, size, and iteration in the order the counts
 * were first booked (a count deleted and booked again goes last), so a save lists them as before.
 *
 * A count booked for a path with no disk (a save restored before its check) or left on a disk that
 * is removed while booked is kept aside, with its place in the order.
 */
import type { RefBooking, VmdkStore } from './vmdk/index.js';

/** A booked count kept aside (no disk holds it). */
interface LooseBooking {
  refs: number;
  readonly refOrder: number;
}

/** Reference counts by disk path, kept on the disks of the model's store; see the file comment. */
export class DiskRefs implements Iterable<[string, number]> {
  readonly #store: () => VmdkStore;
  #size = 0;
  /** The last booking order handed out. */
  #order = 0;
  /** Counts no disk holds, by path (made when first needed; normally there are none). */
  #loose: Map<string, LooseBooking> | undefined;

  /** Counts on the disks of `store()` (read at each call: a restore replaces the store). */
  constructor(store: () => VmdkStore) {
    this.#store = store;
  }

  /** Number of paths with a count. O(1). */
  get size(): number {
    return this.#size;
  }

  /** The count booked for `path`, or undefined. O(1). */
  get(path: string): number | undefined {
    const loose = this.#loose?.get(path);
    if (loose) return loose.refs;
    const b = this.#store().booking(path);
    return b !== undefined && b.refOrder > 0 ? b.refs : undefined;
  }

  /** Whether a count is booked for `path`. O(1). */
  has(path: string): boolean {
    return this.get(path) !== undefined;
  }

  /** Books `refs` for `path` (keeping its place in the order when it has a count already). O(1). */
  set(path: string, refs: number): this {
    const loose = this.#loose?.get(path);
    if (loose) {
      loose.refs = refs;
      return this;
    }
    const b = this.#store().booking(path);
    if (b === undefined) {
      (this.#loose ??= new Map()).set(path, { refs, refOrder: ++this.#order });
      this.#size++;
    } else {
      if (b.refOrder === 0) {
        b.refOrder = ++this.#order;
        this.#size++;
      }
      b.refs = refs;
    }
    return this;
  }

  /** Drops `path`'s count; returns whether it had one. O(1). */
  delete(path: string): boolean {
    if (this.#loose?.delete(path)) {
      this.#size--;
      return true;
    }
    const b = this.#store().booking(path);
    if (b === undefined || b.refOrder === 0) return false;
    b.refOrder = 0;
    b.refs = 0;
    this.#size--;
    return true;
  }

  /** Keeps the count of a disk just removed from the store (`booking` is what it held), aside from now on. O(1). */
  keepRemoved(booking: RefBooking): void {
    if (booking.refOrder === 0) return;
    (this.#loose ??= new Map()).set(booking.path, { refs: booking.refs, refOrder: booking.refOrder });
  }

  /** Path, count pairs in the order the counts were first booked. O(disks + n log n). */
  entries(): IterableIterator<[string, number]> {
    const booked: { path: string; refs: number; refOrder: number }[] = [];
    for (const b of this.#store().bookings()) if (b.refOrder > 0) booked.push(b);
    for (const [path, b] of this.#loose ?? []) booked.push({ path, refs: b.refs, refOrder: b.refOrder });
    booked.sort((a, b) => a.refOrder - b.refOrder);
    return booked.map((b): [string, number] => [b.path, b.refs])[Symbol.iterator]();
  }

  /** The paths with a count, in booking order. O(disks + n log n). */
  keys(): IterableIterator<string> {
    return [...this.entries()].map(([path]) => path)[Symbol.iterator]();
  }

  /** The counts, in booking order. O(disks + n log n). */
  values(): IterableIterator<number> {
    return [...this.entries()].map(([, refs]) => refs)[Symbol.iterator]();
  }

  /** As {@link entries}. */
  [Symbol.iterator](): IterableIterator<[string, number]> {
    return this.entries();
  }
}

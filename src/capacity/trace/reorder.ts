/**
 * Puts a nearly sorted stream of trace records into start order with a bounded buffer: a record
 * may come up to `window` records late. Memory O(window); O(log window) per record.
 */
import { TraceFormatError } from '../errors.js';
import type { TraceRecord } from './records.js';

function before(a: TraceRecord, b: TraceRecord): boolean {
  return a.startMs < b.startMs || (a.startMs === b.startMs && a.line < b.line);
}

/** A binary min-heap of records by (startMs, line). */
class RecordHeap {
  readonly #items: TraceRecord[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(r: TraceRecord): void {
    const items = this.#items;
    items.push(r);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): TraceRecord | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && before(items[l]!, items[m]!)) m = l;
        if (r < items.length && before(items[r]!, items[m]!)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * `records` in start order, holding at most `window` + 1 records. Precondition: window ≥ 0.
 * @throws TraceFormatError when a record starts before one already yielded (it came more than `window` records late).
 */
export async function* inStartOrder(records: AsyncIterable<TraceRecord>, window: number, file: string): AsyncGenerator<TraceRecord> {
  const heap = new RecordHeap();
  let lastStart = -Infinity;
  const emit = (r: TraceRecord): TraceRecord => {
    if (r.startMs < lastStart) {
      const hint = window === 0 ? 'sort the file by start time, or set reorderWindow' : `it is more than ${window} records late; raise reorderWindow or sort the file`;
      throw new TraceFormatError(file, r.line, `starts at ${r.startMs} ms, before a record already read (${lastStart} ms): ${hint}`);
    }
    lastStart = r.startMs;
    return r;
  };
  for await (const r of records) {
    heap.push(r);
    if (heap.size > window) yield emit(heap.pop()!);
  }
  while (heap.size > 0) yield emit(heap.pop()!);
}

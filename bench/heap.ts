/** Heap measurement for benchmarks (needs node --expose-gc, which `npm run bench` passes). */

function collect(): () => void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the benchmark with node --expose-gc (npm run bench does)');
  return gc;
}

/** Heap bytes still held by what `fn` returns, after full garbage collections. */
export function gcHeap(fn: () => unknown): number {
  const gc = collect();
  gc();
  const before = used();
  const keep = fn();
  gc();
  const held = used() - before;
  if (keep === undefined) throw new Error('nothing measured');
  return held;
}

/** The same for an async `fn`. */
export async function gcHeapAsync(fn: () => Promise<unknown>): Promise<number> {
  const gc = collect();
  gc();
  const before = used();
  const keep = await fn();
  gc();
  const held = used() - before;
  if (keep === undefined) throw new Error('nothing measured');
  return held;
}

/**
 * Heap plus ArrayBuffer bytes once collection has settled: full collections, with a pause between
 * them, until two readings agree (at most 6). A collection frees the backing stores of dead typed
 * arrays on a background thread, after it returns: one reading can still count them.
 */
export async function settledHeapUsed(): Promise<number> {
  const gc = collect();
  let last = Number.NaN;
  for (let round = 0; round < 6; round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = used();
    if (now === last) return now;
    last = now;
  }
  return last;
}

/** Heap plus ArrayBuffer backing stores (typed arrays live outside the JS heap). */
function used(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

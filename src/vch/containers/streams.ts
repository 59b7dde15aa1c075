/**
 * Byte plumbing between a guest process and docker clients: an input pipe that buffers what
 * arrives before the process reads (stdin sent before /start), and an output fan-out that hands
 * each attached client its own queue, ending when the process exits.
 */

/** A pull source of bytes; `read()` resolves null at end of input. */
export interface ByteSource {
  read(): Promise<Uint8Array | null>;
}

/** stdin of a process: writes queue until read; `end()` is EOF once the queue drains. */
export class InputPipe implements ByteSource {
  readonly #queue: Uint8Array[] = [];
  #ended = false;
  #waiter: ((chunk: Uint8Array | null) => void) | undefined;

  /** Queues bytes (ignored after `end()`). */
  write(data: Uint8Array): void {
    if (this.#ended || data.length === 0) return;
    const w = this.#waiter;
    if (w) {
      this.#waiter = undefined;
      w(data);
    } else this.#queue.push(data);
  }

  /** End of input after what is queued. */
  end(): void {
    this.#ended = true;
    const w = this.#waiter;
    if (w && this.#queue.length === 0) {
      this.#waiter = undefined;
      w(null);
    }
  }

  /** Whether `end()` was called. */
  get ended(): boolean {
    return this.#ended;
  }

  read(): Promise<Uint8Array | null> {
    const next = this.#queue.shift();
    if (next) return Promise.resolve(next);
    if (this.#ended) return Promise.resolve(null);
    return new Promise((resolve) => (this.#waiter = resolve));
  }
}

/** One consumer's queue of items; iteration ends after `close()` once drained. */
export class AsyncQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #closed = false;
  #waiter: ((r: IteratorResult<T>) => void) | undefined;

  /** Adds an item (dropped after close). */
  push(item: T): void {
    if (this.#closed) return;
    const w = this.#waiter;
    if (w) {
      this.#waiter = undefined;
      w({ value: item, done: false });
    } else this.#items.push(item);
  }

  /** No more items; consumers finish what is queued. */
  close(): void {
    this.#closed = true;
    const w = this.#waiter;
    if (w && this.#items.length === 0) {
      this.#waiter = undefined;
      w({ value: undefined, done: true });
    }
  }

  /** Whether close() was called. */
  get closed(): boolean {
    return this.#closed;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const item = this.#items.shift();
        if (item !== undefined) return Promise.resolve({ value: item, done: false });
        if (this.#closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.#waiter = resolve));
      },
      return: () => {
        this.close();
        this.#items.length = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

/** Fans items out to every subscribed queue; `end()` closes them all, and later subscribers get a closed queue. */
export class FanOut<T> {
  readonly #queues = new Set<AsyncQueue<T>>();
  #ended = false;

  /** A new queue receiving items from now on. */
  subscribe(): AsyncQueue<T> {
    const q = new AsyncQueue<T>();
    if (this.#ended) q.close();
    else this.#queues.add(q);
    return q;
  }

  /** Stops delivering to `q` and closes it. */
  unsubscribe(q: AsyncQueue<T>): void {
    this.#queues.delete(q);
    q.close();
  }

  /** Delivers to every queue. */
  push(item: T): void {
    for (const q of this.#queues) q.push(item);
  }

  /** Closes every queue. */
  end(): void {
    this.#ended = true;
    for (const q of this.#queues) q.close();
    this.#queues.clear();
  }

  /** Whether end() was called. */
  get ended(): boolean {
    return this.#ended;
  }
}

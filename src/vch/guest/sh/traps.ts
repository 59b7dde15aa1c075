/** Signals a shell has trapped and not yet handled, and `wait`s they must interrupt. */
import type { Signal } from '../signals.js';

/** A queue of trapped signals. `take` drains it in arrival order; O(1) per signal. */
export class TrapQueue {
  private readonly pending: Signal[] = [];
  private readonly waiters = new Set<(sig: Signal) => void>();

  /** Queues a trapped signal and wakes every waiter. */
  push(sig: Signal): void {
    this.pending.push(sig);
    for (const wake of this.waiters) wake(sig);
  }

  /** The next queued signal, or undefined. */
  take(): Signal | undefined {
    return this.pending.shift();
  }

  /** A promise of the next trapped signal to arrive, and a way to stop waiting. */
  arrival(): { promise: Promise<Signal>; cancel: () => void } {
    let wake: (sig: Signal) => void = () => {};
    const promise = new Promise<Signal>((resolve) => {
      wake = resolve;
      this.waiters.add(wake);
    });
    return { promise, cancel: () => this.waiters.delete(wake) };
  }
}

/**
 * The sleeps of one guest on the VCH's simulated clock, freezable: a paused container's VM is
 * suspended, so its guest's time stands still — pending sleeps stop counting at `freeze()` and
 * resume with what they had left at `thaw()`. (Guest programs that compute without sleeping are
 * not frozen; the interpreter's programs all wait through here.)
 */
import type { Clock, Timer } from '../sim/clock.js';

interface PendingSleep {
  remainingMs: number;
  dueAt: number;
  timer: Timer | undefined;
  readonly resolve: () => void;
}

/** One guest's sleeps. */
export class GuestTimers {
  readonly #pending = new Set<PendingSleep>();
  #frozen = false;

  constructor(readonly clock: Clock) {}

  /** Resolves after `ms` of the guest's time, or at once when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const p: PendingSleep = { remainingMs: Math.max(0, ms), dueAt: 0, timer: undefined, resolve };
      this.#pending.add(p);
      if (!this.#frozen) this.#arm(p);
      signal.addEventListener('abort', () => this.#finish(p), { once: true });
    });
  }

  /** The guest's time stops: pending sleeps keep what they have left. O(pending). */
  freeze(): void {
    if (this.#frozen) return;
    this.#frozen = true;
    for (const p of this.#pending) {
      if (p.timer) this.clock.cancel(p.timer);
      p.timer = undefined;
      p.remainingMs = Math.max(0, p.dueAt - this.clock.now());
    }
  }

  /** The guest's time runs again. O(pending). */
  thaw(): void {
    if (!this.#frozen) return;
    this.#frozen = false;
    for (const p of this.#pending) this.#arm(p);
  }

  #arm(p: PendingSleep): void {
    p.dueAt = this.clock.now() + p.remainingMs;
    p.timer = this.clock.schedule(p.remainingMs, () => this.#finish(p), { label: 'guest sleep' });
  }

  #finish(p: PendingSleep): void {
    if (!this.#pending.delete(p)) return;
    if (p.timer) this.clock.cancel(p.timer);
    p.resolve();
  }
}

/**
 * A manually advanced {@link WallClock} for driver tests: no real timers, no sleeps. Timers are
 * collected and fire only inside {@link FakeWallClock.advance}, in due order.
 */
import type { WallClock } from '../../src/sim/drivers.js';

/** A timer the code under test armed and has not cleared or seen fire. */
export interface ArmedTimer {
  readonly handle: number;
  /** Wall time it is due at. */
  readonly due: number;
  /** The delay it was armed with. */
  readonly ms: number;
  readonly fn: () => void;
}

/** A wall clock that moves only when the test says so. */
export class FakeWallClock implements WallClock {
  #now: number;
  #nextHandle = 1;
  #timers: ArmedTimer[] = [];
  /** How many timers were ever armed. */
  armedCount = 0;

  /** @param start the wall time to start at (any finite number). */
  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(fn: () => void, ms: number): unknown {
    const timer = { handle: this.#nextHandle++, due: this.#now + ms, ms, fn };
    this.#timers.push(timer);
    this.armedCount++;
    return timer.handle;
  }

  clearTimer(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.handle !== handle);
  }

  /** Timers armed and not yet fired or cleared, earliest first. */
  get pending(): readonly ArmedTimer[] {
    return [...this.#timers].sort((a, b) => a.due - b.due || a.handle - b.handle);
  }

  /**
   * Moves wall time forward by `ms` (≥ 0), firing every timer due on the way at its due time,
   * including timers armed by the ones that fire. Throws after 10,000 firings (a re-arming loop).
   */
  advance(ms: number): void {
    const target = this.#now + ms;
    let fired = 0;
    for (let next = this.pending[0]; next !== undefined && next.due <= target; next = this.pending[0]) {
      if (++fired > 10_000) throw new Error('timers keep re-arming without wall time passing');
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = Math.max(this.#now, next.due);
      next.fn();
    }
    this.#now = target;
  }
}

/** Lets queued promise callbacks (the driver arms its timer in a microtask) run. */
export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 3; i++) await Promise.resolve();
}

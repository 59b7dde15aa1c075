/**
 * Virtual time: one event queue ordered by (time, sequence). Nothing in the model reads the wall
 * clock; a driver (fast or realtime) decides when queued events run.
 */
import { InvalidArgumentError } from './errors.js';

/** Simulated milliseconds since the clock's epoch. */
export type SimTime = number;

/** Options of a scheduled event. */
export interface ScheduleOptions {
  /**
   * Background events (periodic balancing, guest activity) do not count as pending work: a driver
   * that runs "until idle" stops when only background events remain.
   */
  readonly background?: boolean;
  /** A short label for diagnostics. */
  readonly label?: string;
}

/** A handle to a scheduled event; pass it to {@link Clock.cancel}. */
export interface Timer {
  readonly at: SimTime;
  readonly seq: number;
  readonly label: string;
  readonly background: boolean;
}

interface QueuedEvent extends Timer {
  cancelled: boolean;
  readonly run: () => void;
}

/** The default epoch: simulated time 0 is 2026-01-01T00:00:00Z. Fixed, so runs are reproducible. */
export const DEFAULT_EPOCH_MS = Date.UTC(2026, 0, 1);

/**
 * The virtual clock. Events at the same instant run in the order they were scheduled.
 * Complexity: schedule and next-event O(log n); cancel O(1) (lazy removal).
 */
export class Clock {
  #now: SimTime = 0;
  #seq = 0;
  #heap: QueuedEvent[] = [];
  #pendingWork = 0;
  /** Queued events not cancelled; the heap also holds cancelled ones until they reach the top. */
  #live = 0;
  #running = false;
  #syncHook: (() => void) | undefined;

  /** @param epochMs wall-clock milliseconds that simulated time 0 stands for (only used to print dates). */
  constructor(readonly epochMs: number = DEFAULT_EPOCH_MS) {}

  /** The current simulated time in milliseconds. */
  now(): SimTime {
    return this.#now;
  }

  /** The current simulated time as a Date (epoch + now). */
  date(at: SimTime = this.#now): Date {
    return new Date(this.epochMs + at);
  }

  /** Pending events that are not background events. */
  get pendingWork(): number {
    return this.#pendingWork;
  }

  /** Every queued, uncancelled event. */
  get size(): number {
    return this.#live;
  }

  /** Time of the next queued event, or undefined when the queue is empty. */
  nextTime(): SimTime | undefined {
    this.#dropCancelled();
    return this.#heap[0]?.at;
  }

  /** Runs `fn` after `delayMs` simulated milliseconds (≥ 0). */
  schedule(delayMs: number, fn: () => void, opts: ScheduleOptions = {}): Timer {
    if (!(delayMs >= 0) || !Number.isFinite(delayMs)) {
      throw new InvalidArgumentError('delayMs', `delay must be a finite number ≥ 0, got ${delayMs}`);
    }
    this.#sync();
    return this.#push(this.#now + delayMs, fn, opts);
  }

  /** Runs `fn` at simulated time `at` (not earlier than now). */
  scheduleAt(at: SimTime, fn: () => void, opts: ScheduleOptions = {}): Timer {
    this.#sync();
    if (!(at >= this.#now) || !Number.isFinite(at)) {
      throw new InvalidArgumentError('at', `time ${at} is in the past (now ${this.#now})`);
    }
    return this.#push(at, fn, opts);
  }

  /** Cancels a scheduled event; cancelling one that already ran does nothing. */
  cancel(timer: Timer): void {
    const ev = timer as QueuedEvent;
    if (ev.cancelled) return; // already cancelled, or already ran (step marks run events)
    ev.cancelled = true;
    this.#live--;
    if (!ev.background) this.#pendingWork--;
  }

  /** Runs the next event, advancing time to it. Returns false when the queue is empty. */
  step(): boolean {
    this.#dropCancelled();
    const ev = this.#pop();
    if (!ev) return false;
    this.#now = ev.at;
    this.#live--;
    if (!ev.background) this.#pendingWork--;
    ev.cancelled = true;
    const wasRunning = this.#running;
    this.#running = true;
    try {
      ev.run();
    } finally {
      this.#running = wasRunning;
    }
    return true;
  }

  /** Runs every event due at or before `t`, then sets the time to `t`. */
  runUntil(t: SimTime): number {
    let n = 0;
    for (let next = this.nextTime(); next !== undefined && next <= t; next = this.nextTime()) {
      this.step();
      n++;
    }
    if (t > this.#now) this.#now = t;
    return n;
  }

  /** Advances time by `ms`, running every event due on the way. */
  advance(ms: number): number {
    return this.runUntil(this.#now + ms);
  }

  /**
   * Runs events until no work (non-background) events remain or `maxEvents` ran.
   * Background events due before the last work event run in their turn.
   */
  runUntilIdle(maxEvents = Number.MAX_SAFE_INTEGER): number {
    let n = 0;
    while (this.#pendingWork > 0 && n < maxEvents && this.step()) n++;
    return n;
  }

  /**
   * Installs a hook run before anything is scheduled from outside an event (the realtime driver
   * uses it to bring simulated time up to the wall clock first). Pass undefined to remove it.
   */
  setSyncHook(hook: (() => void) | undefined): void {
    this.#syncHook = hook;
  }

  /** Whether an event handler is running right now. */
  get inEvent(): boolean {
    return this.#running;
  }

  /** Used by drivers: sets the time forward without running anything (no event may be skipped). */
  advanceIdleTo(t: SimTime): void {
    const next = this.nextTime();
    const limit = next === undefined ? t : Math.min(t, next);
    if (limit > this.#now) this.#now = limit;
  }

  /** Restores the time of a saved model; the queue must be empty (cancelled events do not count). */
  resetTime(t: SimTime): void {
    if (this.#live > 0) throw new InvalidArgumentError('clock', 'cannot reset a clock with queued events');
    this.#heap = [];
    this.#now = t;
  }

  #sync(): void {
    if (this.#syncHook && !this.#running) this.#syncHook();
  }

  #push(at: SimTime, run: () => void, opts: ScheduleOptions): Timer {
    const ev: QueuedEvent = {
      at,
      seq: this.#seq++,
      label: opts.label ?? '',
      background: opts.background ?? false,
      cancelled: false,
      run,
    };
    this.#live++;
    if (!ev.background) this.#pendingWork++;
    const h = this.#heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(ev, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = ev;
    return ev;
  }

  #pop(): QueuedEvent | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && before(h[r]!, h[l]!) ? r : l;
      if (!before(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    return top;
  }

  #dropCancelled(): void {
    while (this.#heap.length > 0 && this.#heap[0]!.cancelled) this.#pop();
  }
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

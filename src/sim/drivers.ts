/**
 * Drivers decide when the clock's queued events run. The fast driver jumps from event to event
 * (capacity runs, tests); the realtime driver follows a wall clock times a scale (a served VCH).
 * Neither touches the wall clock itself: the realtime driver is handed a {@link WallClock}.
 */
import type { Clock } from './clock.js';
import { InvalidArgumentError } from './errors.js';

/** What a caller waiting for simulated work needs from a driver. */
export interface Driver {
  /** `fast`, `realtime` or `instant` (realtime with scale 0). */
  readonly kind: 'fast' | 'realtime' | 'instant';
  /**
   * Gives the clock a chance to reach a state where `done()` holds. The fast and instant drivers
   * run events synchronously until it holds or nothing is left to run; the realtime driver
   * returns at once and lets its timers do the work. Returns whether `done()` holds now.
   */
  pump(done: () => boolean): boolean;
}

/** Runs every event as fast as possible, jumping simulated time to each in turn. */
export class FastDriver implements Driver {
  readonly kind = 'fast' as const;
  constructor(readonly clock: Clock) {}

  pump(done: () => boolean): boolean {
    while (!done() && this.clock.step()) {
      /* keep stepping */
    }
    return done();
  }
}

/** The wall-clock functions the realtime driver needs, injected by the composition root. */
export interface WallClock {
  /** Milliseconds, monotonic enough for scheduling. */
  now(): number;
  /** Calls `fn` after `ms` wall milliseconds; returns a handle for {@link clearTimer}. */
  setTimer(fn: () => void, ms: number): unknown;
  /** Cancels a timer made by {@link setTimer}. */
  clearTimer(handle: unknown): void;
}

/** Options of the realtime driver. */
export interface RealtimeOptions {
  /** Simulated ms per wall ms. 1 = real time; 10 = ten times faster; 0 = every operation completes at once. */
  readonly scale: number;
  readonly wall: WallClock;
}

/**
 * Advances simulated time with the wall clock times `scale`. With scale 0, work runs as soon as
 * it is scheduled (its simulated latencies still show in the event log and task times), and
 * background events run only when work passes them.
 */
export class RealtimeDriver implements Driver {
  readonly kind: 'realtime' | 'instant';
  readonly #clock: Clock;
  readonly #scale: number;
  readonly #wall: WallClock;
  #simBase = 0;
  #wallBase = 0;
  #timer: unknown;
  #armQueued = false;
  #started = false;

  constructor(clock: Clock, opts: RealtimeOptions) {
    if (!(opts.scale >= 0) || !Number.isFinite(opts.scale)) {
      throw new InvalidArgumentError('scale', `time scale must be a finite number ≥ 0, got ${opts.scale}`);
    }
    this.#clock = clock;
    this.#scale = opts.scale;
    this.#wall = opts.wall;
    this.kind = opts.scale === 0 ? 'instant' : 'realtime';
  }

  /** Starts following the wall clock. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#simBase = this.#clock.now();
    this.#wallBase = this.#wall.now();
    this.#clock.setSyncHook(() => {
      this.#catchUp();
      this.#queueArm();
    });
    this.#queueArm();
  }

  /** Stops: no more events run until started again. */
  stop(): void {
    this.#started = false;
    this.#clock.setSyncHook(undefined);
    if (this.#timer !== undefined) this.#wall.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  pump(done: () => boolean): boolean {
    if (this.kind === 'instant') {
      while (!done() && this.#clock.pendingWork > 0 && this.#clock.step()) {
        /* keep stepping */
      }
    }
    return done();
  }

  /** The simulated time the wall clock says it should be now. */
  #target(): number {
    return this.#simBase + (this.#wall.now() - this.#wallBase) * this.#scale;
  }

  /** Runs what is due; `atLeast` is the simulated time a firing timer was armed for. */
  #catchUp(atLeast = Number.NEGATIVE_INFINITY): void {
    if (!this.#started || this.#clock.inEvent) return;
    if (this.kind === 'instant') this.#clock.runUntilIdle();
    else this.#clock.runUntil(Math.max(this.#target(), atLeast));
  }

  #queueArm(): void {
    if (this.#armQueued || !this.#started) return;
    this.#armQueued = true;
    void Promise.resolve().then(() => {
      this.#armQueued = false;
      this.#arm();
    });
  }

  #arm(): void {
    if (!this.#started) return;
    if (this.kind === 'instant') {
      // A zero-delay timer already armed runs whatever is pending when it fires (runUntilIdle),
      // so it is kept rather than cancelled and armed again: at most one wall timer per burst of
      // work, O(1) per arm, and no timer at all while only background events wait.
      if (this.#timer === undefined && this.#clock.pendingWork > 0) this.#timer = this.#wall.setTimer(() => this.#tick(), 0);
      return;
    }
    if (this.#timer !== undefined) this.#wall.clearTimer(this.#timer);
    this.#timer = undefined;
    const next = this.#clock.nextTime();
    if (next === undefined) return;
    const wallDelay = Math.max(0, (next - this.#target()) / this.#scale);
    const timerMs = Math.min(wallDelay, 2 ** 31 - 1);
    // When the timer fires, the event it was armed for is due even if rounding in #target() says
    // a hair less; a capped timer only brings the wall clock closer.
    const due = timerMs === wallDelay ? next : undefined;
    this.#timer = this.#wall.setTimer(() => this.#tick(due), timerMs);
  }

  #tick(due?: number): void {
    this.#timer = undefined;
    this.#catchUp(due);
    this.#arm();
  }
}

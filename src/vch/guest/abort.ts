/** Helpers to end guest work when a signal aborts it. */
import { lookupSignal } from './signals.js';

/**
 * A signal that never aborts (nothing holds its controller): the parent signal of a process tree's
 * first program, which only its own signals end. Kernel.start uses that program's own signal as is
 * instead of combining it with this one (AbortSignal.any made two signals and a weak reference per start).
 */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/** The exit status of a process ended by the signal that is `signal.reason` (128 + n; 143 for TERM). */
export function abortStatus(signal: AbortSignal): number {
  const reason: unknown = signal.reason;
  const sig = typeof reason === 'object' && reason !== null && 'number' in reason ? lookupSignal((reason as { number: number }).number) : undefined;
  return 128 + (sig?.number ?? 15);
}

/**
 * Resolves with `work`'s status, or with 128+n as soon as `signal` aborts (the work is abandoned; it
 * should notice the same signal and stop). Never rejects because of an abandoned work's failure.
 */
export function untilAborted(work: Promise<number>, signal: AbortSignal): Promise<number> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.resolve(abortStatus(signal));
  }
  return new Promise<number>((resolve, reject) => {
    const onAbort = () => resolve(abortStatus(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) resolve(abortStatus(signal));
        else reject(e);
      },
    );
  });
}

/** A work's status that also settles when its owner reports an abort: see {@link untilOwnAbort}. */
export interface OwnAbortRace {
  /** {@link untilAborted}'s promise: the work's status, or 128+n once `aborted()` was called. */
  readonly status: Promise<number>;
  /** To be called right after the owner aborted the signal; later calls do nothing. */
  readonly aborted: () => void;
}

/**
 * {@link untilAborted} for a signal that only its caller aborts: no listener on the signal (an
 * EventTarget listener added and removed per process start was a visible share of `docker start`);
 * the caller calls `aborted()` right after aborting it instead, which settles `status` at the same
 * point the abort event would have. O(1).
 */
export function untilOwnAbort(work: Promise<number>, signal: AbortSignal): OwnAbortRace {
  if (signal.aborted) return { status: untilAborted(work, signal), aborted: () => {} };
  let aborted: () => void = () => {};
  const status = new Promise<number>((resolve, reject) => {
    aborted = () => resolve(abortStatus(signal));
    work.then(resolve, (e: unknown) => {
      if (signal.aborted) resolve(abortStatus(signal));
      else reject(e);
    });
  });
  return { status, aborted };
}

/** Waits for the next macrotask, so a busy guest loop lets the rest of the simulator run. */
export function yieldToHost(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

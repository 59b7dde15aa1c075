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

/** Waits for the next macrotask, so a busy guest loop lets the rest of the simulator run. */
export function yieldToHost(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Helpers for long answers: docker's 8-byte stream framing, iterating an engine stream until the
 * client goes, and an abortable pause between stats samples.
 */
import type { OutputChunk } from '../vch/engine/engine.js';

/** Stream numbers of docker's framing: 0 stdin (written on stdout), 1 stdout, 2 stderr. */
export const STREAM_NUMBER = { stdin: 0, stdout: 1, stderr: 2 } as const;

/** Content type of a non-TTY stream (API ≥ 1.42). */
export const MULTIPLEXED_STREAM = 'application/vnd.docker.multiplexed-stream';
/** Content type of a TTY stream, and of every stream below API 1.42. */
export const RAW_STREAM = 'application/vnd.docker.raw-stream';

/** One frame: [stream, 0, 0, 0, size uint32 big-endian] then the payload. O(payload). */
export function frame(stream: OutputChunk['stream'], payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(8 + payload.byteLength);
  out.writeUInt32BE(0, 0);
  out[0] = STREAM_NUMBER[stream];
  out.writeUInt32BE(payload.byteLength, 4);
  out.set(payload, 8);
  return out;
}

/** Encodes a chunk for the wire: framed for a non-TTY stream, as is for a TTY. */
export function encodeChunk(tty: boolean, chunk: OutputChunk): Uint8Array {
  return tty ? chunk.data : frame(chunk.stream, chunk.data);
}

/**
 * Calls `onItem` for each item until the iterable ends or `signal` aborts; on abort the iterator is
 * told to return (its pending `next()` is abandoned). Resolves either way; rejects if the iterable throws.
 */
export async function forEachUntil<T>(iterable: AsyncIterable<T>, signal: AbortSignal, onItem: (item: T) => void): Promise<void> {
  if (signal.aborted) return;
  const iterator = iterable[Symbol.asyncIterator]();
  const aborted = new Promise<'aborted'>((resolve) => signal.addEventListener('abort', () => resolve('aborted'), { once: true }));
  for (;;) {
    const next = await Promise.race([iterator.next(), aborted]);
    if (next === 'aborted') {
      void Promise.resolve(iterator.return?.()).catch(() => undefined);
      return;
    }
    if (next.done) return;
    onItem(next.value);
  }
}

/** Waits `ms` of wall time, or less if `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** RFC3339 with nine fraction digits in UTC (moby's RFC3339NanoFixed, used for log timestamps). */
export function rfc3339NanoFixed(timeNano: bigint): string {
  const ms = Number(timeNano / 1_000_000n);
  const nanos = (((timeNano % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${nanos}Z`);
}

/**
 * Byte streams between guest processes: buffered readers with push-back (so `read` in a loop takes
 * one line at a time from a shared stdin), writers, and bounded pipes with broken-pipe detection.
 */
import type { InputSource } from './types.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of a string (strings pass through writers unchanged). */
export function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? encoder.encode(data) : data;
}

/** A string from UTF-8 bytes (invalid sequences become U+FFFD). */
export function fromBytes(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Concatenates chunks. O(total bytes). */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const c of chunks) size += c.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Writing to a pipe whose reader has gone (EPIPE); the writer ends as if killed by SIGPIPE. */
export class BrokenPipe extends Error {
  constructor() {
    super('Broken pipe');
  }
}

/** Where a process writes. `write` may wait (pipe back-pressure) and throws {@link BrokenPipe}. */
export interface OutStream {
  write(data: Uint8Array | string): Promise<void>;
}

/** Discards everything (/dev/null). */
export const NULL_OUT: OutStream = { write: async () => {} };

/** Collects everything written, for command substitution and tests. */
export class BufferOut implements OutStream {
  private readonly chunks: Uint8Array[] = [];
  async write(data: Uint8Array | string): Promise<void> {
    this.chunks.push(toBytes(data));
  }
  /** Everything written so far, as text. */
  text(): string {
    return fromBytes(concatBytes(this.chunks));
  }
}

/** Forwards to a callback, synchronously. */
export class CallbackOut implements OutStream {
  constructor(private readonly sink: (bytes: Uint8Array) => void) {}
  async write(data: Uint8Array | string): Promise<void> {
    const bytes = toBytes(data);
    if (bytes.length) this.sink(bytes);
  }
}

/**
 * A buffered reader with push-back. Reads pull from an underlying source only when the buffer is
 * empty. Reading a line costs O(line length) amortised.
 */
export class InStream {
  private readonly pending: Uint8Array[] = [];
  private ended = false;

  /** `stickyEof` false: end of input is reported once per null from the source (a terminal's ctrl-D). */
  constructor(
    private readonly source: InputSource,
    private readonly stickyEof = true,
  ) {}

  /** A stream over fixed bytes (a file, a here-string). */
  static of(data: Uint8Array | string): InStream {
    let done = false;
    return new InStream({
      read: async () => {
        if (done) return null;
        done = true;
        return toBytes(data);
      },
    });
  }

  /** A stream that is at end of input at once. */
  static empty(): InStream {
    return new InStream({ read: async () => null });
  }

  /** The next chunk, or null at end of input. */
  async read(): Promise<Uint8Array | null> {
    const head = this.pending.shift();
    if (head) return head;
    if (this.ended) return null;
    const chunk = await this.source.read();
    if (chunk === null && this.stickyEof) this.ended = true;
    return chunk;
  }

  /** Puts bytes back so the next read returns them first. */
  unread(bytes: Uint8Array): void {
    if (bytes.length) this.pending.unshift(bytes);
  }

  /** The next line without its newline, or null at end of input; a last line without newline counts. */
  async readLine(): Promise<string | null> {
    const parts: Uint8Array[] = [];
    for (;;) {
      const chunk = await this.read();
      if (chunk === null) return parts.length ? fromBytes(concatBytes(parts)) : null;
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        parts.push(chunk);
        continue;
      }
      parts.push(chunk.subarray(0, nl));
      this.unread(chunk.subarray(nl + 1));
      return fromBytes(concatBytes(parts));
    }
  }

  /** Everything up to end of input. */
  async readAll(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for (let c = await this.read(); c !== null; c = await this.read()) parts.push(c);
    return concatBytes(parts);
  }
}

/** Bytes a pipe buffers before its writer waits (Linux's default pipe capacity). */
export const PIPE_CAPACITY_BYTES = 65536;

/**
 * A one-way byte pipe between two concurrently running commands. The writer waits while more than
 * {@link PIPE_CAPACITY_BYTES} are buffered; once the reader closes, writes throw {@link BrokenPipe}.
 */
export class Pipe implements OutStream, InputSource {
  private readonly chunks: Uint8Array[] = [];
  private buffered = 0;
  private writerClosed = false;
  private readerClosed = false;
  private wakeReader: (() => void) | undefined;
  private wakeWriter: (() => void) | undefined;

  async write(data: Uint8Array | string): Promise<void> {
    const bytes = toBytes(data);
    while (this.buffered >= PIPE_CAPACITY_BYTES && !this.readerClosed) {
      await new Promise<void>((resolve) => (this.wakeWriter = resolve));
    }
    if (this.readerClosed) throw new BrokenPipe();
    if (!bytes.length) return;
    this.chunks.push(bytes);
    this.buffered += bytes.length;
    this.wake('reader');
  }

  async read(): Promise<Uint8Array | null> {
    while (!this.chunks.length && !this.writerClosed) {
      await new Promise<void>((resolve) => (this.wakeReader = resolve));
    }
    const chunk = this.chunks.shift();
    if (!chunk) return null;
    this.buffered -= chunk.length;
    this.wake('writer');
    return chunk;
  }

  /** The writing end is done: the reader sees end of input after the buffered bytes. */
  closeWriter(): void {
    this.writerClosed = true;
    this.wake('reader');
  }

  /** The reading end is gone: pending and later writes fail with {@link BrokenPipe}. */
  closeReader(): void {
    this.readerClosed = true;
    this.chunks.length = 0;
    this.buffered = 0;
    this.wake('writer');
  }

  private wake(side: 'reader' | 'writer'): void {
    const f = side === 'reader' ? this.wakeReader : this.wakeWriter;
    if (side === 'reader') this.wakeReader = undefined;
    else this.wakeWriter = undefined;
    f?.();
  }
}

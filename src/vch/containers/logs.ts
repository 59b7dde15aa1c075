/**
 * A container's log, as VIC kept it: everything the main process writes goes to `output.log` in
 * the VM's folder on the datastore (one JSON object per line — `{"stream","time","log"}` with the
 * bytes base64-encoded so binary output survives), and `docker logs` reads it back with
 * since/until/tail and follows new records until the container stops.
 * The records are also held in memory for reads; the file is flushed when the buffer passes
 * {@link FLUSH_BYTES} and whenever the process exits, so a flushed log survives a restart.
 */
import type { LogRecord, LogsOptions, OutputChunk } from '../engine/engine.js';
import { AsyncQueue, FanOut } from './streams.js';

/** Unflushed bytes that trigger a write of the log file. */
export const FLUSH_BYTES = 64 * 1024;

/** Writes the whole log file (the datastore write is a replace). */
export type LogWriter = (content: Uint8Array) => Promise<void>;

/** One container's log. */
export class ContainerLog {
  readonly #records: LogRecord[] = [];
  #live = new FanOut<LogRecord>();
  #fileLines: string[] = [];
  #unflushed = 0;
  #flushing: Promise<void> = Promise.resolve();

  constructor(readonly writer: LogWriter | undefined) {}

  /** Restores records read from a log file (after a restart). */
  static parse(text: string, writer: LogWriter | undefined): ContainerLog {
    const log = new ContainerLog(writer);
    for (const line of text.split('\n')) {
      if (!line) continue;
      const r = JSON.parse(line) as { stream: 'stdout' | 'stderr'; time: string; log: string };
      log.#records.push({ stream: r.stream, timeNano: BigInt(r.time), data: Buffer.from(r.log, 'base64') });
      log.#fileLines.push(line);
    }
    return log;
  }

  /** Appends what the process wrote at `timeNano`. O(1) amortised. */
  append(chunk: OutputChunk, timeNano: bigint): void {
    const record: LogRecord = { ...chunk, timeNano };
    this.#records.push(record);
    this.#live.push(record);
    this.#fileLines.push(JSON.stringify({ stream: chunk.stream, time: timeNano.toString(), log: Buffer.from(chunk.data).toString('base64') }));
    this.#unflushed += chunk.data.length;
    if (this.#unflushed >= FLUSH_BYTES) void this.flush();
  }

  /** Writes the log file now (serialised with earlier flushes). */
  flush(): Promise<void> {
    if (!this.writer || this.#unflushed === 0) return this.#flushing;
    this.#unflushed = 0;
    const content = Buffer.from(this.#fileLines.join('\n') + '\n');
    const writer = this.writer;
    this.#flushing = this.#flushing.then(() => writer(content)).catch(() => undefined);
    return this.#flushing;
  }

  /** The process stopped: followers finish. A later start begins a new follow epoch. */
  endFollowers(): void {
    this.#live.end();
  }

  /** The process starts again: new followers wait for its output. */
  reopen(): void {
    if (this.#live.ended) this.#live = new FanOut<LogRecord>();
  }

  /**
   * The records `opts` selects, then — with follow while `running` — live ones until the process
   * stops or the signal aborts. `tail` counts lines, not records: a record holding several lines
   * is cut so that exactly the last `tail` lines are returned.
   */
  read(opts: LogsOptions, running: boolean): AsyncIterable<LogRecord> {
    const since = opts.since === undefined ? undefined : BigInt(Math.floor(opts.since * 1e9));
    const until = opts.until === undefined ? undefined : BigInt(Math.floor(opts.until * 1e9));
    const wanted = (r: LogRecord): boolean =>
      (r.stream === 'stdout' ? opts.stdout : opts.stderr) && (since === undefined || r.timeNano >= since) && (until === undefined || r.timeNano <= until);
    let past = this.#records.filter(wanted);
    if (opts.tail !== undefined) past = lastLines(past, opts.tail);
    const live = opts.follow && running && until === undefined ? this.#live.subscribe() : undefined;
    const liveFeed = this.#live;
    return {
      async *[Symbol.asyncIterator]() {
        yield* past;
        if (!live) return;
        const abort = (): void => liveFeed.unsubscribe(live);
        opts.signal?.addEventListener('abort', abort, { once: true });
        try {
          for await (const r of live as AsyncQueue<LogRecord>) if (wanted(r)) yield r;
        } finally {
          opts.signal?.removeEventListener('abort', abort);
        }
      },
    };
  }
}

/**
 * The records holding the last `n` lines of `records` read as one byte stream (a final line without
 * a newline counts); the first record returned is cut at the line boundary. O(bytes scanned from the end).
 */
export function lastLines(records: readonly LogRecord[], n: number): LogRecord[] {
  if (n <= 0) return [];
  let boundaries = 0;
  let skipFinalNewline = true;
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i]!;
    for (let j = r.data.length - 1; j >= 0; j--) {
      if (r.data[j] !== 0x0a) {
        skipFinalNewline = false;
        continue;
      }
      if (skipFinalNewline) {
        skipFinalNewline = false;
        continue;
      }
      if (++boundaries === n) {
        const head = j + 1 < r.data.length ? [{ ...r, data: r.data.subarray(j + 1) }] : [];
        return [...head, ...records.slice(i + 1)];
      }
    }
  }
  return [...records];
}

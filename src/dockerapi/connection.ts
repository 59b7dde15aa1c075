/**
 * The two forms of a bidirectional stream (attach, exec start; docker-wire.md "Hijack"): a hijacked
 * socket answered `101 UPGRADED` that carries stdin after the options body, and the plain `200`
 * response dockerode uses without an Upgrade header. Both drop writes once the client has gone.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { RequestBodyTooLargeError } from './errors.js';
import type { StreamConnection } from './router.js';
import { endSafely, isWritable, startStream, writeSafely } from './wire.js';

/**
 * Reads exactly `length` bytes of options from `head` and then the socket; what follows is stdin,
 * returned as `rest`. Refuses more than `limit` (413). Resolves early with what came if the socket ends.
 */
export function readOptionsBody(socket: Duplex, head: Buffer, length: number, limit: number): Promise<{ options: Buffer; rest: Buffer }> {
  if (length > limit) return Promise.reject(new RequestBodyTooLargeError(limit));
  return new Promise((resolve) => {
    let buffered = head;
    const finish = (): void => {
      socket.off('data', onData);
      socket.off('end', finish);
      socket.off('close', finish);
      socket.pause();
      resolve({ options: buffered.subarray(0, length), rest: buffered.subarray(length) });
    };
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length >= length) finish();
    };
    if (buffered.length >= length) return finish();
    socket.on('data', onData);
    socket.once('end', finish);
    socket.once('close', finish);
    socket.resume();
  });
}

/**
 * Wall ms between an exec's `101` head and its first frame. dockerd starts the exec's process (runc:
 * tens of ms) after writing the head, so the head arrives alone; clients rely on it: the Docker SDK
 * for Python parses the head through a buffered reader and then reads frames from the raw socket,
 * losing any frame that arrived with the head (docker-py #2042, #3332). Attach needs no gap: clients
 * attach before they start the container.
 */
export const HIJACK_FIRST_FRAME_GAP_MS = 25;

/**
 * A hijacked socket. Stdin before `onInput` is called is queued; unclaimed stdin is discarded at the end.
 * Output written within the first-frame gap given to {@link begin} is held back until the gap has
 * passed; an end with nothing held goes out at once.
 */
export class UpgradedConnection implements StreamConnection {
  readonly upgraded = true;
  started = false;
  private readonly pending: Buffer[] = [];
  private inputEnded = false;
  private dataSink: ((chunk: Buffer) => void) | undefined;
  private endSink: (() => void) | undefined;
  /** Output held back until the gap after the head has passed; undefined once released. */
  private held: (Uint8Array | 'end')[] | undefined;

  /** Precondition: `options` were read from the socket, `rest` is what followed them. */
  constructor(
    private readonly socket: Duplex,
    readonly options: Buffer,
    rest: Buffer,
    private readonly extraHeaders: Record<string, string>,
  ) {
    if (rest.length > 0) this.pending.push(rest);
    socket.on('data', (chunk: Buffer) => (this.dataSink ? this.dataSink(chunk) : this.pending.push(chunk)));
    socket.on('end', () => {
      this.inputEnded = true;
      this.endSink?.();
    });
    socket.resume();
  }

  begin(contentType: string, firstFrameGapMs = 0): void {
    this.started = true;
    const headers = { 'Content-Type': contentType, Connection: 'Upgrade', Upgrade: 'tcp', ...this.extraHeaders };
    const lines = ['HTTP/1.1 101 UPGRADED', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    writeSafely(this.socket, lines.join('\r\n') + '\r\n\r\n');
    if (firstFrameGapMs <= 0) return;
    const held: (Uint8Array | 'end')[] = [];
    this.held = held;
    setTimeout(() => {
      this.held = undefined;
      for (const item of held) this.#send(item);
    }, firstFrameGapMs).unref();
  }

  write(chunk: Uint8Array): void {
    if (this.held) this.held.push(chunk);
    else this.#send(chunk);
  }

  end(): void {
    if (this.held && this.held.length > 0) this.held.push('end');
    else {
      this.held = undefined;
      this.#send('end');
    }
  }

  #send(item: Uint8Array | 'end'): void {
    if (item === 'end') endSafely(this.socket);
    else writeSafely(this.socket, item);
  }

  onInput(onData: (chunk: Buffer) => void, onEnd: () => void): void {
    this.dataSink = onData;
    this.endSink = onEnd;
    for (const chunk of this.pending.splice(0)) onData(chunk);
    if (this.inputEnded) onEnd();
  }
}

/** The plain 200 form: output on the response, which ends when the stream ends. No stdin. */
export class PlainStreamConnection implements StreamConnection {
  readonly upgraded = false;
  started = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    readonly options: Buffer,
  ) {}

  begin(contentType: string): void {
    this.started = true;
    startStream(this.res, contentType);
  }

  write(chunk: Uint8Array): void {
    if (isWritable(this.res)) this.res.write(chunk);
  }

  end(): void {
    endSafely(this.res);
  }

  /** Stdin does not travel on a plain response; the request body was options or is discarded. */
  onInput(): void {
    this.req.resume();
  }
}

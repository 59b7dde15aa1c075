/**
 * Writing responses safely: docker's headers on every answer, JSON and `{"message"}` bodies, and
 * writes that are dropped, never thrown, once the client has gone (docker-wire.md gotcha 3).
 */
import type { ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { MAX_API_VERSION } from './version.js';

/** The headers dockerd puts on every response. `serverVersion` is the engine version shown as `Docker/<v>`. */
export function dockerHeaders(serverVersion: string): Record<string, string> {
  return {
    'Api-Version': MAX_API_VERSION,
    Server: `Docker/${serverVersion} (linux)`,
    Ostype: 'linux',
    'Docker-Experimental': 'false',
  };
}

/** Whether a stream can still take bytes (not ended, not destroyed). */
export function isWritable(stream: Writable): boolean {
  return !stream.destroyed && !stream.writableEnded;
}

/** Writes a chunk unless the stream is gone; returns whether it was written. */
export function writeSafely(stream: Writable, chunk: Uint8Array | string): boolean {
  if (!isWritable(stream)) return false;
  stream.write(chunk);
  return true;
}

/** Ends a stream unless it is already ended or destroyed. */
export function endSafely(stream: Writable): void {
  if (isWritable(stream)) stream.end();
}

/** Sends `body` as JSON with `status` (no body for HEAD). A response already started is left alone. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || !isWritable(res)) return;
  const text = JSON.stringify(body) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Sends an empty answer (204, 304, 200 …). */
export function sendEmpty(res: ServerResponse, status: number): void {
  if (res.headersSent || !isWritable(res)) return;
  res.writeHead(status, { 'Content-Length': 0 });
  res.end();
}

/** Sends docker's error body `{"message": …}`; 304 has no body by HTTP's rules. */
export function sendError(res: ServerResponse, status: number, message: string): void {
  if (status === 304) sendEmpty(res, 304);
  else sendJson(res, status, { message });
}

/** Sends bytes with a content type (tar archives). */
export function sendBytes(res: ServerResponse, status: number, contentType: string, bytes: Uint8Array, headers: Record<string, string> = {}): void {
  if (res.headersSent || !isWritable(res)) return;
  res.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': bytes.byteLength });
  res.end(bytes);
}

/** Starts a streamed answer: status and headers go out at once (wait, events, logs -f, pulls). */
export function startStream(res: ServerResponse, contentType: string): void {
  if (res.headersSent || !isWritable(res)) return;
  res.writeHead(200, { 'Content-Type': contentType });
  res.flushHeaders();
}

/** Renders a raw HTTP/1.1 response on a socket (answers to upgrade requests that are refused). */
export function rawHttpResponse(status: number, reason: string, headers: Record<string, string>, body: string): string {
  const lines = [`HTTP/1.1 ${status} ${reason}`];
  const all = { ...headers, 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' };
  for (const [k, v] of Object.entries(all)) lines.push(`${k}: ${v}`);
  return lines.join('\r\n') + '\r\n\r\n' + body;
}

/**
 * Request bodies: read with a size limit, JSON parsed with a 400 naming the problem, and docker's
 * base64url JSON `X-Registry-Auth` header.
 */
import type { IncomingMessage } from 'node:http';
import { finished } from 'node:stream';
import type { RegistryAuth } from '../vch/engine/engine.js';
import { BadParameterError } from '../vch/engine/errors.js';
import { RequestBodyTooLargeError } from './errors.js';

/**
 * Reads the whole body, refusing more than `limitBytes` (413; the rest is not read). A declared
 * Content-Length above the limit is refused before reading. O(body).
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const length = req.headers['content-length'];
  const declared = Number(length ?? 0);
  if (declared > limitBytes) return Promise.reject(new RequestBodyTooLargeError(limitBytes));
  return length === undefined ? readUndeclared(req, limitBytes) : readDeclared(req);
}

/**
 * A body whose Content-Length (within the limit) the HTTP parser holds it to, read with listeners:
 * one promise, not an async iterator's per chunk. A request that fails or closes early rejects
 * with the stream's error (ERR_STREAM_PREMATURE_CLOSE), as the iterator would.
 */
function readDeclared(req: IncomingMessage): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer): void => void chunks.push(chunk);
    req.on('data', onData);
    finished(req, (err) => {
      req.off('data', onData);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks));
    });
  });
}

/** A chunked body, counted against the limit as it arrives. */
async function readUndeclared(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limitBytes) throw new RequestBodyTooLargeError(limitBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Parses a JSON body. An empty body gives `emptyValue` (undefined when the body is required, which
 * then answers 400). Malformed JSON answers 400 with the parser's reason.
 */
export function parseJsonBody(bytes: Buffer, emptyValue?: unknown): unknown {
  const text = bytes.toString('utf8');
  if (text.trim() === '') {
    if (emptyValue === undefined) throw new BadParameterError('a JSON request body is required');
    return emptyValue;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BadParameterError(`invalid JSON in request body: ${(err as Error).message}`);
  }
}

/**
 * Decodes `X-Registry-Auth` (base64url or base64 of JSON credentials). Absent or empty → undefined;
 * undecodable → 400.
 */
export function decodeRegistryAuth(header: string | string[] | undefined): RegistryAuth | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || value.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value.trim(), 'base64').toString('utf8'));
  } catch {
    throw new BadParameterError('invalid X-Registry-Auth header: not base64-encoded JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new BadParameterError('invalid X-Registry-Auth header: expected a JSON object');
  }
  const auth: Record<string, string> = {};
  for (const key of ['username', 'password', 'identitytoken', 'registrytoken', 'serveraddress'] as const) {
    const v = (parsed as Record<string, unknown>)[key];
    if (typeof v === 'string' && v !== '') auth[key] = v;
  }
  return auth;
}

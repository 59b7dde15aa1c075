import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBody } from '../../src/dockerapi/body.js';

/** A server answering with the body's length, 413 for a body over 10 bytes; it records how each read ended. */
const outcomes: string[] = [];
const server = http.createServer((req, res) => {
  readBody(req, 10).then(
    (body) => res.end(`read ${body.toString()}`),
    (e: Error & { code?: string }) => {
      outcomes.push(e.code ?? e.message);
      if (!res.headersSent && !res.destroyed) {
        res.statusCode = 413;
        res.end('too large');
      }
    },
  );
});
let port = 0;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Posts `parts` (chunked without a length, in separate writes) and returns status and body. */
function post(parts: readonly string[], declare: boolean): Promise<string> {
  const body = parts.join('');
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', agent: false, headers: declare ? { 'Content-Length': Buffer.byteLength(body) } : {} }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve(`${res.statusCode} ${text}`));
    });
    req.on('error', reject);
    for (const p of parts) req.write(p);
    req.end();
  });
}

describe('reading a request body', () => {
  it('reads a declared body and a chunked one whole, the empty body included', async () => {
    expect(await post(['hello'], true)).toBe('200 read hello');
    expect(await post(['hel', 'lo'], false)).toBe('200 read hello');
    expect(await post([], true)).toBe('200 read ');
  });

  it('refuses a declared length over the limit before reading, and a chunked body once it passes the limit', async () => {
    expect(await post(['0123456789abc'], true)).toBe('413 too large');
    expect(await post(['012345', '6789abc'], false)).toBe('413 too large');
    expect(outcomes.slice(-2)).toEqual(['RequestBodyTooLarge', 'RequestBodyTooLarge']);
  });

  it('rejects when the client goes away before the declared length arrived', async () => {
    const before = outcomes.length;
    await new Promise<void>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', agent: false, headers: { 'Content-Length': 8 } });
      req.on('error', () => undefined);
      req.write('abc', () => setTimeout(() => req.destroy(), 20));
      req.on('close', () => setTimeout(resolve, 50));
    });
    expect(outcomes.slice(before)).toHaveLength(1);
    expect(['ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE']).toContain(outcomes[before]);
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../../src/sim/errors.js';
import { VimConnectionError } from '../../../../src/backend/vsphere/vim25/errors.js';
import { isLoopbackHost, normaliseThumbprint, SoapTransport } from '../../../../src/backend/vsphere/vim25/transport.js';

let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  servers = [];
});

/** A loopback HTTP server whose handler decides per request number; counts requests received. */
async function serve(handler: (requestNumber: number, respond: (status: number, body: string) => void, destroy: () => void) => void) {
  let count = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      count += 1;
      handler(count, (status, body) => response.writeHead(status).end(body), () => request.socket.destroy());
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/sdk`);
  return { url, received: () => count };
}

const post = (idempotent: boolean) => ({ label: 'M', body: '<x/>', headers: {}, idempotent });

describe('SoapTransport', () => {
  it('allows plain http only to loopback hosts', () => {
    expect(() => new SoapTransport(new URL('http://vc.example.com/sdk'))).toThrow(InvalidArgumentError);
    expect(() => new SoapTransport(new URL('ftp://127.0.0.1/sdk'))).toThrow(InvalidArgumentError);
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
  });

  it('retries an idempotent call whose connection was reset after sending, until it is answered', async () => {
    const server = await serve((n, respond, destroy) => (n < 3 ? destroy() : respond(200, 'ok')));
    const transport = new SoapTransport(server.url, { retryDelayMs: 1 });
    const reply = await transport.post(post(true));
    transport.close();
    expect(reply).toMatchObject({ status: 200, body: 'ok' });
    expect(server.received()).toBe(3);
  });

  it('never repeats a non-idempotent call that reached the server', async () => {
    const server = await serve((_n, _respond, destroy) => destroy());
    const transport = new SoapTransport(server.url, { retryDelayMs: 1 });
    const failure = await transport.post(post(false)).catch((error: unknown) => error);
    transport.close();
    expect(failure).toBeInstanceOf(VimConnectionError);
    expect(failure).toMatchObject({ requestSent: true });
    expect(server.received()).toBe(1);
  });

  it('gives up after the retry budget when nothing listens, reporting the request as never sent', async () => {
    const server = await serve((_n, respond) => respond(200, ''));
    const closedUrl = server.url;
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const transport = new SoapTransport(closedUrl, { retryDelayMs: 1, maxRetries: 2 });
    const failure = await transport.post(post(false)).catch((error: unknown) => error);
    transport.close();
    expect(failure).toBeInstanceOf(VimConnectionError);
    expect(failure).toMatchObject({ requestSent: false });
  });

  it('times out a request the server never answers, without repeating a non-idempotent one', async () => {
    const server = await serve(() => undefined);
    const transport = new SoapTransport(server.url, { requestTimeoutMs: 200, retryDelayMs: 1 });
    const failure = await transport.post(post(false)).catch((error: unknown) => error);
    transport.close();
    expect(failure).toBeInstanceOf(VimConnectionError);
    expect(server.received()).toBe(1);
  });

  it('returns error statuses with their body instead of throwing', async () => {
    const server = await serve((_n, respond) => respond(500, '<fault/>'));
    const transport = new SoapTransport(server.url);
    expect(await transport.post(post(false))).toMatchObject({ status: 500, body: '<fault/>' });
    transport.close();
  });
});

describe('normaliseThumbprint', () => {
  it('accepts SHA-1 and SHA-256 thumbprints with or without colons, in any case', () => {
    expect(normaliseThumbprint('ab'.repeat(20))).toBe(Array(20).fill('AB').join(':'));
    expect(normaliseThumbprint(Array(32).fill('0f').join(':'))).toBe(Array(32).fill('0F').join(':'));
  });

  it('refuses anything else', () => {
    expect(() => normaliseThumbprint('abc')).toThrow(InvalidArgumentError);
    expect(() => normaliseThumbprint('zz'.repeat(20))).toThrow(InvalidArgumentError);
  });
});

import { createConnection, createServer } from 'node:net';
import type { Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Rng } from '../../../src/sim/rng.js';
import { EngineError } from '../../../src/vch/engine/errors.js';
import { PortMapper } from '../../../src/vch/network/port-mapper.js';
import type { PortSpec } from '../../../src/vch/network/port-spec.js';
import { GUEST_SERVER_HEADER, httpServiceHandler, page, tcpEchoHandler } from '../../../src/vch/network/services.js';

const mappers: PortMapper[] = [];
const foreign: Server[] = [];

afterEach(async () => {
  for (const m of mappers.splice(0)) for (const id of Object.keys(m.toJSON().bindings)) await m.release(id);
  await Promise.all(foreign.splice(0).map((s) => new Promise((done) => s.close(done))));
});

function mapper(seed = 1): PortMapper {
  const m = new PortMapper({ rng: Rng.seeded(seed) });
  mappers.push(m);
  return m;
}

/** A server of another program holding a port (port 0: the OS picks a free one). */
async function foreignServer(port = 0): Promise<number> {
  const s = createServer((c) => c.destroy());
  foreign.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve());
  });
  return (s.address() as { port: number }).port;
}

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const port = await foreignServer();
  const s = foreign.pop()!;
  await new Promise((done) => s.close(done));
  return port;
}

function tcp(containerPort: number, hostPort?: number): PortSpec {
  return { containerPort, protocol: 'tcp', hostIp: '', hostPort };
}

/** Sends `text` over a fresh connection and collects the reply until the peer closes or `len` bytes came. */
function roundTrip(port: number, text: string, len: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = createConnection({ port, host: '127.0.0.1' }, () => c.write(text));
    let got = '';
    c.on('data', (d) => {
      got += d.toString();
      if (got.length >= len) c.end(), resolve(got);
    });
    c.on('error', reject);
  });
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection({ port, host: '127.0.0.1' }, () => (c.destroy(), resolve(true)));
    c.on('error', () => resolve(false));
  });
}

async function rejection(p: Promise<unknown>): Promise<EngineError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('PortMapper', () => {
  it('opens a real listener per binding that hands connections to the binding\'s handler', async () => {
    const m = mapper();
    const port = await freePort();
    const [published] = await m.publish('web', [tcp(7, port)], () => tcpEchoHandler);
    expect(published).toEqual({ containerPort: 7, protocol: 'tcp', hostIp: '', hostPort: port });
    expect(await roundTrip(port, 'hello', 5)).toBe('hello');
    expect(m.ports('web')).toEqual([published]);
    expect(m.holder(port)).toBe('web');
  });

  it('refuses a port another container holds with "port N is not available"', async () => {
    const m = mapper();
    const port = await freePort();
    await m.publish('a', [tcp(80, port)], () => tcpEchoHandler);
    const e = await rejection(m.publish('b', [tcp(80, port)], () => tcpEchoHandler));
    expect([e.status, e.message]).toEqual([500, `port ${port} is not available`]);
    expect(m.ports('b')).toEqual([]);
  });

  it('refuses a port another program has bound', async () => {
    const port = await foreignServer();
    const e = await rejection(mapper().publish('a', [tcp(80, port)], () => tcpEchoHandler));
    expect(e.message).toBe(`port ${port} is not available`);
  });

  it('picks random free ports in 32768–60999, deterministically for a seed, skipping held ones', async () => {
    const first = await mapper(42).publish('a', [tcp(80), tcp(81)], () => undefined);
    for (const p of first) expect(p.hostPort >= 32768 && p.hostPort <= 60999).toBe(true);
    expect(first[0]!.hostPort).not.toBe(first[1]!.hostPort);
    const m = mapper(7);
    const again = new PortMapper({ rng: Rng.seeded(7) });
    const expected = (await again.publish('x', [tcp(80)], () => undefined))[0]!.hostPort;
    await again.release('x');
    expect((await m.publish('a', [tcp(80)], () => undefined))[0]!.hostPort).toBe(expected);
  });

  it('walks past taken ports from the random start', async () => {
    // Above Linux's ephemeral range (32768-60999), so no socket another test opens meanwhile takes one of them.
    const m = new PortMapper({ rng: Rng.seeded(3), ephemeralRange: [61000, 61002] });
    mappers.push(m);
    const ports = (await m.publish('a', [tcp(1), tcp(2), tcp(3)], () => undefined)).map((p) => p.hostPort);
    expect([...ports].sort()).toEqual([61000, 61001, 61002]);
    expect((await rejection(m.publish('b', [tcp(1)], () => undefined))).message).toBe('no free host port in 61000-61002');
  });

  it('is all or nothing: when the third binding fails the first two are released', async () => {
    const m = mapper();
    const [p1, p2] = [await freePort(), await freePort()];
    const taken = await foreignServer();
    await rejection(m.publish('web', [tcp(80, p1), tcp(81, p2), tcp(82, taken)], () => tcpEchoHandler));
    expect(m.ports('web')).toEqual([]);
    expect([m.holder(p1), m.holder(p2)]).toEqual([undefined, undefined]);
    expect([await connects(p1), await connects(p2)]).toEqual([false, false]);
    expect(await foreignServer(p1)).toBe(p1);
  });

  it('frees the port at release: the listener is gone, its sockets closed, and another server can bind it', async () => {
    const m = mapper();
    const port = await freePort();
    await m.publish('web', [tcp(80, port)], () => () => undefined);
    const client = createConnection({ port, host: '127.0.0.1' });
    await new Promise((resolve) => client.on('connect', resolve));
    const closed = new Promise((resolve) => client.on('close', resolve));
    await m.release('web');
    await closed;
    expect(m.ports('web')).toEqual([]);
    expect(await foreignServer(port)).toBe(port);
  });

  it('reserves udp ports without opening listeners', async () => {
    const m = mapper();
    const published = await m.publish('dns', [{ containerPort: 53, protocol: 'udp', hostIp: '', hostPort: 5353 }], () => undefined);
    expect(published[0]!.hostPort).toBe(5353);
    expect(m.holder(5353, 'udp')).toBe('dns');
    expect(m.holder(5353, 'tcp')).toBeUndefined();
  });

  it('saves bindings and reopens them on the same ports after a restore', async () => {
    const m = mapper();
    const port = await freePort();
    await m.publish('web', [tcp(7, port)], () => tcpEchoHandler);
    const saved = JSON.parse(JSON.stringify(m.toJSON()));
    await m.release('web');
    const restored = PortMapper.fromJSON(saved, { rng: Rng.seeded(1) });
    mappers.push(restored);
    expect(restored.ports('web')).toEqual([{ containerPort: 7, protocol: 'tcp', hostIp: '', hostPort: port }]);
    expect(restored.holder(port)).toBe('web');
    await restored.reopen('web', () => tcpEchoHandler);
    expect(await roundTrip(port, 'back', 4)).toBe('back');
  });
});

describe('the simulated HTTP service', () => {
  it('answers a real request through a mapped port with a page naming the container, its VM, host, IP and path', async () => {
    const m = mapper();
    const [p] = await m.publish('web', [tcp(80)], () =>
      httpServiceHandler(() => ({ container: 'web', vm: 'web-0123456789ab', host: 'host-12', ip: '172.16.0.2', path: '127.0.0.1 → VCH → 172.16.0.2:80' })),
    );
    const res = await fetch(`http://127.0.0.1:${p!.hostPort}/index.html?a=<b>`);
    expect(res.status).toBe(200);
    expect(res.headers.get('server')).toBe(GUEST_SERVER_HEADER);
    const body = await res.text();
    for (const s of ['Welcome to web', 'web-0123456789ab', 'host-12', '172.16.0.2', '127.0.0.1 → VCH → 172.16.0.2:80', 'GET /index.html?a=%3Cb%3E']) expect(body).toContain(s);
    const head = await fetch(`http://127.0.0.1:${p!.hostPort}/`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
    expect((await fetch(`http://127.0.0.1:${p!.hostPort}/`, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('escapes what it shows', () => {
    expect(page({ container: '<script>' }, 'GET /"x"')).toContain('<h1>Welcome to &#60;script&#62;</h1>');
    expect(page({}, 'GET /"x"')).toContain('GET /&#34;x&#34;');
  });
});

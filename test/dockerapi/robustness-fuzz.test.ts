/**
 * Random and malformed requests against the REAL served VCH (`vicsim serve` at time scale 0: the
 * model, ModelBackend, the VCH and the Docker API), about a thousand a run: methods × API versions ×
 * resource paths (over a small pool of names, so requests meet existing containers, images and
 * networks) × queries × bodies (valid, mistyped, malformed, oversized). The server never crashes,
 * every error is docker's JSON `{"message"}`, no 5xx answers except the deliberate 501 and 503, and
 * afterwards the model's invariants hold and every listed container can be inspected and removed.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelBackend } from '../../src/backend/model/index.js';
import { startServe, type Served } from '../../src/cli/serve.js';
import { modelViolations } from '../../src/testing/index.js';
import { testServeOptions } from './helpers.js';

let served: Served;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'robustness-fuzz-'));
  served = await startServe(testServeOptions(join(dir, 'docker.sock'), { seed: 19 }));
  for (const image of ['busybox', 'redis']) expect(await send('POST', `/images/create?fromImage=${image}&tag=latest`, undefined, 5000)).toMatchObject({ status: 200 });
}, 60_000);

afterAll(async () => {
  await served?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Answer = { status: number; contentType: string; text: string } | 'held';

/**
 * Sends one request; a held stream (events, logs -f, wait, attach, stats) that has not finished
 * within `holdMs` is abandoned as clients do, and reported as 'held'.
 */
async function send(method: string, target: string, body: string | undefined, holdMs = 200): Promise<Answer> {
  const signal = AbortSignal.timeout(holdMs);
  try {
    const res = await fetch(`http://127.0.0.1:${served.dockerPort}${target}`, { method, headers: { 'Content-Type': 'application/json' }, signal, ...(body !== undefined ? { body } : {}) });
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: method === 'HEAD' ? '' : await res.text() };
  } catch (err) {
    if (signal.aborted) return 'held';
    throw err;
  }
}

const containerRef = fc.constantFrom('fz-a', 'fz-b', '/fz-c', 'nope', 'f', '0', '', '..%2f..', '%00', 'a'.repeat(300));
const imageRef = fc.constantFrom('busybox', 'busybox:latest', 'redis', 'docker.io/library/busybox', 'nope:1', 'UPPER', 'a/b/c:d@sha256:zz', 'sha256:0', '');
const networkRef = fc.constantFrom('fz-net', 'bridge', 'none', 'host', 'nope', '');
const execRef = fc.constantFrom('nope', '0'.repeat(64), '');
const containerVerb = fc.constantFrom(
  'json', 'start', 'stop', 'restart', 'kill', 'pause', 'unpause', 'wait', 'rename', 'logs', 'top', 'stats', 'changes', 'export',
  'archive', 'exec', 'attach', 'resize', 'update', 'checkpoints', '',
);

/** [method, path] pairs over docker's resources, plus junk. */
const route: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'DELETE'), fc.tuple(containerRef, containerVerb).map(([c, v]) => `/containers/${c}${v ? '/' + v : ''}`)),
  fc.tuple(fc.constantFrom('GET', 'POST', 'DELETE'), fc.constantFrom('/containers/json', '/containers/create', '/containers/prune')),
  fc.tuple(fc.constantFrom('GET', 'POST', 'DELETE'), fc.tuple(imageRef, fc.constantFrom('json', 'history', 'tag', 'push', '')).map(([i, v]) => `/images/${i}${v ? '/' + v : ''}`)),
  fc.tuple(fc.constantFrom('GET', 'POST'), fc.constantFrom('/images/json', '/images/create', '/images/get', '/images/load', '/images/prune', '/images/search')),
  fc.tuple(fc.constantFrom('GET', 'POST', 'DELETE'), fc.tuple(networkRef, fc.constantFrom('connect', 'disconnect', '')).map(([n, v]) => `/networks/${n}${v ? '/' + v : ''}`)),
  fc.tuple(fc.constantFrom('GET', 'POST'), fc.constantFrom('/networks', '/networks/create', '/networks/prune', '/volumes', '/volumes/create', '/volumes/prune', '/volumes/fz-vol')),
  fc.tuple(fc.constantFrom('GET', 'POST'), fc.tuple(execRef, fc.constantFrom('start', 'json', 'resize')).map(([e, v]) => `/exec/${e}/${v}`)),
  fc.tuple(fc.constantFrom('GET', 'HEAD', 'POST'), fc.constantFrom('/_ping', '/version', '/info', '/system/df', '/events', '/auth', '/build', '/build/prune', '/swarm', '/services', '/plugins', '/session', '/distribution/busybox/json')),
  fc.tuple(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), fc.array(fc.string({ maxLength: 6 }).map(encodeURIComponent), { minLength: 1, maxLength: 4 }).map((p) => '/' + p.join('/'))),
);

const versionPrefix = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('', '/v1.47', '/v1.41', '/v1.24') }, fc.constantFrom('/v1.12', '/v9.99', '/v1.x', '/v'));

const queryValue = fc.oneof(
  fc.constantFrom('', '1', '0', 'true', 'no', '-1', '99999999999999999999', 'busybox', 'fz-a', '/tmp', '/etc/hostname', 'next-exit', 'removed', 'TERM', 'SIGKILL', 'all'),
  fc.constantFrom('{"status":["exited"]}', '{"label":{"a=b":true}}', '{"name":["fz"]}', '{bad', '[]', '{"until":["0"]}'),
  fc.string({ maxLength: 8 }),
);
const query = fc
  .array(fc.tuple(fc.constantFrom('all', 'filters', 'limit', 'size', 'name', 't', 'signal', 'condition', 'h', 'w', 'tail', 'since', 'until', 'follow', 'stdout', 'stderr', 'stream', 'path', 'force', 'v', 'fromImage', 'tag', 'repo', 'names', 'ps_args', 'x'), queryValue), { maxLength: 3 })
  .map((pairs) => (pairs.length === 0 ? '' : '?' + new URLSearchParams(pairs).toString()));

/** A container create body: valid most of the time, otherwise with some fields of the wrong type. */
const createBody = fc
  .record({
    Image: fc.oneof({ weight: 12, arbitrary: fc.constantFrom('busybox', 'redis') }, fc.constantFrom('nope', 5 as unknown as string)),
    Cmd: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(['true'], ['sh', '-c', 'echo x; exit 3'], ['sleep', '5'], ['cat'], ['nope-cmd']) }, fc.constant('echo' as unknown as string[])),
    Tty: fc.oneof({ weight: 12, arbitrary: fc.boolean() }, fc.constant('yes' as unknown as boolean)),
    OpenStdin: fc.boolean(),
    Env: fc.oneof({ weight: 12, arbitrary: fc.constant(['A=1']) }, fc.constant({ A: 1 } as unknown as string[])),
    HostConfig: fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom({}, { PortBindings: { '80/tcp': [{ HostPort: '' }] } }, { AutoRemove: true }, { NetworkMode: 'fz-net' }, { Memory: 1024 * 1024 * 1024 }) },
      fc.constantFrom({ PortBindings: { 'x/tcp': [{ HostPort: 'abc' }] } }, { Memory: -5, NanoCpus: 'x' }, { Binds: ['/etc:/etc'] }, { NetworkMode: 'nope' }),
    ),
    Labels: fc.oneof({ weight: 12, arbitrary: fc.constant({ fuzz: '1' }) }, fc.constant([] as unknown as Record<string, string>)),
  }, { requiredKeys: ['Image'] })
  .map((b) => JSON.stringify(b));

const anyBody = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 2 }),
  fc.constantFrom('{', '[]', 'null', '"x"', '{"Name":"fz-net"}', '{"Name":"fz-net","Driver":"overlay"}', '{"Container":"fz-a"}', '{"Container":"fz-b","Force":true}', '{"Name":"fz-vol"}', '{"Cmd":["echo","x"],"AttachStdout":true}', '{"Cmd":"echo"}', '{"Detach":true}', '{"Detach":false,"Tty":false}', 'x'.repeat(20_000), '\u0000\u0001'),
  fc.string({ maxLength: 30 }),
);

/** One request: [method, path, body]; creates are mostly well-formed so the others meet real containers. */
const exchange: fc.Arbitrary<[string, string, string | undefined]> = fc.oneof(
  fc.tuple(fc.constant('POST'), fc.constantFrom('fz-a', 'fz-b', 'fz-c', '', '', '').map((n) => `/containers/create${n ? `?name=${n}` : ''}`), fc.oneof({ weight: 8, arbitrary: createBody }, anyBody)),
  { weight: 4, arbitrary: fc.tuple(route, anyBody).map(([[m, p], b]): [string, string, string | undefined] => [m, p, b]) },
);

const requestArb = fc.record({ exchange, prefix: versionPrefix, query });

/** Statuses the server answers on purpose: refused features (501) and an unavailable VCH (503). */
const DELIBERATE_5XX = new Set([501, 503]);

/** The model's invariant violations (empty when consistent). */
function violations(): string[] {
  return modelViolations((served.vch.parts.backend as ModelBackend).model);
}

/** Sends bytes on a raw socket and resolves with what came back until the server closed. */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port: served.dockerPort, method: 'POST', path: '/containers/create', headers: { 'Transfer-Encoding': 'chunked', 'Content-Type': 'application/json' } });
    let answer = '';
    req.on('response', (res) => {
      res.on('data', (d: Buffer) => (answer += d.toString()));
      res.on('end', () => resolve(`${res.statusCode} ${answer}`));
    });
    req.on('error', () => resolve(answer === '' ? 'closed' : answer));
    req.write(bytes);
    req.destroy();
  });
}

describe('random and malformed requests against the served VCH', () => {
  it('never crash it, always get docker’s JSON errors, and answer 5xx only on purpose', async () => {
    const held: string[] = [];
    let created = 0;
    await fc.assert(
      fc.asyncProperty(requestArb, async ({ exchange: [method, path, b], prefix, query: q }) => {
        const target = prefix + path + (path.includes('?') ? q.replace('?', '&') : q);
        const r = await send(method, target, method === 'GET' || method === 'HEAD' ? undefined : b);
        if (r === 'held') return void held.push(`${method} ${target}`);
        if (r.status === 201 && path.startsWith('/containers/create')) created++;
        if (r.status >= 500) expect(DELIBERATE_5XX.has(r.status), `${method} ${target} ${b ?? ''} → ${r.status} ${r.text}`).toBe(true);
        if (r.status >= 400 && method !== 'HEAD') {
          expect(r.contentType, `${method} ${target} → ${r.status}`).toContain('application/json');
          expect(typeof (JSON.parse(r.text) as { message?: unknown }).message, `${method} ${target} → ${r.text}`).toBe('string');
        }
      }),
      { numRuns: 1000 },
    );
    expect(held.length, held.join('\n')).toBeLessThan(300);
    expect(created, 'the generator should make real containers for the other requests to meet').toBeGreaterThan(20);
  }, 300_000);

  it('survives a body cut off mid-chunk and an abandoned upload', async () => {
    expect(await raw('5\r\n{"Ima')).toBeDefined();
    expect(await raw('zz\r\nnot hex\r\n')).toBeDefined();
    expect(await send('GET', '/_ping', undefined, 2000)).toMatchObject({ status: 200, text: 'OK' });
  });

  it('leaves the model consistent and every listed container inspectable and removable', async () => {
    expect(violations()).toEqual([]);
    const list = await send('GET', '/containers/json?all=1', undefined, 5000);
    if (list === 'held') throw new Error('listing containers hung');
    expect(list.status).toBe(200);
    for (const c of JSON.parse(list.text) as { Id: string }[]) {
      const inspected = await send('GET', `/containers/${c.Id}/json`, undefined, 5000);
      expect(inspected !== 'held' && inspected.status, c.Id).toBe(200);
      const removed = await send('DELETE', `/containers/${c.Id}?force=1`, undefined, 5000);
      expect(removed !== 'held' && removed.status, `rm -f ${c.Id}: ${JSON.stringify(removed)}`).toBe(204);
    }
    expect(violations()).toEqual([]);
  }, 60_000);
});

/** The wire layer over raw HTTP: _ping, version negotiation, error statuses and bodies, decoding. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_BY_CODE, toHttpError } from '../../src/dockerapi/index.js';
import { parseFilters, Query } from '../../src/dockerapi/query.js';
import { ERROR_CODES, InsufficientResourcesError, InvalidPowerStateError, NotSupportedError } from '../../src/sim/errors.js';
import { request, startHarness, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ maxJsonBodyBytes: 4096 });
});
afterAll(() => h.close());

describe('_ping and headers', () => {
  it('answers HEAD and GET /_ping with OK and every header the CLI reads', async () => {
    for (const method of ['HEAD', 'GET']) {
      const r = await request(h, method, '/_ping');
      expect(r.status).toBe(200);
      expect(r.text).toBe(method === 'GET' ? 'OK' : '');
      for (const [k, v] of Object.entries({ 'api-version': '1.47', ostype: 'linux', 'docker-experimental': 'false', 'builder-version': '1', swarm: 'inactive', pragma: 'no-cache', 'cache-control': 'no-cache, no-store, must-revalidate' })) {
        expect(r.headers.get(k)).toBe(v);
      }
      expect(r.headers.get('server')).toMatch(/^Docker\/\S+ \(linux\)$/);
    }
  });

  it('puts Api-Version, Server and Ostype on error answers too', async () => {
    const r = await request(h, 'GET', '/containers/nope/json');
    expect(r.status).toBe(404);
    expect(r.headers.get('api-version')).toBe('1.47');
    expect(r.headers.get('ostype')).toBe('linux');
    expect(JSON.parse(r.text)).toEqual({ message: 'No such container: nope' });
  });
});

describe('version negotiation', () => {
  it('serves versioned and unversioned paths alike', async () => {
    expect((await request(h, 'GET', '/v1.24/version')).status).toBe(200);
    expect((await request(h, 'GET', '/v1.47/containers/json')).status).toBe(200);
    expect((await request(h, 'GET', '/containers/json')).status).toBe(200);
  });

  it('refuses a version above the maximum and below the minimum with docker\'s messages', async () => {
    const high = await request(h, 'GET', '/v1.99/version');
    expect(high.status).toBe(400);
    expect(JSON.parse(high.text).message).toBe('client version 1.99 is too new. Maximum supported API version is 1.47');
    const low = await request(h, 'GET', '/v1.12/version');
    expect(JSON.parse(low.text).message).toBe('client version 1.12 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version');
  });

  it('answers an unknown path with 404 page not found', async () => {
    const r = await request(h, 'GET', '/v1.47/no/such/thing');
    expect(r.status).toBe(404);
    expect(JSON.parse(r.text)).toEqual({ message: 'page not found' });
  });
});

describe('errors and decoding', () => {
  it('answers malformed JSON, wrong types and oversized bodies with a 4xx naming the problem', async () => {
    const bad = await request(h, 'POST', '/containers/create', '{"Image": "busybox",', { 'Content-Type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).message).toMatch(/^invalid JSON in request body/);
    const typed = await request(h, 'POST', '/containers/create', JSON.stringify({ Image: 'busybox', HostConfig: { Memory: 'lots' } }));
    expect(typed.status).toBe(400);
    expect(JSON.parse(typed.text).message).toContain('HostConfig.Memory');
    const big = await request(h, 'POST', '/containers/create', JSON.stringify({ Image: 'busybox', Labels: { x: 'y'.repeat(5000) } }));
    expect(big.status).toBe(413);
  });

  it('accepts a Cmd given as a string, as docker\'s StrSlice does', async () => {
    const r = await request(h, 'POST', '/containers/create', JSON.stringify({ Image: 'busybox', Cmd: 'echo' }));
    expect(r.status).toBe(201);
    expect(JSON.parse(r.text).Id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers 304 for a start that changes nothing and 409 for a removal of a running container', async () => {
    const { Id } = JSON.parse((await request(h, 'POST', '/containers/create', JSON.stringify({ Image: 'busybox', Cmd: ['sleep'] }))).text) as { Id: string };
    expect((await request(h, 'POST', `/containers/${Id}/start`)).status).toBe(204);
    expect((await request(h, 'POST', `/containers/${Id}/start`)).status).toBe(304);
    expect((await request(h, 'DELETE', `/containers/${Id}`)).status).toBe(409);
    expect((await request(h, 'POST', `/containers/${Id}/wait?condition=sometime`)).status).toBe(400);
    expect((await request(h, 'DELETE', `/containers/${Id}?force=1`)).status).toBe(204);
  });

  it('refuses unsupported endpoints with 501 or 503 and a message naming the VCH', async () => {
    const build = await request(h, 'POST', '/v1.47/build');
    expect(build.status).toBe(501);
    expect(JSON.parse(build.text).message).toBe('vicsim VCH does not support docker build: a VCH runs containers as VMs and has no build engine');
    expect((await request(h, 'GET', '/services')).status).toBe(503);
    expect((await request(h, 'POST', '/build/prune')).status).toBe(200);
  });

  it('reads filters in both encodings and booleans as dockerd does', () => {
    expect(parseFilters('{"status":{"exited":true,"running":false}}')).toEqual({ status: ['exited'] });
    expect(parseFilters('{"label":["a=b","c"]}')).toEqual({ label: ['a=b', 'c'] });
    expect(parseFilters('')).toEqual({});
    expect(() => parseFilters('{"x":1}')).toThrow(/invalid filters/);
    const q = new Query(new URLSearchParams('a=&b=0&c=false&d=no&e=none&f=1&g=yes'));
    expect(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'missing'].map((k) => q.bool(k))).toEqual([false, false, false, false, false, true, true, false]);
  });
});

describe('the error mapping', () => {
  it('maps every registered error code to an error status (304 only for NotModified)', () => {
    for (const code of ERROR_CODES) {
      if (code === 'NotModified') expect(STATUS_BY_CODE[code]).toBe(304);
      else expect(STATUS_BY_CODE[code], code).toBeGreaterThanOrEqual(400);
    }
  });

  it('maps typed model errors by code and anything else to 500 with its message', () => {
    expect(toHttpError(new InvalidPowerStateError('vm-1', 'power on', 'poweredOn')).status).toBe(409);
    expect(toHttpError(new InsufficientResourcesError('pool', 'memory', 10, 1, 'MB'))).toMatchObject({ status: 500, unexpected: false });
    expect(toHttpError(new NotSupportedError('no')).status).toBe(501);
    expect(toHttpError(new TypeError('boom'))).toEqual({ status: 500, message: 'boom', unexpected: true });
  });
});

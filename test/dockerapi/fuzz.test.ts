/**
 * Random and malformed requests (methods × paths × queries × bodies): the server never crashes,
 * every error body is docker's well-formed `{"message"}`, and no 5xx answers except deliberate ones.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ maxJsonBodyBytes: 2048 });
});
afterAll(() => h.close());

const segment = fc.oneof(
  fc.constantFrom('containers', 'images', 'networks', 'volumes', 'exec', 'json', 'create', 'start', 'stop', 'logs', 'wait', 'archive', 'tag', 'prune', 'system', 'df', '_ping', 'busybox', 'v1.47', 'v1.12', 'v9.0', '..', '%2e%2e', '%zz', 'attach', 'stats', 'top', 'resize', 'kill', 'rename', 'events', 'info', 'version', 'auth'),
  fc.string({ maxLength: 8 }).map(encodeURIComponent),
);
const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => '/' + parts.join('/'));
const query = fc.array(
  fc.tuple(fc.constantFrom('all', 'filters', 'limit', 'name', 't', 'signal', 'condition', 'h', 'w', 'tail', 'since', 'path', 'force', 'stream', 'fromImage', 'tag', 'repo', 'x'), fc.oneof(fc.constantFrom('', '1', '0', 'true', '{"status":["exited"]}', '{"a":{"b":true}}', '{bad', '-5', 'busybox', '/tmp', 'next-exit'), fc.string({ maxLength: 10 }))),
  { maxLength: 3 },
).map((pairs) => (pairs.length === 0 ? '' : '?' + new URLSearchParams(pairs).toString()));
const body = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 2 }),
  fc.constantFrom('{"Image":"busybox","Cmd":["echo","x"]}', '{"Image":5}', '{"Cmd":"echo"}', '[]', 'null', '{', '{"Name":"n"}', '{"Container":"x"}', 'x'.repeat(3000)),
  fc.string({ maxLength: 30 }),
);
const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD');

/**
 * Sends one request; a held stream (events, logs -f, wait, stats) that does not finish within
 * 300 ms is abandoned, as clients do, and reported as 'held'.
 */
async function send(m: string, target: string, b: string | undefined): Promise<{ status: number; headers: Headers; text: string } | 'held'> {
  const signal = AbortSignal.timeout(300);
  try {
    const res = await fetch(`http://127.0.0.1:${h.port}${target}`, { method: m, headers: { 'Content-Type': 'application/json' }, signal, ...(b !== undefined ? { body: b } : {}) });
    return { status: res.status, headers: res.headers, text: m === 'HEAD' ? '' : await res.text() };
  } catch (err) {
    if (signal.aborted) return 'held';
    throw err;
  }
}

/** Statuses the server answers on purpose: 501 and 503 for refused features; 500 only from the engine's own failures. */
const DELIBERATE_5XX = new Set([501, 503]);

describe('random and malformed requests', () => {
  it('never crash the server and always get well-formed answers without accidental 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(method, path, query, body, async (m, p, q, b) => {
        const r = await send(m, p + q, m === 'GET' || m === 'HEAD' ? undefined : b);
        if (r === 'held') return;
        if (r.status >= 500) expect(DELIBERATE_5XX.has(r.status), `${m} ${p}${q} → ${r.status} ${r.text}`).toBe(true);
        if (r.status >= 400 && m !== 'HEAD') {
          const parsed = JSON.parse(r.text) as { message: unknown };
          expect(typeof parsed.message).toBe('string');
        }
        expect(r.headers.get('api-version')).toBe('1.47');
      }),
      { numRuns: 1000 },
    );
    const ping = await send('GET', '/_ping', undefined);
    expect(ping !== 'held' && ping.text).toBe('OK');
    expect(h.errors).toEqual([]);
  }, 120_000);
});

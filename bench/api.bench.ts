/**
 * Docker API benchmarks (issue 7) against `vicsim serve` at time scale 0 (provisioning completes at
 * once, so what is measured is the emulator's own cost): container create+start over the API on
 * loopback, sequential and 8-way concurrent — containers per second (benny) and p50/p99 latency of
 * one create+start (a separate pass of {@link LATENCY_CONTAINERS}); and the wall time of the real
 * CLI's `docker run --rm busybox true` next to `docker version` (the CLI's own floor) as a ratio.
 * The create+start load comes from a worker thread with a keep-alive node:http client, so the
 * server's thread is measured, as with any real client (a separate process), not the client's cost.
 */
import b from 'benny';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { startServe, type Served } from '../src/cli/serve.js';
import type { BenchResult } from './report.js';

/** Containers one benny operation creates and starts (sequential) — throughput is this ÷ mean op time. */
const PER_OP = 96;
/** Workers of the concurrent case; each creates PER_OP / CONCURRENCY containers one after another. */
const CONCURRENCY = 8;
/**
 * Containers created and started, unmeasured, before each case: a fresh server's first few hundred
 * run 2–3× slower while the JIT compiles the path; the figures are a warmed server's, as a VCH that has
 * served a while.
 */
const WARMUP_CONTAINERS = 960;
/** Containers timed one by one for the latency percentiles. */
const LATENCY_CONTAINERS = 480;
const DOCKER = '/usr/local/bin/docker';

/** The bench's own calls (pull, list, remove) over fetch. */
class Api {
  constructor(readonly base: string) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
    const res = await fetch(this.base + path, { method, headers: { 'Content-Type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, text: await res.text() };
  }

  /** Removes every container (force), 8 at a time, so each case starts from an empty VCH. */
  async removeAll(): Promise<void> {
    const all = JSON.parse((await this.call('GET', '/v1.47/containers/json?all=1')).text) as { Id: string }[];
    for (let i = 0; i < all.length; i += CONCURRENCY) await Promise.all(all.slice(i, i + CONCURRENCY).map((c) => this.call('DELETE', `/v1.47/containers/${c.Id}?force=1`)));
  }
}

/**
 * The load generator's thread (CommonJS, evaluated): on `{ count, workers }` it runs `workers`
 * concurrent loops of create (busybox true) + start over keep-alive connections and answers with
 * each create+start's latency in ms, or the first unexpected answer as `error`.
 */
const LOAD_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
function call(method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const headers = data === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) };
    const req = http.request({ host: '127.0.0.1', port: workerData.port, method, path, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(data);
  });
}
async function createStart() {
  const created = await call('POST', '/v1.47/containers/create', { Image: 'busybox', Cmd: ['true'], Labels: { bench: 'api' } });
  if (created.status !== 201) throw new Error('create answered ' + created.status + ': ' + created.text);
  const started = await call('POST', '/v1.47/containers/' + JSON.parse(created.text).Id + '/start');
  if (started.status !== 204) throw new Error('start answered ' + started.status + ': ' + started.text);
}
parentPort.on('message', async ({ id, count, workers }) => {
  const latencies = [];
  const loop = async (n) => {
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await createStart();
      latencies.push(performance.now() - t0);
    }
  };
  try {
    await Promise.all(Array.from({ length: workers }, () => loop(count / workers)));
    parentPort.postMessage({ id, latencies });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e && e.message || e) });
  }
});
`;

/** A create+start load generator on its own thread; runs may overlap (benny does not always wait). */
class LoadThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (latencies: number[]) => void; reject: (e: Error) => void }>();
  #nextId = 0;

  constructor(port: number) {
    this.#worker = new Worker(LOAD_THREAD, { eval: true, workerData: { port } });
    this.#worker.on('message', (m: { id: number; latencies?: number[]; error?: string }) => {
      const waiter = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (m.error === undefined) waiter?.resolve(m.latencies!);
      else waiter?.reject(new Error(m.error));
    });
  }

  /** `count` create+starts by `workers` concurrent loops; resolves with each one's latency (ms). */
  run(count: number, workers: number): Promise<number[]> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, count, workers });
    });
  }

  /** Stops the thread. */
  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}

/** The q-quantile (0..1) of `values` by nearest rank. O(n log n). */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Throughput (benny) and latency percentiles of create+start with `workers` concurrent clients. */
async function createStartCase(api: Api, load: LoadThread, workers: number): Promise<BenchResult[]> {
  const label = workers === 1 ? 'sequential' : `${workers}-way concurrent`;
  const out: BenchResult[] = [];
  await load.run(WARMUP_CONTAINERS, workers);
  await api.removeAll();
  await b.suite(
    `api create+start ${label}`,
    b.add(`create+start over the API, ${label}`, () => load.run(PER_OP, workers), { minSamples: 5, maxTime: 3 }),
    b.cycle(),
    b.complete((s) => {
      const r = s.results[0]!;
      out.push({ suite: 'api', name: `create+start over the API, ${label} (time scale 0)`, value: Math.round(PER_OP / r.details.mean), unit: 'containers/s', target: workers === 1 ? '≥ 500' : '—', samples: r.samples, margin: r.margin });
    }),
  );
  await api.removeAll();
  const latencies = await load.run(LATENCY_CONTAINERS, workers);
  await api.removeAll();
  const p50 = round2(quantile(latencies, 0.5));
  out.push({ suite: 'api', name: `create+start ${label}: p50 / p99 latency`, value: p50, unit: `ms p50, ${round2(quantile(latencies, 0.99))} ms p99`, target: '—', samples: latencies.length, margin: 0 });
  return out;
}

/** Runs the real docker CLI against the served VCH; rejects on a non-zero exit. */
function cli(served: Served, config: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env['PATH'] ?? '', HOME: config, DOCKER_CONFIG: config };
    const child = spawn(DOCKER, ['-H', `tcp://127.0.0.1:${served.dockerPort}`, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`docker ${args.join(' ')} exited ${code}: ${stderr}`))));
  });
}

/** Median wall times of `docker version` and `docker run --rm busybox true`, and their ratio. */
async function cliCases(served: Served, config: string): Promise<BenchResult[]> {
  const medians = new Map<string, { ms: number; samples: number; margin: number }>();
  await b.suite(
    'api docker CLI wall time',
    b.add('docker version', () => cli(served, config, ['version']), { minSamples: 10, maxTime: 4 }),
    b.add('docker run --rm busybox true', () => cli(served, config, ['run', '--rm', 'busybox', 'true']), { minSamples: 10, maxTime: 4 }),
    b.cycle(),
    b.complete((s) => {
      for (const r of s.results) medians.set(r.name, { ms: r.details.median * 1000, samples: r.samples, margin: r.margin });
    }),
  );
  const version = medians.get('docker version')!;
  const run = medians.get('docker run --rm busybox true')!;
  return [
    { suite: 'api', name: 'docker version wall time (median)', value: round2(version.ms), unit: 'ms', target: '—', samples: version.samples, margin: version.margin },
    { suite: 'api', name: 'docker run --rm busybox true wall time (median)', value: round2(run.ms), unit: 'ms', target: '—', samples: run.samples, margin: run.margin },
    { suite: 'api', name: 'docker run --rm busybox true ÷ docker version', value: round2(run.ms / version.ms), unit: '×', target: '≤ 1.5', samples: Math.min(run.samples, version.samples), margin: Math.max(run.margin, version.margin) },
  ];
}

/** Runs the suite; returns its results for the report. */
export async function apiBench(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'vicsim-bench-api-'));
  const served = await startServe({
    hosts: 4, dockerPort: 0, socket: join(dir, 'docker.sock'), stateDir: undefined, provision: 'instant',
    timeScale: 0, backend: 'model', tls: undefined, insecureRegistries: [], seed: 1,
  });
  try {
    const api = new Api(`http://127.0.0.1:${served.dockerPort}`);
    const pull = await api.call('POST', '/v1.47/images/create?fromImage=busybox&tag=latest');
    if (!pull.text.includes('Status: ')) throw new Error(`pulling busybox failed: ${pull.text}`);
    const load = new LoadThread(served.dockerPort);
    try {
      return [...(await createStartCase(api, load, 1)), ...(await createStartCase(api, load, CONCURRENCY)), ...(await cliCases(served, join(dir, 'config')))];
    } finally {
      await load.close();
    }
  } finally {
    await served.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

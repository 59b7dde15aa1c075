/**
 * The Docker SDK for Python 7.1 against `vicsim serve` at time scale 0, over the unix socket and TCP.
 * python/sdk_flows.py runs the flows (containers.run, detach + logs + exec_run + stop + remove,
 * images.pull, networks, error types, version negotiation) and prints what it observed as JSON; the
 * assertions live here. The SDK pulls missing images itself (from the offline catalog).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type Served } from '../../src/cli/serve.js';
import { testServeOptions } from './helpers.js';

const run = promisify(execFile);
const SCRIPT = join(import.meta.dirname, 'python', 'sdk_flows.py');

/** What sdk_flows.py prints: flow name → its observations, or {error, trace} when the flow raised. */
type Report = Record<string, Record<string, unknown>>;

let served: Served;
let dir: string;
const reports: Record<'unix' | 'tcp', Report> = { unix: {}, tcp: {} };

async function flows(baseUrl: string): Promise<Report> {
  const { stdout } = await run('python3', [SCRIPT, baseUrl], { timeout: 90_000, maxBuffer: 4 * 1024 * 1024 });
  return JSON.parse(stdout) as Report;
}

/** One flow's observations; a flow that raised fails here with the Python traceback. */
function flow(via: 'unix' | 'tcp', name: string): Record<string, unknown> {
  const observed = reports[via][name];
  expect(observed, `flow ${name} did not run`).toBeDefined();
  expect(observed!['trace'], `flow ${name} raised`).toBeUndefined();
  return observed!;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'clients-python-'));
  served = await startServe(testServeOptions(join(dir, 'docker.sock'), { seed: 13 }));
  reports.unix = await flows(`unix://${served.socket}`);
  reports.tcp = await flows(`tcp://127.0.0.1:${served.dockerPort}`);
}, 240_000);

afterAll(async () => {
  await served?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(['unix', 'tcp'] as const)('the Python SDK over %s', (via) => {
  it('returns the bytes of containers.run(busybox, echo hi) and raises ContainerError with stderr on failure', () => {
    expect(flow(via, 'run_foreground')).toMatchObject({ type: 'bytes', stdout: 'hi\n', failure: { exit_status: 3, stderr: 'failing\n' } });
  });

  it('returns the bytes of containers.run when the create request names the json-file log driver', () => {
    expect(flow(via, 'run_foreground_json_file')).toEqual({
      type: 'bytes',
      stdout: 'hi\n',
      stderr_only: 'to-err\n',
      failure: { exit_status: 3, stderr: 'failing\n' },
      removed_output: 'gone\n',
      left_after_remove: [],
    });
  });

  it('runs detached, waits, and reads the logs with and without stderr', () => {
    const r = flow(via, 'detached_busybox');
    expect(r).toMatchObject({ wait: { StatusCode: 0, Error: null }, status: 'exited', logs: 'a\nb\n', stdout_logs: 'a\n' });
    expect(r['id']).toMatch(/^[0-9a-f]{64}$/);
    expect(r['short_id']).toBe((r['id'] as string).slice(0, 12));
  });

  it('runs a service detached, execs in it with exit codes, stops and removes it', () => {
    const r = flow(via, 'detached_service');
    expect(r['running']).toBe('running');
    expect((r['exec'] as unknown[])[0]).toBe(3);
    expect(r['stopped']).toEqual({ status: 'exited', exit_code: 0 });
    expect(r['gone_after_remove']).toBe(true);
  });

  // The SDK reads frames from the raw socket after http.client buffered the head (docker-py #2042,
  // #3332): this passes because the VCH holds a hijacked stream's first frame back after the head.
  it('returns exec_run output, demultiplexed when asked, with the exec’s environment', () => {
    expect(flow(via, 'detached_service')).toMatchObject({ exec: [3, 'from-exec\n'], demux: ['o\n', 'e\n'], env: 'hello\n' });
  });

  it('pulls images from the catalog and finds them by name', () => {
    const r = flow(via, 'images');
    expect(r).toMatchObject({ pulled_tags: ['busybox:latest'], same_id: true, alpine: ['alpine:latest'] });
    expect(r['id']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(r['listed']).toEqual(expect.arrayContaining(['busybox:latest', 'redis:latest']));
  });

  it('creates a labelled network, connects and disconnects a container, and removes it', () => {
    expect(flow(via, 'networks')).toEqual({
      labels: { by: 'python' },
      members: ['py-net-member'],
      attached: ['bridge', 'py-net'],
      after_disconnect: [],
      listed: ['py-net'],
      get_after_remove: 404,
    });
  });

  it('raises the SDK’s error types with docker’s statuses and messages', () => {
    const r = flow(via, 'errors');
    expect(r['missing_container']).toEqual({ type: 'NotFound', status: 404, explanation: 'No such container: py-no-such', is_not_found: true });
    expect(r['missing_image']).toEqual({ type: 'ImageNotFound', status: 404, explanation: 'No such image: py-no-such-image', is_not_found: true });
    expect(r['missing_network']).toEqual({ type: 'NotFound', status: 404, explanation: 'network py-no-such-net not found', is_not_found: true });
    expect(r['name_conflict']).toMatchObject({ type: 'APIError', status: 409, is_not_found: false });
    expect((r['name_conflict'] as { explanation: string }).explanation).toMatch(/^Conflict\. The container name "\/py-dup" is already in use by container "[0-9a-f]{64}"\./);
    expect(r['kill_stopped']).toMatchObject({ type: 'APIError', status: 409 });
    expect((r['kill_stopped'] as { explanation: string }).explanation).toContain('is not running');
    expect(r['bad_wait_condition']).toMatchObject({ type: 'APIError', status: 400 });
  });

  it('pings, negotiates API 1.47 and reads version and info', () => {
    expect(flow(via, 'system')).toEqual({ ping: true, api_version: '1.47', min_api: '1.24', os: 'linux', info_os_type: 'linux', negotiated: '1.47' });
  });
});

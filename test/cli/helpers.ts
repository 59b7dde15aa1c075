/** Test harness: `vicsim serve` in-process on free ports (Docker API, admin API, further VCHs), at time scale 0. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, type Served } from '../../src/cli/serve.js';
import { runVch } from '../../src/cli/vch-command.js';
import { testServeOptions } from '../dockerapi/helpers.js';

/** A running serve and a scratch directory (socket, DOCKER_CONFIG). */
export interface ServeHarness {
  readonly served: Served;
  readonly dir: string;
  readonly adminUrl: string;
  close(): Promise<void>;
}

/** Starts serve with 2 hosts, every port chosen by the OS. */
export async function startTestServe(seed = 11): Promise<ServeHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'vicsim-cli-'));
  const served = await startServe(testServeOptions(join(dir, 'docker.sock'), { adminPort: 0, firstDockerPort: 0, seed }));
  return {
    served,
    dir,
    adminUrl: `http://127.0.0.1:${served.adminPort}`,
    close: async () => {
      await served.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An admin API answer. */
export interface AdminAnswer {
  readonly status: number;
  readonly body: any;
}

/** A raw admin API request; `body` is sent as is when a string, else as JSON. */
export async function admin(h: ServeHarness, method: string, path: string, body?: unknown): Promise<AdminAnswer> {
  const res = await fetch(`${h.adminUrl}${path}`, { method, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
  return { status: res.status, body: JSON.parse(await res.text()) };
}

/** What `vicsim vch …` printed and returned, run in-process. */
export interface VchRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `vicsim vch args… --admin <harness>` in-process. */
export async function vch(h: Pick<ServeHarness, 'adminUrl'>, args: readonly string[]): Promise<VchRun> {
  let stdout = '';
  let stderr = '';
  const code = await runVch([...args, '--admin', h.adminUrl], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

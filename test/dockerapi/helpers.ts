/** Test harness: a Docker API server over the transport test double, and the real docker CLI against it. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDockerApiServer, type DockerApiServer, type DockerApiServerOptions } from '../../src/dockerapi/index.js';
import type { ServeOptions } from '../../src/cli/serve.js';
import { TransportTestEngine } from './double/engine.js';

/** A server listening on a free TCP port and a unix socket, with its engine. */
export interface Harness {
  readonly engine: TransportTestEngine;
  readonly server: DockerApiServer;
  readonly port: number;
  readonly socketPath: string;
  readonly dir: string;
  readonly warnings: string[];
  readonly errors: string[];
  close(): Promise<void>;
}

/** Starts a server over a fresh transport test double. */
export async function startHarness(opts: DockerApiServerOptions = {}): Promise<Harness> {
  const engine = new TransportTestEngine();
  const warnings: string[] = [];
  const errors: string[] = [];
  const server = createDockerApiServer(engine, { statsIntervalMs: 50, logger: { warn: (m) => warnings.push(m), error: (m) => errors.push(m) }, ...opts });
  const dir = mkdtempSync(join(tmpdir(), 'dockerapi-'));
  const port = await server.listenTcp(0);
  const socketPath = join(dir, 'docker.sock');
  await server.listenUnix(socketPath);
  return {
    engine, server, port, socketPath, dir, warnings, errors,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What a docker CLI run gave. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `vicsim serve` options for a test: 2 hosts, the Docker API on any free port and on `socket`,
 * instant provisioning at time scale 0, no state directory; `overrides` change any of them.
 */
export function testServeOptions(socket: string, overrides: Partial<ServeOptions> = {}): ServeOptions {
  return { hosts: 2, dockerPort: 0, socket, stateDir: undefined, provision: 'instant', timeScale: 0, backend: 'model', tls: undefined, insecureRegistries: [], seed: 1, ...overrides };
}

/** The docker CLI: 28.x at /usr/local/bin/docker on these machines, else the one on PATH (scripts/docker/ensure.sh). */
export const DOCKER_CLI = existsSync('/usr/local/bin/docker') ? '/usr/local/bin/docker' : 'docker';

/** Runs `docker -H <host> args…` with a throw-away DOCKER_CONFIG; `input` is piped to stdin. */
export function docker(h: Pick<Harness, 'port' | 'socketPath' | 'dir'>, args: readonly string[], opts: { input?: string; via?: 'tcp' | 'unix'; env?: Record<string, string> } = {}): Promise<CliResult> {
  const host = opts.via === 'unix' ? `unix://${h.socketPath}` : `tcp://127.0.0.1:${h.port}`;
  const env = { PATH: process.env['PATH'] ?? '', HOME: h.dir, DOCKER_CONFIG: join(h.dir, 'config'), ...opts.env };
  return new Promise((resolve, reject) => {
    const child = spawn(DOCKER_CLI, ['-H', host, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** A raw HTTP request to the harness (no client library in the way). */
export async function request(h: Harness, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(`http://127.0.0.1:${h.port}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  return { status: res.status, headers: res.headers, text: method === 'HEAD' ? '' : await res.text() };
}

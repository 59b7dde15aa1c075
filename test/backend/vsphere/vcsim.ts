/**
 * Test harness for govmomi's vCenter simulator: builds it once through scripts/vcsim/ensure.sh (which
 * installs the Debian packages when run as root), starts it on 127.0.0.1 with TMPDIR on tmpfs (a fresh
 * directory under /dev/shm: vcsim writes real .vmx/.vmdk files), reads the URL it prints, and stops it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const ensureScript = join(projectRoot, 'scripts/vcsim/ensure.sh');

/** Inventory and server settings; defaults are vcsim's VPX model (1 DC, 1 cluster, 3 hosts, 2 VMs). */
export interface VcsimOptions {
  readonly datacenters?: number;
  readonly clusters?: number;
  readonly hostsPerCluster?: number;
  readonly vmsPerCluster?: number;
  readonly pools?: number;
  readonly datastores?: number;
  /** Power on the VMs of the initial inventory (default true). */
  readonly autostart?: boolean;
  readonly tls?: boolean;
  readonly username?: string;
  readonly password?: string;
}

/** A running vcsim. */
export interface Vcsim {
  /** SDK URL with credentials, e.g. http://user:pass@127.0.0.1:PORT/sdk. */
  readonly url: URL;
  /** SDK URL without credentials. */
  readonly sdkUrl: URL;
  readonly username: string;
  readonly password: string;
  /** Stops the process (SIGTERM, then SIGKILL after 10 s) and removes its temp directory. */
  stop(): Promise<void>;
}

let binaryPath: Promise<string> | undefined;

/** Path of the vcsim binary, built (and its packages installed) on first use in this process. */
export function vcsimBinary(): Promise<string> {
  binaryPath ??= promisify(execFile)(ensureScript, [], { timeout: 15 * 60_000, maxBuffer: 16 << 20 }).then(
    ({ stdout }) => stdout.trim().split('\n').at(-1) ?? '',
    (error: Error & { stderr?: string }) => {
      binaryPath = undefined;
      throw new Error(`scripts/vcsim/ensure.sh failed: ${error.stderr ?? error.message}`);
    },
  );
  return binaryPath;
}

function flagsOf(options: VcsimOptions): string[] {
  const flags: Array<[string, number | boolean | string | undefined]> = [
    ['dc', options.datacenters],
    ['cluster', options.clusters],
    ['host', options.hostsPerCluster],
    ['vm', options.vmsPerCluster],
    ['pool', options.pools],
    ['ds', options.datastores],
    ['autostart', options.autostart],
    ['tls', options.tls],
    ['username', options.username],
    ['password', options.password],
  ];
  return flags.filter(([, value]) => value !== undefined).map(([name, value]) => `-${name}=${String(value)}`);
}

function readUrl(child: ChildProcess, stderr: () => string): Promise<URL> {
  return new Promise((resolveUrl, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`vcsim printed no URL within 60 s: ${stderr()}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      resolveUrl(new URL(buffered.slice(0, newline).trim()));
    });
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`vcsim exited with ${code}: ${stderr()}`))));
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => (clearTimeout(killTimer), resolveStop()));
    child.kill('SIGTERM');
  });
}

/** Builds (if needed) and starts vcsim on a free loopback port. Precondition: Linux with bash. */
export async function startVcsim(options: VcsimOptions = {}): Promise<Vcsim> {
  const binary = await vcsimBinary();
  const tempRoot = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const tempDir = await mkdtemp(join(tempRoot, 'vicsim-vcsim-'));
  const child = spawn(binary, ['-listen=127.0.0.1:0', ...flagsOf(options)], {
    env: { ...process.env, TMPDIR: tempDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
  const stop = async () => {
    await stopProcess(child);
    await rm(tempDir, { recursive: true, force: true });
  };
  try {
    const url = await readUrl(child, () => stderr);
    const sdkUrl = new URL(url);
    sdkUrl.username = '';
    sdkUrl.password = '';
    return { url, sdkUrl, username: decodeURIComponent(url.username), password: decodeURIComponent(url.password), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Starts one vcsim before the tests of the calling file and stops it after them; returns an accessor.
 * Precondition: call at the top level of a test file or describe block.
 */
export function useVcsim(options: VcsimOptions = {}): () => Vcsim {
  let server: Vcsim | undefined;
  beforeAll(async () => {
    server = await startVcsim(options);
  }, 15 * 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (server === undefined) throw new Error('vcsim is not running (beforeAll failed?)');
    return server;
  };
}

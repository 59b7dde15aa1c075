/**
 * Test harness: a real Docker registry (Debian's distribution 2.8, `docker-registry serve CONFIG.yml`)
 * on 127.0.0.1 with a free port and a temporary storage root, optionally behind htpasswd (Basic) or
 * token (Bearer) auth; images are pushed into it with skopeo from docker archives written by the
 * project's own archive writer. `stop()` ends what `startRegistry` started and removes its files.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { MEDIA_TYPES } from '../../../src/vch/registry/manifest.js';
import { sha256Digest } from '../../../src/vch/archive/image.js';
import { startTokenServer } from './token-server.js';
import type { TokenServer } from './token-server.js';

const run = promisify(execFile);
const ENSURE_SCRIPT = resolve(import.meta.dirname, '../../../scripts/registry/ensure.sh');

/** The test user of authenticated registries. */
export const TEST_USER = { username: 'vicsim', password: 'pull-secret-1' } as const;
/** bcrypt hash of TEST_USER's password, made with `htpasswd -nbB vicsim pull-secret-1` (distribution reads only bcrypt). */
const TEST_USER_HTPASSWD = 'vicsim:$2y$05$mRyUu7UTJIn1l3QC4eTxq.xtz8eSx/YNVZmQcErQTmSfgK3WcU8qe';

/** How the registry authenticates. */
export type RegistryAuth = 'none' | 'htpasswd' | 'token';

/** A running registry. */
export interface LocalRegistry {
  /** "127.0.0.1:PORT": the reference domain and the insecure-registry entry. */
  readonly host: string;
  readonly auth: RegistryAuth;
  /** Pushes a docker-archive file as host/repository:tag with skopeo (as TEST_USER when auth is on). */
  push(archivePath: string, repositoryAndTag: string, options?: { format?: 'v2s2' | 'oci' }): Promise<void>;
  /** Fetches a manifest as stored (no auth): its bytes, digest and media type. */
  rawManifest(repository: string, reference: string): Promise<{ bytes: Buffer; digest: string; mediaType: string }>;
  /** Stores a manifest list / OCI index for `repository:tag` over the registry API (auth 'none' only). */
  putManifest(repository: string, tag: string, mediaType: string, body: string): Promise<string>;
  /** Output the registry process printed so far, for failing tests. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Installs the peers when root and they are missing (scripts/registry/ensure.sh).
 * @throws Error naming the missing Debian packages otherwise.
 */
export function ensureRegistryTools(): void {
  try {
    execFileSync('bash', [ENSURE_SCRIPT], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`registry test peers are missing (scripts/registry/ensure.sh): ${stderr.trim() || (error as Error).message}`);
  }
}

/** A free TCP port on 127.0.0.1 (free when asked; the registry binds it right after). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  return typeof address === 'object' && address ? address.port : 0;
}

/** Starts a registry and waits until its API answers. */
export async function startRegistry(auth: RegistryAuth = 'none'): Promise<LocalRegistry> {
  ensureRegistryTools();
  const dir = mkdtempSync(join(tmpdir(), 'vicsim-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const tokenServer = auth === 'token' ? await startTokenServer(dir, { [TEST_USER.username]: TEST_USER.password }) : undefined;
  const configPath = join(dir, 'config.yml');
  writeFileSync(configPath, registryConfig(dir, host, auth, tokenServer));
  const child = spawn('docker-registry', ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async (): Promise<void> => {
    await stopChild(child);
    await tokenServer?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(`http://${host}/v2/`, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    host,
    auth,
    push: (archivePath, repositoryAndTag, options) => skopeoPush(host, auth, archivePath, repositoryAndTag, options?.format),
    rawManifest: (repository, reference) => rawManifest(host, repository, reference),
    putManifest: (repository, tag, mediaType, body) => putManifest(host, repository, tag, mediaType, body),
    output: () => output,
    stop,
  };
}

function registryConfig(dir: string, host: string, auth: RegistryAuth, tokenServer: TokenServer | undefined): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'storage')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${host}`,
    '  secret: vicsim-test-secret',
  ];
  if (auth === 'htpasswd') {
    writeFileSync(join(dir, 'htpasswd'), `${TEST_USER_HTPASSWD}\n`);
    lines.push('auth:', '  htpasswd:', '    realm: vicsim-test-realm', `    path: ${join(dir, 'htpasswd')}`);
  }
  if (tokenServer) {
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${tokenServer.realm}`,
      `    service: ${tokenServer.service}`,
      `    issuer: ${tokenServer.issuer}`,
      `    rootcertbundle: ${tokenServer.certificatePath}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function waitUntilServing(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${output()}`);
    try {
      const response = await fetch(url);
      await response.body?.cancel();
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`docker-registry did not answer on ${url} within 10 s: ${output()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function skopeoPush(host: string, auth: RegistryAuth, archivePath: string, repositoryAndTag: string, format?: 'v2s2' | 'oci'): Promise<void> {
  const args = ['--insecure-policy', 'copy', '--quiet', '--dest-tls-verify=false'];
  if (auth !== 'none') args.push('--dest-creds', `${TEST_USER.username}:${TEST_USER.password}`);
  if (format) args.push('--format', format);
  args.push(`docker-archive:${archivePath}`, `docker://${host}/${repositoryAndTag}`);
  await run('skopeo', args, { maxBuffer: 16 * 1024 * 1024 });
}

async function rawManifest(host: string, repository: string, reference: string): Promise<{ bytes: Buffer; digest: string; mediaType: string }> {
  const accept = [MEDIA_TYPES.dockerManifest, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.ociIndex].join(', ');
  const response = await fetch(`http://${host}/v2/${repository}/manifests/${reference}`, { headers: { Accept: accept } });
  if (!response.ok) throw new Error(`GET manifest ${repository}:${reference}: ${response.status} ${await response.text()}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  return { bytes, digest: sha256Digest(bytes), mediaType: response.headers.get('content-type') ?? '' };
}

async function putManifest(host: string, repository: string, tag: string, mediaType: string, body: string): Promise<string> {
  const response = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, { method: 'PUT', headers: { 'Content-Type': mediaType }, body });
  if (response.status !== 201) throw new Error(`PUT manifest ${repository}:${tag}: ${response.status} ${await response.text()}`);
  return response.headers.get('docker-content-digest') ?? '';
}

/**
 * Pulls over the Docker API from a real local registry (Debian's docker-registry, distribution 2.8,
 * holding busybox built from /bin/busybox and pushed with skopeo — test/vch/registry/), served as an
 * insecure registry to `vicsim serve`; then `docker run` of it, whose applets run in the built-in
 * interpreter over the pulled layer.
 */
import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type Served } from '../../src/cli/serve.js';
import { busyboxRegistry, type BusyboxRegistry } from '../vch/registry/busybox-registry.js';
import { freePort } from '../vch/registry/registry-server.js';
import { docker, testServeOptions } from './helpers.js';

// The first start may install the registry peers with apt-get (scripts/registry/ensure.sh).
const HOOK_TIMEOUT = 300_000;

let fixture: BusyboxRegistry | undefined;
let served: Served;
let dir: string;
let image: string;
const cli = (args: string[], opts: { input?: string } = {}) => docker({ port: served.dockerPort, socketPath: served.socket, dir }, args, opts);

beforeAll(async () => {
  fixture = await busyboxRegistry('none');
  image = `${fixture.registry.host}/library/busybox`;
  dir = mkdtempSync(join(tmpdir(), 'clients-registry-'));
  served = await startServe(testServeOptions(join(dir, 'docker.sock'), { insecureRegistries: [fixture.registry.host], seed: 17 }));
}, HOOK_TIMEOUT);

afterAll(async () => {
  await served?.close();
  await fixture?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('pulling from a real registry through the served VCH', () => {
  it('pulls with the docker CLI, printing docker’s progress with the registry’s manifest digest', async () => {
    const { digest } = await fixture!.registry.rawManifest('library/busybox', 'latest');
    const r = await cli(['pull', image]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('latest: Pulling from library/busybox');
    expect(r.stdout).toMatch(/[0-9a-f]{12}: Pull complete/);
    expect(r.stdout).toContain(`Digest: ${digest}`);
    expect(r.stdout).toContain(`Status: Downloaded newer image for ${image}:latest`);
    const inspect = JSON.parse((await cli(['image', 'inspect', image])).stdout) as { RepoTags: string[]; RepoDigests: string[]; Id: string }[];
    expect(inspect[0]).toMatchObject({ RepoTags: [`${image}:latest`], RepoDigests: [`${image}@${digest}`], Id: fixture!.busybox.config.digest });
    expect((await cli(['pull', image])).stdout).toContain(`Status: Image is up to date for ${image}:latest`);
  });

  it('runs the pulled busybox: the real binary is in the container and its applets run', async () => {
    const size = readFileSync('/bin/busybox').length;
    const applets = execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a !== '' && a !== 'busybox').length;
    const script = 'echo hi; wc -c < /bin/busybox; ls /bin | wc -l; test -L /bin/sh && echo link; echo a,b,c | cut -d, -f2 | tr a-z A-Z; exit 7';
    const r = await cli(['run', '--rm', image, 'sh', '-c', script]);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').map((l) => l.trim())).toEqual(['hi', String(size), String(applets + 1), 'link', 'B', '']);
    expect(r.code).toBe(7);
  });

  it('pulls implicitly when docker run does not find the image, then runs the image’s Cmd', async () => {
    expect((await cli(['rmi', image])).code).toBe(0);
    const r = await cli(['run', '-i', '--rm', image], { input: 'echo from stdin; exit 4\n' });
    expect(r.stderr).toContain(`Unable to find image '${image}:latest' locally`);
    expect(r.stdout).toBe('from stdin\n');
    expect(r.code).toBe(4);
  });

  it('pulls over the API with dockerode, following Downloading progress to the final status', async () => {
    const client = new Docker({ socketPath: served.socket });
    await client.getImage(image).remove().catch(() => undefined);
    const progress = await new Promise<{ status?: string; progressDetail?: { current?: number; total?: number } }[]>((resolve, reject) => {
      client.pull(image, (err: Error | null, stream: NodeJS.ReadableStream) => {
        if (err) return reject(err);
        client.modem.followProgress(stream, (done: Error | null, out: { status?: string }[]) => (done ? reject(done) : resolve(out)));
      });
    });
    const downloading = progress.filter((p) => p.status === 'Downloading');
    expect(downloading.length).toBeGreaterThan(0);
    expect(downloading.at(-1)?.progressDetail?.total).toBeGreaterThan(0);
    expect(progress.at(-1)?.status).toBe(`Status: Downloaded newer image for ${image}:latest`);
    expect((await client.getImage(image).inspect()).Id).toBe(fixture!.busybox.config.digest);
  });

  it('speaks HTTPS to a registry not listed as insecure, and fails the pull with the connection error', async () => {
    const host = `127.0.0.1:${await freePort()}`;
    const r = await cli(['pull', `${host}/library/busybox`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`https://${host}/v2/`);
  });
});

/**
 * End to end: the real docker CLI against `vicsim serve` — the model, the VCH and the Docker API as
 * `npm start` wires them — at time scale 0, over TCP and the unix socket. Images come from the
 * offline catalog (no registry answers for docker.io here).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type Served } from '../../src/cli/serve.js';
import { docker, testServeOptions } from './helpers.js';

let served: Served;
let dir: string;
const cli = (args: string[], opts: { input?: string; via?: 'tcp' | 'unix' } = {}) => docker({ port: served.dockerPort, socketPath: served.socket, dir }, args, opts);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vch-e2e-'));
  served = await startServe(testServeOptions(join(dir, 'docker.sock'), { seed: 7 }));
}, 60_000);

afterAll(async () => {
  await served?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the docker CLI against a served VCH', () => {
  it('runs busybox echo hi, pulling the image first, and exits 0', async () => {
    const r = await cli(['run', 'busybox', 'echo', 'hi']);
    expect(r.stdout).toBe('hi\n');
    expect(r.stderr).toContain('Status: Downloaded newer image for busybox:latest');
    expect(r.code).toBe(0);
  });

  it('keeps stdout and stderr apart and exits with the command status', async () => {
    const r = await cli(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(r).toMatchObject({ code: 3, stdout: 'out\n' });
    expect(r.stderr).toContain('err\n');
  });

  it('fails a missing executable with 127 and docker’s message', async () => {
    const r = await cli(['run', 'busybox', 'fakeCommand']);
    expect(r.code).toBe(127);
    expect(r.stderr).toContain('exec: "fakeCommand": executable file not found in $PATH');
  });

  it('pipes stdin into run -i over the unix socket', async () => {
    const r = await cli(['run', '-i', '--rm', 'busybox', 'sh', '-c', 'tr a-z A-Z'], { input: 'hello\n', via: 'unix' });
    expect(r).toMatchObject({ code: 0, stdout: 'HELLO\n' });
  });

  it('serves nginx on a published port, with ps, logs, exec, stop and rm', async () => {
    const run = await cli(['run', '-d', '--name', 'web', '-p', '18080:80', 'nginx']);
    expect(run.code).toBe(0);
    const id = run.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const page = await (await fetch('http://127.0.0.1:18080/')).text();
    expect(page).toContain('<td>web</td>');
    expect(page).toContain(`web-${id.slice(0, 12)}`);
    const ps = await cli(['ps']);
    expect(ps.stdout).toMatch(/0\.0\.0\.0:18080->80\/tcp\s+web/);
    const net = (await cli(['stats', '--no-stream', '--format', '{{.NetIO}}', 'web'])).stdout.trim();
    const [rx, tx] = net.split(' / ');
    expect(rx).toMatch(/^[1-9][\d.]*k?B$/); // the request the page answered
    expect(tx).toMatch(/^[1-9][\d.]*k?B$/); // the page
    expect((await cli(['logs', 'web'])).stdout).toContain('simulated service');
    expect(await cli(['exec', 'web', 'cat', '/etc/hostname'])).toMatchObject({ code: 0 });
    expect((await cli(['stop', 'web'])).stdout.trim()).toBe('web');
    await expect(fetch('http://127.0.0.1:18080/')).rejects.toThrow();
    expect((await cli(['rm', 'web'])).code).toBe(0);
    expect((await cli(['ps', '-a', '--filter', 'name=web'])).stdout.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a second container with a name in use, in docker’s words', async () => {
    expect((await cli(['create', '--name', 'dup', 'busybox'])).code).toBe(0);
    const again = await cli(['create', '--name', 'dup', 'busybox']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Conflict. The container name "/dup" is already in use by container');
    expect((await cli(['rm', 'dup'])).code).toBe(0);
  });

  it('removes a --rm container when it exits, leaving no VM behind', async () => {
    const before = (await served.vch.parts.backend.vms()).length;
    expect((await cli(['run', '--rm', '--name', 'gone', 'busybox', 'true'])).code).toBe(0);
    expect((await cli(['ps', '-a', '--filter', 'name=gone', '-q'])).stdout).toBe('');
    expect((await served.vch.parts.backend.vms()).length).toBe(before);
  });

  it('refuses removal of a running container without force', async () => {
    expect((await cli(['run', '-d', '--name', 'svc', 'redis'])).code).toBe(0);
    const rm = await cli(['rm', 'svc']);
    expect(rm.code).not.toBe(0);
    expect(rm.stderr).toContain('You cannot remove a running container');
    expect((await cli(['rm', '-f', 'svc'])).code).toBe(0);
  });

  it('keeps a named volume’s files across containers and refuses host directories', async () => {
    expect((await cli(['volume', 'create', 'data'])).stdout.trim()).toBe('data');
    expect((await cli(['run', '--rm', '-v', 'data:/data', 'busybox', 'sh', '-c', 'echo kept > /data/f'])).code).toBe(0);
    expect(await cli(['run', '--rm', '-v', 'data:/data', 'busybox', 'cat', '/data/f'])).toMatchObject({ code: 0, stdout: 'kept\n' });
    const inspect = JSON.parse((await cli(['volume', 'inspect', 'data'])).stdout) as { Driver: string; Mountpoint: string }[];
    expect(inspect[0]).toMatchObject({ Driver: 'vsphere' });
    const bind = await cli(['run', '--rm', '-v', '/tmp:/host', 'busybox', 'true']);
    expect(bind.code).toBe(125);
    expect(bind.stderr).toContain('mounting directories as a data volume is not supported');
    expect((await cli(['volume', 'rm', 'data'])).code).toBe(0);
  });

  it('fails pulls no registry answers for when the offline catalog is off', async () => {
    const socket = join(dir, 'nocat.sock');
    const strict = await startServe(testServeOptions(socket, { hosts: 1, offlineCatalog: false, seed: 7 }));
    try {
      const r = await docker({ port: strict.dockerPort, socketPath: socket, dir }, ['pull', 'busybox']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/registry-1\.docker\.io|docker\.io/);
      expect((await docker({ port: strict.dockerPort, socketPath: socket, dir }, ['images', '-q'])).stdout).toBe('');
    } finally {
      await strict.close();
    }
  });
});

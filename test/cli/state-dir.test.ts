/**
 * `--state-dir`: a served VCH survives a restart of `vicsim serve` — containers (running ones come
 * back running, with their published ports), images, volumes, networks and logs — and a kill -9 in
 * the middle loses nothing the docker CLI was told had happened.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServe, type ServeOptions } from '../../src/cli/serve.js';
import { docker } from '../dockerapi/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'vicsim-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function options(stateDir: string, socket: string): ServeOptions {
  return { hosts: 2, dockerPort: 0, socket, stateDir, provision: 'instant', timeScale: 0, backend: 'model', tls: undefined, insecureRegistries: [], seed: 3 };
}

describe('a served VCH with --state-dir', () => {
  it('comes back after a restart with its containers, ports, images, volumes, networks and logs', async () => {
    const stateDir = join(dir, 'restart');
    const socket = join(dir, 'restart.sock');
    const first = await startServe(options(stateDir, socket));
    const cli = (args: string[]) => docker({ port: first.dockerPort, socketPath: socket, dir }, args);
    expect((await cli(['run', '-d', '--name', 'web', '-p', '18181:80', 'nginx'])).code).toBe(0);
    expect((await cli(['run', '--name', 'said', 'busybox', 'echo', 'remembered'])).code).toBe(0);
    expect((await cli(['run', '--rm', '-v', 'keep:/data', 'busybox', 'sh', '-c', 'echo kept > /data/f'])).code).toBe(0);
    expect((await cli(['network', 'create', 'mynet'])).code).toBe(0);
    expect((await cli(['create', '--name', 'later', '--network', 'mynet', 'busybox', 'true'])).code).toBe(0);
    await first.close();

    const second = await startServe(options(stateDir, socket));
    try {
      const again = (args: string[]) => docker({ port: second.dockerPort, socketPath: socket, dir }, args);
      expect((await again(['ps', '--format', '{{.Names}} {{.Status}} {{.Ports}}'])).stdout).toMatch(/^web Up .* 0\.0\.0\.0:18181->80\/tcp\n$/);
      expect(await (await fetch('http://127.0.0.1:18181/')).text()).toContain('<td>web</td>');
      expect((await again(['logs', 'said'])).stdout).toBe('remembered\n');
      expect((await again(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'said'])).stdout).toBe('exited 0\n');
      expect((await again(['images', '--format', '{{.Repository}}'])).stdout.split('\n').sort()).toEqual(['', 'busybox', 'nginx']);
      expect(await again(['run', '--rm', '-v', 'keep:/data', 'busybox', 'cat', '/data/f'])).toMatchObject({ code: 0, stdout: 'kept\n' });
      expect((await again(['inspect', '--format', '{{json .NetworkSettings.Networks}}', 'later'])).stdout).toContain('mynet');
      expect((await again(['start', '-a', 'later'])).code).toBe(0);
      const created = await again(['run', '-d', 'busybox', 'true']);
      expect(created.code).toBe(0);
    } finally {
      await second.close();
    }
  }, 120_000);

  it('loses nothing acknowledged when the server is killed with SIGKILL', async () => {
    const stateDir = join(dir, 'kill');
    const socket = join(dir, 'kill.sock');
    let server = await spawnServe(stateDir, socket);
    const cli = (args: string[]) => docker({ port: server.port, socketPath: socket, dir }, args);
    expect((await cli(['run', '-d', '--name', 'svc', 'redis'])).code).toBe(0);
    expect((await cli(['create', '--name', 'made', 'busybox'])).code).toBe(0);
    server.child.kill('SIGKILL');
    await new Promise((resolve) => server.child.once('exit', resolve));
    expect(readdirSync(stateDir)).toContain('state.json');

    server = await spawnServe(stateDir, socket);
    try {
      const names = await docker({ port: server.port, socketPath: socket, dir }, ['ps', '-a', '--format', '{{.Names}} {{.State}}']);
      const why = await docker({ port: server.port, socketPath: socket, dir }, ['inspect', '--format', '{{.State.Error}}', 'svc']);
      expect(names.stdout.split('\n').filter(Boolean).sort(), why.stdout).toEqual(['made created', 'svc running']);
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((resolve) => server.child.once('exit', resolve));
    }
  }, 120_000);
});

/** `vicsim serve --state-dir` as a child process; resolves with its Docker API port once it prints the banner. */
function spawnServe(stateDir: string, socket: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--state-dir', stateDir, '--socket', socket, '--docker-port', '0', '--admin-port', '0', '--time-scale', '0', '--hosts', '2'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /export DOCKER_HOST=tcp:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}

/**
 * `vicsim vch create|configure|inspect --container-network` through the admin API of an in-process
 * serve with `--state-dir`: the mapped networks show in inspect and in the equivalent create flags,
 * configure adds one but neither drops nor changes an existing one, and a restart of serve keeps them
 * (the configured spec is what is saved) with a running container's address on its port group.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServe } from '../../src/cli/serve.js';
import { docker, testServeOptions } from '../dockerapi/helpers.js';
import { vch } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'vicsim-cnet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PUBLIC = ['--container-network', 'VM Network:public', '--container-network-gateway', 'VM Network:192.168.60.1/24', '--container-network-ip-range', 'VM Network:192.168.60.10-192.168.60.20'];

describe('vicsim vch with container networks', () => {
  it('creates, shows, adds, refuses a drop, and keeps them across a restart of serve', async () => {
    const stateDir = join(dir, 'state');
    const socket = join(dir, 'docker.sock');
    const options = testServeOptions(socket, { stateDir, adminPort: 0, firstDockerPort: 0, seed: 5 });
    const first = await startServe(options);
    const h = { adminUrl: `http://127.0.0.1:${first.adminPort}` };
    let port = 0;
    try {
      const created = await vch(h, ['create', '--name', 'cn', ...PUBLIC]);
      expect(created).toMatchObject({ code: 0, stderr: '' });
      port = Number(/DOCKER_HOST=tcp:\/\/127\.0\.0\.1:(\d+)/.exec(created.stdout)![1]);
      const shown = await vch(h, ['inspect', 'cn']);
      expect(shown.stdout).toContain('container network VM Network:public gateway 192.168.60.1/24 ip-range 192.168.60.10-192.168.60.20');
      expect(shown.stdout).toContain("--container-network 'VM Network:public' --container-network-gateway 'VM Network:192.168.60.1/24'");
      const dropped = await vch(h, ['configure', 'cn', '--container-network', 'VM Network:lan']);
      expect(dropped.code).toBe(1);
      expect(dropped.stderr).toContain('existing container network VM Network:public cannot be changed or removed by configure');
      const added = await vch(h, ['configure', 'cn', ...PUBLIC, '--container-network', 'VM Network:lan']);
      expect(added).toMatchObject({ code: 0, stderr: '' });
      const cli = (args: string[]) => docker({ port, socketPath: socket, dir }, args);
      expect((await cli(['network', 'ls', '--format', '{{.Name}}'])).stdout.split('\n')).toEqual(expect.arrayContaining(['public', 'lan']));
      expect((await cli(['run', '-d', '--name', 'web', '--net', 'public', 'nginx'])).code).toBe(0);
    } finally {
      await first.close();
    }
    const second = await startServe(options);
    try {
      const again = (args: string[]) => docker({ port, socketPath: socket, dir }, args);
      expect((await vch({ adminUrl: `http://127.0.0.1:${second.adminPort}` }, ['inspect', 'cn'])).stdout).toContain('container network VM Network:lan');
      expect((await again(['network', 'ls', '--format', '{{.Name}} {{.Driver}}'])).stdout).toContain('lan external');
      expect((await again(['inspect', '-f', '{{.State.Status}} {{.NetworkSettings.Networks.public.IPAddress}}', 'web'])).stdout.trim()).toBe('running 192.168.60.10');
    } finally {
      await second.close();
    }
  }, 120_000);

  it('refuses inconsistent flags and a port group that does not exist, with exit status 1', async () => {
    const served = await startServe(testServeOptions(join(dir, 'b.sock'), { adminPort: 0, firstDockerPort: 0, seed: 6 }));
    const h = { adminUrl: `http://127.0.0.1:${served.adminPort}` };
    try {
      const orphan = await vch(h, ['create', '--name', 'x1', '--container-network', 'VM Network', '--container-network-dns', 'Other:8.8.8.8']);
      expect(orphan.code).not.toBe(0);
      expect(orphan.stderr).toContain('Inconsistent container network configuration');
      const missing = await vch(h, ['create', '--name', 'x2', '--container-network', 'No Such PG:web']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain(`Error adding container network "web": network 'No Such PG' not found`);
      const noGateway = await vch(h, ['create', '--name', 'x3', '--container-network', 'VM Network:vmnet', '--container-network-ip-range', 'VM Network:10.9.0.0/24']);
      expect(noGateway.stderr).toContain('IP range specified without gateway for container network "vmnet"');
      const spaced = await vch(h, ['create', '--name', 'x4', '--container-network', 'VM Network']);
      expect(spaced.stderr).toContain('A network alias must be supplied when network name "VM Network" contains spaces.');
      expect((await vch(h, ['ls'])).stdout).not.toMatch(/x[1-4]/);
    } finally {
      await served.close();
    }
  }, 60_000);
});

/**
 * The real docker CLI against a VCH made with `vicsim vch create --container-network`: the port group
 * shows as a network of driver external, cannot be created or removed through docker, and a
 * container run on it has its own address from the network's range, with its port on that address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServe, vch, type ServeHarness } from '../cli/helpers.js';
import { docker } from './helpers.js';

let h: ServeHarness;
let port: number;
const cli = (args: string[]) => docker({ port, socketPath: h.served.socket, dir: h.dir }, args);

beforeAll(async () => {
  h = await startTestServe(29);
  const r = await vch(h, ['create', '--name', 'cnet', '--container-network', 'VM Network:public', '--container-network-gateway', 'VM Network:192.168.50.1/24', '--container-network-ip-range', 'VM Network:192.168.50.100-192.168.50.109', '--container-network-firewall', 'VM Network:published']);
  expect(r.stderr).toBe('');
  port = Number(/DOCKER_HOST=tcp:\/\/127\.0\.0\.1:(\d+)/.exec(r.stdout)![1]);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('the docker CLI on a VCH with a container network', () => {
  it('lists the container network with driver external beside bridge and none', async () => {
    const r = await cli(['network', 'ls', '--format', '{{.Name}} {{.Driver}}']);
    expect(r.stdout.trim().split('\n').sort()).toEqual(['bridge bridge', 'none null', 'public external']);
  });

  it('refuses docker network create -d external and network rm of it, in VIC words', async () => {
    const create = await cli(['network', 'create', '-d', 'external', 'mine']);
    expect(create.code).toBe(1);
    expect(create.stderr).toContain('no network info for external scope mine');
    const rm = await cli(['network', 'rm', 'public']);
    expect(rm.code).toBe(1);
    expect(rm.stderr).toContain('cannot remove builtin scope');
  });

  it('runs a container on it with its own address from the range and its port on that address', async () => {
    const run = await cli(['run', '-d', '--name', 'web', '--net', 'public', '-p', '80', 'nginx']);
    expect(run.code).toBe(0);
    const ip = await cli(['inspect', '-f', '{{.NetworkSettings.Networks.public.IPAddress}}', 'web']);
    expect(ip.stdout.trim()).toBe('192.168.50.100');
    const ports = await cli(['port', 'web']);
    expect(ports.stdout).toContain('80/tcp -> 192.168.50.100:80');
    const inspect = await cli(['network', 'inspect', '-f', '{{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}', 'public']);
    expect(inspect.stdout.trim()).toBe('web 192.168.50.100/24');
  }, 60_000);
});

/**
 * VIC's container networks through the VCH's engine API: a port group mapped to a docker network of
 * driver `external` (listed, not creatable or removable), containers on it with a vNIC of their own
 * on the port group and an address from its range or the model's DHCP, ports shown on that address
 * without a mapping, `network connect`/`disconnect` hot-adding and removing the vNIC.
 */
import { describe, expect, it } from 'vitest';
import { dhcpLease } from '../../src/vch/network/external.js';
import type { ContainerNetworkSpec } from '../../src/vch/vch-spec.js';
import { LONG_SLEEP, rejection, vchWorld, type VchWorld } from './containers/world.js';

const STATIC: ContainerNetworkSpec = { portGroup: 'VM Network', alias: 'public', gateway: '192.168.10.1/24', ipRanges: ['192.168.10.10-192.168.10.12'] };

async function world(networks: readonly ContainerNetworkSpec[]): Promise<VchWorld> {
  return vchWorld({ spec: { containerNetworks: networks } });
}

async function vmNics(w: VchWorld, id: string) {
  return (await w.backend.vm(w.vch.parts.containers.index.get(id).def.vm)).nics;
}

async function portGroupId(w: VchWorld): Promise<string> {
  return (await w.backend.networks()).find((n) => n.name === 'VM Network')!.id;
}

describe('a container network', () => {
  it('is listed as a builtin network of driver external with the range its gateway gives', async () => {
    const w = await world([STATIC]);
    const net = (await w.vch.listNetworks({})).find((n) => n.Name === 'public');
    expect(net).toMatchObject({ Driver: 'external', IPAM: { Config: [{ Subnet: '192.168.10.0/24', Gateway: '192.168.10.1' }] } });
    expect((await w.vch.listNetworks({ type: ['builtin'] })).map((n) => n.Name)).toContain('public');
  });

  it('cannot be created or removed through docker, in VIC words', async () => {
    const w = await world([STATIC]);
    expect((await rejection(w.vch.createNetwork({ Name: 'other', Driver: 'external' }))).message).toBe('no network info for external scope other');
    expect((await rejection(w.vch.createNetwork({ Name: 'public' }))).message).toBe('network with name public already exists');
    expect((await rejection(w.vch.removeNetwork('public'))).message).toBe('cannot remove builtin scope');
    expect((await w.vch.pruneNetworks({})).deleted ?? []).not.toContain('public');
  });

  it('gives a running container its own vNIC on the port group and the lowest free address of the range', async () => {
    const w = await world([STATIC]);
    const a = await w.runContainer({ Cmd: LONG_SLEEP, HostConfig: { NetworkMode: 'public' } });
    const b = await w.runContainer({ Cmd: LONG_SLEEP, HostConfig: { NetworkMode: 'public' } });
    const nics = await vmNics(w, a);
    expect(nics).toEqual([expect.objectContaining({ network: await portGroupId(w) })]);
    const settings = (await w.vch.inspectContainer(a)).NetworkSettings.Networks['public']!;
    expect(settings).toMatchObject({ IPAddress: '192.168.10.10', Gateway: '192.168.10.1', IPPrefixLen: 24, MacAddress: nics[0]!.macAddress });
    expect((await w.vch.inspectContainer(b)).NetworkSettings.Networks['public']!.IPAddress).toBe('192.168.10.11');
    await w.run(w.vch.stopContainer(a, { timeoutSec: 0 }));
    expect((await w.vch.inspectContainer(a)).NetworkSettings.Networks['public']!.IPAddress).toBe('');
    expect(await vmNics(w, a)).toHaveLength(1);
    const c = await w.runContainer({ Cmd: LONG_SLEEP, HostConfig: { NetworkMode: 'public' } });
    expect((await w.vch.inspectContainer(c)).NetworkSettings.Networks['public']!.IPAddress).toBe('192.168.10.10');
  });

  it('shows published ports on the container address with no listener on the VCH endpoint', async () => {
    const w = await world([STATIC]);
    const id = await w.runContainer({ Cmd: LONG_SLEEP, ExposedPorts: { '80/tcp': {} }, HostConfig: { NetworkMode: 'public', PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '' }] } } });
    const [summary] = await w.vch.listContainers({ all: false, size: false, filters: {} });
    expect(summary!.Ports).toEqual([expect.objectContaining({ IP: '192.168.10.10', PrivatePort: 80, PublicPort: 80, Type: 'tcp' })]);
    expect(w.vch.parts.networking.mapper.ports(id)).toEqual([]);
  });

  it('hands out DHCP leases that follow the vNIC MAC when no gateway is given, the same lease after a restart', async () => {
    const w = await world([{ portGroup: 'VM Network', alias: 'lan' }]);
    const id = await w.runContainer({ Cmd: LONG_SLEEP, HostConfig: { NetworkMode: 'lan' } });
    const [nic] = await vmNics(w, id);
    const lease = (await w.vch.inspectContainer(id)).NetworkSettings.Networks['lan']!;
    expect(lease).toMatchObject({ IPAddress: dhcpLease(nic!.macAddress), Gateway: '10.0.0.1', IPPrefixLen: 8 });
    expect(lease.IPAddress).toMatch(/^10\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./);
    await w.run(w.vch.restartContainer(id, { timeoutSec: 0 }));
    expect((await w.vch.inspectContainer(id)).NetworkSettings.Networks['lan']!.IPAddress).toBe(lease.IPAddress);
  });

  it('hot-adds a vNIC when a running container is connected, and removes it at disconnect', async () => {
    const w = await world([STATIC]);
    const id = await w.runContainer({ Cmd: LONG_SLEEP });
    expect(await vmNics(w, id)).toEqual([]);
    await w.vch.connectNetwork('public', id, undefined);
    await w.run(w.vch.parts.networking.vnics.settled(id));
    expect(await vmNics(w, id)).toHaveLength(1);
    expect((await w.vch.inspectContainer(id)).NetworkSettings.Networks['public']!.IPAddress).toBe('192.168.10.10');
    expect(w.vch.parts.networking.interfaces(id).map((i) => i.address)).toContain('192.168.10.10');
    await w.vch.disconnectNetwork('public', id);
    await w.run(w.vch.parts.networking.vnics.settled(id));
    expect(await vmNics(w, id)).toEqual([]);
  });

  it('refuses a second container network, a static address without a gateway, and ports behind a closed firewall', async () => {
    const w = await world([STATIC, { portGroup: 'VM Network', alias: 'lan' }, { portGroup: 'VM Network', alias: 'shut', gateway: '192.168.20.1/24', firewall: 'closed' }]);
    const two = rejection(w.create({ Cmd: ['true'], HostConfig: { NetworkMode: 'public' }, NetworkingConfig: { EndpointsConfig: { lan: {} } } }));
    expect((await two).message).toBe('container can only be added to at most one mapped network');
    const fixed = rejection(w.create({ Cmd: ['true'], HostConfig: { NetworkMode: 'lan' }, NetworkingConfig: { EndpointsConfig: { lan: { IPAMConfig: { IPv4Address: '10.64.0.9' } } } } }));
    expect((await fixed).message).toBe('Cannot set static IP (10.64.0.9) when default gateway is not set for network lan');
    const ports = rejection(w.create({ Cmd: ['true'], ExposedPorts: { '80/tcp': {} }, HostConfig: { NetworkMode: 'shut', PortBindings: { '80/tcp': [{ HostPort: '8080' }] } } }));
    expect((await ports).message).toBe('ports cannot be published via container network shut (firewall configured as either "closed" or "outbound")');
    expect(await w.vch.listContainers({ all: true, size: false, filters: {} })).toEqual([]);
  });

  it('takes a requested address in the subnet and refuses one already held', async () => {
    const w = await world([STATIC]);
    const req = { Cmd: LONG_SLEEP, HostConfig: { NetworkMode: 'public' }, NetworkingConfig: { EndpointsConfig: { public: { IPAMConfig: { IPv4Address: '192.168.10.50' } } } } };
    const id = await w.runContainer(req);
    expect((await w.vch.inspectContainer(id)).NetworkSettings.Networks['public']!.IPAddress).toBe('192.168.10.50');
    const second = await w.create(req);
    expect((await rejection(w.run(w.vch.startContainer(second)))).message).toMatch(/Address already in use/);
  });
});

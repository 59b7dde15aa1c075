import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/vch/engine/errors.js';
import { ContainerNetworkNotFoundError, NetworkNotFoundError } from '../../../src/vch/network/errors.js';
import { NetworkRegistry } from '../../../src/vch/network/registry.js';

function thrown(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  throw new Error('expected an engine error');
}

/** A registry with counting ids (`0001aaa…`, `0002aaa…`, …) and a clock the test moves. */
function makeRegistry(): { reg: NetworkRegistry; clock: { ms: number } } {
  let n = 0;
  const clock = { ms: Date.UTC(2026, 0, 1) };
  const reg = new NetworkRegistry({ newId: () => (++n).toString(16).padStart(4, '0').padEnd(64, 'a'), now: () => clock.ms });
  return { reg, clock };
}

const web = { id: 'c'.repeat(63) + '1', name: '/web' };
const db = { id: 'd'.repeat(63) + '2', name: 'db', hostname: 'dbhost' };

describe('the predefined networks', () => {
  it('lists bridge (172.16.0.0/16, gateway 172.16.0.1) and none as builtin networks', () => {
    const { reg } = makeRegistry();
    const all = reg.list();
    expect(all.map((n) => [n.Name, n.Driver])).toEqual([['bridge', 'bridge'], ['none', 'null']]);
    expect(reg.inspect('bridge').IPAM.Config).toEqual([{ Subnet: '172.16.0.0/16', Gateway: '172.16.0.1' }]);
    expect(reg.list({ type: ['builtin'] })).toHaveLength(2);
    expect(reg.list({ type: ['custom'] })).toHaveLength(0);
  });

  it('refuses to remove or re-create them, and refuses host with VIC\'s words', () => {
    const { reg } = makeRegistry();
    expect(thrown(() => reg.remove('bridge'))).toMatchObject({ status: 403, message: 'bridge is a pre-defined network and cannot be removed' });
    expect(thrown(() => reg.create({ Name: 'none' })).status).toBe(403);
    expect(thrown(() => reg.inspect('host')).status).toBe(404);
    expect(thrown(() => reg.connect('host', web)).message).toBe('--net=host is not supported');
    expect(thrown(() => reg.planContainer(web, 'bridge', { host: {} })).message).toBe('--net=host is not supported');
    expect(thrown(() => reg.planContainer(web, 'host', undefined)).message).toBe('--net=host is not supported');
  });
});

describe('network create, inspect, ls, rm and prune', () => {
  it('creates a bridge network on the next /16 and shows it as docker does', () => {
    const { reg } = makeRegistry();
    const { Id, Warning } = reg.create({ Name: 'mynet', Driver: 'bridge', Labels: { team: 'a' }, Options: { mtu: '1400' } });
    expect(Warning).toBe('');
    const n = reg.inspect('mynet');
    expect(n).toMatchObject({ Name: 'mynet', Id, Scope: 'local', Driver: 'bridge', Internal: false, Containers: {}, Labels: { team: 'a' }, Options: { mtu: '1400' } });
    expect(n.IPAM).toEqual({ Driver: 'default', Options: {}, Config: [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }] });
    expect(n.Created).toBe('2026-01-01T00:00:00.000000000Z');
  });

  it('refuses a second network with the same name (409) and drivers other than bridge (400)', () => {
    const { reg } = makeRegistry();
    reg.create({ Name: 'mynet' });
    expect(thrown(() => reg.create({ Name: 'mynet' }))).toMatchObject({ status: 409, message: 'network with name mynet already exists' });
    const e = thrown(() => reg.create({ Name: 'o', Driver: 'overlay' }));
    expect(e.status).toBe(400);
    expect(e.message).toContain('overlay');
  });

  it('finds a network by id, name and unique id prefix; 404 "network X not found" otherwise', () => {
    const { reg } = makeRegistry();
    const { Id } = reg.create({ Name: 'mynet' });
    expect(reg.inspect(Id).Name).toBe('mynet');
    expect(reg.inspect(Id.slice(0, 4)).Name).toBe('mynet');
    const e = thrown(() => reg.inspect('nope'));
    expect(e).toBeInstanceOf(NetworkNotFoundError);
    expect([e.status, e.message]).toEqual([404, 'network nope not found']);
    expect(thrown(() => reg.inspect('000')).message).toBe('network 000 is ambiguous (3 matches found based on ID prefix)');
  });

  it('filters ls by name, id, driver, label and type, and refuses unknown filters', () => {
    const { reg } = makeRegistry();
    const { Id } = reg.create({ Name: 'front', Labels: { tier: 'web', env: 'prod' } });
    reg.create({ Name: 'back', Labels: { tier: 'db' } });
    const names = (f: Record<string, string[]>): string[] => reg.list(f).map((n) => n.Name);
    expect(names({ name: ['ron'] })).toEqual(['front']);
    expect(names({ id: [Id.slice(0, 64)] })).toEqual(['front']);
    expect(names({ driver: ['null'] })).toEqual(['none']);
    expect(names({ label: ['tier'] })).toEqual(['front', 'back']);
    expect(names({ label: ['tier=web', 'env=prod'] })).toEqual(['front']);
    expect(names({ type: ['custom'], name: ['back', 'front'] })).toEqual(['front', 'back']);
    expect(thrown(() => reg.list({ colour: ['red'] })).message).toBe("invalid filter 'colour'");
    expect(thrown(() => reg.list({ type: ['odd'] })).message).toBe("invalid filter: 'type'='odd'");
  });

  it('refuses to remove a network with containers attached, then removes it once they are gone', () => {
    const { reg } = makeRegistry();
    const { Id } = reg.create({ Name: 'mynet' });
    reg.planContainer(web, 'mynet', undefined);
    expect(thrown(() => reg.remove('mynet'))).toMatchObject({ status: 403, message: `error while removing network: network mynet id ${Id} has active endpoints` });
    reg.forgetContainer(web.id);
    reg.remove('mynet');
    expect(thrown(() => reg.inspect('mynet')).status).toBe(404);
  });

  it('prunes unused user networks only, honouring label and until filters', () => {
    const { reg, clock } = makeRegistry();
    reg.create({ Name: 'old', Labels: { keep: 'no' } });
    clock.ms += 3_600_000;
    reg.create({ Name: 'used' });
    reg.create({ Name: 'new' });
    reg.planContainer(web, 'used', undefined);
    expect(reg.prune({ until: ['30m'] }).deleted).toEqual(['old']);
    expect(reg.prune({ 'label!': ['keep'] }).deleted).toEqual(['new']);
    expect(reg.list().map((n) => n.Name)).toEqual(['bridge', 'none', 'used']);
  });
});

describe('container endpoints', () => {
  it('attaches a container to bridge by default and addresses it at start, releasing at stop', () => {
    const { reg } = makeRegistry();
    const [planned] = reg.planContainer(web, 'default', { default: {} });
    expect(planned).toMatchObject({ networkName: 'bridge', ip: '', endpointId: '' });
    const [ep] = reg.startContainer(web.id);
    expect(ep).toMatchObject({ ip: '172.16.0.2', prefixLen: 16, gateway: '172.16.0.1', mac: '02:42:ac:10:00:02', dnsNames: ['web', 'cccccccccccc'] });
    expect(ep!.endpointId).toMatch(/^[0-9a-f]{64}$/);
    expect(reg.inspect('bridge').Containers[web.id]).toMatchObject({ Name: 'web', IPv4Address: '172.16.0.2/16', MacAddress: '02:42:ac:10:00:02' });
    reg.stopContainer(web.id);
    expect(reg.inspect('bridge').Containers).toEqual({});
    expect(reg.endpointSettings(web.id).bridge).toMatchObject({ IPAddress: '', MacAddress: '', NetworkID: reg.inspect('bridge').Id });
  });

  it('answers a missing network on create with a non-404 error carrying docker\'s words', () => {
    const { reg } = makeRegistry();
    const e = thrown(() => reg.planContainer(web, 'ghost', undefined));
    expect(e).toBeInstanceOf(ContainerNetworkNotFoundError);
    expect([e.status, e.message]).toEqual([400, 'network ghost not found']);
  });

  it('plans all networks or none', () => {
    const { reg } = makeRegistry();
    reg.create({ Name: 'a' });
    expect(() => reg.planContainer(web, 'a', { a: {}, ghost: {} })).toThrow(ContainerNetworkNotFoundError);
    expect(reg.endpoints(web.id)).toEqual([]);
  });

  it('honours a requested address and aliases on user networks, and refuses them on the default bridge', () => {
    const { reg } = makeRegistry();
    reg.create({ Name: 'a' });
    reg.planContainer(db, 'a', { a: { IPAMConfig: { IPv4Address: '172.17.0.50' }, Aliases: ['database'] } });
    expect(reg.startContainer(db.id)[0]).toMatchObject({ ip: '172.17.0.50', aliases: ['database'] });
    expect(reg.endpointSettings(db.id).a).toMatchObject({ IPAMConfig: { IPv4Address: '172.17.0.50' }, Aliases: ['database'] });
    expect(thrown(() => reg.planContainer(web, 'bridge', { bridge: { Aliases: ['x'] } })).message).toBe('network-scoped alias is supported only for containers in user defined networks');
    expect(thrown(() => reg.planContainer(web, 'bridge', { bridge: { IPAMConfig: { IPv4Address: '172.16.0.9' } } })).message).toBe('user specified IP address is supported on user defined networks only');
    expect(thrown(() => reg.planContainer(web, 'a', { a: { IPAMConfig: { IPv4Address: '10.0.0.5' } } })).message).toContain('no configured subnet or ip-range contain the IP address 10.0.0.5');
  });

  it('starts all or nothing: a taken requested address releases the addresses already given', () => {
    const { reg } = makeRegistry();
    reg.create({ Name: 'a' });
    reg.planContainer(db, 'a', { a: { IPAMConfig: { IPv4Address: '172.17.0.2' } } });
    reg.startContainer(db.id);
    reg.planContainer(web, 'bridge', { a: { IPAMConfig: { IPv4Address: '172.17.0.2' } } });
    expect(thrown(() => reg.startContainer(web.id)).message).toBe('Address already in use');
    expect(reg.endpoints(web.id).map((e) => e.ip)).toEqual(['', '']);
    expect(reg.inspect('bridge').Containers).toEqual({});
  });

  it('connects and disconnects with docker\'s messages, addressing a running container at once', () => {
    const { reg } = makeRegistry();
    reg.create({ Name: 'a' });
    reg.planContainer(web, undefined, undefined);
    reg.startContainer(web.id);
    expect(reg.connect('a', web, { Aliases: ['www'] })).toMatchObject({ networkName: 'a', ip: '172.17.0.2', aliases: ['www'] });
    expect(thrown(() => reg.connect('a', web))).toMatchObject({ status: 403, message: 'endpoint with name web already exists in network a' });
    expect(thrown(() => reg.connect('none', web)).message).toBe('container cannot be connected to multiple networks with one of the networks in private (none) mode');
    expect(thrown(() => reg.connect('nope', web)).status).toBe(404);
    reg.disconnect('a', web.id);
    expect(reg.inspect('a').Containers).toEqual({});
    expect(thrown(() => reg.disconnect('a', web.id))).toMatchObject({ status: 403, message: `container ${web.id} is not connected to network a` });
  });

  it('gives a container on none no address', () => {
    const { reg } = makeRegistry();
    reg.planContainer(web, 'none', undefined);
    expect(reg.startContainer(web.id)).toMatchObject([{ networkName: 'none', ip: '', dnsNames: [] }]);
  });
});

describe('name resolution', () => {
  function twoOnShared(): NetworkRegistry {
    const { reg } = makeRegistry();
    reg.create({ Name: 'app' });
    reg.planContainer(web, 'app', undefined);
    reg.planContainer(db, 'app', { app: { Aliases: ['Postgres'] } });
    reg.startContainer(web.id);
    reg.startContainer(db.id);
    return reg;
  }

  it('resolves a container name, alias, hostname and id prefix on a shared network', () => {
    const reg = twoOnShared();
    for (const name of ['db', 'DB', 'postgres', 'dbhost', 'dddddddddddd', db.id, 'db.']) expect(reg.resolve(web.id, name), name).toBe('172.17.0.3');
    expect(reg.resolve(web.id, 'ddd')).toBeUndefined();
    expect(reg.resolve(web.id, 'nobody')).toBeUndefined();
    expect(reg.canReach(web.id, db.id)).toBe(true);
  });

  it('does not resolve or route between containers that share no network', () => {
    const { reg } = makeRegistry();
    reg.create({ Name: 'a' });
    reg.create({ Name: 'b' });
    reg.planContainer(web, 'a', undefined);
    reg.planContainer(db, 'b', undefined);
    reg.startContainer(web.id);
    reg.startContainer(db.id);
    expect(reg.resolve(web.id, 'db')).toBeUndefined();
    expect(reg.canReach(web.id, db.id)).toBe(false);
    reg.connect('b', web);
    expect(reg.resolve(web.id, 'db')).toBe('172.18.0.2');
    expect(reg.canReach(web.id, db.id)).toBe(true);
  });

  it('forgets a stopped container and follows a rename', () => {
    const reg = twoOnShared();
    reg.renameContainer(db.id, '/store');
    expect(reg.resolve(web.id, 'db')).toBeUndefined();
    expect(reg.resolve(web.id, 'store')).toBe('172.17.0.3');
    reg.stopContainer(db.id);
    expect(reg.resolve(web.id, 'store')).toBeUndefined();
    expect(reg.canReach(web.id, db.id)).toBe(false);
  });

  it('gives internal networks no route out', () => {
    let n = 0;
    const reg = new NetworkRegistry({ newId: () => String(++n).padStart(64, '0'), now: () => 0, lookupExternal: (name) => (name === 'example.com' ? '93.184.216.34' : undefined) });
    reg.create({ Name: 'private', Internal: true });
    reg.planContainer(web, 'private', undefined);
    reg.planContainer(db, 'bridge', undefined);
    reg.startContainer(web.id);
    reg.startContainer(db.id);
    expect(reg.inspect('private').Internal).toBe(true);
    expect(reg.resolveExternal(web.id, 'example.com')).toEqual({ status: 'no-route' });
    expect(reg.resolveExternal(db.id, 'example.com')).toEqual({ status: 'resolved', ip: '93.184.216.34' });
    expect(reg.resolveExternal(db.id, 'nowhere.test')).toEqual({ status: 'unknown' });
  });
});

describe('saved state', () => {
  it('restores networks, endpoints and running containers', () => {
    const { reg } = makeRegistry();
    reg.create({ Name: 'app', Labels: { a: 'b' } });
    reg.planContainer(web, 'app', { bridge: {} });
    reg.startContainer(web.id);
    reg.planContainer(db, 'app', undefined);
    const saved = JSON.parse(JSON.stringify(reg.toJSON()));
    const copy = NetworkRegistry.fromJSON(saved, reg.options);
    expect(copy.list()).toEqual(reg.list());
    expect(copy.endpoints(web.id)).toEqual(reg.endpoints(web.id));
    expect(copy.startContainer(db.id)[0]!.ip).toBe('172.17.0.3');
    expect(copy.resolve(db.id, 'web')).toBe('172.17.0.2');
  });
});

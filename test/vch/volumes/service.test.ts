import { describe, expect, it } from 'vitest';
import { MiB } from '../../../src/sim/units.js';
import { BadParameterError, ConflictError, NoSuchObjectError } from '../../../src/vch/engine/errors.js';
import { Rng } from '../../../src/sim/rng.js';
import { ANONYMOUS_LABEL, VolumeService } from '../../../src/vch/volumes/index.js';
import { datastoreText, imageFs, rejection, STORES, volumeWorld } from './fixture.js';

describe('volume create', () => {
  it('lays a volume out as VIC did: a folder in the store with a thin disk and its metadata', async () => {
    const { backend, service, events } = await volumeWorld();
    const created = await service.createVolume({ Name: 'myvol', Labels: { team: 'web' } });
    expect(created).toEqual({
      Name: 'myvol',
      Driver: 'vsphere',
      Mountpoint: '[DC0_DS0] vch1/volumes/myvol/myvol.vmdk',
      CreatedAt: '2024-01-02T03:04:05Z',
      Labels: { team: 'web' },
      Options: {},
      Scope: 'local',
    });
    const listing = await backend.listDatastore('[DC0_DS0] vch1/volumes/myvol');
    expect(listing.map((e) => [e.name, e.kind])).toEqual(expect.arrayContaining([['myvol.vmdk', 'disk'], ['myvol.json', 'file']]));
    expect(await backend.virtualDisk('[DC0_DS0] vch1/volumes/myvol/myvol.vmdk')).toMatchObject({ capacityBytes: 1024 * MiB, parent: undefined });
    expect(JSON.parse(await datastoreText(backend, '[DC0_DS0] vch1/volumes/myvol/myvol.json'))).toEqual({
      version: 1,
      driver: 'vsphere',
      name: 'myvol',
      store: 'default',
      capacityMB: 1024,
      labels: { team: 'web' },
      options: {},
      createdMs: Date.UTC(2024, 0, 2, 3, 4, 5),
      anonymous: false,
    });
    expect(events).toEqual([{ Type: 'volume', Action: 'create', id: 'myvol', attributes: { driver: 'vsphere' } }]);
  });

  it('puts a volume in the store and size its options name', async () => {
    const { backend, service } = await volumeWorld();
    const created = await service.createVolume({ Name: 'big', Driver: 'local', DriverOpts: { VolumeStore: 'fast', Capacity: '4GB' } });
    expect(created).toMatchObject({ Driver: 'vsphere', Mountpoint: '[DC0_DS0] fast/volumes/big/big.vmdk', Options: { VolumeStore: 'fast', Capacity: '4GB' } });
    expect((await backend.virtualDisk(created.Mountpoint)).capacityBytes).toBe(4096 * MiB);
  });

  it('answers a create of an existing name with the existing volume, as docker does', async () => {
    const { service, events } = await volumeWorld();
    const first = await service.createVolume({ Name: 'same' });
    expect(await service.createVolume({ Name: 'same', Labels: { other: 'x' } })).toEqual(first);
    expect(events.filter((e) => e.Action === 'create')).toHaveLength(1);
  });

  it('makes exactly one volume when two creates of one name race', async () => {
    const { service, events } = await volumeWorld();
    const [a, b] = await Promise.all([service.createVolume({ Name: 'race' }), service.createVolume({ Name: 'race' })]);
    expect(a).toEqual(b);
    expect(events.filter((e) => e.Action === 'create')).toHaveLength(1);
  });

  it('names a volume created without a name with 64 hex digits from the seeded stream', async () => {
    const first = await (await volumeWorld({ seed: 3 })).service.createVolume({});
    const again = await (await volumeWorld({ seed: 3 })).service.createVolume({});
    expect(first.Name).toMatch(/^[0-9a-f]{64}$/);
    expect(again.Name).toBe(first.Name);
    expect(first.Labels).toEqual({});
  });

  it("refuses bad options in VIC's words and leaves nothing behind", async () => {
    const { backend, service } = await volumeWorld();
    const cases: [Record<string, string>, string][] = [
      [{ Capacity: 'lots' }, 'Invalid size'],
      [{ Capacity: '9999999999' }, 'Capacity value too large'],
      [{ VolumeStore: 'missing' }, 'No volume store named (missing) exists'],
      [{ Flavour: 'x' }, 'Flavour is not a supported option'],
    ];
    for (const [DriverOpts, msg] of cases) {
      const e = await rejection(service.createVolume({ Name: 'bad', DriverOpts }));
      expect(e).toBeInstanceOf(BadParameterError);
      expect(e.message).toBe(msg);
    }
    expect(await backend.listDatastore('[DC0_DS0] vch1/volumes')).toEqual([]);
  });

  it('removes the folder again when the disk cannot be made', async () => {
    const { backend } = await volumeWorld();
    const failing = new Proxy(backend, {
      get: (target, prop) => {
        if (prop === 'createVirtualDisk') return () => Promise.reject(new Error('disk refused'));
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const service = await VolumeService.open({ backend: failing, stores: STORES, rng: Rng.seeded(1), now: () => 0 });
    expect((await rejection(service.createVolume({ Name: 'nodisk' }))).message).toBe('disk refused');
    expect(await backend.listDatastore('[DC0_DS0] vch1/volumes')).toEqual([]);
    expect(service.volume('nodisk')).toBeUndefined();
  });
});

describe('volume ls, inspect, rm and prune', () => {
  it('lists sorted by name with name, driver, label and dangling filters', async () => {
    const { service } = await volumeWorld();
    await service.createVolume({ Name: 'web-data', Labels: { tier: 'web', keep: '' } });
    await service.createVolume({ Name: 'db-data', Labels: { tier: 'db' } });
    await service.mountsFor('c1', { HostConfig: { Binds: ['db-data:/db'] } }, imageFs());
    const names = async (filters: Record<string, string[]>): Promise<string[]> => (await service.listVolumes(filters)).Volumes.map((v) => v.Name);
    expect(await names({})).toEqual(['db-data', 'web-data']);
    expect(await names({ name: ['web'] })).toEqual(['web-data']);
    expect(await names({ driver: ['local'] })).toEqual(['db-data', 'web-data']);
    expect(await names({ driver: ['nfs'] })).toEqual([]);
    expect(await names({ label: ['tier=db'] })).toEqual(['db-data']);
    expect(await names({ label: ['keep'] })).toEqual(['web-data']);
    expect(await names({ dangling: ['true'] })).toEqual(['web-data']);
    expect(await names({ dangling: ['false'] })).toEqual(['db-data']);
    expect((await rejection(service.listVolumes({ colour: ['red'] }))).message).toBe("invalid filter 'colour'");
  });

  it('answers inspect and rm of a missing volume with docker’s 404, and rm -f with nothing', async () => {
    const { service } = await volumeWorld();
    for (const e of [await rejection(service.inspectVolume('zzz')), await rejection(service.removeVolume('zzz', false))]) {
      expect(e).toBeInstanceOf(NoSuchObjectError);
      expect(e.message).toBe('get zzz: no such volume');
    }
    await service.removeVolume('zzz', true);
  });

  it('refuses to remove a volume in use, naming the containers, even with force', async () => {
    const { service } = await volumeWorld();
    await service.mountsFor('bbb', { HostConfig: { Binds: ['myvol:/data'] } }, imageFs());
    await service.mountsFor('aaa', { HostConfig: { Binds: ['myvol:/data'] } }, imageFs());
    for (const force of [false, true]) {
      const e = await rejection(service.removeVolume('myvol', force));
      expect(e).toBeInstanceOf(ConflictError);
      expect(e.message).toBe('remove myvol: volume is in use - [aaa bbb]');
    }
  });

  it('removes a volume’s whole folder and emits destroy', async () => {
    const { backend, service, events } = await volumeWorld();
    await service.createVolume({ Name: 'gone' });
    await service.removeVolume('gone', false);
    expect(await backend.listDatastore('[DC0_DS0] vch1/volumes')).toEqual([]);
    expect(events.at(-1)).toEqual({ Type: 'volume', Action: 'destroy', id: 'gone', attributes: { driver: 'vsphere' } });
    expect(service.volume('gone')).toBeUndefined();
  });

  it('prunes unused anonymous volumes by default, every unused one with all=true, honouring label!', async () => {
    const { service } = await volumeWorld();
    await service.createVolume({ Name: 'named' });
    await service.createVolume({ Name: 'kept', Labels: { keep: 'yes' } });
    const [anon] = await service.mountsFor('c1', { HostConfig: { Binds: ['/anon'] } }, imageFs());
    const [used] = await service.mountsFor('c2', { HostConfig: { Binds: ['/used'] } }, imageFs());
    expect(service.volume(anon!.name)?.labels).toEqual({ [ANONYMOUS_LABEL]: '' });
    await service.release('c1', false);
    expect((await service.pruneVolumes({})).deleted).toEqual([anon!.name]);
    expect((await service.pruneVolumes({ all: ['true'], 'label!': ['keep'] })).deleted).toEqual(['named']);
    expect((await service.listVolumes({})).Volumes.map((v) => v.Name).sort()).toEqual(['kept', used!.name].sort());
  });

  it('reports bytes of content and reference counts for system df', async () => {
    const { service } = await volumeWorld();
    await service.createVolume({ Name: 'empty' });
    const [db] = await service.mountsFor('c1', { HostConfig: { Binds: ['db:/var/lib/db'] } }, imageFs());
    db!.fs.writeFile('/more.txt', 'abc');
    const usage = await service.diskUsage();
    expect(usage.map((v) => [v.Name, v.UsageData])).toEqual([
      ['db', { Size: 2048 + 3, RefCount: 1 }],
      ['empty', { Size: 0, RefCount: 0 }],
    ]);
  });
});

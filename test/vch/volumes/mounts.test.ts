import { describe, expect, it } from 'vitest';
import { MiB } from '../../../src/sim/units.js';
import { BadParameterError, ConflictError } from '../../../src/vch/engine/errors.js';
import { FileTree } from '../../../src/vch/fs/file-tree.js';
import { datastoreText, imageFs, rejection, volumeWorld } from './fixture.js';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('mounts of a container', () => {
  it('creates missing named volumes and anonymous ones, and plans each mount with its disk and files', async () => {
    const { service } = await volumeWorld();
    await service.createVolume({ Name: 'existing' });
    const planned = await service.mountsFor('c1', { Volumes: { '/anon': {} }, HostConfig: { Binds: ['existing:/e', 'fresh:/f:ro'] } }, imageFs());
    const anonName = planned[2]!.name;
    expect(anonName).toMatch(/^[0-9a-f]{64}$/);
    expect(planned.map(({ fs: _fs, ...m }) => m)).toEqual([
      { name: 'existing', destination: '/e', readOnly: false, anonymous: false, diskPath: '[DC0_DS0] vch1/volumes/existing/existing.vmdk' },
      { name: 'fresh', destination: '/f', readOnly: true, anonymous: false, diskPath: '[DC0_DS0] vch1/volumes/fresh/fresh.vmdk' },
      { name: anonName, destination: '/anon', readOnly: false, anonymous: true, diskPath: `[DC0_DS0] vch1/volumes/${anonName}/${anonName}.vmdk` },
    ]);
    expect(service.mountPoints('c1')[1]).toEqual({ Type: 'volume', Name: 'fresh', Source: '[DC0_DS0] vch1/volumes/fresh/fresh.vmdk', Destination: '/f', Driver: 'vsphere', Mode: 'ro', RW: false, Propagation: '' });
    expect(['existing', 'fresh', anonName].map((n) => service.refCount(n))).toEqual([1, 1, 1]);
  });

  it('creates a missing --mount volume with the labels and driver options the mount carries', async () => {
    const { service, backend } = await volumeWorld();
    await service.mountsFor('c1', { HostConfig: { Mounts: [{ Type: 'volume', Source: 'sized', Target: '/s', VolumeOptions: { Labels: { a: 'b' }, DriverConfig: { Options: { Capacity: '256' } } } }] } }, imageFs());
    expect(service.volume('sized')).toMatchObject({ labels: { a: 'b' }, capacityMB: 256 });
    expect((await backend.virtualDisk('[DC0_DS0] vch1/volumes/sized/sized.vmdk')).capacityBytes).toBe(256 * MiB);
  });

  it('seeds a new volume from the image’s content at the mount path and grows its disk', async () => {
    const { service, backend } = await volumeWorld();
    const [etc, db, nocopy] = await service.mountsFor('c1', { HostConfig: { Binds: ['conf:/etc/app', 'db:/var/lib/db', 'bare:/etc/app2'], Mounts: [] }, Volumes: {} }, imageFs());
    expect(etc!.fs.readdir('/')).toEqual(['app.conf', 'motd']);
    expect(text(etc!.fs.readFile('/motd'))).toBe('hello from the image\n');
    expect(etc!.fs.stat('/motd')?.mode).toBe(0o600);
    expect(db!.fs.readFile('/data.bin')).toHaveLength(2048);
    expect(nocopy!.fs.readdir('/')).toEqual([]);
    expect((await backend.virtualDisk(db!.diskPath)).allocatedBytes).toBeGreaterThanOrEqual(2048);
  });

  it('does not seed with nocopy, nor a volume that already has files', async () => {
    const { service } = await volumeWorld();
    const [first] = await service.mountsFor('c1', { HostConfig: { Binds: ['conf:/etc/app:nocopy'] } }, imageFs());
    expect(first!.fs.readdir('/')).toEqual([]);
    first!.fs.writeFile('/mine', 'x');
    await service.release('c1', false);
    const [again] = await service.mountsFor('c2', { HostConfig: { Binds: ['conf:/etc/app'] } }, imageFs());
    expect(again!.fs.readdir('/')).toEqual(['mine']);
  });

  it('is all or nothing: a bad mount removes the volumes the call created and records no reference', async () => {
    const { service, backend, events } = await volumeWorld();
    await service.createVolume({ Name: 'kept' });
    const req = {
      Volumes: { '/anon': {} },
      HostConfig: { Binds: ['kept:/k', 'newvol:/n'], Mounts: [{ Type: 'volume' as const, Source: 'badvol', Target: '/b', VolumeOptions: { DriverConfig: { Options: { Capacity: 'lots' } } } }] },
    };
    const e = await rejection(service.mountsFor('c1', req, imageFs()));
    expect(e).toBeInstanceOf(BadParameterError);
    expect(e.message).toBe('Invalid size');
    expect((await service.listVolumes({})).Volumes.map((v) => v.Name)).toEqual(['kept']);
    expect((await backend.listDatastore('[DC0_DS0] vch1/volumes')).map((f) => f.name)).toEqual(['kept']);
    expect(service.mountPoints('c1')).toEqual([]);
    expect(service.refCount('kept')).toBe(0);
    expect(events.filter((x) => x.Action === 'destroy').map((x) => x.id)).toEqual(['newvol']);
  });

  it('is all or nothing when seeding does not fit on the datastore', async () => {
    const { service, backend } = await volumeWorld({ datastoreBytes: 2 * MiB });
    const image = imageFs();
    image.mkdir('/big');
    image.writeFile('/big/blob', new Uint8Array(4 * MiB));
    await rejection(service.mountsFor('c1', { Volumes: { '/anon': {} }, HostConfig: { Binds: ['blob:/big'] } }, image));
    expect(await backend.listDatastore('[DC0_DS0] vch1/volumes')).toEqual([]);
    expect((await service.listVolumes({})).Volumes).toEqual([]);
  });

  it('refuses host directories before creating anything', async () => {
    const { service } = await volumeWorld();
    const e = await rejection(service.mountsFor('c1', { HostConfig: { Binds: ['named:/n', '/srv:/data'] } }, imageFs()));
    expect(e.message).toBe('mounting directories as a data volume is not supported');
    expect(service.volume('named')).toBeUndefined();
  });
});

describe('claims of running containers', () => {
  it('lets one running container hold a block volume; another start is refused with "device <name> in use"', async () => {
    const { service, events } = await volumeWorld();
    await service.mountsFor('c1', { HostConfig: { Binds: ['shared:/data', 'one:/one'] } }, imageFs());
    await service.mountsFor('c2', { HostConfig: { Binds: ['two:/two', 'shared:/data:ro'] } }, imageFs());
    service.claim('c1');
    const e = (() => {
      try {
        service.claim('c2');
      } catch (error) {
        return error as Error;
      }
      return expect.unreachable('claimed');
    })();
    expect(e).toBeInstanceOf(ConflictError);
    expect(e.message).toBe('device shared in use');
    await service.unclaim('c1');
    service.claim('c2');
    expect(events.filter((x) => x.Action === 'mount' || x.Action === 'unmount').map((x) => [x.Action, x.id, x.attributes.container])).toEqual([
      ['mount', 'shared', 'c1'],
      ['mount', 'one', 'c1'],
      ['unmount', 'shared', 'c1'],
      ['unmount', 'one', 'c1'],
      ['mount', 'two', 'c2'],
      ['mount', 'shared', 'c2'],
    ]);
    expect(events.find((x) => x.Action === 'mount')?.attributes).toEqual({ driver: 'vsphere', container: 'c1', destination: '/data', 'read/write': 'true', propagation: '' });
  });

  it('saves a volume’s files beside its disk when its container stops', async () => {
    const { service, backend } = await volumeWorld();
    const [data] = await service.mountsFor('c1', { HostConfig: { Binds: ['data:/data'] } }, imageFs());
    service.claim('c1');
    data!.fs.mkdir('/logs');
    data!.fs.writeFile('/logs/app.log', 'started\n');
    await service.unclaim('c1');
    const listing = await backend.listDatastore('[DC0_DS0] vch1/volumes/data');
    expect(listing.map((f) => f.name).sort()).toEqual(['data.json', 'data.tar', 'data.vmdk']);
  });
});

describe('rm and rm -v', () => {
  it('keeps named volumes and shared anonymous ones, and deletes unshared anonymous ones with -v', async () => {
    const { service } = await volumeWorld();
    const [named, anon] = await service.mountsFor('c1', { Volumes: { '/anon': {} }, HostConfig: { Binds: ['named:/n'] } }, imageFs());
    const [shared] = await service.mountsFor('c2', { Volumes: { '/s': {} } }, imageFs());
    await service.adopt('c3', [{ name: shared!.name, destination: '/s', readOnly: false, anonymous: true }]);
    expect(await service.release('c1', true)).toEqual([anon!.name]);
    expect(service.volume(named!.name)).toBeDefined();
    expect(await service.release('c2', true)).toEqual([]);
    expect(service.refCount(shared!.name)).toBe(1);
    expect(await service.release('c3', true)).toEqual([shared!.name]);
  });

  it('keeps anonymous volumes on rm without -v, and saves their files', async () => {
    const { service, backend } = await volumeWorld();
    const [anon] = await service.mountsFor('c1', { Volumes: { '/anon': {} } }, imageFs());
    anon!.fs.writeFile('/f', 'kept');
    expect(await service.release('c1', false)).toEqual([]);
    expect(await datastoreText(backend, `[DC0_DS0] vch1/volumes/${anon!.name}/${anon!.name}.json`)).toContain('"anonymous": true');
    expect(service.refCount(anon!.name)).toBe(0);
  });
});

describe('reopening the stores', () => {
  it('reloads every volume with its metadata, and its files lazily from the saved tar', async () => {
    const world = await volumeWorld();
    await world.service.createVolume({ Name: 'fastvol', DriverOpts: { VolumeStore: 'fast', Capacity: '2GB' }, Labels: { x: 'y' } });
    const [data] = await world.service.mountsFor('c1', { HostConfig: { Binds: ['data:/etc/app'] } }, imageFs());
    data!.fs.writeFile('/added.txt', 'written in the container');
    data!.fs.symlink('app.conf', '/link');
    await world.service.release('c1', false);
    const before = await world.service.listVolumes({});

    const reopened = await world.reopen();
    expect(await reopened.listVolumes({})).toEqual(before);
    expect(reopened.volume('fastvol')).toMatchObject({ store: 'fast', capacityMB: 2048, labels: { x: 'y' } });
    const [again] = await reopened.mountsFor('c9', { HostConfig: { Binds: ['data:/elsewhere'] } }, new FileTree({ now: () => 0 }));
    expect(again!.fs.readdir('/')).toEqual(['added.txt', 'app.conf', 'link', 'motd']);
    expect(text(again!.fs.readFile('/added.txt'))).toBe('written in the container');
    expect(again!.fs.readlink('/link')).toBe('app.conf');
    expect(again!.fs.stat('/motd')?.mode).toBe(0o600);
  });

  it('reports the content size of a volume it has not loaded from its disk', async () => {
    const world = await volumeWorld();
    const [db] = await world.service.mountsFor('c1', { HostConfig: { Binds: ['db:/var/lib/db'] } }, imageFs());
    await world.service.release('c1', false);
    const reopened = await world.reopen();
    const [usage] = await reopened.diskUsage();
    expect(usage?.UsageData?.Size).toBeGreaterThanOrEqual(2048);
    expect(db!.name).toBe('db');
  });
});

import { describe, expect, it } from 'vitest';
import type { ContainerCreateRequest } from '../../../src/vch/engine/docker-types.js';
import { BadParameterError } from '../../../src/vch/engine/errors.js';
import { HOST_DIRECTORY_REFUSAL, mountRequests } from '../../../src/vch/volumes/index.js';

const base = { labels: {}, driverOpts: {}, driver: undefined };

function refusal(req: ContainerCreateRequest): string {
  try {
    mountRequests(req);
  } catch (e) {
    expect(e).toBeInstanceOf(BadParameterError);
    return (e as Error).message;
  }
  return expect.unreachable('accepted');
}

describe('mount requests of a container create', () => {
  it('reads named binds with and without a mode', () => {
    expect(mountRequests({ HostConfig: { Binds: ['data:/data', 'logs:/var/log/:ro', 'cache:/cache:nocopy,rw'] } })).toEqual([
      { ...base, name: 'data', destination: '/data', readOnly: false, noCopy: false },
      { ...base, name: 'logs', destination: '/var/log', readOnly: true, noCopy: false },
      { ...base, name: 'cache', destination: '/cache', readOnly: false, noCopy: true },
    ]);
  });

  it('reads a bind without a source, or with only a mode, as an anonymous volume', () => {
    expect(mountRequests({ HostConfig: { Binds: ['/scratch', '/ro:ro'] } })).toEqual([
      { ...base, name: undefined, destination: '/scratch', readOnly: false, noCopy: false },
      { ...base, name: undefined, destination: '/ro', readOnly: true, noCopy: false },
    ]);
  });

  it('reads --mount type=volume with its read-only flag, nocopy, labels and driver options', () => {
    const req: ContainerCreateRequest = {
      HostConfig: {
        Mounts: [
          { Type: 'volume', Source: 'db', Target: '/var/lib/db', ReadOnly: true, VolumeOptions: { NoCopy: true, Labels: { team: 'a' }, DriverConfig: { Name: 'vsphere', Options: { Capacity: '2GB' } } } },
          { Type: 'volume', Target: '/tmp/anon' },
        ],
      },
    };
    expect(mountRequests(req)).toEqual([
      { name: 'db', destination: '/var/lib/db', readOnly: true, noCopy: true, labels: { team: 'a' }, driverOpts: { Capacity: '2GB' }, driver: 'vsphere' },
      { ...base, name: undefined, destination: '/tmp/anon', readOnly: false, noCopy: false },
    ]);
  });

  it('adds anonymous volumes for the request’s and the image’s Volumes not mounted otherwise', () => {
    const req: ContainerCreateRequest = { Volumes: { '/data': {}, '/extra/': {} }, HostConfig: { Binds: ['named:/data'] } };
    expect(mountRequests(req, { '/var/lib/db': {}, '/extra': {} }).map((m) => [m.name, m.destination])).toEqual([
      ['named', '/data'],
      [undefined, '/extra'],
      [undefined, '/var/lib/db'],
    ]);
  });

  it("refuses host directories as VIC did, in binds and mounts", () => {
    for (const req of [
      { HostConfig: { Binds: ['/srv:/data'] } },
      { HostConfig: { Binds: ['./here:/data:ro'] } },
      { HostConfig: { Mounts: [{ Type: 'bind' as const, Source: '/srv', Target: '/data' }] } },
      { HostConfig: { Mounts: [{ Type: 'volume' as const, Source: '/srv', Target: '/data' }] } },
    ]) {
      expect(refusal(req)).toBe(HOST_DIRECTORY_REFUSAL);
    }
    expect(HOST_DIRECTORY_REFUSAL).toBe('mounting directories as a data volume is not supported');
  });

  it('refuses tmpfs mounts and other mount types with a clear message', () => {
    expect(refusal({ HostConfig: { Mounts: [{ Type: 'tmpfs', Target: '/run' }] } })).toMatch(/^tmpfs mounts are not supported/);
    expect(refusal({ HostConfig: { Tmpfs: { '/run': 'rw' } } })).toMatch(/^tmpfs mounts are not supported/);
    expect(refusal({ HostConfig: { Mounts: [{ Type: 'npipe', Target: '/p' }] } })).toMatch(/^mount type npipe is not supported/);
  });

  it('refuses malformed specs with docker’s messages', () => {
    expect(refusal({ HostConfig: { Binds: ['vol:data'] } })).toContain("invalid mount path: 'data' mount path must be absolute");
    expect(refusal({ HostConfig: { Binds: ['vol:/data:bogus'] } })).toBe('invalid mode: bogus');
    expect(refusal({ HostConfig: { Binds: ['vol:/data:ro,rw'] } })).toBe('invalid mode: ro,rw');
    expect(refusal({ HostConfig: { Binds: ['a:b:c:d'] } })).toBe("invalid volume specification: 'a:b:c:d'");
    expect(refusal({ HostConfig: { Binds: ['vol:/'] } })).toBe("invalid specification: destination can't be '/'");
    expect(refusal({ HostConfig: { Binds: ['aa:/data', 'bb:/data/'] } })).toBe('Duplicate mount point: /data');
    expect(refusal({ HostConfig: { Mounts: [{ Type: 'volume', Source: 'x' }] } })).toBe('invalid mount config for type "volume": field Target must not be empty');
    expect(refusal({ HostConfig: { Binds: ['bad name:/data'] } })).toContain('includes invalid characters for a local volume name');
  });
});

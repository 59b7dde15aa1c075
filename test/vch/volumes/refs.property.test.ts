/**
 * Property: whatever sequence of create, mount, claim, unclaim, release (rm [-v]), remove and prune
 * runs, each volume's reference count equals the number of containers referencing it, a referenced
 * volume is never deleted, and no two running containers hold one volume.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConflictError, NoSuchObjectError } from '../../../src/vch/engine/errors.js';
import { imageFs, volumeWorld } from './fixture.js';
import type { VolumeService } from '../../../src/vch/volumes/index.js';

const VOLUMES = ['va', 'vb', 'vc'];
const CONTAINERS = ['c1', 'c2', 'c3', 'c4'];

type Op =
  | { readonly kind: 'create'; readonly volume: string }
  | { readonly kind: 'mount'; readonly container: string; readonly volumes: readonly string[]; readonly anonymous: boolean }
  | { readonly kind: 'claim' | 'unclaim'; readonly container: string }
  | { readonly kind: 'release'; readonly container: string; readonly removeAnonymous: boolean }
  | { readonly kind: 'remove'; readonly volume: string; readonly force: boolean }
  | { readonly kind: 'prune'; readonly all: boolean };

const volume = fc.constantFrom(...VOLUMES);
const container = fc.constantFrom(...CONTAINERS);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), volume }),
  fc.record({ kind: fc.constant('mount' as const), container, volumes: fc.uniqueArray(volume, { maxLength: 2 }), anonymous: fc.boolean() }),
  fc.record({ kind: fc.constantFrom('claim' as const, 'unclaim' as const), container }),
  fc.record({ kind: fc.constant('release' as const), container, removeAnonymous: fc.boolean() }),
  fc.record({ kind: fc.constant('remove' as const), volume, force: fc.boolean() }),
  fc.record({ kind: fc.constant('prune' as const), all: fc.boolean() }),
);

/** What the test expects: each container's volume names and which containers run. */
interface Model {
  readonly mounts: Map<string, Set<string>>;
  readonly running: Set<string>;
}

function users(model: Model, name: string): string[] {
  return [...model.mounts].filter(([, names]) => names.has(name)).map(([id]) => id);
}

async function step(service: VolumeService, model: Model, o: Op): Promise<void> {
  switch (o.kind) {
    case 'create':
      await service.createVolume({ Name: o.volume });
      return;
    case 'mount': {
      if (model.mounts.has(o.container)) return;
      const binds = o.volumes.map((v, i) => `${v}:/m${i}`);
      const planned = await service.mountsFor(o.container, { Volumes: o.anonymous ? { '/anon': {} } : {}, HostConfig: { Binds: binds } }, imageFs());
      model.mounts.set(o.container, new Set(planned.map((m) => m.name)));
      return;
    }
    case 'claim': {
      const names = model.mounts.get(o.container);
      if (names === undefined || model.running.has(o.container)) return;
      const busy = [...names].some((n) => users(model, n).some((u) => u !== o.container && model.running.has(u)));
      if (busy) expect(() => service.claim(o.container)).toThrow(ConflictError);
      else {
        service.claim(o.container);
        model.running.add(o.container);
      }
      return;
    }
    case 'unclaim':
      if (!model.running.delete(o.container)) return;
      await service.unclaim(o.container);
      return;
    case 'release': {
      const names = model.mounts.get(o.container);
      if (names === undefined) return;
      model.mounts.delete(o.container);
      model.running.delete(o.container);
      const removed = await service.release(o.container, o.removeAnonymous);
      for (const name of removed) expect(users(model, name)).toEqual([]);
      return;
    }
    case 'remove': {
      const exists = service.volume(o.volume) !== undefined;
      const referenced = users(model, o.volume).length > 0;
      const attempt = service.removeVolume(o.volume, o.force);
      if (exists && referenced) await expect(attempt).rejects.toBeInstanceOf(ConflictError);
      else if (!exists && !o.force) await expect(attempt).rejects.toBeInstanceOf(NoSuchObjectError);
      else await attempt;
      return;
    }
    case 'prune': {
      const report = await service.pruneVolumes(o.all ? { all: ['true'] } : {});
      for (const name of report.deleted) expect(users(model, name)).toEqual([]);
    }
  }
}

function checkInvariants(service: VolumeService, model: Model): void {
  const referenced = new Set([...model.mounts.values()].flatMap((names) => [...names]));
  for (const name of referenced) {
    expect(service.volume(name), `referenced volume ${name} exists`).toBeDefined();
    expect(service.refCount(name)).toBe(users(model, name).length);
  }
  for (const name of VOLUMES) if (!referenced.has(name)) expect(service.refCount(name)).toBe(0);
  for (const id of CONTAINERS) expect(service.mountPoints(id).map((m) => m.Name).sort()).toEqual([...(model.mounts.get(id) ?? [])].sort());
}

describe('volume references', () => {
  it('keep reference counts equal to the referencing containers and never delete a referenced volume', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 24 }), async (ops) => {
        const { service } = await volumeWorld();
        const model: Model = { mounts: new Map(), running: new Set() };
        for (const o of ops) {
          await step(service, model, o);
          checkInvariants(service, model);
        }
      }),
      { numRuns: 120 },
    );
  });
});

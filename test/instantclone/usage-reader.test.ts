/**
 * The cheap read paths DRS's demand refresh relies on: a VM's usage reader answers what usageMB
 * answers at every moment, the host's usage version moves whenever some VM's usage does, and a
 * pool's residentPages is its counters' residentPages in both pool modes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryPool, HostMemory, type ImageId, type MemoryImages, type MemoryUsage, type MemoryUsageReader, type PoolMode } from '../../src/instantclone/index.js';
import { calibrate, DEFAULT_CALIBRATION } from '../../src/sim/calibration.js';
import { Rng } from '../../src/sim/rng.js';
import { MiB } from '../../src/sim/units.js';
import { programs, type Step } from './harness.js';

/** VM ids the host operations draw from (few, so an id powers on again after its release). */
const IDS = ['vm-1', 'vm-2', 'vm-3', 'vm-4'] as const;
const VM_MB = 8;

/**
 * One operation on a host's memory. `who` picks a VM the host holds (for a power-on, an id it holds
 * nothing for), `other` an id it holds nothing for (a fork's child), modulo how many there are.
 */
type HostOp =
  | { readonly kind: 'powerOn'; readonly who: number; readonly touchMB: number; readonly content: boolean }
  | { readonly kind: 'fork'; readonly who: number; readonly other: number }
  | { readonly kind: 'freeze'; readonly who: number }
  | { readonly kind: 'workload'; readonly who: number; readonly workingSetMB: number; readonly dirty: number; readonly zeroShare: number; readonly ms: number }
  | { readonly kind: 'write'; readonly who: number; readonly offsetKB: number; readonly lengthKB: number; readonly zero: boolean }
  | { readonly kind: 'release'; readonly who: number }
  | { readonly kind: 'newReader'; readonly who: number };

const who = fc.nat(1000);
const hostOps: fc.Arbitrary<HostOp[]> = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('powerOn' as const), who, touchMB: fc.integer({ min: 0, max: VM_MB }), content: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('fork' as const), who, other: who }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('freeze' as const), who }) },
    {
      weight: 4,
      arbitrary: fc.record({ kind: fc.constant('workload' as const), who, workingSetMB: fc.integer({ min: 1, max: VM_MB }), dirty: fc.constantFrom(0, 50, 400), zeroShare: fc.constantFrom(0, 0.3), ms: fc.constantFrom(0, 1000, 5000) }),
    },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('write' as const), who, offsetKB: fc.nat(VM_MB * 1024 - 1), lengthKB: fc.integer({ min: 1, max: 1024 }), zero: fc.boolean() }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('release' as const), who }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('newReader' as const), who }) },
  ),
  { minLength: 10, maxLength: 40 },
);

/** Applies `op` where it can apply (a frozen VM is not written; a fork needs a free id). */
function apply(host: HostMemory, op: HostOp, rng: Rng, readers: Map<string, MemoryUsageReader[]>): void {
  const held = IDS.filter((id) => host.has(id));
  const free = IDS.filter((id) => !host.has(id));
  const pick = (ids: readonly string[], n: number): string | undefined => ids[n % Math.max(1, ids.length)];
  const id = op.kind === 'powerOn' ? pick(free, op.who) : op.kind === 'newReader' ? IDS[op.who % IDS.length] : pick(held, op.who);
  if (id === undefined) return;
  const writable = host.has(id) && !host.isFrozen(id);
  const child = op.kind === 'fork' ? pick(free, op.other) : undefined;
  if (op.kind === 'powerOn') host.powerOn(id, VM_MB, 1, op.touchMB, op.content ? 'guest-os:test' : undefined);
  else if (op.kind === 'fork' && child !== undefined) host.fork(id, child, 1);
  else if (op.kind === 'freeze' && writable) host.freeze(id);
  else if (op.kind === 'workload' && writable) {
    host.runWorkload(id, { workingSetBytes: op.workingSetMB * MiB, dirtyPagesPerSec: op.dirty, locality: 0.8, zeroShare: op.zeroShare }, rng, op.ms);
  } else if (op.kind === 'write' && writable) {
    const offset = op.offsetKB * 1024;
    host.write(id, offset, Math.min(op.lengthKB * 1024, VM_MB * MiB - offset), op.zero);
  } else if (op.kind === 'release') host.release(id);
  else if (op.kind === 'newReader') readers.get(id)!.push(host.usageReader(id));
}

/** Every VM's usageMB now (undefined for an id the host holds nothing for). */
function usages(host: HostMemory): string {
  return JSON.stringify(IDS.map((id) => host.usageMB(id) ?? null));
}

/** Each reader of each id reads what usageMB gives now, or false while the host holds nothing for it. */
function expectReadersAgree(host: HostMemory, readers: Map<string, MemoryUsageReader[]>): void {
  for (const [id, list] of readers) {
    const expected = host.usageMB(id);
    for (const reader of list) {
      const out: MemoryUsage = { residentMB: -1, activeMB: -1 };
      expect(reader.read(out)).toBe(expected !== undefined);
      expect(out).toEqual(expected === undefined ? { residentMB: -1, activeMB: -1 } : { residentMB: expected.residentMB, activeMB: expected.activeMB });
    }
  }
}

describe.each(['sampled', 'expected'] as const)('a host\'s usage readers and usage version (guest writes %s)', (guestWrites) => {
  const calibration = calibrate({ memory: { guestWrites } });

  it('reads what usageMB gives at every moment, through power-ons, forks, guest writes, releases and power-ons again of the same id', () => {
    fc.assert(
      fc.property(hostOps, fc.integer({ min: 1, max: 1_000_000 }), (ops, seed) => {
        const host = new HostMemory(4096, calibration);
        const rng = Rng.seeded(seed);
        const readers = new Map<string, MemoryUsageReader[]>(IDS.map((id) => [id, [host.usageReader(id)]]));
        expectReadersAgree(host, readers);
        for (const op of ops) {
          apply(host, op, rng, readers);
          expectReadersAgree(host, readers);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('keeps the usage version while nothing happens, and changes it whenever some VM\'s usageMB changed', () => {
    fc.assert(
      fc.property(hostOps, fc.integer({ min: 1, max: 1_000_000 }), (ops, seed) => {
        const host = new HostMemory(4096, calibration);
        const rng = Rng.seeded(seed);
        const readers = new Map<string, MemoryUsageReader[]>(IDS.map((id) => [id, []]));
        for (const op of ops) {
          const [version, before] = [host.usageVersion, usages(host)];
          expect(host.usageVersion).toBe(version);
          apply(host, op, rng, readers);
          if (usages(host) !== before) expect(host.usageVersion).not.toBe(version);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('a host\'s usage reader, by example', () => {
  it('reads false before the VM powers on and after it is released, and the new memory after it powers on again', () => {
    const host = new HostMemory(4096, DEFAULT_CALIBRATION);
    const reader = host.usageReader('vm-1');
    const out: MemoryUsage = { residentMB: 0, activeMB: 0 };
    expect(reader.read(out)).toBe(false);
    host.powerOn('vm-1', 64, 1, 16);
    expect(reader.read(out)).toBe(true);
    expect(out).toEqual({ residentMB: 16, activeMB: 16 });
    host.release('vm-1');
    expect(reader.read(out)).toBe(false);
    host.powerOn('vm-1', 64, 1, 4);
    expect(reader.read(out)).toBe(true);
    expect(out).toEqual({ residentMB: 4, activeMB: 4 });
  });

  it('changes the usage version when only a VM\'s working set (its active memory) changes', () => {
    const host = new HostMemory(4096, DEFAULT_CALIBRATION);
    host.powerOn('vm-1', 64, 1, 16);
    const version = host.usageVersion;
    host.runWorkload('vm-1', { workingSetBytes: 32 * MiB, dirtyPagesPerSec: 0, locality: 0.9, zeroShare: 0 }, Rng.seeded(1), 1000);
    expect(host.usageMB('vm-1')!.activeMB).toBe(32);
    expect(host.usageVersion).not.toBe(version);
  });
});

/** Applies a harness step to one pool; returns whether it is a mutating operation (the pool's changes must grow). */
function applyStep(pool: MemoryImages, alive: ImageId[], frozen: Set<ImageId>, step: Step): boolean {
  if (step.kind === 'create') {
    alive.push(pool.create(step.pages));
    return true;
  }
  if (alive.length === 0) return false;
  const id = alive[step.who % alive.length]!;
  if (step.kind === 'fork') alive.push(pool.fork(id));
  else if (step.kind === 'destroy') {
    pool.destroy(id);
    alive.splice(alive.indexOf(id), 1);
    frozen.delete(id);
  } else if (frozen.has(id)) return false;
  else if (step.kind === 'freeze') {
    pool.freeze(id);
    frozen.add(id);
  } else {
    const pages = pool.counters(id).pages;
    const first = step.first % pages;
    const count = Math.min(step.count, pages - first);
    if (step.kind === 'write' && step.zero) pool.writeZero(id, first, count);
    else pool.write(id, first, count);
  }
  return true;
}

describe.each(['exact', 'extent'] as PoolMode[])('a memory pool in %s mode', (mode) => {
  it('gives each image\'s residentPages as its counters give them, and counts every mutating operation in totals().changes', () => {
    fc.assert(
      fc.property(programs(40, 32), (steps) => {
        const pool = createMemoryPool(mode);
        const alive: ImageId[] = [];
        const frozen = new Set<ImageId>();
        for (const step of steps) {
          const before = pool.totals().changes;
          const mutated = applyStep(pool, alive, frozen, step);
          const after = pool.totals().changes;
          if (mutated) expect(after).toBeGreaterThan(before);
          else expect(after).toBe(before);
          for (const image of alive) expect(pool.residentPages(image)).toBe(pool.counters(image).residentPages);
        }
      }),
      { numRuns: 200 },
    );
  });
});

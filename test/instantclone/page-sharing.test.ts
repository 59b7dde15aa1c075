import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryPool, HostMemory, type HostMemoryOptions, type HostMemoryStats } from '../../src/instantclone/index.js';
import { DEFAULT_CALIBRATION as CAL } from '../../src/sim/calibration.js';
import { Rng } from '../../src/sim/rng.js';
import { MiB } from '../../src/sim/units.js';

/** A 64 GB host with `vms` VMs of 1 GB that booted the same 64 MB of guest OS. */
function identicalGuests(vms: number, options: HostMemoryOptions): HostMemory {
  const host = new HostMemory(64 * 1024, CAL, options);
  for (let i = 0; i < vms; i++) host.powerOn(`vm-${i}`, 1024, 20, 64, 'photon');
  return host;
}

/** Scans for `seconds` of simulated time, one second at a time, on a 1 GHz host (4 MB/s). */
function scanFor(host: HostMemory, seconds: number): void {
  for (let s = 0; s < seconds; s++) host.scan(1000, 1000);
}

describe('transparent page sharing', () => {
  it('shares nothing across VMs while salting is on (the default)', () => {
    const host = identicalGuests(4, { largePages: false });
    scanFor(host, 100);
    expect(host.stats()).toMatchObject({ sharedByTpsMB: 0, tpsHashMB: 0, guestMB: 256 });
  });

  it('merges identical pages of identical guests at the scan rate once inter-VM sharing is on', () => {
    const host = identicalGuests(4, { largePages: false, interVm: true });
    // 256 MB of candidates, 192 MB of them duplicates: 4 MB/s hashes 4 MB and merges 3 MB a second.
    scanFor(host, 10);
    expect(host.stats().sharedByTpsMB).toBeCloseTo(30, 6);
    expect(host.stats().tpsHashMB).toBeCloseTo((40 * 256 * CAL.memory.tpsHashEntryBytes) / MiB, 9);
    scanFor(host, 60);
    const s = host.stats();
    expect(s.sharedByTpsMB).toBeCloseTo(192, 6);
    expect(s.consumedMB).toBeCloseTo(64 + 4 * 20 + s.tpsHashMB, 6);
    expect(s.savedMB).toBeCloseTo(192, 6);
  });

  it('copies a merged page back when a guest writes it, and every merged page when salting returns', () => {
    const host = identicalGuests(2, { largePages: false, interVm: true });
    scanFor(host, 40);
    expect(host.stats().sharedByTpsMB).toBeCloseTo(64, 6);
    host.write('vm-0', 0, 16 * MiB);
    expect(host.stats().sharedByTpsMB).toBeCloseTo(48, 6);
    host.setInterVmSharing(false);
    expect(host.stats()).toMatchObject({ sharedByTpsMB: 0, tpsHashMB: 0 });
  });

  it('pools refuse to write content they never handed out', () => {
    const pool = createMemoryPool();
    const image = pool.create(4);
    expect(() => pool.write(image, 0, 1, 7)).toThrow(/not a tag this pool handed out/);
  });
});

describe('large pages', () => {
  it('keep private pages from the scanner while the host is in the high state', () => {
    const host = identicalGuests(4, { interVm: true });
    scanFor(host, 100);
    expect(host.state).toBe('high');
    expect(host.stats()).toMatchObject({ sharedByTpsMB: 0, brokenLargePages: 0 });
  });

  it('are broken below the high state, one per 2 MiB region of private memory, and their pages then merge', () => {
    const host = identicalGuests(4, { interVm: true });
    host.powerOn('big', 64 * 1024 - 2000, 0, 62 * 1024 - 2000);
    expect(host.state).not.toBe('high');
    // 4 × 32 regions of guest OS, plus the big VM's touched memory
    expect(host.stats().brokenLargePages).toBe(4 * 32 + Math.ceil(((62 * 1024 - 2000) * MiB) / CAL.memory.largePageSize));
    scanFor(host, 5);
    expect(host.stats().sharedByTpsMB).toBeGreaterThan(0);
  });
});

/**
 * Fills a 16 GB host with VMs booting the same 1 GB OS and then writing 3 GB each, 128 MB at a time
 * with 10 s of scanning between writes; returns the write after which each counter first moved.
 */
function overcommitInOrder(): Record<string, number> {
  const host = new HostMemory(16 * 1024, CAL, { interVm: true });
  const first: Record<string, number> = {};
  const counters: (keyof HostMemoryStats)[] = ['brokenLargePages', 'sharedByTpsMB', 'balloonedMB', 'compressedMB', 'swappedMB'];
  let step = 0;
  for (let i = 0; i < 8; i++) {
    host.powerOn(`vm-${i}`, 4096, 40, 1024, 'photon');
    host.runWorkload(`vm-${i}`, { workingSetBytes: 2048 * MiB, dirtyPagesPerSec: 0, locality: 0.9, zeroShare: 0 }, Rng.seeded(i), 1000);
    for (let mb = 1024; mb < 4096; mb += 128, step++) {
      host.write(`vm-${i}`, mb * MiB, 128 * MiB);
      host.scan(10_000, 16 * 2400);
      const stats = host.stats();
      for (const c of counters) if (first[c] === undefined && (stats[c] as number) > 0) first[c] = step;
    }
  }
  return first;
}

describe('reclamation on an overcommitted host', () => {
  it('breaks large pages, then shares by TPS, then balloons, then compresses and swaps', () => {
    const first = overcommitInOrder();
    const order = ['brokenLargePages', 'sharedByTpsMB', 'balloonedMB', 'compressedMB', 'swappedMB'].map((c) => first[c]);
    expect(order.every((step) => step !== undefined)).toBe(true);
    for (let k = 1; k < order.length; k++) expect(order[k]!).toBeGreaterThanOrEqual(order[k - 1]!);
    expect(first.balloonedMB!).toBeGreaterThan(first.sharedByTpsMB!);
  });

  it('reclaims and shares the same amounts from the same seed and history', () => {
    expect(overcommitInOrder()).toEqual(overcommitInOrder());
  });
});

type Op =
  | { kind: 'boot'; mb: number; content: boolean }
  | { kind: 'fork'; who: number }
  | { kind: 'write'; who: number; offsetMB: number; mb: number }
  | { kind: 'release'; who: number }
  | { kind: 'scan'; seconds: number }
  | { kind: 'salting'; on: boolean };

const ops: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('boot' as const), mb: fc.integer({ min: 1, max: 3000 }), content: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fork' as const), who: fc.nat(100) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('write' as const), who: fc.nat(100), offsetMB: fc.nat(3000), mb: fc.integer({ min: 1, max: 1500 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), who: fc.nat(100) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('scan' as const), seconds: fc.integer({ min: 1, max: 120 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('salting' as const), on: fc.boolean() }) },
);

function apply(host: HostMemory, alive: string[], op: Op, n: number): void {
  const who = alive.length > 0 && 'who' in op ? alive[op.who % alive.length]! : undefined;
  if (op.kind === 'boot') host.powerOn(`vm-${n}`, 3072, 30, op.mb, op.content ? 'os' : undefined);
  else if (op.kind === 'fork' && who) host.fork(who, `vm-${n}`, 30);
  else if (op.kind === 'write' && who) host.write(who, Math.min(op.offsetMB, 3071) * MiB, Math.min(op.mb, 3072 - Math.min(op.offsetMB, 3071)) * MiB);
  else if (op.kind === 'release' && who) host.release(who);
  else if (op.kind === 'scan') host.scan(op.seconds * 1000, 8000);
  else if (op.kind === 'salting') host.setInterVmSharing(!op.on);
  if (op.kind === 'boot' || (op.kind === 'fork' && who)) alive.push(`vm-${n}`);
  if (op.kind === 'release' && who) alive.splice(alive.indexOf(who), 1);
}

describe('host memory accounting under random operations', () => {
  it('keeps consumed = private + shared by fork − shared by TPS + overhead − reclaimed, and merged pages within the duplicates, after every operation', () => {
    fc.assert(
      fc.property(fc.array(ops, { minLength: 10, maxLength: 30 }), fc.boolean(), fc.boolean(), (sequence, largePages, interVm) => {
        const host = new HostMemory(16 * 1024, CAL, { largePages, interVm });
        const alive: string[] = [];
        sequence.forEach((op, n) => {
          apply(host, alive, op, n);
          const s = host.stats();
          const reclaimed = s.balloonedMB + s.compressedMB / 2 + s.swappedMB;
          expect(s.consumedMB).toBeCloseTo(s.privateMB + s.sharedByForkMB - s.sharedByTpsMB + s.overheadMB - reclaimed, 6);
          expect(s.guestMB).toBeCloseTo(s.privateMB + s.sharedByForkMB, 6);
          expect(s.freeMB).toBeCloseTo(s.capacityMB - s.consumedMB, 6);
          expect(s.sharedByTpsMB).toBeLessThanOrEqual(s.guestMB);
          const census = host.sharing.census(); // merged pages never outnumber the duplicates that exist
          expect(host.sharing.mergedPages).toBeLessThanOrEqual(census.duplicatePages + 1e-9);
          expect(host.sharing.hashedPages).toBeLessThanOrEqual(census.candidatePages + 1e-9);
          // not savedMB (a shared generation keeps pages every user overwrote until it folds or dies) nor
          // freeMB (a host whose active memory alone does not fit stays short, in the low state)
          for (const [k, v] of Object.entries(s)) if (typeof v === 'number' && k !== 'savedMB' && k !== 'freeMB') expect(v, k).toBeGreaterThanOrEqual(-1e-6);
          if (alive.length === 0) expect(s).toMatchObject({ guestMB: 0, sharedByTpsMB: 0, tpsHashMB: 0 });
        });
      }),
      { numRuns: 100 },
    );
  });
});

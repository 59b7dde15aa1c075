import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/sim/rng.js';
import { KiB, MiB } from '../../src/sim/units.js';
import { ExtentMemoryPool, runWorkload } from '../../src/instantclone/index.js';
import type { GuestWorkload } from '../../src/instantclone/index.js';

const PAGE = 4 * KiB;

/** A clone of a template that touched its first 16 MiB (4096 pages), and the pool. */
function cloneOfTemplate(): { pool: ExtentMemoryPool; clone: number } {
  const pool = new ExtentMemoryPool();
  const template = pool.createBytes(64 * MiB);
  pool.writeBytes(template, 0, 16 * MiB);
  pool.freeze(template);
  return { pool, clone: pool.fork(template) };
}

const scattered: GuestWorkload = { workingSetBytes: 16 * MiB, dirtyPagesPerSec: 1000, locality: 0, zeroShare: 0 };

/** Everything one can observe of an image: its counters and every page it reads. */
function snapshot(pool: ExtentMemoryPool, image: number): unknown {
  const pages = Array.from({ length: pool.counters(image).pages }, (_, page) => pool.read(image, page));
  return { counters: pool.counters(image), pages };
}

describe('guest workloads', () => {
  it('write the same pages for the same seed and different ones for another seed', () => {
    const profile: GuestWorkload = { ...scattered, locality: 0.8, zeroShare: 0.1 };
    const runs = [7, 7, 8].map((seed) => {
      const { pool, clone } = cloneOfTemplate();
      runWorkload(pool, clone, profile, Rng.seeded(seed), 2000);
      return snapshot(pool, clone);
    });
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).not.toEqual(runs[0]);
  });

  it('batch a guest with high locality into a few range writes per second', () => {
    const { pool, clone } = cloneOfTemplate();
    const writesBefore = pool.totals().writes;
    const run = runWorkload(pool, clone, { ...scattered, locality: 0.99 }, Rng.seeded(1), 1000);
    expect(run.guestPages).toBe(1000);
    expect(run.writes).toBeLessThan(50);
    expect(pool.totals().writes - writesBefore).toBe(run.writes);
  });

  it('turn shared pages private at the pace of random writes into the working set', () => {
    const { pool, clone } = cloneOfTemplate();
    const rng = Rng.seeded(3);
    runWorkload(pool, clone, scattered, rng, 1000);
    const expectedAfter1s = 4096 * (1 - Math.exp(-1000 / 4096));
    expect(pool.counters(clone).privatePages / expectedAfter1s).toBeCloseTo(1, 1);
    runWorkload(pool, clone, scattered, rng, 9000);
    const expectedShared = 4096 * Math.exp(-10_000 / 4096);
    expect(pool.counters(clone).sharedPages / expectedShared).toBeCloseTo(1, 1);
  });

  it('leave zeroed pages as zero pages rather than private ones', () => {
    const { pool, clone } = cloneOfTemplate();
    runWorkload(pool, clone, { ...scattered, zeroShare: 1 }, Rng.seeded(4), 1000);
    expect(pool.counters(clone).privatePages).toBe(0);
    expect(pool.counters(clone).zeroPages).toBeGreaterThan(64 * MiB / PAGE - 4096);
  });

  it('refuse a profile outside its ranges or a working set beyond the image', () => {
    const { pool, clone } = cloneOfTemplate();
    const rng = Rng.seeded(5);
    expect(() => runWorkload(pool, clone, { ...scattered, locality: 1 }, rng, 1000)).toThrow(expect.objectContaining({ argument: 'locality' }));
    expect(() => runWorkload(pool, clone, { ...scattered, zeroShare: 2 }, rng, 1000)).toThrow(expect.objectContaining({ argument: 'zeroShare' }));
    expect(() => runWorkload(pool, clone, { ...scattered, workingSetOffsetBytes: 60 * MiB }, rng, 1000)).toThrow(
      expect.objectContaining({ argument: 'workingSetBytes' }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/sim/rng.js';
import { KiB, MiB } from '../../src/sim/units.js';
import { ExactMemoryPool, ExtentMemoryPool, freshExpectedWrites, runWorkload, writeExpected } from '../../src/instantclone/index.js';
import type { GuestWorkload, MemoryImages } from '../../src/instantclone/index.js';

const PAGE = 4 * KiB;
/** Working set of the clones below: 16 MiB = 4,096 pages, all touched by the template. */
const WS_PAGES = 4096;

/** A clone of a template that touched its first 16 MiB, in `pool`. */
function cloneOfTemplate(pool: MemoryImages): number {
  const template = pool.createBytes(64 * MiB);
  pool.writeBytes(template, 0, 16 * MiB);
  pool.freeze(template);
  return pool.fork(template);
}

const profile = (over: Partial<GuestWorkload> = {}): GuestWorkload => ({ workingSetBytes: 16 * MiB, dirtyPagesPerSec: 1000, locality: 0.9, zeroShare: 0, ...over });

/** Mean private and zero pages of a clone after `ms` of sampled writes, over `seeds` seeds. */
function sampledMeans(p: GuestWorkload, ms: number, seeds: number): { privatePages: number; zeroPages: number } {
  let privatePages = 0;
  let zeroPages = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const pool = new ExtentMemoryPool();
    const clone = cloneOfTemplate(pool);
    runWorkload(pool, clone, p, Rng.seeded(seed), ms);
    privatePages += pool.counters(clone).privatePages;
    zeroPages += pool.counters(clone).zeroPages - (64 - 16) * 256;
  }
  return { privatePages: privatePages / seeds, zeroPages: zeroPages / seeds };
}

/** Private and zero pages of a clone after `ms` of expected writes, in `steps` equal steps. */
function expectedCounts(p: GuestWorkload, ms: number, steps = 1, pool: MemoryImages = new ExtentMemoryPool()): { privatePages: number; zeroPages: number } {
  const clone = cloneOfTemplate(pool);
  const state = freshExpectedWrites();
  for (let i = 0; i < steps; i++) writeExpected(pool, clone, p, state, ms / steps, PAGE);
  return { privatePages: pool.counters(clone).privatePages, zeroPages: pool.counters(clone).zeroPages - (64 - 16) * 256 };
}

describe('expected guest writes', () => {
  it.each([
    ['a quarter of the working set written', 1_000, 0.9, 0],
    ['once the working set written', 4_096, 0.9, 0],
    ['three times the working set written, one run in five zeros', 12_288, 0.8, 0.2],
    ['scattered single pages', 2_000, 0, 0.1],
  ])('agree with the mean of sampled writes within 1% of the working set: %s', (_name, ms, locality, zeroShare) => {
    const p = profile({ locality, zeroShare });
    const sampled = sampledMeans(p, ms, 24);
    const expected = expectedCounts(p, ms);
    expect(Math.abs(expected.privatePages - sampled.privatePages)).toBeLessThan(0.01 * WS_PAGES);
    expect(Math.abs(expected.zeroPages - sampled.zeroPages)).toBeLessThan(0.01 * WS_PAGES);
  });

  it('give the same counts whether a span is written in one step or in many', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 0.99, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (ms, steps, locality, zeroShare) => {
        const p = profile({ locality, zeroShare });
        const once = expectedCounts(p, ms);
        const many = expectedCounts(p, ms, steps);
        expect(Math.abs(many.privatePages - once.privatePages)).toBeLessThanOrEqual(1);
        expect(Math.abs(many.zeroPages - once.zeroPages)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 150 },
    );
  });

  it('lay out the same counts in the exact pool as in the extent pool', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 12 }), fc.double({ min: 0, max: 1, noNaN: true }), (spans, zeroShare) => {
        const p = profile({ zeroShare });
        const pools = [new ExtentMemoryPool(), new ExactMemoryPool()];
        const counts = pools.map((pool) => {
          const clone = cloneOfTemplate(pool);
          const state = freshExpectedWrites();
          for (const ms of spans) writeExpected(pool, clone, p, state, ms, PAGE);
          return pool.counters(clone);
        });
        expect(counts[1]).toEqual(counts[0]);
      }),
      { numRuns: 60 },
    );
  });

  it('keep private pages at the rounded share written with data and never shrink what was written', () => {
    const pool = new ExtentMemoryPool();
    const clone = cloneOfTemplate(pool);
    const state = freshExpectedWrites();
    const p = profile({ zeroShare: 0.3 });
    let written = 0;
    for (let i = 0; i < 30; i++) {
      writeExpected(pool, clone, p, state, 500, PAGE);
      const c = pool.counters(clone);
      expect(c.privatePages).toBe(state.dataGranules);
      expect(c.sharedPages).toBe(WS_PAGES - state.dataGranules - state.zeroGranules);
      expect(state.dataGranules + state.zeroGranules).toBeGreaterThanOrEqual(written);
      written = state.dataGranules + state.zeroGranules;
    }
  });

  it('settle once the rounded shares reach their limits, after which a step writes nothing', () => {
    const pool = new ExtentMemoryPool();
    const clone = cloneOfTemplate(pool);
    const state = freshExpectedWrites();
    const p = profile({ zeroShare: 0.25 });
    let step = writeExpected(pool, clone, p, state, 1_000, PAGE);
    expect(step.settled).toBe(false);
    for (let i = 0; i < 200 && !step.settled; i++) step = writeExpected(pool, clone, p, state, 5_000, PAGE);
    expect(step.settled).toBe(true);
    expect(pool.counters(clone).privatePages).toBe(0.75 * WS_PAGES);
    expect(pool.counters(clone).sharedPages).toBe(0);
    const writes = pool.totals().writes;
    expect(writeExpected(pool, clone, p, state, 1e9, PAGE).writes).toBe(0);
    expect(pool.totals().writes).toBe(writes);
  });

  it('refuse a working set beyond the image', () => {
    const pool = new ExtentMemoryPool();
    const clone = cloneOfTemplate(pool);
    expect(() => writeExpected(pool, clone, profile({ workingSetBytes: 65 * MiB }), freshExpectedWrites(), 1000, PAGE)).toThrow(/exceeds/);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KiB, MiB } from '../../src/sim/units.js';
import { ExtentMemoryPool, freshExpectedWrites, writeExpected } from '../../src/instantclone/index.js';
import type { ExpectedWrites, GuestWorkload, MemoryImages } from '../../src/instantclone/index.js';
import { VmMemory } from '../../src/instantclone/vm-memory.js';

const PAGE = 4 * KiB;

function cloneOfTemplate(pool: MemoryImages): number {
  const template = pool.createBytes(64 * MiB);
  pool.writeBytes(template, 0, 16 * MiB);
  pool.freeze(template);
  return pool.fork(template);
}

const figures = (w: ExpectedWrites): number[] => [w.data, w.untouched, w.dataGranules, w.zeroGranules, w.tag];

describe("a VM memory record is its own expected-writes layout", () => {
  it('has none until given one, and none again once its memory is shared', () => {
    const m = new VmMemory(1, 64, 8, 16);
    expect(m.expected).toBeUndefined();
    m.expected = freshExpectedWrites();
    expect(m.expected).toBe(m);
    m.shared();
    expect(m.expected).toBeUndefined();
  });

  it('writes and steps exactly as a layout record of its own would, step by step', () => {
    const profile = fc.record({
      workingSetBytes: fc.integer({ min: 1, max: 16 }).map((n) => n * MiB),
      dirtyPagesPerSec: fc.integer({ min: 0, max: 5000 }),
      locality: fc.double({ min: 0, max: 1, noNaN: true }),
      zeroShare: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(profile, fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 6 }), (p: GuestWorkload, spans) => {
        const [poolA, poolB] = [new ExtentMemoryPool(), new ExtentMemoryPool()];
        const [a, b] = [cloneOfTemplate(poolA), cloneOfTemplate(poolB)];
        const own = freshExpectedWrites();
        const m = new VmMemory(b, 64, 8, 16);
        m.expected ??= freshExpectedWrites();
        for (const ms of spans) {
          expect(writeExpected(poolB, b, p, m.expected!, ms, PAGE)).toEqual(writeExpected(poolA, a, p, own, ms, PAGE));
          expect(figures(m)).toEqual(figures(own));
          expect(poolB.counters(b)).toEqual(poolA.counters(a));
        }
      }),
      { numRuns: 100 },
    );
  });
});

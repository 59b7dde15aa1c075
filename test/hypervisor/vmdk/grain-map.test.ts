import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GrainMap } from '../../../src/hypervisor/vmdk/grain-map.js';

const GRAINS = 64;

/** A write of grains [start, end) with a tag from a small alphabet, so neighbours often share tags. */
const setArb = fc
  .tuple(fc.nat({ max: GRAINS - 1 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 0, max: 3 }))
  .map(([start, len, tag]) => ({ start, end: Math.min(GRAINS, start + len), tag }));

function apply(sets: { start: number; end: number; tag: number }[]): { map: GrainMap; oracle: (number | undefined)[] } {
  const map = new GrainMap();
  const oracle: (number | undefined)[] = new Array<number | undefined>(GRAINS).fill(undefined);
  for (const s of sets) {
    map.set(s.start, s.end, s.tag);
    for (let g = s.start; g < s.end; g++) oracle[g] = s.tag;
  }
  return { map, oracle };
}

describe('GrainMap', () => {
  it('answers every grain as a per-grain array would after any sequence of writes', () => {
    fc.assert(
      fc.property(fc.array(setArb, { maxLength: 40 }), (sets) => {
        const { map, oracle } = apply(sets);
        for (let g = 0; g < GRAINS; g++) expect(map.tagAt(g)).toBe(oracle[g]);
        expect(map.allocatedGrains).toBe(oracle.filter((t) => t !== undefined).length);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps its runs sorted, non-overlapping and coalesced', () => {
    fc.assert(
      fc.property(fc.array(setArb, { maxLength: 40 }), (sets) => {
        const runs = [...apply(sets).map.runs()];
        for (let i = 0; i < runs.length; i++) {
          const run = runs[i]!;
          expect(run.start).toBeLessThan(run.end);
          const next = runs[i + 1];
          if (next) {
            expect(run.end).toBeLessThanOrEqual(next.start);
            expect(run.end === next.start && run.tag === next.tag).toBe(false);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('lists the runs of a range clipped to that range', () => {
    fc.assert(
      fc.property(fc.array(setArb, { maxLength: 20 }), fc.nat({ max: GRAINS - 1 }), fc.nat({ max: GRAINS }), (sets, a, b) => {
        const { map, oracle } = apply(sets);
        const [start, end] = a < b ? [a, b] : [b, a + 1];
        const seen = new Array<number | undefined>(GRAINS).fill(undefined);
        for (const run of map.runsIn(start, end)) {
          expect(run.start).toBeGreaterThanOrEqual(start);
          expect(run.end).toBeLessThanOrEqual(end);
          for (let g = run.start; g < run.end; g++) seen[g] = run.tag;
        }
        for (let g = 0; g < GRAINS; g++) expect(seen[g]).toBe(g >= start && g < end ? oracle[g] : undefined);
      }),
      { numRuns: 200 },
    );
  });

  it('overlays another map so that the upper map wins, and a clone is independent', () => {
    fc.assert(
      fc.property(fc.array(setArb, { maxLength: 20 }), fc.array(setArb, { maxLength: 20 }), (lowerSets, upperSets) => {
        const lower = apply(lowerSets);
        const upper = apply(upperSets);
        const merged = lower.map.clone();
        merged.overlay(upper.map);
        for (let g = 0; g < GRAINS; g++) {
          expect(merged.tagAt(g)).toBe(upper.oracle[g] ?? lower.oracle[g]);
          expect(lower.map.tagAt(g)).toBe(lower.oracle[g]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('merges adjacent writes of the same tag into one run', () => {
    const map = new GrainMap();
    map.set(0, 4, 9);
    map.set(8, 12, 9);
    map.set(4, 8, 9);
    expect([...map.runs()]).toEqual([{ start: 0, end: 12, tag: 9 }]);
    map.set(2, 3, 5);
    expect(map.runCount).toBe(3);
    expect(map.allocatedGrains).toBe(12);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  emptyExtents,
  extentCount,
  extentEnd,
  extentStart,
  extentTag,
  firstEndingAfter,
  foldExtents,
  spliceExtents,
  tagAt,
} from '../../src/instantclone/extent-layer.js';
import type { Extents } from '../../src/instantclone/extent-layer.js';

const PAGES = 40;

/** Writes [a, b) with `tag` the way the extent pool does. */
function overwrite(x: Extents, a: number, b: number, tag: number): Extents {
  const i = firstEndingAfter(x, a);
  let j = i;
  while (j < extentCount(x) && extentStart(x, j) < b) j++;
  spliceExtents(x, i, j, a, b, tag);
  return x;
}

const writes = fc.array(
  fc.record({ first: fc.nat(PAGES - 1), length: fc.integer({ min: 1, max: 12 }), tag: fc.integer({ min: 0, max: 3 }) }),
  { maxLength: 30 },
);

/** A layer built by `steps`, and the same layer as one tag per page (-1 where nothing was written). */
function build(steps: { first: number; length: number; tag: number }[]): { x: Extents; pages: number[] } {
  let x = emptyExtents();
  const pages = new Array<number>(PAGES).fill(-1);
  for (const { first, length, tag } of steps) {
    const end = Math.min(PAGES, first + length);
    x = overwrite(x, first, end, tag);
    pages.fill(tag, first, end);
  }
  return { x, pages };
}

/** Sorted, disjoint, non-empty extents, with no two touching extents of one tag left unmerged. */
function expectCanonical(x: Extents): void {
  expect(x.length).toBe(1 + 3 * extentCount(x));
  for (let k = 0; k < extentCount(x); k++) {
    expect(extentStart(x, k)).toBeLessThan(extentEnd(x, k));
    if (k > 0) {
      expect(extentEnd(x, k - 1)).toBeLessThanOrEqual(extentStart(x, k));
      const touching = extentEnd(x, k - 1) === extentStart(x, k);
      expect(touching && extentTag(x, k - 1) === extentTag(x, k)).toBe(false);
    }
  }
}

describe('extent layers', () => {
  it('hold exactly what per-page writes would, as canonical extents', () => {
    fc.assert(
      fc.property(writes, (steps) => {
        const { x, pages } = build(steps);
        expectCanonical(x);
        pages.forEach((tag, page) => expect(tagAt(x, page)).toBe(tag));
      }),
      { numRuns: 300 },
    );
  });

  it('fold a lower layer over an upper one page by page, counting hidden and carried non-zero pages', () => {
    fc.assert(
      fc.property(writes, writes, (upperSteps, lowerSteps) => {
        const upper = build(upperSteps);
        const lower = build(lowerSteps);
        const folded = foldExtents(upper.x, lower.x);
        expectCanonical(folded.extents);
        let shadowed = 0;
        let moved = 0;
        for (let page = 0; page < PAGES; page++) {
          const above = upper.pages[page]!;
          const below = lower.pages[page]!;
          expect(tagAt(folded.extents, page)).toBe(below >= 0 ? below : above);
          if (above > 0 && below >= 0) shadowed++;
          if (above > 0 && below < 0) moved++;
        }
        expect(folded.shadowedNonZero).toBe(shadowed);
        expect(folded.movedNonZero).toBe(moved);
      }),
      { numRuns: 300 },
    );
  });

  it('split an extent in three when a write lands inside it', () => {
    const x = overwrite(emptyExtents(), 0, 30, 1);
    overwrite(x, 10, 20, 2);
    expect(extentCount(x)).toBe(3);
    expect([tagAt(x, 9), tagAt(x, 10), tagAt(x, 19), tagAt(x, 20), tagAt(x, 30)]).toEqual([1, 2, 2, 1, -1]);
  });
});

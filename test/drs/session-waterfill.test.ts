import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { waterFillInto } from '../../src/drs/waterfill.js';
import { WaterFiller } from '../../src/drs/waterfill-radix.js';

/** Amounts drawn from a small set too, so breakpoints and slopes tie often (the order the sweep depends on). */
const amount = fc.oneof(fc.constantFrom(0, 1, 2, 1000, 4096), fc.double({ min: 0, max: 1e6, noNaN: true }));
const item = fc.record({ floor: amount, extra: fc.oneof(amount, fc.constant(Infinity)), weight: fc.oneof(fc.constantFrom(0, 1, 10, 1000, 2000), fc.double({ min: 0, max: 1e5, noNaN: true })) });

describe('the radix-ordered water filler of a DRS session', () => {
  it('gives waterFillInto\'s amounts to the bit, for any items and a total below, between or above the floors and caps, reused across fills', () => {
    const filler = new WaterFiller();
    fc.assert(
      fc.property(fc.array(item, { maxLength: 300 }), fc.double({ min: 0, max: 1.2, noNaN: true }), (items, share) => {
        const n = items.length;
        const floor = Float64Array.from(items, (it) => it.floor);
        const cap = Float64Array.from(items, (it) => it.floor + it.extra);
        const weight = Float64Array.from(items, (it) => it.weight);
        const floors = floor.reduce((a, b) => a + b, 0);
        const reach = items.reduce((a, it) => a + it.floor + (Number.isFinite(it.extra) ? it.extra : 1e6), 0);
        const total = share * reach + (share > 1 ? 0 : (1 - share) * floors * 0.01);
        const expected = new Float64Array(n);
        waterFillInto(floor, cap, weight, total, expected);
        filler.reserve(n);
        filler.floor.set(floor);
        filler.cap.set(cap);
        filler.weight.set(weight);
        filler.fill(n, total);
        expect(Array.from(filler.out.subarray(0, n))).toEqual(Array.from(expected));
      }),
      { numRuns: 300 },
    );
  });
});

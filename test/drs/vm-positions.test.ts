/**
 * VmPositions: a ledger built on a session's index books its VMs there without a copy, and never
 * changes that index — adding a VM afterwards copies it first; a VM booked twice is refused either way.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VmId } from '../../src/sim/ids.js';
import { VmPositions } from '../../src/drs/vm-positions.js';

const id = (n: number): VmId => `vm-${n}` as VmId;

describe('VmPositions', () => {
  it('books a shared index’s VMs at their positions without touching it', () => {
    const shared = new Map([id(1), id(2), id(3)].map((v, i) => [v, i]));
    const positions = new VmPositions(shared);
    [1, 2, 3].forEach((n, i) => positions.book(id(n), i));
    expect(positions.get(id(2))).toBe(1);
    expect([...shared]).toEqual([[id(1), 0], [id(2), 1], [id(3), 2]]);
  });

  it('refuses a VM booked twice, with or without a shared index', () => {
    const own = new VmPositions();
    own.book(id(1), 0);
    expect(() => own.book(id(1), 1)).toThrow(/already in the ledger/);
    const shared = new VmPositions(new Map([[id(1), 0]]));
    shared.book(id(1), 0);
    expect(() => shared.book(id(1), 1)).toThrow(/already in the ledger/);
  });

  it('gives what a plain map gives and leaves the shared index as it was, whatever VMs are added after', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat({ max: 50 }), { maxLength: 20 }), fc.array(fc.nat({ max: 80 }), { maxLength: 20 }), (first, later) => {
        const shared = new Map(first.map((n, i) => [id(n), i]));
        const before = [...shared];
        const positions = new VmPositions(shared);
        const plain = new Map<VmId, number>();
        first.forEach((n, i) => {
          positions.book(id(n), i);
          plain.set(id(n), i);
        });
        later.forEach((n, k) => {
          const v = first.length + k;
          if (plain.has(id(n))) return expect(() => positions.book(id(n), v)).toThrow(/already in the ledger/);
          positions.book(id(n), v);
          plain.set(id(n), v);
        });
        for (let n = 0; n <= 80; n++) expect(positions.get(id(n))).toBe(plain.get(id(n)));
        expect([...shared]).toEqual(before);
      }),
      { numRuns: 200 },
    );
  });
});

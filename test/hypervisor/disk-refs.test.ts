/** The model's disk reference counts, kept on the disks, answer exactly as a map by path would — values, presence, size and order — whatever disks come and go. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DiskRefs } from '../../src/hypervisor/disk-refs.js';
import { VmdkStore } from '../../src/hypervisor/vmdk/index.js';
import { Rng } from '../../src/sim/rng.js';
import { GiB } from '../../src/sim/units.js';

const BASE = '[ds] b/b.vmdk';
const PATHS = [BASE, '[ds] d/d1.vmdk', '[ds] d/d2.vmdk', '[ds] d/d3.vmdk', '[ds] none/x.vmdk'] as const;

type Op =
  | { readonly kind: 'set'; readonly path: number; readonly refs: number }
  | { readonly kind: 'delete' | 'create' | 'remove'; readonly path: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), path: fc.nat(PATHS.length - 1), refs: fc.integer({ min: -1, max: 5 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('delete' as const, 'create' as const, 'remove' as const), path: fc.nat(PATHS.length - 1) }) },
);

describe('disk reference counts', () => {
  it('answer get, has, size and booking order as a map by path does, through disks created and removed', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const store = new VmdkStore({ rng: Rng.seeded(1) });
        store.createBase(BASE, { capacityBytes: GiB });
        const refs = new DiskRefs(() => store);
        const oracle = new Map<string, number>();
        for (const o of ops) {
          const path = PATHS[o.path]!;
          if (o.kind === 'set') {
            expect(refs.set(path, o.refs)).toBe(refs);
            oracle.set(path, o.refs);
          } else if (o.kind === 'delete') expect(refs.delete(path)).toBe(oracle.delete(path));
          else if (o.kind === 'create' && path !== BASE && !store.has(path)) store.createDelta(path, BASE);
          else if (o.kind === 'remove' && path !== BASE && store.has(path)) {
            const booking = store.booking(path)!;
            store.remove(path);
            refs.keepRemoved(booking);
          }
          for (const p of PATHS) {
            expect(refs.get(p)).toBe(oracle.get(p));
            expect(refs.has(p)).toBe(oracle.has(p));
          }
          expect(refs.size).toBe(oracle.size);
          expect([...refs.entries()]).toEqual([...oracle.entries()]);
          expect([...refs]).toEqual([...oracle]);
          expect([...refs.keys()]).toEqual([...oracle.keys()]);
          expect([...refs.values()]).toEqual([...oracle.values()]);
        }
      }),
      { numRuns: 200 },
    );
  });
});

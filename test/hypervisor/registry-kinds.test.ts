/** The registry lists the records of a kind in registration order, whatever was put, updated and removed before. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Registry } from '../../src/hypervisor/registry.js';
import type { InventoryObject } from '../../src/hypervisor/types.js';

const KINDS = ['Host', 'Cluster', 'ResourcePool', 'VirtualMachine'] as const;

/** A record of `kind` with id `id` and a name telling its version (records are opaque to the registry). */
const record = (kind: (typeof KINDS)[number], id: string, version: number): InventoryObject => ({ kind, id, name: `${id}@${version}` }) as unknown as InventoryObject;

describe('Registry.all', () => {
  it('lists every record of a kind in registration order, updates in place, as a scan of all records would', () => {
    const op = fc.record({ op: fc.constantFrom('put', 'update', 'remove'), kind: fc.constantFrom(...KINDS), n: fc.nat(12) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const registry = new Registry();
        ops.forEach(({ op, kind, n }, version) => {
          const id = `${kind}-${n}`;
          const held = registry.find(id);
          if (op === 'put' && !held) registry.put(record(kind, id, version));
          if (op === 'update' && held) registry.update(record(held.kind as (typeof KINDS)[number], id, version));
          if (op === 'remove' && held) registry.remove(id);
        });
        for (const kind of KINDS) expect([...registry.all(kind)]).toEqual([...registry.values()].filter((o) => o.kind === kind));
      }),
      { numRuns: 200 },
    );
  });
});

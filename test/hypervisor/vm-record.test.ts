import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VirtualMachine } from '../../src/hypervisor/types.js';
import { vmWith } from '../../src/hypervisor/vm-record.js';

const record = (extra: Record<string, unknown> = {}): VirtualMachine =>
  ({
    id: 'vm-1',
    kind: 'VirtualMachine',
    name: 'web',
    cluster: 'domain-c1',
    pool: 'resgroup-1',
    host: 'host-1',
    datastore: 'datastore-1',
    folder: 'web',
    config: { numCpu: 1 },
    powerState: 'poweredOff',
    bootTime: undefined,
    provenance: { via: 'create' },
    snapshots: [],
    currentSnapshot: undefined,
    ...extra,
  }) as unknown as VirtualMachine;

const change = fc.record(
  {
    host: fc.constantFrom('host-1', 'host-2'),
    pool: fc.constantFrom('resgroup-1', 'resgroup-2'),
    powerState: fc.constantFrom('poweredOn' as const, 'poweredOff' as const),
    bootTime: fc.option(fc.nat(), { nil: undefined }),
    currentSnapshot: fc.constant(undefined),
  },
  { requiredKeys: [] },
);

describe('a changed copy of a VM record', () => {
  it('is the spread copy: the same keys in the same order with the same values, for usual and unusual records', () => {
    fc.assert(
      fc.property(change, fc.boolean(), (c, unusual) => {
        const vm = unusual ? record({ note: 'restored' }) : record();
        const copy = vmWith(vm, c as Partial<VirtualMachine>);
        const spread = { ...vm, ...c };
        expect(Object.keys(copy)).toEqual(Object.keys(spread));
        for (const k of Object.keys(spread)) expect(Object.is((copy as unknown as Record<string, unknown>)[k], (spread as Record<string, unknown>)[k])).toBe(true);
        expect(copy).not.toBe(vm);
      }),
      { numRuns: 200 },
    );
  });
});

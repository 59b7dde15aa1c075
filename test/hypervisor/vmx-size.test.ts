import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Allocation, VirtualDevice, VirtualMachine } from '../../src/hypervisor/types.js';
import { renderVmx, vmxByteLength } from '../../src/hypervisor/vmx.js';

/** Text with ASCII, characters ESXi escapes (`"`, `|`, control), accented and wide characters. */
const text = fc.stringMatching(/^[a-z0-9 |"\t\né字-]{0,10}$/);

const allocation: fc.Arbitrary<Allocation> = fc.record({
  reservation: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom(9, 10, 99, 100, 999_999, 1_000_000, 2 ** 53 - 1), fc.double({ min: 0, max: 1e6, noNaN: true })),
  limit: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 100_000 })),
  shares: fc.record({ level: fc.constantFrom('low' as const, 'normal' as const, 'high' as const, 'custom' as const), shares: fc.integer({ min: 0, max: 100_000 }) }),
  expandableReservation: fc.constant(false),
});

const device: fc.Arbitrary<VirtualDevice> = fc.oneof(
  fc.record({ type: fc.constant('disk' as const), key: fc.nat(), fileName: text.map((t) => `[ds] ${t}/${t}.vmdk`), capacityBytes: fc.nat() }),
  fc.record({ type: fc.constant('nic' as const), key: fc.nat(), network: fc.nat().map((n) => `network-${n}` as const), macAddress: text }),
  fc.record({ type: fc.constant('cdrom' as const), key: fc.nat(), iso: fc.option(text, { nil: undefined }) }),
  fc.record({ type: fc.constant('serial' as const), key: fc.nat(), fileName: text }),
);

const vm: fc.Arbitrary<VirtualMachine> = fc.record({
  name: text,
  numCpu: fc.integer({ min: 1, max: 128 }),
  memoryMB: fc.integer({ min: 4, max: 1 << 20 }),
  cpuAllocation: allocation,
  memoryAllocation: allocation,
  guestId: text,
  annotation: text,
  extraConfig: fc.dictionary(fc.stringMatching(/^[A-Za-z0-9_.:é字-]{1,8}$/), text, { maxKeys: 4 }),
  devices: fc.array(device, { maxLength: 6 }),
  template: fc.boolean(),
}).map(({ name, ...config }) => ({
  id: 'vm-42',
  kind: 'VirtualMachine',
  name,
  cluster: 'domain-c1',
  pool: 'resgroup-2',
  host: 'host-3',
  datastore: 'datastore-4',
  folder: 'f',
  config,
  powerState: 'poweredOff',
  bootTime: undefined,
  provenance: { via: 'create' },
  snapshots: [],
  currentSnapshot: undefined,
}));

const fileName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
const networkName = (id: string): string => `pg ${id}`;

describe('.vmx byte length', () => {
  it('equals the UTF-8 byte length of the rendered .vmx for any VM, escapes and non-ASCII text included', () => {
    fc.assert(
      fc.property(vm, (v) => {
        expect(vmxByteLength(v, fileName, networkName)).toBe(Buffer.byteLength(renderVmx(v, fileName, networkName)));
      }),
      { numRuns: 300 },
    );
  });
});

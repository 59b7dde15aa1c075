/** Usage readers as columns (DRS's demand sources) read exactly what a VM's own usage reader reads, through power-ons, releases, writes and moves. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostMemory, UsageReaderColumns, type MemoryUsage } from '../../src/instantclone/index.js';
import { DEFAULT_CALIBRATION } from '../../src/sim/calibration.js';

const IDS = ['vm-1', 'vm-2', 'vm-3'] as const;
const VM_MB = 8;

type Op =
  | { readonly kind: 'powerOn' | 'release' | 'write'; readonly host: number; readonly vm: number; readonly mb: number }
  | { readonly kind: 'move'; readonly row: number; readonly host: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom('powerOn' as const, 'release' as const, 'write' as const), host: fc.nat(1), vm: fc.nat(IDS.length - 1), mb: fc.integer({ min: 0, max: VM_MB }) }),
  fc.record({ kind: fc.constant('move' as const), row: fc.nat(IDS.length - 1), host: fc.nat(1) }),
);

function apply(hosts: readonly HostMemory[], o: Op, columns: UsageReaderColumns, rowHost: number[]): void {
  if (o.kind === 'move') {
    rowHost[o.row] = o.host;
    columns.reset(o.row, IDS[o.row]!);
    return;
  }
  const [host, id] = [hosts[o.host]!, IDS[o.vm]!];
  if (o.kind === 'powerOn' && !host.has(id)) host.powerOn(id, VM_MB, 1, o.mb);
  else if (o.kind === 'release' && host.has(id)) host.release(id);
  else if (o.kind === 'write' && host.has(id) && o.mb > 0) host.write(id, 0, o.mb * 1024 * 1024, false);
}

describe('usage reader columns', () => {
  it('read what a new reader of the row\'s VM on the row\'s host reads, after every change', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 30 }), (ops) => {
        const hosts = [new HostMemory(4096, DEFAULT_CALIBRATION), new HostMemory(4096, DEFAULT_CALIBRATION)];
        const columns = new UsageReaderColumns(IDS);
        const rowHost = IDS.map(() => 0);
        expect(columns.length).toBe(IDS.length);
        for (const o of ops) {
          apply(hosts, o, columns, rowHost);
          IDS.forEach((id, i) => {
            const got: MemoryUsage = { residentMB: -1, activeMB: -1 };
            const want: MemoryUsage = { residentMB: -1, activeMB: -1 };
            const host = hosts[rowHost[i]!]!;
            expect(columns.read(i, host, got)).toBe(host.usageReader(id).read(want));
            expect(got).toEqual(want);
          });
        }
      }),
      { numRuns: 150 },
    );
  });
});

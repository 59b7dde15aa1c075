/** A DRS session's VMs share one settings record among VMs whose settings are the same, and read back exactly their own. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ColumnVm, DemandColumns, VmSettingsCache } from '../../src/drs/demand-columns.js';
import type { VmAllocation, VmSnapshot } from '../../src/drs/snapshot.js';
import { randomCluster } from './random-cluster.js';

const SETTINGS = ['pool', 'vcpus', 'memoryMB', 'overheadMB', 'cpu', 'memory', 'restartPriority'] as const;

/** Clones of a few templates: VMs of `vms` given one of `templates`' allocation records and sizes. */
function asClones(vms: readonly VmSnapshot[], picks: readonly number[], sizes: readonly number[]): VmSnapshot[] {
  const allocations: VmAllocation[] = [0, 1, 2].map((k) => Object.freeze({ reservation: 0, limit: undefined, shares: 1000 * (k + 1) }));
  return vms.map((vm, i) => {
    const k = picks[i % picks.length]!;
    return { ...vm, cpu: allocations[k]!, memory: allocations[(k + 1) % 3]!, vcpus: 1 + k, memoryMB: sizes[i % sizes.length]! };
  });
}

describe('session VM settings', () => {
  it('read back exactly each VM\'s own settings, and VMs with the same settings and allocation records share one record', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.constantFrom(512, 1024, -0, 0), { minLength: 1, maxLength: 3 }),
        (seed, picks, sizes) => {
          const vms = asClones(randomCluster(seed, { maxVms: 20 }).vms, picks, sizes);
          const columns = new DemandColumns(vms);
          const cache = new VmSettingsCache(columns);
          const held = vms.map((vm, i) => new ColumnVm(vm, columns, i, cache));
          held.forEach((vm, i) => {
            for (const k of SETTINGS) expect(Object.is(vm[k], vms[i]![k])).toBe(true);
            expect(vm.id).toBe(vms[i]!.id);
            expect(vm.host).toBe(vms[i]!.host);
          });
          const records = new Set(vms.map((vm) => cache.of(vm)));
          expect(records.size).toBeLessThanOrEqual(vms.length);
          for (let i = 1; i < vms.length; i++) {
            const [a, b] = [vms[i - 1]!, vms[i]!];
            if (SETTINGS.every((k) => Object.is(a[k], b[k]))) expect(cache.of(a)).toBe(cache.of(b));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

/**
 * A cluster snapshot's VM allocations are one frozen record per model allocation record: instant
 * clones of one template share theirs, and a reconfigure gives the reconfigured VM its own record
 * without touching the others'. Whatever the reconfigures, each VM's snapshot allocation says what
 * its configuration says.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { snapshotCluster } from '../../../src/drs/driver/model-snapshot.js';
import type { VmAllocation, VmSnapshot } from '../../../src/drs/snapshot.js';
import type { Allocation, SharesLevel } from '../../../src/hypervisor/types.js';
import type { Preset } from '../../../src/hypervisor/presets.js';
import { cloneVM } from '../../../src/hypervisor/vm-clone.js';
import { reconfigureVM } from '../../../src/hypervisor/vm-config.js';
import type { VmId } from '../../../src/sim/ids.js';
import { runningVm, smallCluster, succeed, vmOf } from '../../hypervisor/helpers.js';

/** A running template and `n` instant clones of it. */
function clones(n: number): { p: Preset; ids: VmId[] } {
  const p = smallCluster({ hosts: 2, seed: 3 });
  const template = runningVm(p, { name: 'template', memoryMB: 512 });
  const ids = Array.from({ length: n }, (_, i) => succeed<VmId>(p.model, cloneVM(p.model, template.id, { name: `clone-${i}`, mode: 'instant' })));
  return { p, ids };
}

/** The snapshot's VMs by id. */
function snapshotVms(p: Preset): Map<string, VmSnapshot> {
  return new Map(snapshotCluster(p.model, p.cluster.id).vms.map((vm) => [vm.id, vm]));
}

/** What a VM's allocation record says, as DRS reads it. */
function expected(a: Allocation): VmAllocation {
  const shares = a.shares.level === 'custom' ? a.shares.shares : a.shares.level;
  return a.limit < 0 ? { reservation: a.reservation, shares } : { reservation: a.reservation, limit: a.limit, shares };
}

const LEVELS: readonly SharesLevel[] = ['low', 'normal', 'high'];
const allocationSpec = fc.record(
  { reservation: fc.integer({ min: 0, max: 400 }), limit: fc.constantFrom(-1, 500, 1000), shares: fc.oneof(fc.constantFrom(...LEVELS), fc.integer({ min: 1, max: 9000 })) },
  { requiredKeys: [] },
);

describe('snapshot allocations', () => {
  it('instant clones of one template share one frozen allocation record per resource', () => {
    const { p, ids } = clones(3);
    const vms = snapshotVms(p);
    const [a, b, c] = ids.map((id) => vms.get(id)!);
    expect(a!.cpu).toBe(b!.cpu);
    expect(b!.memory).toBe(c!.memory);
    expect(Object.isFrozen(a!.cpu)).toBe(true);
    expect(Object.isFrozen(a!.memory)).toBe(true);
  });

  it('a reconfigured clone gets its own allocation and the others keep theirs', () => {
    const { p, ids } = clones(3);
    const before = snapshotVms(p).get(ids[1]!)!.cpu;
    succeed(p.model, reconfigureVM(p.model, ids[0]!, { cpuAllocation: { reservation: 300, limit: 1000, shares: 'high' } }));
    const vms = snapshotVms(p);
    expect(vms.get(ids[0]!)!.cpu).toEqual({ reservation: 300, limit: 1000, shares: 'high' });
    expect(vms.get(ids[1]!)!.cpu).toBe(before);
    expect(vms.get(ids[2]!)!.cpu).toBe(before);
  });

  it('every VM’s snapshot allocation says what its configuration says, whatever the reconfigures', () => {
    const reconfigure = fc.record({ vm: fc.nat({ max: 3 }), cpu: fc.option(allocationSpec, { nil: undefined }), memory: fc.option(allocationSpec, { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(reconfigure, { maxLength: 6 }), (steps) => {
        const { p, ids } = clones(4);
        for (const s of steps) {
          succeed(p.model, reconfigureVM(p.model, ids[s.vm]!, { ...(s.cpu ? { cpuAllocation: s.cpu } : {}), ...(s.memory ? { memoryAllocation: s.memory } : {}) }));
          const vms = snapshotVms(p);
          for (const id of ids) {
            const config = vmOf(p.model, id).config;
            expect(vms.get(id)!.cpu).toEqual(expected(config.cpuAllocation));
            expect(vms.get(id)!.memory).toEqual(expected(config.memoryAllocation));
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configureCluster } from '../../../src/drs/driver/cluster-config.js';
import { enableHa } from '../../../src/drs/driver/ha-driver.js';
import { haPowerOnRefusal } from '../../../src/drs/driver/ha-power-on.js';
import { haReservationLedger } from '../../../src/drs/driver/ha-reservation-ledger.js';
import { expectedDemand, snapshotCluster, vmSnapshot } from '../../../src/drs/driver/model-snapshot.js';
import { percentagePolicyAdmits, reservationsOf, slotPolicyAdmits } from '../../../src/drs/ha-admission.js';
import { failHost, recoverHost } from '../../../src/hypervisor/hosts.js';
import { addCluster, addHost } from '../../../src/hypervisor/inventory.js';
import type { VSphereModel } from '../../../src/hypervisor/model.js';
import type { TaskRecord } from '../../../src/hypervisor/tasks.js';
import { destroyVM, reconfigureVM, relocateVM } from '../../../src/hypervisor/vm-config.js';
import { createVM } from '../../../src/hypervisor/vm-create.js';
import { powerVM } from '../../../src/hypervisor/vm-power.js';
import type { ClusterId, HostId, ResourcePoolId, VmId } from '../../../src/sim/ids.js';
import { SMALL_HOST, smallCluster } from '../../hypervisor/helpers.js';

/** Two clusters of two small hosts each, the second added to the preset. */
function twoClusters() {
  const p = smallCluster({ hosts: 2 });
  const second = addCluster(p.model, p.datacenter.id, 'DC0_C1');
  const extra = [0, 1].map((i) => addHost(p.model, second.id, { ...SMALL_HOST, name: `DC0_C1_H${i}` }));
  const hosts: HostId[] = [...p.hosts.map((h) => h.id), ...extra.map((h) => h.id)];
  const clusters: ClusterId[] = [p.cluster.id, second.id];
  const poolOf = (host: HostId): ResourcePoolId => p.model.registry.get('Cluster', p.model.registry.get('Host', host).cluster).rootPool;
  return { p, hosts, clusters, poolOf };
}

/** One step of a random sequence; indices pick among the VMs and hosts there are (modulo). */
type Step =
  | { readonly op: 'create'; readonly host: number; readonly memoryMB: number; readonly cpuMHz: number; readonly reserveShare: number }
  | { readonly op: 'powerOn' | 'powerOff'; readonly vm: number }
  | { readonly op: 'destroy'; readonly vm: number }
  | { readonly op: 'reconfigure'; readonly vm: number; readonly cpuMHz: number; readonly memoryMB: number }
  | { readonly op: 'migrate'; readonly vm: number; readonly host: number }
  | { readonly op: 'failHost' | 'recoverHost'; readonly host: number }
  | { readonly op: 'ledger' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('create' as const), host: fc.nat(3), memoryMB: fc.integer({ min: 1, max: 16 }).map((n) => n * 256), cpuMHz: fc.integer({ min: 0, max: 2000 }), reserveShare: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('powerOn' as const), vm: fc.nat(20) }) },
  fc.record({ op: fc.constant('powerOff' as const), vm: fc.nat(20) }),
  fc.record({ op: fc.constant('destroy' as const), vm: fc.nat(20) }),
  fc.record({ op: fc.constant('reconfigure' as const), vm: fc.nat(20), cpuMHz: fc.integer({ min: 0, max: 2000 }), memoryMB: fc.integer({ min: 0, max: 1024 }) }),
  fc.record({ op: fc.constant('migrate' as const), vm: fc.nat(20), host: fc.nat(3) }),
  fc.record({ op: fc.constantFrom('failHost' as const, 'recoverHost' as const), host: fc.nat(3) }),
  fc.constant({ op: 'ledger' as const }),
);

/** Runs a step; operations the model refuses (state, admission) are part of the sequence. */
function apply(model: VSphereModel, s: Step, hosts: readonly HostId[], poolOf: (h: HostId) => ResourcePoolId, names: { next: number }): void {
  const vms = [...model.registry.all('VirtualMachine')].map((v) => v.id);
  const vm = (i: number): VmId | undefined => vms[i % Math.max(1, vms.length)];
  const host = (i: number): HostId => hosts[i % hosts.length]!;
  const run = (submit: () => unknown): void => {
    try {
      submit();
    } catch {
      // refused at submission: the model is unchanged
    }
    model.clock.runUntilIdle();
  };
  switch (s.op) {
    case 'create': {
      const h = host(s.host);
      const spec = { name: `vm-${names.next++}`, host: h, pool: poolOf(h), memoryMB: s.memoryMB, cpuAllocation: { reservation: s.cpuMHz }, memoryAllocation: { reservation: Math.floor(s.memoryMB * s.reserveShare) } };
      return run(() => createVM(model, spec));
    }
    case 'failHost':
      return run(() => failHost(model, host(s.host)));
    case 'recoverHost':
      return run(() => recoverHost(model, host(s.host)));
    case 'ledger':
      return void haReservationLedger(model);
  }
  const id = vm(s.vm);
  if (id === undefined) return;
  switch (s.op) {
    case 'powerOn':
    case 'powerOff': {
      const op = s.op;
      return run(() => powerVM(model, id, op));
    }
    case 'destroy':
      return run(() => destroyVM(model, id));
    case 'reconfigure': {
      const spec = { cpuAllocation: { reservation: s.cpuMHz }, memoryAllocation: { reservation: s.memoryMB } };
      return run(() => reconfigureVM(model, id, spec));
    }
    case 'migrate': {
      const to = host(s.host);
      return run(() => relocateVM(model, id, { host: to, pool: poolOf(to) }));
    }
  }
}

/** An admission policy of the cluster settings. */
type Admission = { policy: 'slot'; hostFailures: number } | { policy: 'percentage'; cpuFraction: number; memoryFraction: number };

/** The admission decision as it was made before the ledger: from a full snapshot of the cluster. */
function snapshotDecision(model: VSphereModel, vmId: VmId, ha: Admission): boolean {
  const vm = model.registry.get('VirtualMachine', vmId);
  const snapshot = snapshotCluster(model, vm.cluster);
  const candidate = vmSnapshot(model, vm, expectedDemand(model, vm.name, vm.config));
  return ha.policy === 'percentage' ? percentagePolicyAdmits(snapshot, candidate, ha).admitted : slotPolicyAdmits(snapshot, candidate, ha.hostFailures).admitted;
}

/** Runs a creation task to its end; returns the new VM's id. */
function created(model: VSphereModel, task: TaskRecord): VmId {
  model.clock.runUntilIdle();
  return model.tasks.info(task.id).result as VmId;
}

describe('the HA reservation ledger', () => {
  it('equals a full recount of every cluster after random power-on, power-off, reconfigure, migrate, destroy and host failures', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 40, size: 'max' }), fc.boolean(), (steps, enforce) => {
        const { p, hosts, clusters, poolOf } = twoClusters();
        if (enforce) {
          enableHa(p.model);
          configureCluster(p.model, clusters[0]!, { ha: { enabled: true, admissionControl: true, admission: { policy: 'percentage', cpuFraction: 0.25, memoryFraction: 0.25 } } });
        }
        const names = { next: 0 };
        for (const s of steps) apply(p.model, s, hosts, poolOf, names);
        const ledger = haReservationLedger(p.model);
        for (const c of clusters) {
          const recount = reservationsOf(snapshotCluster(p.model, c).vms);
          expect(ledger.of(c)).toEqual({ reservations: recount, exact: true });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same power-on decision as a full snapshot, for either policy', () => {
    const admission = fc.oneof(
      fc.record({ policy: fc.constant('slot' as const), hostFailures: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ policy: fc.constant('percentage' as const), cpuFraction: fc.double({ min: 0, max: 0.9, noNaN: true }), memoryFraction: fc.double({ min: 0, max: 0.9, noNaN: true }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 30, size: 'max' }), admission, (steps, policy) => {
        const { p, hosts, clusters, poolOf } = twoClusters();
        const names = { next: 0 };
        for (const s of steps) apply(p.model, s, hosts, poolOf, names);
        for (const c of clusters) configureCluster(p.model, c, { ha: { enabled: true, admissionControl: true, admission: policy } });
        for (const vm of p.model.registry.all('VirtualMachine')) {
          if (vm.powerState === 'poweredOn') continue;
          expect(haPowerOnRefusal(p.model, vm, new Set()) === undefined).toBe(snapshotDecision(p.model, vm.id, policy));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('says its sums are inexact while a fractional reservation runs, and the percentage policy then recounts', () => {
    const { p, clusters, poolOf, hosts } = twoClusters();
    const model = p.model;
    const ledger = haReservationLedger(model);
    const h = hosts[0]!;
    const made = created(model, createVM(model, { name: 'fractional', host: h, pool: poolOf(h), memoryMB: 1024, cpuAllocation: { reservation: 0.1 } }));
    powerVM(model, made, 'powerOn');
    model.clock.runUntilIdle();
    expect(ledger.of(clusters[0]!).exact).toBe(false);
    expect(ledger.of(clusters[0]!).reservations.count).toBe(1);
    const policy: Admission = { policy: 'percentage', cpuFraction: 0.5, memoryFraction: 0.5 };
    configureCluster(model, clusters[0]!, { ha: { enabled: true, admissionControl: true, admission: policy } });
    const candidate = model.registry.get('VirtualMachine', created(model, createVM(model, { name: 'next', host: h, pool: poolOf(h), memoryMB: 1024 })));
    expect(haPowerOnRefusal(model, candidate, new Set()) === undefined).toBe(snapshotDecision(model, candidate.id, policy));
    powerVM(model, made, 'powerOff');
    model.clock.runUntilIdle();
    expect(ledger.of(clusters[0]!)).toEqual({ reservations: reservationsOf([]), exact: true });
  });
});

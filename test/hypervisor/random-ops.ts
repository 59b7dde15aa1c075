/**
 * Random operation sequences over the model, for property tests: every public operation, with
 * arguments that are sometimes valid and sometimes not, submitted without waiting so tasks overlap.
 */
import fc from 'fast-check';
import {
  changeHost,
  cloneVM,
  createPool,
  createSnapshot,
  createVM,
  destroyPool,
  destroyVM,
  failHost,
  powerVM,
  reconfigureVM,
  recoverHost,
  relocateVM,
  removeSnapshot,
  revertToSnapshot,
  updatePool,
  writeDisk,
  type VSphereModel,
} from '../../src/hypervisor/index.js';
import { VicsimError } from '../../src/sim/errors.js';
import { poolSettingsArb, vmSizeArb, type PoolSettings, type VmSizeSpec } from '../../src/testing/arbitraries.js';

/** One operation; `pick` values select among existing objects. */
export type Op =
  | { op: 'create'; name: number; size: VmSizeSpec; pool: number }
  | { op: 'power'; verb: 'powerOn' | 'powerOff' | 'suspend' | 'reset'; pick: number }
  | { op: 'destroy'; pick: number }
  | { op: 'clone'; mode: 'instant' | 'linked' | 'full'; pick: number; name: number }
  | { op: 'snapshot' | 'revert' | 'removeSnapshot'; pick: number }
  | { op: 'reconfigure'; pick: number; memReservation: number }
  | { op: 'write'; pick: number; offsetMB: number; lengthKB: number; tag: number }
  | { op: 'workload'; pick: number; workingSetMB: number; dirtyRate: number; locality: number }
  | { op: 'relocate'; pick: number; host: number }
  | { op: 'createPool' | 'updatePool'; pool: number; settings: PoolSettings }
  | { op: 'destroyPool'; pool: number }
  | { op: 'host'; action: 'fail' | 'recover' | 'enterMaintenance' | 'exitMaintenance'; host: number }
  | { op: 'advance'; ms: number };

const pick = fc.nat(1000);

/** Arbitrary operations, weighted towards VM lifecycles. */
const oneOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('create' as const), name: fc.nat(30), size: vmSizeArb(), pool: pick }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('power' as const), verb: fc.constantFrom('powerOn' as const, 'powerOff' as const, 'suspend' as const, 'reset' as const), pick }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('destroy' as const), pick }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('clone' as const), mode: fc.constantFrom('instant' as const, 'linked' as const, 'full' as const), pick, name: fc.nat(30) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('snapshot' as const, 'revert' as const, 'removeSnapshot' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reconfigure' as const), pick, memReservation: fc.integer({ min: 0, max: 4096 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('relocate' as const), pick, host: pick }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('workload' as const), pick, workingSetMB: fc.integer({ min: 1, max: 4096 }), dirtyRate: fc.integer({ min: 0, max: 4000 }), locality: fc.double({ min: 0.8, max: 0.99, noNaN: true }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('write' as const), pick, offsetMB: fc.nat(1020), lengthKB: fc.integer({ min: 1, max: 4096 }), tag: fc.integer({ min: 1, max: 1000 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('createPool' as const, 'updatePool' as const), pool: pick, settings: poolSettingsArb() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('destroyPool' as const), pool: pick }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('host' as const), action: fc.constantFrom('fail' as const, 'recover' as const, 'enterMaintenance' as const, 'exitMaintenance' as const), host: pick }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 2000 }) }) },
);

/**
 * Operations each followed by a gap of simulated time: none (tasks overlap), shorter or longer
 * than the operations' latencies (so later operations find the VMs earlier ones made).
 */
export const opArb: fc.Arbitrary<Op[]> = fc
  .tuple(oneOp, fc.constantFrom(0, 0, 100, 600, 600, 1500, 5000))
  .map(([o, gap]) => (gap ? [o, { op: 'advance' as const, ms: gap }] : [o]));

/** A sequence of operations. */
export function opsArb(maxLength: number): fc.Arbitrary<Op[]> {
  return fc.array(opArb, { maxLength, size: 'max' }).map((chunks) => chunks.flat());
}

function nth<T>(items: Iterable<T>, i: number): T | undefined {
  const arr = [...items];
  return arr.length ? arr[i % arr.length] : undefined;
}

/** Applies one operation; typed errors at submission are expected and swallowed, anything else throws. */
export function applyOp(model: VSphereModel, o: Op): void {
  try {
    submit(model, o);
  } catch (e) {
    if (!(e instanceof VicsimError)) throw e;
  }
}

function submit(model: VSphereModel, o: Op): void {
  const vms = () => model.registry.all('VirtualMachine');
  const vm = 'pick' in o ? nth(vms(), o.pick) : undefined;
  const pools = [...model.registry.all('ResourcePool')];
  switch (o.op) {
    case 'create':
      createVM(model, { name: `vm${o.name}`, pool: nth(pools, o.pool)!.id, ...o.size, disks: [{ capacityBytes: 1 << 30 }] });
      return;
    case 'power':
      if (vm) powerVM(model, vm.id, o.verb);
      return;
    case 'destroy':
      if (vm) destroyVM(model, vm.id);
      return;
    case 'clone':
      if (vm) cloneVM(model, vm.id, { name: `clone${o.name}`, mode: o.mode });
      return;
    case 'snapshot':
      if (vm) createSnapshot(model, vm.id, 'snap');
      return;
    case 'revert':
    case 'removeSnapshot': {
      const snap = vm && nth(vm.snapshots, o.pick);
      if (vm && snap) (o.op === 'revert' ? revertToSnapshot : removeSnapshot)(model, vm.id, snap.id);
      return;
    }
    case 'reconfigure':
      if (vm) reconfigureVM(model, vm.id, { memoryAllocation: { reservation: Math.min(o.memReservation, vm.config.memoryMB) } });
      return;
    case 'write': {
      const disk = vm?.config.devices.find((d) => d.type === 'disk');
      if (disk) writeDisk(model, disk.fileName, o.offsetMB * 2 ** 20, o.lengthKB * 1024, o.tag);
      return;
    }
    case 'workload':
      if (vm) reconfigureVM(model, vm.id, { extraConfig: { 'vicsim.workload.workingSet': `${o.workingSetMB}m`, 'vicsim.workload.dirtyRate': String(o.dirtyRate), 'vicsim.workload.locality': String(o.locality) } });
      return;
    case 'relocate':
      if (vm) relocateVM(model, vm.id, { host: nth(model.hostsOf(vm.cluster), o.host)!.id });
      return;
    case 'createPool':
      createPool(model, nth(pools, o.pool)!.id, `pool${o.pool % 7}`, o.settings);
      return;
    case 'updatePool':
      updatePool(model, nth(pools, o.pool)!.id, o.settings);
      return;
    case 'destroyPool':
      destroyPool(model, nth(pools, o.pool)!.id);
      return;
    case 'host': {
      const h = nth(model.registry.all('Host'), o.host)!;
      if (o.action === 'fail') failHost(model, h.id);
      else if (o.action === 'recover') recoverHost(model, h.id);
      else changeHost(model, h.id, o.action);
      return;
    }
    case 'advance':
      model.clock.advance(o.ms);
  }
}

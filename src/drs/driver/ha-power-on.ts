/**
 * HA admission control at power-on: on a cluster with HA and admission control enabled, a VM
 * (or an instant clone born running) may power on only while the cluster keeps its failover
 * reserve afterwards — the slot policy still tolerating its host failures, or the percentage
 * policy's share still unreserved. HA's own restarts ignore the reserve (their reservations are
 * still checked by the power-on's host and pool admission).
 */
import { VicsimError } from '../../sim/errors.js';
import type { VmId } from '../../sim/ids.js';
import type { VSphereModel } from '../../hypervisor/model.js';
import type { VirtualMachine } from '../../hypervisor/types.js';
import { percentagePolicyAdmits, percentagePolicyOver, slotPolicyAdmitsOver, withReservation } from '../ha-admission.js';
import { haReservationLedger } from './ha-reservation-ledger.js';
import { clusterSettings } from './cluster-config.js';
import { expectedDemand, hostSnapshot, snapshotCluster, vmSnapshot } from './model-snapshot.js';

/** vSphere's words when HA admission control refuses a power-on. */
export const INSUFFICIENT_FAILOVER_MESSAGE = 'Insufficient resources to satisfy configured failover level for vSphere HA.';

/** A power-on refused by HA admission control (vim: InsufficientFailoverResourcesFault, an InsufficientResourcesFault). */
export class InsufficientFailoverResourcesError extends VicsimError {
  constructor(readonly vm: string) {
    super('InsufficientResourcesFault', INSUFFICIENT_FAILOVER_MESSAGE);
  }
}

/**
 * The refusal HA admission control gives powering `vm` on now, or undefined. Only a VM that is
 * not running yet is checked (moving a running VM inside its cluster leaves the reserve as it
 * was), and never one of HA's restarts (`restarting`). The cluster's running VMs come summed up
 * from the model's {@link haReservationLedger}; the percentage policy recounts them from a
 * snapshot while a fractional reservation makes the running sums inexact (vSphere's reservations
 * are whole MHz and MB; the slot policy needs only the count and the largest ones).
 * O(H log H) on an enforcing cluster (O(V) once per model, and while inexact), O(1) elsewhere.
 * @throws InvalidArgumentError when `vm`'s `vicsim.workload.cpuMhz` or `vicsim.ha.restartPriority` is malformed.
 */
export function haPowerOnRefusal(model: VSphereModel, vm: VirtualMachine, restarting: ReadonlySet<VmId>): VicsimError | undefined {
  const ha = clusterSettings(model, vm.cluster).ha;
  if (!ha?.enabled || !ha.admissionControl || restarting.has(vm.id)) return undefined;
  const registered = model.registry.find(vm.id);
  if (registered?.kind === 'VirtualMachine' && registered.powerState === 'poweredOn') return undefined;
  const candidate = vmSnapshot(model, vm, expectedDemand(model, vm.name, vm.config));
  const running = haReservationLedger(model).of(vm.cluster);
  const withVm = withReservation(running.reservations, candidate.cpu.reservation, candidate.memory.reservation + candidate.overheadMB);
  const hosts = model.hostsOf(vm.cluster).map(hostSnapshot);
  let admitted: boolean;
  if (ha.admission.policy === 'slot') admitted = slotPolicyAdmitsOver(hosts, withVm, ha.admission.hostFailures ?? 1, ha.admission).admitted;
  else if (running.exact) admitted = percentagePolicyOver(hosts, withVm, ha.admission).compliant;
  else admitted = percentagePolicyAdmits(snapshotCluster(model, vm.cluster), candidate, ha.admission).admitted;
  return admitted ? undefined : new InsufficientFailoverResourcesError(vm.name);
}

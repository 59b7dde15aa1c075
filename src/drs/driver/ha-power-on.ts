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
import { percentagePolicyAdmits, slotPolicyAdmits } from '../ha-admission.js';
import { clusterSettings } from './cluster-config.js';
import { expectedDemand, snapshotCluster, vmSnapshot } from './model-snapshot.js';

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
 * was), and never one of HA's restarts (`restarting`). O(H log H + V) on an enforcing cluster, O(1) elsewhere.
 */
export function haPowerOnRefusal(model: VSphereModel, vm: VirtualMachine, restarting: ReadonlySet<VmId>): VicsimError | undefined {
  const ha = clusterSettings(model, vm.cluster).ha;
  if (!ha?.enabled || !ha.admissionControl || restarting.has(vm.id)) return undefined;
  const registered = model.registry.find(vm.id);
  if (registered?.kind === 'VirtualMachine' && registered.powerState === 'poweredOn') return undefined;
  const snapshot = snapshotCluster(model, vm.cluster);
  const candidate = vmSnapshot(model, vm, expectedDemand(model, vm.name, vm.config));
  const { admitted } =
    ha.admission.policy === 'percentage'
      ? percentagePolicyAdmits(snapshot, candidate, ha.admission)
      : slotPolicyAdmits(snapshot, candidate, ha.admission.hostFailures ?? 1, ha.admission);
  return admitted ? undefined : new InsufficientFailoverResourcesError(vm.name);
}

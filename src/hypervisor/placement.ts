/**
 * Host choice for a VM when no DRS is driving placement. VIC ranked hosts of a cluster without DRS
 * by 0.7 × unconsumed memory + 0.3 × inactive memory (vic-behaviour.md, Placement). Guest memory
 * activity is not modelled at this layer — a powered-on VM counts as consuming its configured
 * memory plus overhead, none of it inactive — so the ranking reduces to unconsumed memory.
 * Only connected hosts below ESXi's maximum of powered-on VMs whose unreserved capacity admits the VM qualify; ties (hosts equally
 * loaded, e.g. VMs created together before any is powered on) go to the host with the fewest VMs
 * registered, then to the host added first, so a burst of creates spreads. O(hosts in the cluster).
 */
import type { ClusterId, HostId } from '../sim/ids.js';
import { overheadMB } from '../sim/overhead.js';
import type { VSphereModel } from './model.js';
import type { VmConfig } from './types.js';

/** Why a placement policy found no host (a return value, not an exception). */
export interface PlacementRefusal {
  readonly refused: string;
}

/**
 * A placement policy: the host a new VM of `config` in `cluster` registers on, or why none fits.
 * Must not change the model. The model's default is {@link vicPlacement}; DRS installs its own.
 */
export type PlacementPolicy = (model: VSphereModel, cluster: ClusterId, config: VmConfig) => HostId | PlacementRefusal;

/** VIC's ranking ({@link placeVm}) as a placement policy. O(hosts in the cluster). */
export const vicPlacement: PlacementPolicy = (model, cluster, config) => placeVm(model, cluster, config) ?? { refused: 'no connected host' };

/** The best host for a VM of `config` in `cluster`, or undefined when no connected host admits it. */
export function placeVm(model: VSphereModel, cluster: ClusterId, config: VmConfig): HostId | undefined {
  const need = { cpu: config.cpuAllocation.reservation, memory: config.memoryAllocation.reservation + Math.ceil(overheadMB(config.memoryMB, config.numCpu)) };
  let best: HostId | undefined;
  let bestScore = -Infinity;
  let bestCount = Infinity;
  for (const h of model.hostsOf(cluster)) {
    if (h.state !== 'connected' || config.numCpu > h.cpuCores || model.accounting.hostVms(h.id) >= model.calibration.vm.maxVmsPerHost) continue;
    if (model.accounting.checkHost(h.id, h.name, model.hostCapacity(h), need)) continue;
    const score = h.memoryMB - model.consumedMB(h.id);
    const count = model.vmsOnHost(h.id).size;
    if (score > bestScore || (score === bestScore && count < bestCount)) {
      best = h.id;
      bestScore = score;
      bestCount = count;
    }
  }
  return best;
}

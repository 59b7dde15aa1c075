/** Failover capacity (N+k) of each cluster from the reservations its running VMs hold. */
import type { VSphereModel } from '../../hypervisor/model.js';
import type { FailoverCapacity } from '../report/result.js';
import type { Scenario } from '../scenario/types.js';
import type { CapacityInventory } from './inventory.js';

/**
 * For each cluster, how many of its largest connected hosts (by memory, then CPU) can fail with the
 * reservations of its powered-on VMs (CPU MHz; memory MB with overhead, as admission counts them)
 * still fitting in the capacity of the hosts left: the aggregate test of HA's percentage policy.
 * At most hosts − 1 (something must be left to run on). O(VMs + hosts log hosts).
 */
export function failoverCapacity(model: VSphereModel, scenario: Scenario, inventory: CapacityInventory): FailoverCapacity[] {
  return scenario.clusters.map((c, i) => {
    const cluster = inventory.clusters[i]!;
    const hosts = model.hostsOf(cluster).filter((h) => h.state === 'connected');
    const need = { cpu: 0, memory: 0 };
    for (const h of hosts) {
      for (const id of model.vmsOnHost(h.id)) {
        const vm = model.registry.get('VirtualMachine', id);
        if (vm.powerState !== 'poweredOn') continue;
        const r = model.vmReservation(vm);
        need.cpu += r.cpu;
        need.memory += r.memory;
      }
    }
    const capacity = { cpu: 0, memory: 0 };
    for (const h of hosts) {
      capacity.cpu += h.cpuCores * h.cpuMhzPerCore;
      capacity.memory += h.memoryMB;
    }
    const largestFirst = [...hosts].sort((a, b) => b.memoryMB - a.memoryMB || b.cpuCores * b.cpuMhzPerCore - a.cpuCores * a.cpuMhzPerCore);
    let hostFailures = 0;
    for (const h of largestFirst.slice(0, Math.max(0, hosts.length - 1))) {
      capacity.cpu -= h.cpuCores * h.cpuMhzPerCore;
      capacity.memory -= h.memoryMB;
      if (capacity.cpu < need.cpu || capacity.memory < need.memory) break;
      hostFailures++;
    }
    return { cluster: c.name, hostFailures, policy: c.ha.admission.policy };
  });
}

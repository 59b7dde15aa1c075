/** A workload profile as a container VM's configuration: size, reservations and guest workload keys. */
import type { Calibration } from '../../sim/calibration.js';
import { MiB } from '../../sim/units.js';
import { VM_LIMITS, type VmConfigSpec } from '../../hypervisor/vm-spec.js';
import type { WorkloadProfile } from '../scenario/types.js';

/**
 * The VM configuration of a container of `profile`: its vCPUs, memory (rounded up to vSphere's
 * 4 MB multiple), reservations and the `vicsim.workload.*` extraConfig keys that make its guest
 * dirty memory (hypervisor/guest-memory.ts). O(1).
 */
export function profileVmConfig(profile: WorkloadProfile, calibration: Calibration): VmConfigSpec {
  const memoryMB = Math.ceil(profile.memoryMB / VM_LIMITS.memoryMultipleMB) * VM_LIMITS.memoryMultipleMB;
  const extraConfig: Record<string, string> = {};
  if (profile.workingSetMB > 0) {
    extraConfig['vicsim.workload.workingSet'] = String(Math.min(profile.workingSetMB, memoryMB) * MiB);
    extraConfig['vicsim.workload.dirtyRate'] = String(profile.dirtyBytesPerSec / calibration.memory.pageSize);
    extraConfig['vicsim.workload.locality'] = String(Math.min(profile.locality, 0.999));
    extraConfig['vicsim.workload.zeroShare'] = String(profile.zeroShare);
  }
  return {
    numCpu: profile.cpus,
    memoryMB,
    cpuAllocation: { reservation: profile.reservation.cpuMHz },
    memoryAllocation: { reservation: profile.reservation.memoryMB },
    extraConfig,
  };
}

/** A key equal for profiles that make identical VMs (templates and images are shared by it). */
export function configKey(config: VmConfigSpec): string {
  return JSON.stringify([config.numCpu, config.memoryMB, config.cpuAllocation, config.memoryAllocation, config.extraConfig]);
}

/** MB of the working set a new guest touches (W of the density formula), within its memory. */
export function touchedMB(profile: WorkloadProfile): number {
  return Math.min(profile.workingSetMB, profile.memoryMB);
}

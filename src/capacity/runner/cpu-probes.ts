/**
 * How a capacity run reads a container's CPU: a probe per profile shared by all its containers
 * when the profile's demand is a constant or a curve on the scenario's clock (evaluated once per
 * instant, however many containers read it), one per container for a curve on the container's own
 * clock. DRS, HA and DPM read the same probes as the sampler (model.guestCpuDemand).
 */
import type { GuestCpuProbe } from '../../hypervisor/model.js';
import { cpuDemandAt } from '../scenario/evaluate.js';
import type { WorkloadProfile } from '../scenario/types.js';

/** The probes of one run whose containers share them, by profile. */
export type SharedCpuProbes = Map<WorkloadProfile, GuestCpuProbe>;

/**
 * The CPU probe of a container of `profile` started at scenario time `startedAtMs`: a shared one
 * from `shared` (made on first use) unless the profile's curve runs on the container's clock.
 * A probe's cost is O(1) for a constant, O(log curve points) once per instant for a scenario-clock
 * curve (then O(1) for every other container at that instant), O(log curve points) per read for a
 * container-clock curve.
 */
export function cpuProbe(shared: SharedCpuProbes, profile: WorkloadProfile, startedAtMs: number): GuestCpuProbe {
  const cpu = profile.cpu;
  if (!sharesCpuProbe(profile)) return (tMs) => cpuDemandAt(cpu, tMs - startedAtMs);
  let probe = shared.get(profile);
  if (probe === undefined) {
    probe = cpu.kind === 'constant' ? () => cpu.mhz : lastValueProbe((tMs) => cpuDemandAt(cpu, tMs));
    shared.set(profile, probe);
  }
  return probe;
}

/** Whether the containers of `profile` share one CPU probe: its demand is a constant or a curve on the scenario's clock. */
export function sharesCpuProbe(profile: WorkloadProfile): boolean {
  return profile.cpu.kind === 'constant' || profile.cpu.clock !== 'container';
}

/** `read`, remembering its last answer: called again at the same instant, it answers without reading. */
function lastValueProbe(read: GuestCpuProbe): GuestCpuProbe {
  let lastMs = NaN;
  let last = 0;
  return (tMs) => {
    if (tMs !== lastMs) {
      last = read(tMs);
      lastMs = tMs;
    }
    return last;
  };
}

/** Where DRS, HA and DPM join a capacity run. */
import type { Scenario } from '../scenario/types.js';

/**
 * Starts the cluster services the scenario asks for, before the first arrival, and returns the
 * assumption sentences they add to the report. This is the one place where src/drs/driver's
 * enableDrs / enableHa will be called (on the run's model) once that driver lands; until then nothing here migrates
 * or restarts a VM, and the report says so rather than pretending. O(clusters).
 */
export function startClusterServices(scenario: Scenario): string[] {
  const asking = scenario.clusters.filter((c) => c.drs.enabled || c.ha.enabled || c.dpm.enabled).map((c) => c.name);
  if (asking.length === 0) return [];
  return [
    `DRS/HA are not yet driven in capacity runs: ${asking.join(', ')} ask(s) for DRS, HA or DPM, but no VM is migrated or restarted, ` +
      'HA admission control refuses nothing, and new VMs go where the model\'s initial placement puts them (the host with the most unconsumed memory).',
  ];
}

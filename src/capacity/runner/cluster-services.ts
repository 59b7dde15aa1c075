/** Where DRS, HA and DPM join a capacity run. */
import { drsState, enableDrs } from '../../drs/driver/index.js';
import type { VSphereModel } from '../../hypervisor/model.js';
import type { Scenario } from '../scenario/types.js';

/** vMotions finished in a sampling interval. */
export interface MigrationCounts {
  readonly vmotions: number;
  readonly vmotionMB: number;
}

/**
 * Starts the cluster services the scenario asks for on the run's model, before the first arrival,
 * and returns the assumption sentences they add to the report. DRS (placement and balancing, with
 * vMotions as timed tasks) runs model-wide with the settings of the first cluster asking for it;
 * HA restarts and DPM are not driven in capacity runs yet, and the report says so. O(clusters).
 */
export function startClusterServices(scenario: Scenario, model: VSphereModel): string[] {
  const out: string[] = [];
  const drs = scenario.clusters.filter((c) => c.drs.enabled);
  const first = drs[0];
  if (first) {
    enableDrs(model, { migrationThreshold: first.drs.migrationThreshold, intervalMs: first.drs.intervalMs });
    const all = scenario.clusters.length === drs.length && drs.every((c) => c.drs.migrationThreshold === first.drs.migrationThreshold && c.drs.intervalMs === first.drs.intervalMs);
    out.push(
      `DRS places new VMs and balances every ${first.drs.intervalMs / 1000} s at migration threshold ${first.drs.migrationThreshold}` +
        (all ? '.' : ` on every cluster (the settings of ${first.name}; per-cluster DRS settings are not modelled).`),
    );
  }
  const ha = scenario.clusters.filter((c) => c.ha.enabled || c.dpm.enabled).map((c) => c.name);
  if (ha.length > 0) {
    out.push(`HA restarts and DPM are not yet driven in capacity runs: ${ha.join(', ')} ask(s) for them, but no VM is restarted after a host failure, HA admission control refuses nothing, and no host is put in standby.`);
  }
  return out;
}

/** vMotions DRS finished in (fromMs, toMs]; zero without DRS. O(migration history). */
export function migrationsBetween(model: VSphereModel, fromMs: number, toMs: number): MigrationCounts {
  const state = drsState(model);
  let vmotions = 0;
  let vmotionMB = 0;
  for (const m of state?.migrations ?? []) {
    if (m.state !== 'success' || m.completedAt === undefined || m.completedAt <= fromMs || m.completedAt > toMs) continue;
    vmotions++;
    const vm = model.registry.find(m.vm);
    if (vm?.kind === 'VirtualMachine') vmotionMB += vm.config.memoryMB;
  }
  return { vmotions, vmotionMB };
}

/** Where DRS, HA and DPM join a capacity run. */
import { drsState, enableDrs, enableHa, haState, type HaAdmissionSettings } from '../../drs/driver/index.js';
import type { VmId } from '../../sim/ids.js';
import type { VSphereModel } from '../../hypervisor/model.js';
import type { HaAdmission, Scenario } from '../scenario/types.js';

/** vMotions finished in a sampling interval. */
export interface MigrationCounts {
  readonly vmotions: number;
  readonly vmotionMB: number;
}

/**
 * Starts the cluster services the scenario asks for on the run's model, before the first arrival,
 * and returns the assumption sentences they add to the report. DRS (placement and balancing, with
 * vMotions as timed tasks) and HA (restarts after a host failure) run model-wide with the settings
 * of the first cluster asking for each; DPM is not driven yet, and the report says so. O(clusters).
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
  const ha = scenario.clusters.filter((c) => c.ha.enabled);
  if (ha[0]) {
    enableHa(model, { admission: haAdmission(ha[0].ha.admission) });
    out.push(
      `HA restarts the VMs of a failed host on the survivors (restart priority order, reservations kept)` +
        (ha.length === scenario.clusters.length ? '' : ` on every cluster (per-cluster HA settings are not modelled)`) +
        '; its admission control is reported, not enforced at power-on.',
    );
  }
  const dpm = scenario.clusters.filter((c) => c.dpm.enabled).map((c) => c.name);
  if (dpm.length > 0) out.push(`DPM is not yet driven in capacity runs: ${dpm.join(', ')} ask(s) for it, but no host is put in standby.`);
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

/** HA restarts completed in (fromMs, toMs]; zero without HA. O(restart history). */
export function haRestartsBetween(model: VSphereModel, fromMs: number, toMs: number): number {
  return (haState(model)?.restarts ?? []).filter((r) => r.state === 'restarted' && r.completedAt !== undefined && r.completedAt > fromMs && r.completedAt <= toMs).length;
}

/** Whether HA is restarting `vm` right now (its container is not lost yet). */
export function haRestarting(model: VSphereModel, vm: VmId): boolean {
  return (haState(model)?.restarts ?? []).some((r) => r.vm === vm && r.state === 'restarting');
}

function haAdmission(a: HaAdmission): HaAdmissionSettings {
  if (a.policy === 'percentage') return { policy: 'percentage', cpuFraction: a.cpuFraction, memoryFraction: a.memoryFraction };
  return { policy: 'slot', hostFailures: a.policy === 'slot' ? a.hostFailures : 0 };
}

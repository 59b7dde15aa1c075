/** Where DRS, HA and DPM join a capacity run. */
import { dpmState, drsState, enableDpm, enableDrs, enableHa, haState, type HaAdmissionSettings } from '../../drs/driver/index.js';
import { SHARING_IMBALANCE_TOLERANCE } from '../../drs/placement.js';
import { formatDuration } from '../../sim/units.js';
import type { DpmSample } from '../report/result.js';
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
 * of the first cluster asking for each; DPM (host standby and wake-up) runs beside DRS. O(clusters).
 */
export function startClusterServices(scenario: Scenario, model: VSphereModel): string[] {
  const out: string[] = [];
  const drs = scenario.clusters.filter((c) => c.drs.enabled);
  const first = drs[0];
  if (first) {
    enableDrs(model, { migrationThreshold: first.drs.migrationThreshold, intervalMs: first.drs.intervalMs, sharingAwarePlacement: first.drs.sharingAwarePlacement ?? false });
    const all = scenario.clusters.length === drs.length && drs.every((c) => c.drs.migrationThreshold === first.drs.migrationThreshold && c.drs.intervalMs === first.drs.intervalMs);
    out.push(
      `DRS places new VMs and balances every ${first.drs.intervalMs / 1000} s at migration threshold ${first.drs.migrationThreshold}` +
        (all ? '.' : ` on every cluster (the settings of ${first.name}; per-cluster DRS settings are not modelled).`),
    );
    if (first.drs.sharingAwarePlacement) {
      out.push(
        `Page-sharing-aware placement (beyond DRS) is on: among the hosts DRS accepts, within an imbalance of ${SHARING_IMBALANCE_TOLERANCE} of its best and under what the migration threshold tolerates, ` +
          "a VM DRS places goes where resident pages would back the most of its memory (its guest OS's boot footprint on hosts with inter-VM TPS on); instant clones stay on the host of the template they fork.",
      );
    }
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
  const dpm = scenario.clusters.filter((c) => c.dpm.enabled);
  const d = dpm[0]?.dpm;
  if (d?.enabled && first) {
    enableDpm(model, { threshold: d.threshold, lowUtilization: d.lowUtilization, highUtilization: d.highUtilization, minHostsOn: d.minHostsOn, hostBootMs: d.hostBootMs });
    out.push(
      `DPM (threshold ${d.threshold}) puts a host in standby when a host's demand ÷ capacity over the last 40 minutes is below ${pct(d.lowUtilization)} and its VMs fit elsewhere within ${pct(d.highUtilization)}, ` +
        `and wakes standby hosts (a ${formatDuration(d.hostBootMs)} boot, an estimate) when a host is above ${pct(d.highUtilization)} over the last 5 minutes; demand is CPU run + ready and active memory + 25% of idle, the mean + 2σ of 1-minute samples; ` +
        `at least ${d.minHostsOn} host(s) stay on${ha[0] ? " and HA's admission policy is kept" : ''}; DRS evacuates a host (maintenance mode) before it goes to standby` +
        (dpm.length === scenario.clusters.length ? '.' : ` (on every cluster, with the settings of ${dpm[0]!.name}; per-cluster DPM settings are not modelled).`),
    );
  }
  return out;
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

/** DPM's completed power-ons and standbys in (fromMs, toMs], and the hosts on and in standby now; undefined without DPM. O(actions + hosts). */
export function dpmSampleAt(model: VSphereModel, fromMs: number, toMs: number): DpmSample | undefined {
  const state = dpmState(model);
  if (!state) return undefined;
  let powerOns = 0;
  let standbys = 0;
  for (const a of state.actions) {
    if (a.state !== 'done' || a.completedAt === undefined || a.completedAt <= fromMs || a.completedAt > toMs) continue;
    if (a.kind === 'powerOn') powerOns++;
    else standbys++;
  }
  let hostsOn = 0;
  let hostsStandby = 0;
  for (const h of model.registry.all('Host')) {
    if (h.state === 'standby') hostsStandby++;
    else if (h.state === 'connected' || h.state === 'maintenance') hostsOn++;
  }
  return { hostsOn, hostsStandby, powerOns, standbys };
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

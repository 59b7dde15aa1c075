/**
 * The ModelBackend's cluster services over src/drs/driver: the vim-shaped configuration of each
 * cluster (rules with keys, groups by name) is kept per model (cluster-rules.ts); every change is
 * validated as a whole, then handed to the drivers as per-cluster settings (cluster-config.ts),
 * with the enabled rules resolved to VM and host ids, DPM's rate turned into its threshold and the
 * DRS VM overrides as they are. Enabling DRS, HA or DPM on a cluster starts the model's driver if
 * it is not running; a cluster without settings of its own reports what the drivers do model-wide.
 * Both parts are saved with the model; {@link resumeClusterServices} restarts the drivers a
 * restored model's settings need.
 */
import type { VSphereModel } from '../../hypervisor/model.js';
import type { TaskRecord } from '../../hypervisor/tasks.js';
import { InvalidArgumentError } from '../../sim/errors.js';
import type { ClusterId } from '../../sim/ids.js';
import { clusterSettings, configureCluster, type ClusterDpmSettings, type ClusterHaSettings } from '../../drs/driver/cluster-config.js';
import { dpmState, enableDpm } from '../../drs/driver/dpm-driver.js';
import { drsState, enableDrs } from '../../drs/driver/drs-driver.js';
import { enableHa, haState } from '../../drs/driver/ha-driver.js';
import { DEFAULT_MIGRATION_THRESHOLD } from '../../drs/constants.js';
import { DPM_DEFAULTS } from '../../drs/dpm-window.js';
import type { ClusterConfigInfo, ClusterConfigSpec, ClusterDpmConfig, ClusterDrsConfig, ClusterHaConfig, DrsBehavior, DrsMigrationInfo, DrsRecommendationsInfo } from '../cluster.js';
import { iso } from './convert.js';
import { applyOverrideChanges, liveOverrides } from './cluster-overrides.js';
import { applyGroupChanges, applyRuleChanges, resolveRules, rulesAndGroups, storeRulesAndGroups } from './cluster-rules.js';

/** Simulated duration of a cluster reconfiguration, ms (estimate: vCenter answers in a few hundred ms). */
export const CLUSTER_RECONFIGURE_MS = 200;

/** The configuration of `cluster`. O(rules + groups + overrides). @throws NotFoundError for an unknown cluster. */
export function clusterConfig(model: VSphereModel, cluster: ClusterId): ClusterConfigInfo {
  model.registry.get('Cluster', cluster);
  const { rules, groups } = rulesAndGroups(model, cluster);
  const drsVmOverrides = liveOverrides(model, cluster, clusterSettings(model, cluster).drsVmOverrides ?? []);
  return { drs: drsConfig(model, cluster), ha: haConfig(model, cluster), dpm: dpmConfig(model, cluster), rules, groups, drsVmOverrides };
}

/**
 * Starts the drivers the settings of `model`'s clusters need and that are not running (DRS, then
 * HA, then DPM), with their model-wide defaults, as {@link reconfigureCluster} does. Call it once
 * on a restored model. O(clusters).
 */
export function resumeClusterServices(model: VSphereModel): void {
  const settings = [...model.registry.all('Cluster')].map((c) => clusterSettings(model, c.id));
  if (!drsState(model) && settings.some((s) => s.drs?.enabled)) enableDrs(model);
  if (!haState(model) && settings.some((s) => s.ha?.enabled)) enableHa(model);
  if (!dpmState(model) && drsState(model) && settings.some((s) => s.dpm?.enabled)) enableDpm(model);
}

function drsConfig(model: VSphereModel, cluster: ClusterId): ClusterDrsConfig {
  const running = drsState(model);
  const own = clusterSettings(model, cluster).drs;
  return {
    enabled: running !== undefined && (own?.enabled ?? true),
    defaultVmBehavior: own?.behavior ?? 'fullyAutomated',
    migrationThreshold: own?.migrationThreshold ?? running?.settings.migrationThreshold ?? DEFAULT_MIGRATION_THRESHOLD,
  };
}

function haConfig(model: VSphereModel, cluster: ClusterId): ClusterHaConfig {
  const running = haState(model);
  const own = clusterSettings(model, cluster).ha;
  const admission = own?.admission ?? running?.settings.admission ?? { policy: 'slot', hostFailures: 1 };
  return {
    enabled: running !== undefined && (own?.enabled ?? true),
    admissionControlEnabled: own?.admissionControl ?? false,
    admissionControlPolicy:
      admission.policy === 'slot'
        ? { type: 'failoverLevel', failoverLevel: admission.hostFailures ?? 1 }
        : { type: 'failoverResources', cpuFailoverPercent: Math.round(admission.cpuFraction * 100), memoryFailoverPercent: Math.round(admission.memoryFraction * 100) },
  };
}

function dpmConfig(model: VSphereModel, cluster: ClusterId): ClusterDpmConfig {
  const running = dpmState(model);
  const own = clusterSettings(model, cluster).dpm;
  return {
    enabled: running !== undefined && (own?.enabled ?? true),
    defaultDpmBehavior: own?.behavior ?? 'automated',
    hostPowerActionRate: 6 - (own?.threshold ?? running?.settings.threshold ?? DPM_DEFAULTS.threshold),
  };
}

/**
 * Queues a reconfiguration of `cluster` as a task locked on it. When it runs, the whole spec is
 * validated against the configuration then current; a failure applies nothing. O(rules + groups + their members).
 * @throws NotFoundError for an unknown cluster (at once).
 */
export function reconfigureCluster(model: VSphereModel, cluster: ClusterId, spec: ClusterConfigSpec, durationMs = CLUSTER_RECONFIGURE_MS): TaskRecord {
  const c = model.registry.get('Cluster', cluster);
  return model.tasks.submit({
    descriptionId: 'ClusterComputeResource.reconfigureEx',
    entity: cluster,
    entityName: c.name,
    lock: cluster,
    durationMs,
    execute: () => {
      applyClusterSpec(model, cluster, spec);
      return cluster;
    },
  });
}

function applyClusterSpec(model: VSphereModel, cluster: ClusterId, spec: ClusterConfigSpec): void {
  const current = clusterConfig(model, cluster);
  const drs = { ...current.drs, ...spec.drs };
  const ha = { ...current.ha, ...spec.ha };
  const dpm = { ...current.dpm, ...spec.dpm };
  if ((spec.dpm || spec.drs) && dpm.enabled && !drs.enabled) throw new InvalidArgumentError('dpmConfig', 'DPM needs DRS: enable DRS on the cluster to enable DPM (DRS evacuates the hosts DPM puts in standby)');
  const withGroups = applyGroupChanges(model, cluster, rulesAndGroups(model, cluster), spec.groups ?? []);
  const next = applyRuleChanges(model, withGroups, spec.rules ?? []);
  const change = {
    rules: resolveRules(next),
    ...(spec.drs ? { drs: { enabled: drs.enabled, behavior: checkedBehavior(drs.defaultVmBehavior), migrationThreshold: drs.migrationThreshold } } : {}),
    ...(spec.ha ? { ha: haSettingsOf(ha) } : {}),
    ...(spec.dpm ? { dpm: dpmSettingsOf(dpm) } : {}),
    ...(spec.drsVmOverrides ? { drsVmOverrides: applyOverrideChanges(model, cluster, current.drsVmOverrides, spec.drsVmOverrides) } : {}),
  };
  configureCluster(model, cluster, change);
  storeRulesAndGroups(model, cluster, next);
  if (drs.enabled && !drsState(model)) enableDrs(model);
  if (ha.enabled && !haState(model)) enableHa(model);
  if (dpm.enabled && !dpmState(model)) enableDpm(model);
}

function dpmSettingsOf(dpm: ClusterDpmConfig): ClusterDpmSettings {
  const rate = dpm.hostPowerActionRate;
  if (!Number.isInteger(rate) || rate < 1 || rate > 5) throw new InvalidArgumentError('hostPowerActionRate', `hostPowerActionRate must be an integer from 1 to 5, got ${rate}`);
  return { enabled: dpm.enabled, behavior: dpm.defaultDpmBehavior, threshold: 6 - rate };
}

function checkedBehavior(b: DrsBehavior): DrsBehavior {
  if (b !== 'manual' && b !== 'partiallyAutomated' && b !== 'fullyAutomated') throw new InvalidArgumentError('defaultVmBehavior', `DRS behavior must be manual, partiallyAutomated or fullyAutomated, got '${String(b)}'`);
  return b;
}

function haSettingsOf(ha: ClusterHaConfig): ClusterHaSettings {
  const p = ha.admissionControlPolicy;
  if (p.type === 'failoverLevel') return { enabled: ha.enabled, admissionControl: ha.admissionControlEnabled, admission: { policy: 'slot', hostFailures: p.failoverLevel } };
  for (const [name, v] of [['cpuFailoverPercent', p.cpuFailoverPercent], ['memoryFailoverPercent', p.memoryFailoverPercent]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 99) throw new InvalidArgumentError(name, `${name} must be an integer from 0 to 99, got ${v}`);
  }
  return { enabled: ha.enabled, admissionControl: ha.admissionControlEnabled, admission: { policy: 'percentage', cpuFraction: p.cpuFailoverPercent / 100, memoryFraction: p.memoryFailoverPercent / 100 } };
}

/**
 * DRS's pending recommendations on `cluster` (those of its last pass when it did not apply them
 * itself) and the moves that pass turned down. O(passes kept). Empty when DRS never ran there.
 */
export function drsRecommendations(model: VSphereModel, cluster: ClusterId): DrsRecommendationsInfo {
  const passes = drsState(model)?.passes ?? [];
  const last = passes.findLast((p) => p.cluster === cluster);
  if (!last) return { recommendations: [], rejected: [] };
  const recommendations = last.applied
    ? []
    : last.recommendations.map((r, i) => ({
        key: `${last.at}-${i + 1}`,
        time: iso(model.clock, last.at),
        priority: r.priority,
        reason: r.reason,
        reasonText: r.explanation,
        vm: r.vm,
        source: r.from,
        destination: r.to,
        goodness: r.goodness,
        ...(r.benefit === undefined ? {} : { benefit: r.benefit }),
        ...(r.cost === undefined ? {} : { cost: r.cost }),
      }));
  const rejected = last.rejected.map((m) => ({ vm: m.vm, source: m.from, ...(m.to === undefined ? {} : { destination: m.to }), filter: m.filter, explanation: m.explanation }));
  return { recommendations, rejected };
}

/** The migrations DRS completed on `cluster`, oldest first. O(migrations kept). */
export function drsMigrationHistory(model: VSphereModel, cluster: ClusterId): DrsMigrationInfo[] {
  const hosts = new Set(model.hostsOf(cluster).map((h) => h.id));
  return (drsState(model)?.migrations ?? [])
    .filter((m) => m.state === 'success' && hosts.has(m.to))
    .map((m) => ({ key: `${m.task}`, time: iso(model.clock, m.completedAt ?? m.recommendedAt), vm: m.vm, source: m.from, destination: m.to }));
}

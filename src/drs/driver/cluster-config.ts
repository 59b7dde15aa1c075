/**
 * Per-cluster DRS, HA and DPM settings, rules and DRS VM overrides of a live model (what vSphere
 * keeps in a cluster's ClusterConfigInfoEx). The drivers read them: a cluster without an entry
 * follows the model-wide settings given to enableDrs / enableHa / enableDpm (DRS on at the
 * driver's threshold, HA on with admission control reported but not enforced, DPM on automated).
 * A VM whose override keeps DRS from moving it is pinned to the host it runs on by a mandatory
 * VM-Host rule the drivers see beside the configured ones (not while that host is failed, so HA
 * still restarts it). Each change bumps the cluster's version, so cached ledgers built on older
 * rules are rebuilt. The settings are saved and restored with the model (hypervisor/persist.ts).
 */
import { InvalidArgumentError } from '../../sim/errors.js';
import type { ClusterId, HostId, VmId } from '../../sim/ids.js';
import type { VSphereModel } from '../../hypervisor/model.js';
import { registerPersistedExtension } from '../../hypervisor/persist.js';
import type { DrsRule } from '../snapshot.js';
import type { HaAdmissionSettings } from './ha-driver.js';

/** DRS automation (vim DrsBehavior): fully automated moves run; the others only recommend. */
export type DrsBehavior = 'manual' | 'partiallyAutomated' | 'fullyAutomated';

/** DRS on one cluster. */
export interface ClusterDrsSettings {
  readonly enabled: boolean;
  readonly behavior: DrsBehavior;
  /** 1 (mandatory moves only) to 5 (most aggressive). */
  readonly migrationThreshold: number;
  /** Page-sharing-aware initial placement here (beyond DRS; drs-driver.ts); absent: the model-wide setting. */
  readonly sharingAwarePlacement?: boolean;
}

/** HA on one cluster. */
export interface ClusterHaSettings {
  readonly enabled: boolean;
  /** Whether power-ons that would eat into the failover reserve are refused. */
  readonly admissionControl: boolean;
  readonly admission: HaAdmissionSettings;
}

/** DPM on one cluster (vim DpmBehavior: `automated` makes the power changes, `manual` only recommends them). */
export interface ClusterDpmSettings {
  readonly enabled: boolean;
  readonly behavior: 'manual' | 'automated';
  /** 1..5: power changes of priority ≤ this are made (vim hostPowerActionRate = 6 − this). */
  readonly threshold: number;
}

/** DRS's setting for one VM (vim ClusterDrsVmConfigInfo). */
export interface DrsVmOverrideSettings {
  readonly vm: VmId;
  readonly enabled: boolean;
  readonly behavior: DrsBehavior;
}

/** What a cluster has configured; absent parts follow the model-wide settings. */
export interface ClusterSettings {
  readonly drs?: ClusterDrsSettings;
  readonly ha?: ClusterHaSettings;
  readonly dpm?: ClusterDpmSettings;
  /**
   * Enabled rules, groups resolved to VM and host ids; read through {@link clusterSettings} they
   * are followed by the pins of VMs DRS may not move.
   */
  readonly rules: readonly DrsRule[];
  readonly drsVmOverrides?: readonly DrsVmOverrideSettings[];
  /** Bumped on every change. */
  readonly version: number;
}

const STORES = new WeakMap<VSphereModel, Map<ClusterId, ClusterSettings>>();
const NONE: ClusterSettings = Object.freeze({ rules: Object.freeze([]), version: 0 });

/** Whether `o` keeps DRS from moving its VM by itself (disabled, or not fully automated). O(1). */
export function pinsVm(o: DrsVmOverrideSettings): boolean {
  return !o.enabled || o.behavior !== 'fullyAutomated';
}

/**
 * The settings of `cluster` (empty, version 0, when none were set), its rules followed by one
 * mandatory VM-Host rule (id `pin-<vm>`) per pinned VM that exists and whose host has not failed.
 * O(1) without pinned VMs, O(rules + pinned VMs) with them.
 */
export function clusterSettings(model: VSphereModel, cluster: ClusterId): ClusterSettings {
  const own = STORES.get(model)?.get(cluster) ?? NONE;
  const pinned = own.drsVmOverrides?.filter(pinsVm) ?? [];
  if (pinned.length === 0) return own;
  const pins: DrsRule[] = [];
  for (const o of pinned) {
    const vm = model.registry.find(o.vm);
    if (vm?.kind !== 'VirtualMachine' || vm.cluster !== cluster) continue;
    const host = model.registry.find(vm.host);
    if (host?.kind === 'Host' && (host.state === 'failed' || host.state === 'disconnected')) continue;
    pins.push({ id: `pin-${vm.id}`, kind: 'vm-host', vms: [vm.id], hosts: [vm.host as HostId], affine: true, mandatory: true });
  }
  return { ...own, rules: [...own.rules, ...pins] };
}

/**
 * Changes what `change` names on `cluster` (the rest stays; `rules` are the configured rules,
 * without pins). Takes effect at the next placement, balancing pass, power-on or host failure.
 * Preconditions: the cluster exists.
 * @throws InvalidArgumentError for a migration or DPM threshold outside 1..5, an admission policy
 * out of range, an unknown DRS or DPM behavior, or two overrides of one VM.
 */
export function configureCluster(model: VSphereModel, cluster: ClusterId, change: Partial<Omit<ClusterSettings, 'version'>>): ClusterSettings {
  if (change.drs) checkThreshold('migrationThreshold', change.drs.migrationThreshold);
  if (change.ha) checkAdmission(change.ha.admission);
  if (change.dpm) checkDpm(change.dpm);
  if (change.drsVmOverrides) checkOverrides(change.drsVmOverrides);
  let store = STORES.get(model);
  if (!store) STORES.set(model, (store = new Map()));
  const current = store.get(cluster) ?? NONE;
  const next: ClusterSettings = { ...current, ...change, version: current.version + 1 };
  store.set(cluster, next);
  return next;
}

function checkThreshold(name: string, t: number): void {
  if (!Number.isInteger(t) || t < 1 || t > 5) throw new InvalidArgumentError(name, `${name === 'migrationThreshold' ? 'migration' : 'DPM'} threshold must be an integer from 1 to 5, got ${t}`);
}

function checkDpm(d: ClusterDpmSettings): void {
  checkThreshold('dpmThreshold', d.threshold);
  if (d.behavior !== 'manual' && d.behavior !== 'automated') throw new InvalidArgumentError('defaultDpmBehavior', `DPM behavior must be manual or automated, got '${String(d.behavior)}'`);
}

function checkOverrides(overrides: readonly DrsVmOverrideSettings[]): void {
  const seen = new Set<VmId>();
  for (const o of overrides) {
    if (seen.has(o.vm)) throw new InvalidArgumentError('drsVmConfigSpec', `VM ${o.vm} has two DRS overrides`);
    seen.add(o.vm);
    if (!['manual', 'partiallyAutomated', 'fullyAutomated'].includes(o.behavior)) throw new InvalidArgumentError('drsVmConfigSpec', `DRS behavior must be manual, partiallyAutomated or fullyAutomated, got '${String(o.behavior)}'`);
  }
}

function checkAdmission(a: HaAdmissionSettings): void {
  if (a.policy === 'slot') {
    const n = a.hostFailures ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('failoverLevel', `HA failover level must be an integer ≥ 1, got ${n}`);
    return;
  }
  for (const [name, f] of [['cpuFraction', a.cpuFraction], ['memoryFraction', a.memoryFraction]] as const) {
    if (!(f >= 0 && f < 1)) throw new InvalidArgumentError(name, `HA failover percentage must be from 0 to 99, got ${f * 100}`);
  }
}

/** Key of the per-cluster settings in a saved model. */
export const CLUSTER_SETTINGS_SAVE_KEY = 'drs.clusterSettings';

registerPersistedExtension({
  key: CLUSTER_SETTINGS_SAVE_KEY,
  save: (model) => {
    const store = STORES.get(model);
    return store && store.size > 0 ? Object.fromEntries(store) : undefined;
  },
  restore: (model, state) => {
    if (!state || typeof state !== 'object') throw new InvalidArgumentError(CLUSTER_SETTINGS_SAVE_KEY, 'saved cluster settings must be an object');
    const store = new Map<ClusterId, ClusterSettings>();
    for (const [cluster, settings] of Object.entries(state as Record<string, ClusterSettings>)) {
      model.registry.get('Cluster', cluster as ClusterId);
      if (!Array.isArray(settings.rules) || !Number.isInteger(settings.version)) throw new InvalidArgumentError(CLUSTER_SETTINGS_SAVE_KEY, `saved settings of ${cluster} need rules and a version`);
      if (settings.drs) checkThreshold('migrationThreshold', settings.drs.migrationThreshold);
      if (settings.ha) checkAdmission(settings.ha.admission);
      if (settings.dpm) checkDpm(settings.dpm);
      if (settings.drsVmOverrides) checkOverrides(settings.drsVmOverrides);
      store.set(cluster as ClusterId, settings);
    }
    STORES.set(model, store);
  },
});

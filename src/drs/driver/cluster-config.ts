/**
 * Per-cluster DRS and HA settings and rules of a live model (what vSphere keeps in a cluster's
 * ClusterConfigInfoEx). The drivers read them: a cluster without an entry follows the model-wide
 * settings given to enableDrs / enableHa (DRS on at the driver's threshold, HA on with admission
 * control reported but not enforced). Each change bumps the cluster's version, so cached ledgers
 * built on older rules are rebuilt.
 */
import { InvalidArgumentError } from '../../sim/errors.js';
import type { ClusterId } from '../../sim/ids.js';
import type { VSphereModel } from '../../hypervisor/model.js';
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
}

/** HA on one cluster. */
export interface ClusterHaSettings {
  readonly enabled: boolean;
  /** Whether power-ons that would eat into the failover reserve are refused. */
  readonly admissionControl: boolean;
  readonly admission: HaAdmissionSettings;
}

/** What a cluster has configured; absent parts follow the model-wide settings. */
export interface ClusterSettings {
  readonly drs?: ClusterDrsSettings;
  readonly ha?: ClusterHaSettings;
  /** Enabled rules, groups resolved to VM and host ids. */
  readonly rules: readonly DrsRule[];
  /** Bumped on every change. */
  readonly version: number;
}

const STORES = new WeakMap<VSphereModel, Map<ClusterId, ClusterSettings>>();
const NONE: ClusterSettings = Object.freeze({ rules: Object.freeze([]), version: 0 });

/** The settings of `cluster` (empty, version 0, when none were set). O(1). */
export function clusterSettings(model: VSphereModel, cluster: ClusterId): ClusterSettings {
  return STORES.get(model)?.get(cluster) ?? NONE;
}

/**
 * Changes what `change` names on `cluster` (the rest stays). Takes effect at the next placement,
 * balancing pass, power-on or host failure. Preconditions: the cluster exists.
 * @throws InvalidArgumentError for a migration threshold outside 1..5 or an admission policy out of range.
 */
export function configureCluster(model: VSphereModel, cluster: ClusterId, change: Partial<Omit<ClusterSettings, 'version'>>): ClusterSettings {
  if (change.drs) checkThreshold(change.drs.migrationThreshold);
  if (change.ha) checkAdmission(change.ha.admission);
  let store = STORES.get(model);
  if (!store) STORES.set(model, (store = new Map()));
  const current = clusterSettings(model, cluster);
  const next: ClusterSettings = { ...current, ...change, version: current.version + 1 };
  store.set(cluster, next);
  return next;
}

function checkThreshold(t: number): void {
  if (!Number.isInteger(t) || t < 1 || t > 5) throw new InvalidArgumentError('migrationThreshold', `migration threshold must be an integer from 1 to 5, got ${t}`);
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

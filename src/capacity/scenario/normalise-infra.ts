/**
 * Normalisation of the infrastructure half of a scenario: clusters (explicit or preset), hosts,
 * cluster settings and VCHs. Problems go to an {@link IssueSink} with their document path.
 */
import { SHARES_POOL } from '../../drs/constants.js';
import type { Allocation } from '../../hypervisor/types.js';
import type { DocPath } from './issues.js';
import { DATASTORE_DEFAULT_BYTES, DPM_DEFAULTS, DPM_ENABLED_DEFAULTS, DRS_DEFAULTS, HA_DEFAULT_HOST_FAILURES, HOST_DEFAULTS, SCENARIO_DEFAULTS, defaultAllocation } from './defaults.js';
import type { ClusterInput, DpmInput, DrsInput, HaInput, HostInput, ScenarioInput, VchInput } from './schema.js';
import type { ClusterSpec, DpmSettings, DrsSettings, HaAdmission, HaSettings, HostSpec, VchSpec } from './types.js';

/** Collects problems found after schema validation. */
export interface IssueSink {
  add(path: DocPath, message: string): void;
}

/** Cluster-level settings given at the top of the scenario, applied where a cluster sets none. */
interface SettingDefaults {
  readonly drs?: DrsInput;
  readonly ha?: HaInput;
  readonly dpm?: DpmInput;
}

/** The scenario's clusters with defaults filled; reports duplicate cluster and host names. O(hosts). */
export function normaliseClusters(input: ScenarioInput, sink: IssueSink): ClusterSpec[] {
  const hostNames = new Set<string>();
  const clusterNames = new Set<string>();
  return input.clusters.map((cluster, i) => {
    const path = ['clusters', i];
    const name = cluster.name ?? `DC0_C${i}`;
    if (clusterNames.has(name)) sink.add([...path, 'name'], `duplicate cluster name '${name}'`);
    clusterNames.add(name);
    const hosts = clusterHosts(cluster, name);
    hosts.forEach((h, j) => {
      if (hostNames.has(h.name)) sink.add('preset' in cluster ? [...path, 'hosts'] : [...path, 'hosts', j, 'name'], `duplicate host name '${h.name}'`);
      hostNames.add(h.name);
    });
    const settings: SettingDefaults = input;
    const drs = drsSettings(cluster.drs ?? settings.drs);
    const dpm = dpmSettings(cluster.dpm ?? settings.dpm, [...path, 'dpm'], sink);
    if (dpm.enabled && !drs.enabled) sink.add([...path, 'dpm', 'enabled'], 'DPM needs DRS (it evacuates the hosts DPM puts in standby): enable DRS or switch DPM off');
    return {
      name,
      hosts,
      datastoreBytes: cluster.datastore ?? DATASTORE_DEFAULT_BYTES,
      drs,
      ha: haSettings(cluster.ha ?? settings.ha, hosts.length, [...path, 'ha'], sink),
      dpm,
    };
  });
}

function clusterHosts(cluster: ClusterInput, clusterName: string): HostSpec[] {
  if ('preset' in cluster) {
    return Array.from({ length: cluster.hosts }, (_, i) => hostSpec({ ...cluster.host, name: `${clusterName}_H${i}` }, clusterName, i));
  }
  return cluster.hosts.map((h, i) => hostSpec(h, clusterName, i));
}

function hostSpec(h: HostInput, clusterName: string, index: number): HostSpec {
  return {
    name: h.name ?? `${clusterName}_H${index}`,
    cpuCores: h.cores ?? HOST_DEFAULTS.cpuCores,
    cpuMhzPerCore: h.coreSpeed ?? HOST_DEFAULTS.cpuMhzPerCore,
    memoryMB: h.memory ?? HOST_DEFAULTS.memoryMB,
  };
}

function drsSettings(drs: DrsInput | undefined): DrsSettings {
  return {
    enabled: drs?.enabled ?? DRS_DEFAULTS.enabled,
    migrationThreshold: drs?.migrationThreshold ?? DRS_DEFAULTS.migrationThreshold,
    intervalMs: drs?.interval ?? DRS_DEFAULTS.intervalMs,
    ...(drs?.sharingAwarePlacement === undefined ? {} : { sharingAwarePlacement: drs.sharingAwarePlacement }),
  };
}

/** DPM settings: the band, hosts kept on and boot time are filled in only when DPM is on. */
function dpmSettings(dpm: DpmInput | undefined, path: DocPath, sink: IssueSink): DpmSettings {
  const threshold = dpm?.threshold ?? DPM_DEFAULTS.threshold;
  if (!(dpm?.enabled ?? DPM_DEFAULTS.enabled)) return { enabled: false, threshold };
  const lowUtilization = dpm?.low ?? DPM_ENABLED_DEFAULTS.lowUtilization;
  const highUtilization = dpm?.high ?? DPM_ENABLED_DEFAULTS.highUtilization;
  if (!(lowUtilization > 0 && lowUtilization < highUtilization)) sink.add([...path, dpm?.low === undefined ? 'high' : 'low'], `the DPM band needs 0 < low < high, got ${lowUtilization}–${highUtilization}`);
  const minHostsOn = dpm?.minHostsOn ?? DPM_ENABLED_DEFAULTS.minHostsOn;
  return { enabled: true, threshold, lowUtilization, highUtilization, minHostsOn, hostBootMs: dpm?.hostBootTime ?? DPM_ENABLED_DEFAULTS.hostBootMs };
}

/**
 * HA settings. The percentage policy's default reserve is what vSphere 6.5+ computes from the
 * host failures to tolerate: failures ÷ hosts (25% of 4 hosts for one failure, calibration.md).
 */
function haSettings(ha: HaInput | undefined, hostCount: number, path: DocPath, sink: IssueSink): HaSettings {
  const enabled = ha?.enabled ?? false;
  const failures = ha?.hostFailures ?? HA_DEFAULT_HOST_FAILURES;
  if (ha?.hostFailures !== undefined && failures >= hostCount) {
    sink.add([...path, 'hostFailures'], `tolerating ${failures} host failure(s) leaves no host of the cluster's ${hostCount}`);
  }
  const policy = ha?.policy ?? 'slot';
  let admission: HaAdmission;
  if (policy === 'slot') admission = { policy, hostFailures: failures };
  else if (policy === 'disabled') admission = { policy };
  else {
    const reserve = ha?.reserve ?? Math.min(failures, hostCount - 1) / hostCount;
    admission = { policy, cpuFraction: ha?.cpu ?? reserve, memoryFraction: ha?.memory ?? reserve };
    for (const key of ['reserve', 'cpu', 'memory'] as const) {
      if ((ha?.[key] ?? 0) >= 1) sink.add([...path, key], 'a percentage reserve must be below 100%');
    }
  }
  return { enabled, admission };
}

/** The scenario's VCHs (one `default` VCH in the first cluster when none is given). O(VCHs). */
export function normaliseVchs(input: ScenarioInput, clusters: readonly ClusterSpec[], sink: IssueSink): VchSpec[] {
  const names = new Set<string>();
  const clusterNames = new Set(clusters.map((c) => c.name));
  return (input.vchs ?? [{}]).map((vch, i) => {
    const name = vch.name ?? (i === 0 ? SCENARIO_DEFAULTS.vchName : `vch-${i}`);
    if (names.has(name)) sink.add(['vchs', i, 'name'], `duplicate VCH name '${name}'`);
    names.add(name);
    const cluster = vch.cluster ?? clusters[0]?.name ?? '';
    if (vch.cluster !== undefined && !clusterNames.has(vch.cluster)) {
      sink.add(['vchs', i, 'cluster'], `no cluster named '${vch.cluster}' (clusters: ${[...clusterNames].join(', ')})`);
    }
    return {
      name,
      cluster,
      provisioning: vch.provisioning ?? SCENARIO_DEFAULTS.provisioning,
      cpu: allocation('cpu', vch.cpu, ['vchs', i, 'cpu'], sink),
      memory: allocation('memory', vch.memory, ['vchs', i, 'memory'], sink),
      maxContainers: vch.maxContainers === undefined || vch.maxContainers === 'unlimited' ? null : vch.maxContainers,
    };
  });
}

function allocation(resource: 'cpu' | 'memory', given: VchInput['cpu'], path: DocPath, sink: IssueSink): Allocation {
  const base = defaultAllocation(resource);
  if (!given) return base;
  const reservation = given.reservation ?? base.reservation;
  const limit = given.limit ?? base.limit;
  const unit = resource === 'cpu' ? 'MHz' : 'MB';
  if (limit !== -1 && reservation > limit) sink.add([...path, 'limit'], `limit ${limit} ${unit} is below the reservation ${reservation} ${unit}`);
  const s = given.shares;
  const shares = s === undefined ? base.shares : typeof s === 'number' ? { level: 'custom' as const, shares: s } : { level: s, shares: SHARES_POOL[resource][s] };
  return { reservation, limit, shares, expandableReservation: given.expandable ?? base.expandableReservation };
}

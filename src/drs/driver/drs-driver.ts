/**
 * DRS on a live model: initial placement as the model's placement policy (placement-cache.ts) and
 * again at power-on for VMs named in rules (rule-placement.ts), a load-balancing pass
 * per cluster on a background clock event every interval (its moves run as vMotion tasks through
 * {@link MigrationQueue}), and maintenance-mode evacuation. Passes, recommendations and migrations
 * are kept and readable through {@link drsState}. A cluster's own settings (cluster-config.ts)
 * switch DRS off there, set its threshold, or keep its moves as recommendations (not fully automated).
 * Page-sharing-aware placement (beyond DRS, off by default: `sharingAwarePlacement`, model-wide or
 * per cluster) lets initial placement prefer, among the hosts DRS accepts and within an imbalance
 * tolerance of its best, the host where resident pages would back the most of the new VM's memory
 * (placement.ts); each such placement is kept with its explanation.
 */
import { InvalidArgumentError, InvalidStateError } from '../../sim/errors.js';
import type { Timer } from '../../sim/clock.js';
import type { ClusterId, VmId } from '../../sim/ids.js';
import type { VSphereModel } from '../../hypervisor/model.js';
import type { BalanceOptions, StopReason } from '../balance.js';
import { DrsSession } from '../session.js';
import { DEFAULT_MIGRATION_THRESHOLD, DRS_PERIOD_SEC } from '../constants.js';
import type { Recommendation, RejectedMove } from '../recommendations.js';
import { MigrationQueue, type MigrationRecord } from './migrations.js';
import { snapshotWithSources } from './model-snapshot.js';
import type { DemandSources } from './demand-sources.js';
import type { RegistryChange } from '../../hypervisor/registry.js';
import { clusterSettings } from './cluster-config.js';
import { SHARING_IMBALANCE_TOLERANCE } from '../placement.js';
import { PlacementCache, type SharingPlacementHooks, type SharingPlacementRecord } from './placement-cache.js';
import { ruleAwarePowerOnHost } from './rule-placement.js';

/** DRS settings. */
export interface DrsSettings {
  /** 1 (mandatory moves only) to 5 (most aggressive); default 3. */
  readonly migrationThreshold?: number;
  /** Simulated ms between balancing passes, > 0; default 300 s. */
  readonly intervalMs?: number;
  /** Whether DRS chooses the host of new VMs (default true). */
  readonly placement?: boolean;
  /** Further pass options (the threshold above wins). */
  readonly balance?: Omit<BalanceOptions, 'threshold'>;
  /** Passes and migrations kept (default 1000 each; estimate, as the model's task history). */
  readonly historySize?: number;
  /**
   * Page-sharing-aware initial placement (beyond DRS; default off, so placements are vSphere's):
   * `true`, or its settings. A cluster's own `drs.sharingAwarePlacement` wins over `enabled`.
   */
  readonly sharingAwarePlacement?: boolean | SharingPlacementSettings;
}

/** Page-sharing-aware placement settings. */
export interface SharingPlacementSettings {
  /** Default true when the object is given. */
  readonly enabled?: boolean;
  /** Imbalance a placement may add over DRS's best, ≥ 0; default {@link SHARING_IMBALANCE_TOLERANCE}. */
  readonly imbalanceTolerance?: number;
}

/** One balancing pass over one cluster. */
export interface DrsPassRecord {
  readonly at: number;
  readonly cluster: ClusterId;
  readonly imbalanceBefore: number;
  /** What the pass expects once its moves are done. */
  readonly imbalanceAfter: number;
  readonly targetImbalance: number;
  readonly stopReason: StopReason;
  readonly recommendations: readonly Recommendation[];
  readonly rejected: readonly RejectedMove[];
  /** Whether the recommendations were queued as migrations (fully automated) or only recommended. */
  readonly applied: boolean;
  /** Set when the pass could not run (e.g. a malformed workload key); nothing moved. */
  readonly error?: string;
}

/** What DRS did so far. */
export interface DrsState {
  readonly settings: Required<Omit<DrsSettings, 'balance' | 'sharingAwarePlacement'>> & {
    readonly balance: Omit<BalanceOptions, 'threshold'>;
    readonly sharingAwarePlacement: Required<SharingPlacementSettings>;
  };
  /** Newest last. */
  readonly passes: readonly DrsPassRecord[];
  /** Newest last. */
  readonly migrations: readonly MigrationRecord[];
  /** Sharing-aware placements with their explanations, newest last (none while the option is off). */
  readonly sharingPlacements: readonly SharingPlacementRecord[];
}

/** A running DRS. */
export interface DrsHandle {
  /** Runs a balancing pass over every cluster now (the periodic event keeps its schedule). */
  runPass(): readonly DrsPassRecord[];
  /** Stops DRS: the clock event, the placement policy and the evacuator go; running vMotions finish. */
  disable(): void;
}

interface DrsRuntime {
  readonly state: DrsState & { passes: DrsPassRecord[]; sharingPlacements: SharingPlacementRecord[] };
  readonly queue: MigrationQueue;
  /** Each cluster's DRS session, kept across passes (remade when the cluster's threshold changes). */
  readonly sessions: Map<ClusterId, HeldSession>;
}

/**
 * A cluster's DRS session, the threshold it was made for, the demand sources of its last snapshot,
 * whether a record that makes up the cluster changed since, and the VMs that only moved host since.
 */
interface HeldSession {
  readonly threshold: number;
  readonly session: DrsSession;
  sources: DemandSources;
  changed: boolean;
  readonly moved: Set<VmId>;
}

const RUNTIMES = new WeakMap<VSphereModel, DrsRuntime>();

/**
 * Enables DRS on every cluster of `model`. Preconditions: DRS is not already enabled on it.
 * @throws InvalidArgumentError for settings out of range; InvalidStateError when already enabled.
 */
export function enableDrs(model: VSphereModel, settings: DrsSettings = {}): DrsHandle {
  if (RUNTIMES.has(model)) throw new InvalidStateError('InvalidState', 'drs', 'enabled', 'DRS is already enabled on this model');
  const s = checkSettings(settings);
  const queue = new MigrationQueue(model, s.balance.precopy ?? {}, s.historySize);
  const runtime: DrsRuntime = { state: { settings: s, passes: [], migrations: queue.history, sharingPlacements: [] }, queue, sessions: new Map() };
  RUNTIMES.set(model, runtime);
  const previousPolicy = model.placementPolicy;
  const placement = new PlacementCache(model, s.balance, undefined, sharingHooks(model, runtime));
  const unlisten = model.registry.listen((c) => {
    placement.onChange(c);
    noteChange(runtime, c);
  });
  const enabledOn = (cluster: ClusterId): boolean => clusterSettings(model, cluster).drs?.enabled ?? true;
  if (s.placement) {
    model.placementPolicy = (m, cluster, config) => (enabledOn(cluster) ? placement.place(cluster, config) : previousPolicy(m, cluster, config));
    model.powerOnPlacement = (vm) => (enabledOn(vm.cluster) ? ruleAwarePowerOnHost(model, vm, s.balance) : undefined);
  }
  model.maintenanceEvacuator = (host) => {
    runPasses(model, runtime, model.registry.get('Host', host).cluster);
  };
  let timer: Timer | undefined;
  const tick = (): void => {
    runPasses(model, runtime);
    timer = model.clock.schedule(s.intervalMs, tick, { background: true, label: 'DRS' });
  };
  timer = model.clock.schedule(s.intervalMs, tick, { background: true, label: 'DRS' });
  return {
    runPass: () => runPasses(model, runtime),
    disable: () => {
      if (timer) model.clock.cancel(timer);
      unlisten();
      queue.close();
      if (s.placement) {
        model.placementPolicy = previousPolicy;
        model.powerOnPlacement = undefined;
      }
      model.maintenanceEvacuator = undefined;
      RUNTIMES.delete(model);
    },
  };
}

/** What DRS did on `model` (passes, recommendations, migrations), or undefined when it is not enabled. O(1). */
export function drsState(model: VSphereModel): DrsState | undefined {
  return RUNTIMES.get(model)?.state;
}

/** The placement cache's view of the sharing settings: each cluster's preference, and the record kept. */
function sharingHooks(model: VSphereModel, runtime: DrsRuntime): SharingPlacementHooks {
  const { settings } = runtime.state;
  return {
    preferenceOf: (cluster) => {
      const own = clusterSettings(model, cluster).drs;
      if (!(own?.sharingAwarePlacement ?? settings.sharingAwarePlacement.enabled)) return undefined;
      return { imbalanceTolerance: settings.sharingAwarePlacement.imbalanceTolerance, migrationThreshold: own?.migrationThreshold ?? settings.migrationThreshold };
    },
    record: (r) => {
      const kept = runtime.state.sharingPlacements;
      kept.push(r);
      if (kept.length > settings.historySize) kept.splice(0, kept.length - settings.historySize);
    },
  };
}

/** One pass per cluster (or only `only`), recorded, its moves queued. O(pass) per cluster. */
function runPasses(model: VSphereModel, runtime: DrsRuntime, only?: ClusterId): DrsPassRecord[] {
  const records: DrsPassRecord[] = [];
  for (const c of model.registry.all('Cluster')) {
    if ((only !== undefined && c.id !== only) || clusterSettings(model, c.id).drs?.enabled === false) continue;
    const record = runPass(model, runtime, c.id);
    records.push(record);
    runtime.state.passes.push(record);
  }
  const extra = runtime.state.passes.length - runtime.state.settings.historySize;
  if (extra > 0) runtime.state.passes.splice(0, extra);
  return records;
}

/**
 * The cluster's session brought up to the model, so a pass on it is balanceCluster's on a snapshot
 * taken now: when no record of the cluster changed since its last snapshot (the registry says) and
 * its rules are the same, only the measured demand is written (no snapshot is made); else it is
 * synced to a new snapshot, or made anew when the threshold changed. O(V) when nothing changed.
 */
function syncedSession(model: VSphereModel, runtime: DrsRuntime, cluster: ClusterId, threshold: number): DrsSession {
  const held = runtime.sessions.get(cluster);
  if (held?.threshold === threshold && !held.changed && clusterSettings(model, cluster).rules === held.sources.rules) {
    for (const id of held.moved) {
      const i = held.session.indexOf(id);
      const vm = model.registry.get('VirtualMachine', id);
      held.session.setHost(i, vm.host);
      held.sources.move(model, i, vm);
    }
    held.moved.clear();
    held.sources.refresh(model.clock.now(), held.session.demand);
    return held.session;
  }
  const { snapshot, sources } = snapshotWithSources(model, cluster);
  if (held?.threshold === threshold) {
    held.session.sync(snapshot);
    held.sources = sources;
    held.changed = false;
    held.moved.clear();
    return held.session;
  }
  const session = new DrsSession(snapshot, { ...runtime.state.settings.balance, threshold });
  runtime.sessions.set(cluster, { threshold, session, sources, changed: false, moved: new Set() });
  return session;
}

/**
 * Marks the sessions of the clusters a registry change touches (a VM, host, pool or the cluster
 * itself) as changed — or, for a VM whose update only moved it to another host of its cluster, notes
 * the move. A VM update that changes nothing DRS reads (its files, snapshots, boot time) is ignored. O(1).
 */
function noteChange(runtime: DrsRuntime, change: RegistryChange): void {
  if (change.op === 'update' && change.object.kind === 'VirtualMachine' && change.previous.kind === 'VirtualMachine') {
    const [vm, was] = [change.object, change.previous];
    if (vm.name === was.name && vm.cluster === was.cluster && vm.pool === was.pool && vm.config === was.config && vm.powerState === was.powerState) {
      if (vm.host !== was.host) runtime.sessions.get(vm.cluster)?.moved.add(vm.id);
      return;
    }
  }
  for (const o of change.op === 'update' ? [change.object, change.previous] : [change.object]) {
    const cluster = o.kind === 'Cluster' ? o.id : o.kind === 'VirtualMachine' || o.kind === 'Host' || o.kind === 'ResourcePool' ? o.cluster : undefined;
    const held = cluster === undefined ? undefined : runtime.sessions.get(cluster);
    if (held) held.changed = true;
  }
}

function runPass(model: VSphereModel, runtime: DrsRuntime, cluster: ClusterId): DrsPassRecord {
  const { settings } = runtime.state;
  const own = clusterSettings(model, cluster).drs;
  const at = model.clock.now();
  const hosts = new Set(model.hostsOf(cluster).map((h) => h.id));
  runtime.queue.supersede(hosts, `superseded by the pass at ${at} ms`);
  let result;
  try {
    result = syncedSession(model, runtime, cluster, own?.migrationThreshold ?? settings.migrationThreshold).balance();
  } catch (e) {
    return { at, cluster, imbalanceBefore: NaN, imbalanceAfter: NaN, targetImbalance: NaN, stopReason: 'no-candidate', recommendations: [], rejected: [], applied: false, error: (e as Error).message };
  }
  const recommendations = result.recommendations.filter((r) => !runtime.queue.busy(r.vm));
  const applied = (own?.behavior ?? 'fullyAutomated') === 'fullyAutomated';
  if (applied) runtime.queue.enqueue(recommendations);
  return {
    at,
    cluster,
    imbalanceBefore: result.imbalanceBefore,
    imbalanceAfter: result.imbalanceAfter,
    targetImbalance: result.targetImbalance,
    stopReason: result.stopReason,
    recommendations,
    rejected: result.rejected,
    applied,
  };
}

function checkSettings(settings: DrsSettings): DrsState['settings'] {
  const threshold = settings.migrationThreshold ?? DEFAULT_MIGRATION_THRESHOLD;
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > 5) throw new InvalidArgumentError('migrationThreshold', `migration threshold must be an integer from 1 to 5, got ${threshold}`);
  const intervalMs = settings.intervalMs ?? DRS_PERIOD_SEC * 1000;
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) throw new InvalidArgumentError('intervalMs', `DRS interval must be a finite number of ms > 0, got ${intervalMs}`);
  const historySize = settings.historySize ?? 1000;
  if (!Number.isInteger(historySize) || historySize < 1) throw new InvalidArgumentError('historySize', `history size must be an integer ≥ 1, got ${historySize}`);
  return { migrationThreshold: threshold, intervalMs, placement: settings.placement ?? true, balance: settings.balance ?? {}, historySize, sharingAwarePlacement: sharingSettings(settings.sharingAwarePlacement) };
}

function sharingSettings(given: DrsSettings['sharingAwarePlacement']): Required<SharingPlacementSettings> {
  const object = typeof given === 'object' ? given : { enabled: given ?? false };
  const imbalanceTolerance = object.imbalanceTolerance ?? SHARING_IMBALANCE_TOLERANCE;
  if (!(imbalanceTolerance >= 0) || !Number.isFinite(imbalanceTolerance)) throw new InvalidArgumentError('imbalanceTolerance', `sharing-aware placement's imbalance tolerance must be a finite number ≥ 0, got ${imbalanceTolerance}`);
  return { enabled: object.enabled ?? true, imbalanceTolerance };
}

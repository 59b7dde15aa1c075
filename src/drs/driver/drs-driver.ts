/**
 * DRS on a live model: initial placement as the model's placement policy, a load-balancing pass
 * per cluster on a background clock event every interval (its moves run as vMotion tasks through
 * {@link MigrationQueue}), and maintenance-mode evacuation. Passes, recommendations and migrations
 * are kept and readable through {@link drsState}.
 */
import { InvalidArgumentError, InvalidStateError } from '../../sim/errors.js';
import type { Timer } from '../../sim/clock.js';
import type { ClusterId, HostId, VmId } from '../../sim/ids.js';
import type { VSphereModel } from '../../hypervisor/model.js';
import type { PlacementPolicy } from '../../hypervisor/placement.js';
import { balanceCluster, type BalanceOptions, type StopReason } from '../balance.js';
import { DEFAULT_MIGRATION_THRESHOLD, DRS_PERIOD_SEC } from '../constants.js';
import { computeEntitlements } from '../entitlement.js';
import { HostLedger } from '../ledger.js';
import { drsPlacement } from '../placement.js';
import type { Recommendation, RejectedMove } from '../recommendations.js';
import { RuleIndex } from '../rules.js';
import type { VmSnapshot } from '../snapshot.js';
import { MigrationQueue, type MigrationRecord } from './migrations.js';
import { expectedDemand, snapshotCluster, vmSnapshot } from './model-snapshot.js';

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
  /** Set when the pass could not run (e.g. a malformed workload key); nothing moved. */
  readonly error?: string;
}

/** What DRS did so far. */
export interface DrsState {
  readonly settings: Required<Omit<DrsSettings, 'balance'>> & { readonly balance: Omit<BalanceOptions, 'threshold'> };
  /** Newest last. */
  readonly passes: readonly DrsPassRecord[];
  /** Newest last. */
  readonly migrations: readonly MigrationRecord[];
}

/** A running DRS. */
export interface DrsHandle {
  /** Runs a balancing pass over every cluster now (the periodic event keeps its schedule). */
  runPass(): readonly DrsPassRecord[];
  /** Stops DRS: the clock event, the placement policy and the evacuator go; running vMotions finish. */
  disable(): void;
}

interface DrsRuntime {
  readonly state: DrsState & { passes: DrsPassRecord[] };
  readonly queue: MigrationQueue;
  /** VMs DRS placed that have not been powered on yet: they count on their host for placement. */
  readonly pending: Set<VmId>;
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
  const runtime: DrsRuntime = { state: { settings: s, passes: [], migrations: queue.history }, queue, pending: new Set() };
  RUNTIMES.set(model, runtime);
  const previousPolicy = model.placementPolicy;
  const unlisten = model.registry.listen((c) => {
    if (c.object.kind !== 'VirtualMachine') return;
    if (c.op === 'remove' || c.object.powerState === 'poweredOn') runtime.pending.delete(c.object.id);
    else if (c.op === 'put' && s.placement) runtime.pending.add(c.object.id);
  });
  if (s.placement) model.placementPolicy = drsPlacementPolicy(runtime);
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
      if (s.placement) model.placementPolicy = previousPolicy;
      model.maintenanceEvacuator = undefined;
      RUNTIMES.delete(model);
    },
  };
}

/** What DRS did on `model` (passes, recommendations, migrations), or undefined when it is not enabled. O(1). */
export function drsState(model: VSphereModel): DrsState | undefined {
  return RUNTIMES.get(model)?.state;
}

/**
 * DRS initial placement over a fresh snapshot: the VM (with its expected demand) goes where it
 * leaves the least imbalance among hosts that admit its reservations and keep the 100% cap.
 * VMs placed earlier but not yet powered on count on their hosts. O(H + V) per call.
 */
function drsPlacementPolicy(runtime: DrsRuntime): PlacementPolicy {
  return (model, cluster, config) => {
    const snapshot = snapshotCluster(model, cluster);
    const pendingVms: VmSnapshot[] = [];
    for (const id of runtime.pending) {
      const vm = model.registry.find(id);
      if (vm?.kind === 'VirtualMachine' && vm.cluster === cluster && vm.powerState !== 'poweredOn') pendingVms.push(vmSnapshot(model, vm, expectedDemand(model, vm.name, vm.config)));
    }
    const withPending = { ...snapshot, vms: [...snapshot.vms, ...pendingVms] };
    const ledger = HostLedger.fromSnapshot(withPending, computeEntitlements(withPending, runtime.state.settings.balance.entitlement), runtime.state.settings.balance.ledger);
    const cores = new Map(model.hostsOf(cluster).map((h) => [h.id, h.cpuCores]));
    const allowed = new Set([...cores].filter(([, n]) => n >= config.numCpu).map(([id]) => id));
    const probe = { id: 'vm-new' as VmId, name: 'new VM', config, host: snapshot.hosts[0]?.id ?? ('host-none' as HostId), pool: snapshot.rootPool } as Parameters<typeof vmSnapshot>[1];
    const request = { vm: vmSnapshot(model, probe, expectedDemand(model, probe.name, config)), allowedHosts: allowed };
    const result = drsPlacement({ ledger, rules: new RuleIndex(snapshot.rules) }, request);
    if (result.ok) return result.host;
    return { refused: `DRS found no host: ${result.rejections.map((r) => `${r.host} ${r.detail}`).join('; ')}` };
  };
}

/** One pass per cluster (or only `only`), recorded, its moves queued. O(pass) per cluster. */
function runPasses(model: VSphereModel, runtime: DrsRuntime, only?: ClusterId): DrsPassRecord[] {
  const records: DrsPassRecord[] = [];
  for (const c of model.registry.all('Cluster')) {
    if (only !== undefined && c.id !== only) continue;
    const record = runPass(model, runtime, c.id);
    records.push(record);
    runtime.state.passes.push(record);
  }
  const extra = runtime.state.passes.length - runtime.state.settings.historySize;
  if (extra > 0) runtime.state.passes.splice(0, extra);
  return records;
}

function runPass(model: VSphereModel, runtime: DrsRuntime, cluster: ClusterId): DrsPassRecord {
  const { settings } = runtime.state;
  const at = model.clock.now();
  const hosts = new Set(model.hostsOf(cluster).map((h) => h.id));
  runtime.queue.supersede(hosts, `superseded by the pass at ${at} ms`);
  let snapshot;
  try {
    snapshot = snapshotCluster(model, cluster);
  } catch (e) {
    return { at, cluster, imbalanceBefore: NaN, imbalanceAfter: NaN, targetImbalance: NaN, stopReason: 'no-candidate', recommendations: [], rejected: [], error: (e as Error).message };
  }
  const result = balanceCluster(snapshot, { ...settings.balance, threshold: settings.migrationThreshold });
  const recommendations = result.recommendations.filter((r) => !runtime.queue.busy(r.vm));
  runtime.queue.enqueue(recommendations);
  return {
    at,
    cluster,
    imbalanceBefore: result.imbalanceBefore,
    imbalanceAfter: result.imbalanceAfter,
    targetImbalance: result.targetImbalance,
    stopReason: result.stopReason,
    recommendations,
    rejected: result.rejected,
  };
}

function checkSettings(settings: DrsSettings): DrsState['settings'] {
  const threshold = settings.migrationThreshold ?? DEFAULT_MIGRATION_THRESHOLD;
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > 5) throw new InvalidArgumentError('migrationThreshold', `migration threshold must be an integer from 1 to 5, got ${threshold}`);
  const intervalMs = settings.intervalMs ?? DRS_PERIOD_SEC * 1000;
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) throw new InvalidArgumentError('intervalMs', `DRS interval must be a finite number of ms > 0, got ${intervalMs}`);
  const historySize = settings.historySize ?? 1000;
  if (!Number.isInteger(historySize) || historySize < 1) throw new InvalidArgumentError('historySize', `history size must be an integer ≥ 1, got ${historySize}`);
  return { migrationThreshold: threshold, intervalMs, placement: settings.placement ?? true, balance: settings.balance ?? {}, historySize };
}

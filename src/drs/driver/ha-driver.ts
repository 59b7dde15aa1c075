/**
 * vSphere HA on a live model. When a host fails (a registry change to state `failed`, e.g.
 * hypervisor failHost), the restarts are planned at that instant with {@link planHaRestarts} over a
 * snapshot still holding the host's running VMs; then each VM's record is relocated to its chosen
 * survivor and powered on there, as tasks on the clock, in restart-priority order. A successful
 * restart logs VmRestartedOnAlternateHostEvent; a VM that cannot restart (no host admits its
 * reservations, restart disabled, or its power-on failed) is recorded with the reason.
 * Admission control (slot or percentage policy) is reported per cluster; it is enforced at
 * power-on on clusters whose own settings enable it (cluster-config.ts, ha-power-on.ts), and a
 * cluster whose settings disable HA gets no restarts.
 */
import { InvalidStateError } from '../../sim/errors.js';
import type { ClusterId, HostId, TaskId, VmId } from '../../sim/ids.js';
import type { VSphereModel } from '../../hypervisor/model.js';
import type { Host, VirtualMachine } from '../../hypervisor/types.js';
import type { TaskRecord } from '../../hypervisor/tasks.js';
import { relocateVM } from '../../hypervisor/vm-config.js';
import { powerVM } from '../../hypervisor/vm-power.js';
import { percentagePolicy, slotPolicy, type PercentagePolicy, type PercentageReport, type SlotPolicyOptions, type SlotReport } from '../ha-admission.js';
import { planHaRestarts, type HaRestart, type HaUnrestarted } from '../ha-restart.js';
import type { VmSnapshot } from '../snapshot.js';
import { clusterSettings } from './cluster-config.js';
import { haPowerOnRefusal } from './ha-power-on.js';
import { snapshotCluster } from './model-snapshot.js';

/** HA admission control: the slot policy (tolerating `hostFailures` hosts) or the percentage policy. */
export type HaAdmissionSettings =
  | ({ readonly policy: 'slot'; readonly hostFailures?: number } & SlotPolicyOptions)
  | ({ readonly policy: 'percentage' } & PercentagePolicy);

/** HA settings. */
export interface HaSettings {
  /** Default: the slot policy tolerating one host failure. */
  readonly admission?: HaAdmissionSettings;
}

/** A restart HA carried out or tried. */
export interface HaRestartRecord extends HaRestart {
  /** Simulated ms of the host failure. */
  readonly failedAt: number;
  state: 'restarting' | 'restarted' | 'failed';
  /** The power-on task. */
  task?: TaskId;
  completedAt?: number;
  /** Why the power-on failed. */
  error?: string;
}

/** A VM HA could not restart, with the reason. */
export interface HaUnrestartedRecord {
  readonly vm: VmId;
  readonly from: HostId;
  readonly failedAt: number;
  readonly reason: HaUnrestarted['reason'] | 'power-on-failed' | 'snapshot-error';
  readonly detail: string;
}

/** What HA did so far (oldest first). */
export interface HaState {
  readonly settings: Required<HaSettings>;
  readonly restarts: readonly HaRestartRecord[];
  readonly unrestarted: readonly HaUnrestartedRecord[];
}

/** A running HA. */
export interface HaHandle {
  /** The admission policy's view of a cluster now (slot report with whether it tolerates the failures, or the percentage report). */
  admission(cluster: ClusterId): { readonly compliant: boolean; readonly report: SlotReport | PercentageReport };
  /** Stops reacting to host failures; restarts under way finish. */
  disable(): void;
}

interface HaRuntime {
  readonly state: HaState & { restarts: HaRestartRecord[]; unrestarted: HaUnrestartedRecord[] };
  readonly byTask: Map<TaskId, HaRestartRecord>;
  /** Per cluster, the VMs of hosts failed at this instant, waiting for their restart plan. */
  readonly down: Map<ClusterId, VmSnapshot[]>;
  /** VMs whose restart power-on is under way (they ignore the admission reserve). */
  readonly restarting: Set<VmId>;
}

const RUNTIMES = new WeakMap<VSphereModel, HaRuntime>();

/**
 * Enables HA on every cluster of `model`. Preconditions: HA is not already enabled on it.
 * @throws InvalidStateError when already enabled.
 */
export function enableHa(model: VSphereModel, settings: HaSettings = {}): HaHandle {
  if (RUNTIMES.has(model)) throw new InvalidStateError('InvalidState', 'ha', 'enabled', 'HA is already enabled on this model');
  const runtime: HaRuntime = { state: { settings: { admission: settings.admission ?? { policy: 'slot', hostFailures: 1 } }, restarts: [], unrestarted: [] }, byTask: new Map(), down: new Map(), restarting: new Set() };
  RUNTIMES.set(model, runtime);
  const unlistenRegistry = model.registry.listen((c) => {
    if (c.op !== 'update' || c.object.kind !== 'Host' || c.object.state !== 'failed' || (c.previous as Host).state === 'failed') return;
    onHostFailure(model, runtime, c.object);
  });
  const unlistenTasks = model.tasks.listen((info) => onPowerOnDone(model, runtime, info));
  const admissionCheck = (vm: VirtualMachine) => haPowerOnRefusal(model, vm, runtime.restarting);
  model.powerOnChecks.add(admissionCheck);
  return {
    admission: (cluster) => admissionReport(model, clusterSettings(model, cluster).ha?.admission ?? runtime.state.settings.admission, cluster),
    disable: () => {
      model.powerOnChecks.delete(admissionCheck);
      unlistenRegistry();
      unlistenTasks();
      RUNTIMES.delete(model);
    },
  };
}

/** Whether HA is restarting `vm` now (its power-on task is under way). O(1). */
export function isHaRestarting(model: VSphereModel, vm: VmId): boolean {
  return RUNTIMES.get(model)?.restarting.has(vm) ?? false;
}

/** What HA did on `model`, or undefined when it is not enabled. O(1). */
export function haState(model: VSphereModel): HaState | undefined {
  return RUNTIMES.get(model)?.state;
}

/**
 * Captures the failed host's running VMs now (failHost stops them right after), and plans their
 * restarts once failHost has finished, over the survivors as they are then. Failures at the same
 * instant are planned together, so no VM is sent to a host that failed alongside its own.
 */
function onHostFailure(model: VSphereModel, runtime: HaRuntime, host: Host): void {
  if (clusterSettings(model, host.cluster).ha?.enabled === false) return;
  const failedAt = model.clock.now();
  let vms: VmSnapshot[];
  try {
    vms = snapshotCluster(model, host.cluster).vms.filter((v) => v.host === host.id);
  } catch (e) {
    for (const vm of model.vmsOnHost(host.id)) {
      if (model.registry.get('VirtualMachine', vm).powerState === 'poweredOn') runtime.state.unrestarted.push({ vm, from: host.id, failedAt, reason: 'snapshot-error', detail: (e as Error).message });
    }
    return;
  }
  const batch = runtime.down.get(host.cluster);
  if (batch) {
    batch.push(...vms);
    return;
  }
  runtime.down.set(host.cluster, vms);
  model.clock.schedule(0, () => restartAll(model, runtime, host.cluster, failedAt), { label: `HA restarts in ${host.cluster}` });
}

/**
 * Plans the restarts of the VMs collected for `cluster` over its current state, and starts them.
 * VMs still running on a disconnected host (a failed host to DRS) are not HA's to restart.
 */
function restartAll(model: VSphereModel, runtime: HaRuntime, cluster: ClusterId, failedAt: number): void {
  const down = runtime.down.get(cluster) ?? [];
  runtime.down.delete(cluster);
  const now = snapshotCluster(model, cluster);
  const lost = new Set(now.hosts.filter((h) => h.state === 'failed').map((h) => h.id));
  const running = now.vms.filter((v) => !lost.has(v.host));
  const plan = planHaRestarts({ ...now, vms: [...running, ...down] });
  for (const u of plan.unrestarted) {
    const detail = u.reason === 'restart-disabled' ? 'restart priority is disabled' : u.rejections.map((r) => `${r.host}: ${r.detail}`).join('; ');
    runtime.state.unrestarted.push({ vm: u.vm, from: u.from, failedAt, reason: u.reason, detail });
  }
  for (const r of plan.restarts) startRestart(model, runtime, { ...r, failedAt, state: 'restarting' });
}

/** Moves the VM's record to its new host and queues its power-on there (same VM lock: in order). */
function startRestart(model: VSphereModel, runtime: HaRuntime, record: HaRestartRecord): void {
  runtime.state.restarts.push(record);
  try {
    relocateVM(model, record.vm, { host: record.to }, { durationMs: 0 });
    runtime.restarting.add(record.vm);
    const task = powerVM(model, record.vm, 'powerOn');
    record.task = task.id;
    runtime.byTask.set(task.id, record);
  } catch (e) {
    failRestart(model, runtime, record, (e as Error).message);
  }
}

function onPowerOnDone(model: VSphereModel, runtime: HaRuntime, info: TaskRecord): void {
  const record = runtime.byTask.get(info.id);
  if (!record) return;
  runtime.byTask.delete(info.id);
  runtime.restarting.delete(record.vm);
  if (info.state !== 'success') {
    failRestart(model, runtime, record, info.error?.message ?? 'the power-on task failed');
    return;
  }
  record.state = 'restarted';
  record.completedAt = model.clock.now();
  const vm = model.registry.get('VirtualMachine', record.vm);
  const name = (id: HostId) => model.registry.get('Host', id).name;
  model.events.log({
    type: 'VmRestartedOnAlternateHostEvent',
    vm: vm.id,
    host: record.to,
    pool: vm.pool,
    cluster: vm.cluster,
    data: { sourceHost: record.from, priority: record.priority },
    fullFormattedMessage: `vSphere HA restarted ${vm.name} on ${name(record.to)}: host ${name(record.from)} failed`,
  });
}

function failRestart(model: VSphereModel, runtime: HaRuntime, record: HaRestartRecord, error: string): void {
  runtime.restarting.delete(record.vm);
  Object.assign(record, { state: 'failed', error, completedAt: model.clock.now() });
  runtime.state.unrestarted.push({ vm: record.vm, from: record.from, failedAt: record.failedAt, reason: 'power-on-failed', detail: error });
}

function admissionReport(model: VSphereModel, settings: HaAdmissionSettings, cluster: ClusterId): { compliant: boolean; report: SlotReport | PercentageReport } {
  const snapshot = snapshotCluster(model, cluster);
  if (settings.policy === 'percentage') {
    const report = percentagePolicy(snapshot, settings);
    return { compliant: report.compliant, report };
  }
  const report = slotPolicy(snapshot, settings);
  return { compliant: report.failoverCapacity >= (settings.hostFailures ?? 1), report };
}

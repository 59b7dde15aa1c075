/**
 * DPM on a live model, beside DRS (vSphere runs DPM inside DRS; so does this, on DRS's period).
 * A background clock event samples every running VM's demand (CPU run + ready, memory demand) every
 * `sampleIntervalMs`; every DRS interval a pass per cluster turns the samples into the two windows'
 * demand and asks {@link planPowerManagement}. A power-on is a host boot (exitStandby, `hostBootMs`);
 * a standby is maintenance mode first (DRS's evacuator vMotions the VMs off), then enterStandby
 * once no VM runs there — abandoned (the host leaves maintenance) when the evacuation has not
 * finished after `evacuationPasses` passes. A cluster with a power change under way is not
 * re-planned until it completes. Passes and actions are kept and readable through {@link dpmState}.
 * A cluster's own settings (cluster-config.ts) switch DPM off there (as does DRS switched off
 * there: DRS evacuates the hosts), set its threshold, or keep its changes as recommendations (manual).
 */
import { InvalidArgumentError, InvalidStateError } from '../../sim/errors.js';
import type { Timer } from '../../sim/clock.js';
import type { ClusterId, HostId, TaskId, VmId } from '../../sim/ids.js';
import { changeHost, HOST_EXIT_STANDBY_MS } from '../../hypervisor/hosts.js';
import type { VSphereModel } from '../../hypervisor/model.js';
import type { TaskRecord } from '../../hypervisor/tasks.js';
import { vmDemand } from '../demand.js';
import { planPowerManagement, type DpmHaConstraint, type DpmOptions, type DpmRecommendation, type DpmRejection, type VmDemandWindows, dpmSettings } from '../dpm.js';
import { DPM_DEFAULTS, demandOverWindow, type DemandSample } from '../dpm-window.js';
import { clusterSettings } from './cluster-config.js';
import { drsState } from './drs-driver.js';
import { haState } from './ha-driver.js';
import { snapshotCluster } from './model-snapshot.js';

/** DPM settings: the pure options plus the windows, sampling and timing of the driver. */
export interface DpmSettings extends DpmOptions {
  readonly powerOnWindowSec?: number;
  readonly powerOffWindowSec?: number;
  readonly demandStdDevs?: number;
  /** Simulated ms between demand samples (default 60 s; estimate: five samples per power-on window). */
  readonly sampleIntervalMs?: number;
  /** Simulated ms between passes (default: DRS's interval). */
  readonly intervalMs?: number;
  /** Time a host takes to leave standby, ms (default {@link HOST_EXIT_STANDBY_MS}, an estimate). */
  readonly hostBootMs?: number;
  /** Passes an evacuation may take before DPM gives it up (default 3; estimate). */
  readonly evacuationPasses?: number;
  /** Passes and actions kept (default 1000 each). */
  readonly historySize?: number;
}

/** One DPM evaluation of one cluster. */
export interface DpmPassRecord {
  readonly at: number;
  readonly cluster: ClusterId;
  readonly clusterUtilization: { readonly powerOn: number; readonly powerOff: number } | undefined;
  readonly recommendations: readonly DpmRecommendation[];
  /** The recommendations carried out (priority ≤ threshold; none where DPM is manual). */
  readonly applied: readonly DpmRecommendation[];
  readonly rejected: readonly DpmRejection[];
  readonly summary: string;
}

/** Where a power change stands. */
export type DpmActionState = 'evacuating' | 'entering-standby' | 'powering-on' | 'done' | 'abandoned' | 'error';

/** A power change DPM started. */
export interface DpmAction {
  readonly kind: 'standby' | 'powerOn';
  readonly host: HostId;
  readonly cluster: ClusterId;
  readonly recommendedAt: number;
  readonly explanation: string;
  state: DpmActionState;
  /** Passes seen while evacuating. */
  passes: number;
  completedAt?: number;
  error?: string;
}

/** What DPM did so far (oldest first). */
export interface DpmState {
  readonly settings: DpmSettings;
  readonly passes: readonly DpmPassRecord[];
  readonly actions: readonly DpmAction[];
}

/** A running DPM. */
export interface DpmHandle {
  /** Evaluates every cluster now (the periodic events keep their schedule). */
  runPass(): readonly DpmPassRecord[];
  /** Stops DPM; power changes under way finish. */
  disable(): void;
}

interface DpmRuntime {
  readonly model: VSphereModel;
  readonly state: DpmState & { passes: DpmPassRecord[]; actions: DpmAction[] };
  readonly history: Map<VmId, DemandSample[]>;
  readonly byTask: Map<TaskId, DpmAction>;
  readonly bootedAt: Map<HostId, number>;
  readonly startedAt: number;
  readonly windows: { readonly onMs: number; readonly offMs: number; readonly stdDevs: number };
}

const RUNTIMES = new WeakMap<VSphereModel, DpmRuntime>();

/**
 * Enables DPM on every cluster of `model`. Preconditions: DRS is enabled (it evacuates hosts);
 * DPM is not. Without `ha`, DPM keeps the admission policy of HA when HA is enabled.
 * @throws InvalidStateError when DRS is off or DPM already on; InvalidArgumentError for bad settings.
 */
export function enableDpm(model: VSphereModel, settings: DpmSettings = {}): DpmHandle {
  if (RUNTIMES.has(model)) throw new InvalidStateError('InvalidState', 'dpm', 'enabled', 'DPM is already enabled on this model');
  const drs = drsState(model);
  if (!drs) throw new InvalidStateError('InvalidState', 'dpm', 'drs-disabled', 'DPM needs DRS: enable DRS first (it evacuates the hosts DPM puts in standby)');
  dpmSettings(settings);
  const onMs = 1000 * (settings.powerOnWindowSec ?? DPM_DEFAULTS.powerOnWindowSec);
  const offMs = 1000 * (settings.powerOffWindowSec ?? DPM_DEFAULTS.powerOffWindowSec);
  const sampleMs = settings.sampleIntervalMs ?? 60_000;
  const intervalMs = settings.intervalMs ?? drs.settings.intervalMs;
  for (const [key, v] of Object.entries({ powerOnWindowSec: onMs, powerOffWindowSec: offMs, sampleIntervalMs: sampleMs, intervalMs, hostBootMs: settings.hostBootMs ?? 0 })) {
    if (!(v >= 0) || !Number.isFinite(v) || (v === 0 && key !== 'hostBootMs')) throw new InvalidArgumentError(key, `${key} must be a finite number > 0, got ${v}`);
  }
  const runtime: DpmRuntime = {
    model,
    state: { settings, passes: [], actions: [] },
    history: new Map(),
    byTask: new Map(),
    bootedAt: new Map(),
    startedAt: model.clock.now(),
    windows: { onMs, offMs, stdDevs: settings.demandStdDevs ?? DPM_DEFAULTS.demandStdDevs },
  };
  RUNTIMES.set(model, runtime);
  const unlisten = model.tasks.listen((info) => onTaskDone(runtime, info));
  let sampleTimer: Timer | undefined;
  let passTimer: Timer | undefined;
  const sampleTick = (): void => {
    sampleDemand(runtime);
    progressEvacuations(runtime, false);
    sampleTimer = model.clock.schedule(sampleMs, sampleTick, { background: true, label: 'DPM sample' });
  };
  const passTick = (): void => {
    runPasses(runtime);
    passTimer = model.clock.schedule(intervalMs, passTick, { background: true, label: 'DPM' });
  };
  sampleDemand(runtime);
  sampleTimer = model.clock.schedule(sampleMs, sampleTick, { background: true, label: 'DPM sample' });
  passTimer = model.clock.schedule(intervalMs, passTick, { background: true, label: 'DPM' });
  return {
    runPass: () => runPasses(runtime),
    disable: () => {
      if (sampleTimer) model.clock.cancel(sampleTimer);
      if (passTimer) model.clock.cancel(passTimer);
      unlisten();
      RUNTIMES.delete(model);
    },
  };
}

/** What DPM did on `model`, or undefined when it is not enabled. O(1). */
export function dpmState(model: VSphereModel): DpmState | undefined {
  return RUNTIMES.get(model)?.state;
}

/** Records every running VM's demand now and forgets samples older than the power-off window and VMs no longer running. O(V). */
function sampleDemand(runtime: DpmRuntime): void {
  const { model, history } = runtime;
  const now = model.clock.now();
  const seen = new Set<VmId>();
  for (const c of model.registry.all('Cluster')) {
    let vms;
    try {
      vms = snapshotCluster(model, c.id).vms;
    } catch {
      continue;
    }
    for (const vm of vms) {
      const d = vmDemand(vm);
      const samples = history.get(vm.id) ?? [];
      while (samples.length > 0 && samples[0]!.atMs <= now - runtime.windows.offMs) samples.shift();
      samples.push({ atMs: now, cpuMHz: d.cpuMHz, memoryMB: d.memoryMB });
      history.set(vm.id, samples);
      seen.add(vm.id);
    }
  }
  for (const id of history.keys()) if (!seen.has(id)) history.delete(id);
}

/** One pass per cluster: evacuations progress, then clusters without a change under way are planned. */
function runPasses(runtime: DpmRuntime): DpmPassRecord[] {
  progressEvacuations(runtime, true);
  const records: DpmPassRecord[] = [];
  for (const c of runtime.model.registry.all('Cluster')) {
    const own = clusterSettings(runtime.model, c.id);
    if (own.dpm?.enabled === false || own.drs?.enabled === false) continue;
    records.push(runPass(runtime, c.id));
  }
  runtime.state.passes.push(...records);
  trim(runtime.state.passes, runtime.state.settings.historySize ?? 1000);
  return records;
}

function runPass(runtime: DpmRuntime, cluster: ClusterId): DpmPassRecord {
  const { model, windows } = runtime;
  const at = model.clock.now();
  const busy = runtime.state.actions.find((a) => a.cluster === cluster && !isFinished(a.state));
  const empty = { at, cluster, clusterUtilization: undefined, recommendations: [], applied: [], rejected: [] };
  if (busy) return { ...empty, summary: `waiting: ${busy.host} is ${busy.state}` };
  let result;
  try {
    const snapshot = snapshotCluster(model, cluster);
    const demand = new Map<VmId, VmDemandWindows>();
    for (const vm of snapshot.vms) {
      const samples = runtime.history.get(vm.id) ?? [];
      const current = vmDemand(vm);
      demand.set(vm.id, {
        powerOn: demandOverWindow(samples, at, windows.onMs, windows.stdDevs) ?? current,
        powerOff: demandOverWindow(samples, at, windows.offMs, windows.stdDevs) ?? current,
      });
    }
    const uptimeSec = new Map([...runtime.bootedAt].map(([h, t]) => [h, (at - t) / 1000]));
    const own = clusterSettings(model, cluster).dpm;
    const options = { ...runtime.state.settings, ha: runtime.state.settings.ha ?? haConstraint(model), ...(own ? { threshold: own.threshold } : {}) };
    result = planPowerManagement({ snapshot, demand, uptimeSec, powerOffWindowFull: at - runtime.startedAt >= windows.offMs }, options);
  } catch (e) {
    return { ...empty, summary: `DPM could not evaluate the cluster: ${(e as Error).message}` };
  }
  const automated = clusterSettings(model, cluster).dpm?.behavior !== 'manual';
  const applied = automated ? result.applicable.filter((r) => start(runtime, cluster, r)) : [];
  return { at, cluster, clusterUtilization: result.clusterUtilization, recommendations: result.recommendations, applied, rejected: result.rejected, summary: result.summary };
}

/** Starts a recommended power change; false when its task could not be queued. */
function start(runtime: DpmRuntime, cluster: ClusterId, r: DpmRecommendation): boolean {
  const { model } = runtime;
  const action: DpmAction = { kind: r.kind, host: r.host, cluster, recommendedAt: model.clock.now(), explanation: r.explanation, state: r.kind === 'powerOn' ? 'powering-on' : 'evacuating', passes: 0 };
  try {
    const task = r.kind === 'powerOn' ? changeHost(model, r.host, 'exitStandby', { durationMs: runtime.state.settings.hostBootMs ?? HOST_EXIT_STANDBY_MS }) : changeHost(model, r.host, 'enterMaintenance');
    runtime.byTask.set(task.id, action);
  } catch (e) {
    Object.assign(action, { state: 'error', error: (e as Error).message, completedAt: model.clock.now() });
  }
  remember(runtime, action);
  return action.state !== 'error';
}

/** Evacuated hosts go to standby; evacuations past their passes (counted when `pass`) are given up. O(actions + VMs on their hosts). */
function progressEvacuations(runtime: DpmRuntime, pass: boolean): void {
  const { model } = runtime;
  for (const a of runtime.state.actions) {
    if (a.state !== 'evacuating' || waitingOnTask(runtime, a)) continue;
    const host = model.registry.get('Host', a.host);
    if (host.state !== 'maintenance') {
      finish(runtime, a, 'abandoned', `the host left maintenance mode (${host.state})`);
      continue;
    }
    if (pass) a.passes++;
    const running = [...model.vmsOnHost(a.host)].some((v) => model.registry.get('VirtualMachine', v).powerState === 'poweredOn');
    if (!running) {
      a.state = 'entering-standby';
      runtime.byTask.set(changeHost(model, a.host, 'enterStandby').id, a);
    } else if (a.passes > (runtime.state.settings.evacuationPasses ?? 3)) {
      changeHost(model, a.host, 'exitMaintenance');
      finish(runtime, a, 'abandoned', `the evacuation did not finish in ${a.passes - 1} pass(es)`);
    }
  }
}

function onTaskDone(runtime: DpmRuntime, info: TaskRecord): void {
  const a = runtime.byTask.get(info.id);
  if (!a) return;
  runtime.byTask.delete(info.id);
  if (info.state !== 'success') {
    finish(runtime, a, 'error', info.error?.message ?? `${info.descriptionId} failed`);
    return;
  }
  if (a.state === 'evacuating') {
    progressEvacuations(runtime, false);
    return;
  }
  if (a.kind === 'powerOn') runtime.bootedAt.set(a.host, runtime.model.clock.now());
  else runtime.bootedAt.delete(a.host);
  finish(runtime, a, 'done');
}

function finish(runtime: DpmRuntime, a: DpmAction, state: DpmActionState, error?: string): void {
  a.state = state;
  a.completedAt = runtime.model.clock.now();
  if (error !== undefined) a.error = error;
}

/** Whether `a`'s maintenance task has not completed yet. O(tasks in flight). */
function waitingOnTask(runtime: DpmRuntime, a: DpmAction): boolean {
  for (const pending of runtime.byTask.values()) if (pending === a) return true;
  return false;
}

function isFinished(state: DpmActionState): boolean {
  return state === 'done' || state === 'abandoned' || state === 'error';
}

/** HA's admission policy as a DPM constraint, when HA is enabled. */
function haConstraint(model: VSphereModel): DpmHaConstraint | undefined {
  const admission = haState(model)?.settings.admission;
  if (!admission) return undefined;
  if (admission.policy === 'percentage') return admission;
  return { ...admission, hostFailures: admission.hostFailures ?? 1 };
}

function remember(runtime: DpmRuntime, action: DpmAction): void {
  runtime.state.actions.push(action);
  trim(runtime.state.actions, runtime.state.settings.historySize ?? 1000);
}

function trim<T>(list: T[], size: number): void {
  if (list.length > size) list.splice(0, list.length - size);
}

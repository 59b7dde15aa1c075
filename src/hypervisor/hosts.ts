/**
 * Host state changes: maintenance mode, standby (DPM), admin disconnect and reconnect (tasks, as
 * in vim25), and injected failure and recovery (immediate: a fault, not an operation). The host machine in
 * lifecycle.ts decides which changes are allowed; the cluster's root pool follows the capacity of
 * its connected hosts.
 */
import { InvalidArgumentError, InvalidStateError } from '../sim/errors.js';
import type { HostId } from '../sim/ids.js';
import type { EventType } from './events.js';
import { refreshRootPool } from './inventory.js';
import { HOST_TABLE, nextState } from './lifecycle.js';
import type { VSphereModel } from './model.js';
import type { TaskRecord } from './tasks.js';
import type { Host, HostState } from './types.js';
import { releaseVm } from './vm-power.js';
import { stopMemory } from './guest-memory.js';

/** Host operations that run as tasks, with their machine events and vCenter task names. */
const HOST_TASKS = {
  enterMaintenance: { event: 'ENTER_MAINTENANCE', descriptionId: 'HostSystem.enterMaintenanceMode', type: 'EnteredMaintenanceModeEvent' },
  exitMaintenance: { event: 'EXIT_MAINTENANCE', descriptionId: 'HostSystem.exitMaintenanceMode', type: 'ExitMaintenanceModeEvent' },
  disconnect: { event: 'DISCONNECT', descriptionId: 'HostSystem.disconnect', type: 'HostDisconnectedEvent' },
  reconnect: { event: 'RECONNECT', descriptionId: 'HostSystem.reconnect', type: 'HostConnectedEvent' },
  enterStandby: { event: 'ENTER_STANDBY', descriptionId: 'HostSystem.powerDownHostToStandBy', type: 'EnteredStandbyModeEvent' },
  exitStandby: { event: 'EXIT_STANDBY', descriptionId: 'HostSystem.powerUpHostFromStandBy', type: 'ExitedStandbyModeEvent' },
} as const;

/** A host operation that runs as a task. */
export type HostOp = keyof typeof HOST_TASKS;

/**
 * Simulated time a host takes to come out of standby, ms: power-on over IPMI/iLO/WOL, the
 * server's firmware self-test and the ESXi boot. Estimate (5 minutes; calibration.md gives no
 * figure, servers' POST alone often takes minutes); override per call with {@link HostTaskOptions}.
 * Candidate for src/sim/calibration.ts.
 */
export const HOST_EXIT_STANDBY_MS = 300_000;

/** Options of {@link changeHost}. */
export interface HostTaskOptions {
  /**
   * Simulated duration of the task, ms (≥ 0). Default: {@link HOST_EXIT_STANDBY_MS} to exit
   * standby, the calibration's reconfigure latency for every other operation.
   */
  readonly durationMs?: number;
}

/**
 * Queues a host state change. Entering maintenance needs the host free of powered-on VMs, unless
 * the model has a maintenance evacuator (DRS): then the host enters maintenance with its VMs still
 * running and the evacuator moves them off. Entering standby always needs the host free of
 * powered-on VMs (evacuate first: maintenance mode with DRS, as DPM does); its powered-off VMs
 * stay registered there. Otherwise the task fails naming how many run. Exiting standby takes a
 * host boot ({@link HOST_EXIT_STANDBY_MS} unless `options.durationMs` says otherwise).
 */
export function changeHost(model: VSphereModel, id: HostId, op: HostOp, options: HostTaskOptions = {}): TaskRecord {
  const host = model.registry.get('Host', id);
  const spec = HOST_TASKS[op];
  const durationMs = options.durationMs ?? (op === 'exitStandby' ? HOST_EXIT_STANDBY_MS : model.calibration.latency.reconfigureMs);
  if (!(durationMs >= 0) || !Number.isFinite(durationMs)) throw new InvalidArgumentError('durationMs', `host task duration must be a finite number of ms ≥ 0, got ${durationMs}`);
  return model.tasks.submit({
    descriptionId: spec.descriptionId,
    entity: id,
    entityName: host.name,
    lock: id,
    durationMs,
    execute: () => {
      const h = model.registry.get('Host', id);
      const running = op === 'enterMaintenance' || op === 'enterStandby' ? poweredOnCount(model, id) : 0;
      const evacuate = running > 0 && op === 'enterMaintenance' ? model.maintenanceEvacuator : undefined;
      if (running > 0 && !evacuate) {
        const what = op === 'enterStandby' ? 'entering standby (evacuate it in maintenance mode first)' : 'entering maintenance mode';
        throw new InvalidStateError('InvalidState', id, h.state, `host ${h.name} still runs ${running} powered-on VM(s): migrate or power them off before ${what}`);
      }
      setHostState(model, h, spec.event, spec.type);
      evacuate?.(id);
      return id;
    },
  });
}

function poweredOnCount(model: VSphereModel, id: HostId): number {
  let n = 0;
  for (const v of model.vmsOnHost(id)) if (model.registry.get('VirtualMachine', v).powerState === 'poweredOn') n++;
  return n;
}

/** Injects a host failure: powered-on VMs on it stop at once (HA restarts them when present). */
export function failHost(model: VSphereModel, id: HostId): Host {
  const host = model.registry.get('Host', id);
  const next = setHostState(model, host, 'FAIL', 'HostConnectionLostEvent');
  for (const vmId of [...model.vmsOnHost(id)]) {
    const vm = model.registry.get('VirtualMachine', vmId);
    if (vm.powerState !== 'poweredOn') continue;
    releaseVm(model, vm);
    stopMemory(model, vm);
    model.registry.update({ ...vm, powerState: 'poweredOff', bootTime: undefined });
    model.events.log({ type: 'VmPoweredOffEvent', vm: vmId, host: id, pool: vm.pool, cluster: vm.cluster, fullFormattedMessage: `${vm.name} on ${host.name} is powered off: the host failed` });
  }
  return next;
}

/** Brings a failed host back, connected and empty of running VMs. */
export function recoverHost(model: VSphereModel, id: HostId): Host {
  return setHostState(model, model.registry.get('Host', id), 'RECOVER', 'HostConnectedEvent');
}

function setHostState(model: VSphereModel, host: Host, event: string, type: EventType): Host {
  const state = nextState(HOST_TABLE, host.state, event) as HostState | undefined;
  if (!state) throw new InvalidStateError('InvalidHostState', host.id, host.state, `host ${host.name} is ${host.state}: cannot ${event.toLowerCase().replace(/_/g, ' ')}`);
  const next = model.registry.update({ ...host, state });
  refreshRootPool(model, host.cluster);
  model.events.log({ type, host: host.id, cluster: host.cluster, fullFormattedMessage: `Host ${host.name} is ${state}` });
  return next;
}

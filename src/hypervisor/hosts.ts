/**
 * Host state changes: maintenance mode, admin disconnect and reconnect (tasks, as in vim25), and
 * injected failure and recovery (immediate: a fault, not an operation). The host machine in
 * lifecycle.ts decides which changes are allowed; the cluster's root pool follows the capacity of
 * its connected hosts.
 */
import { InvalidStateError } from '../sim/errors.js';
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
} as const;

/** A host operation that runs as a task. */
export type HostOp = keyof typeof HOST_TASKS;

/**
 * Queues a host state change. Entering maintenance needs the host free of powered-on VMs, unless
 * the model has a maintenance evacuator (DRS): then the host enters maintenance with its VMs still
 * running and the evacuator moves them off. Without either the task fails naming how many run.
 */
export function changeHost(model: VSphereModel, id: HostId, op: HostOp): TaskRecord {
  const host = model.registry.get('Host', id);
  const spec = HOST_TASKS[op];
  return model.tasks.submit({
    descriptionId: spec.descriptionId,
    entity: id,
    entityName: host.name,
    lock: id,
    durationMs: model.calibration.latency.reconfigureMs,
    execute: () => {
      const h = model.registry.get('Host', id);
      const running = op === 'enterMaintenance' ? [...model.vmsOnHost(id)].filter((v) => model.registry.get('VirtualMachine', v).powerState === 'poweredOn').length : 0;
      const evacuate = running > 0 ? model.maintenanceEvacuator : undefined;
      if (running > 0 && !evacuate) throw new InvalidStateError('InvalidState', id, h.state, `host ${h.name} still runs ${running} powered-on VM(s): migrate or power them off before entering maintenance mode`);
      setHostState(model, h, spec.event, spec.type);
      evacuate?.(id);
      return id;
    },
  });
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

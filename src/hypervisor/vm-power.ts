/**
 * Power operations: power on (with admission control on the pool tree and the host), power off,
 * suspend and reset. Each is a task locked on the VM; the VM power machine decides what is allowed.
 */
import { InsufficientResourcesError, InvalidArgumentError, InvalidPowerStateError, InvalidStateError } from '../sim/errors.js';
import { moveMemory, startMemory, stopMemory } from './guest-memory.js';
import type { VmId } from '../sim/ids.js';
import { VM_POWER_TABLE, nextState } from './lifecycle.js';
import type { VSphereModel } from './model.js';
import type { TaskRecord } from './tasks.js';
import type { Host, PowerState, VirtualMachine } from './types.js';
import { hostName } from './vm-create.js';

/** The power operations and their vCenter task names, machine events and latencies. */
const POWER_OPS = {
  powerOn: { descriptionId: 'VirtualMachine.powerOn', event: 'POWER_ON', verb: 'power on', latency: 'powerOnMs', requested: 'poweredOn' },
  powerOff: { descriptionId: 'VirtualMachine.powerOff', event: 'POWER_OFF', verb: 'power off', latency: 'powerOffMs', requested: 'poweredOff' },
  suspend: { descriptionId: 'VirtualMachine.suspend', event: 'SUSPEND', verb: 'suspend', latency: 'suspendMs', requested: 'suspended' },
  reset: { descriptionId: 'VirtualMachine.reset', event: 'RESET', verb: 'reset', latency: 'powerOnMs', requested: 'poweredOn' },
} as const;

/** A power operation's name. */
export type PowerOp = keyof typeof POWER_OPS;

/**
 * Queues a power operation on a VM. State is checked when the task runs (another task may change
 * it first): a disallowed transition fails with InvalidPowerStateError carrying both states.
 */
export function powerVM(model: VSphereModel, id: VmId, op: PowerOp): TaskRecord {
  const spec = POWER_OPS[op];
  if (!spec) throw new InvalidArgumentError('op', `unknown power operation '${String(op)}'`);
  const vm = model.registry.get('VirtualMachine', id);
  return model.tasks.submit({
    descriptionId: spec.descriptionId,
    entity: id,
    entityName: vm.name,
    lock: id,
    durationMs: model.calibration.latency[spec.latency],
    execute: () => {
      applyPower(model, id, op);
      return id;
    },
  });
}

/**
 * Applies a power operation now (validates, then changes everything at once). Returns the VM.
 * `forkOf` powers an instant clone on with its source's memory instead of booting it.
 */
export function applyPower(model: VSphereModel, id: VmId, op: PowerOp, forkOf?: VmId): VirtualMachine {
  const spec = POWER_OPS[op];
  const vm = model.registry.get('VirtualMachine', id);
  const next = nextState(VM_POWER_TABLE, vm.powerState, spec.event) as PowerState | undefined;
  if (!next) throw new InvalidPowerStateError(vm.name, spec.verb, vm.powerState, spec.requested);
  if (next === 'poweredOn' && vm.powerState !== 'poweredOn') return startVm(model, vm, forkOf);
  if (vm.powerState === 'poweredOn' && next !== 'poweredOn') {
    releaseVm(model, vm);
    stopMemory(model, vm);
  }
  const updated = model.registry.update({ ...vm, powerState: next, bootTime: next === 'poweredOn' ? model.clock.now() : undefined });
  const type = op === 'reset' ? 'VmResettingEvent' : next === 'suspended' ? 'VmSuspendedEvent' : 'VmPoweredOffEvent';
  model.events.log({ type, vm: id, host: vm.host, pool: vm.pool, cluster: vm.cluster, fullFormattedMessage: `${vm.name} on ${hostName(model, vm.host)} is ${op === 'reset' ? 'reset' : next}` });
  return updated;
}

/** The error powering `vm` on would raise now, or undefined: host state, size and admission. */
export function powerOnBlocker(model: VSphereModel, vm: VirtualMachine): Error | undefined {
  if (vm.config.template) return new InvalidStateError('InvalidState', vm.id, 'template', `${vm.name} is a template and cannot be powered on`);
  const host = model.registry.get('Host', vm.host);
  if (host.state !== 'connected') return new InvalidStateError('InvalidHostState', host.id, host.state, `cannot power on ${vm.name}: host ${host.name} is ${host.state}`);
  if (vm.config.numCpu > host.cpuCores) {
    return new InvalidStateError('InvalidState', vm.id, `${vm.config.numCpu} vCPUs`, `cannot power on ${vm.name}: ${vm.config.numCpu} vCPUs exceed the ${host.cpuCores} CPUs of host ${host.name}`);
  }
  const need = model.vmReservation(vm);
  const memory = model.memoryOf(host.id);
  if (!memory.canAllocate) {
    return new InsufficientResourcesError(`host '${host.name}' (${host.id}), in the low memory state`, 'memory', vm.config.memoryMB, Math.max(0, Math.floor(memory.stats().freeMB)), 'MB');
  }
  const blocker = model.accounting.checkPool(vm.pool, need) ?? model.accounting.checkHost(host.id, host.name, model.hostCapacity(host), need) ?? vmCountBlocker(model, host);
  if (blocker) return blocker;
  for (const check of model.powerOnChecks) {
    const refusal = check(vm);
    if (refusal) return refusal;
  }
  return undefined;
}

/** The error of a host already running ESXi's maximum of powered-on VMs (calibration vm.maxVmsPerHost), or undefined. O(1). */
function vmCountBlocker(model: VSphereModel, host: Host): InsufficientResourcesError | undefined {
  const max = model.calibration.vm.maxVmsPerHost;
  if (model.accounting.hostVms(host.id) < max) return undefined;
  return new InsufficientResourcesError(`host '${host.name}' (${host.id}), which runs ESXi's maximum of ${max} VMs per host`, 'vms', 1, 0, 'VMs');
}

/**
 * Powers a VM on: the placement hook may choose another host (not for a fork), then admission,
 * then host, reservations, memory, state and event together.
 */
function startVm(model: VSphereModel, registered: VirtualMachine, forkOf?: VmId): VirtualMachine {
  const placed = forkOf === undefined ? model.powerOnPlacement?.(registered) : undefined;
  const vm = typeof placed === 'string' ? { ...registered, host: placed } : registered;
  const blocker = placed instanceof Error ? placed : powerOnBlocker(model, vm);
  if (blocker) {
    model.events.log({ type: 'VmFailedToPowerOnEvent', vm: vm.id, host: vm.host, pool: vm.pool, cluster: vm.cluster, fullFormattedMessage: `Failed to power on ${vm.name}: ${blocker.message}` });
    throw blocker;
  }
  startMemory(model, vm, forkOf);
  holdVm(model, vm);
  const updated = model.registry.update({ ...vm, powerState: 'poweredOn', bootTime: model.clock.now() });
  model.events.log({ type: 'VmPoweredOnEvent', vm: vm.id, host: vm.host, pool: vm.pool, cluster: vm.cluster, fullFormattedMessage: `${vm.name} on ${hostName(model, vm.host)} is powered on` });
  return updated;
}

/** Releases the reservations a powered-on VM holds on its pool and host. */
export function releaseVm(model: VSphereModel, vm: VirtualMachine): void {
  const need = model.vmReservation(vm);
  model.accounting.applyPool(vm.pool, { cpu: -need.cpu, memory: -need.memory });
  model.accounting.applyHost(vm.host, { cpu: -need.cpu, memory: -need.memory }, -1);
}

/** Takes a powered-on VM's reservations (the inverse of releaseVm; callers check admission first). */
export function holdVm(model: VSphereModel, vm: VirtualMachine): void {
  const need = model.vmReservation(vm);
  model.accounting.applyPool(vm.pool, need);
  model.accounting.applyHost(vm.host, need, 1);
}

/**
 * The error moving a powered-on VM's reservations from `vm` to its changed record `next` (another
 * pool, host or size) would raise, or undefined. Changes nothing.
 */
export function transferBlocker(model: VSphereModel, vm: VirtualMachine, next: VirtualMachine): Error | undefined {
  if (vm.powerState !== 'poweredOn') return undefined;
  releaseVm(model, vm);
  const blocker = powerOnBlocker(model, next);
  holdVm(model, vm);
  return blocker;
}

/** Moves a powered-on VM's reservations (and memory, across hosts) from `vm` to `next`, once transferBlocker allowed it. */
export function transferHold(model: VSphereModel, vm: VirtualMachine, next: VirtualMachine): void {
  if (vm.powerState !== 'poweredOn') return;
  releaseVm(model, vm);
  holdVm(model, next);
  moveMemory(model, next, vm.host);
}

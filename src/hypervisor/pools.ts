/**
 * Resource pools: CreateResourcePool and UpdateConfig (synchronous, as in vim25, with admission
 * control on the new reservation) and Destroy_Task (a task; the pool's VMs and child pools move to
 * its parent, as vSphere does).
 */
import { DuplicateNameError, InvalidArgumentError, InvalidStateError } from '../sim/errors.js';
import type { ResourcePoolId } from '../sim/ids.js';
import type { PoolNode } from './accounting.js';
import { applyAllocation, defaultAllocation, type AllocationSpec } from './allocation.js';
import type { VSphereModel } from './model.js';
import type { TaskRecord } from './tasks.js';
import type { ResourcePool } from './types.js';

/** CPU (MHz) and memory (MB) settings of a pool; omitted parts keep their value. */
export interface PoolSpec {
  readonly cpu?: AllocationSpec;
  readonly memory?: AllocationSpec;
}

/** The accounting view of a pool. */
export function poolNode(p: ResourcePool): PoolNode {
  return {
    id: p.id,
    name: p.name,
    parent: p.parent,
    reservation: { cpu: p.cpu.reservation, memory: p.memory.reservation },
    limit: { cpu: p.cpu.limit, memory: p.memory.limit },
    expandable: { cpu: p.cpu.expandableReservation, memory: p.memory.expandableReservation },
  };
}

/** Creates a child pool at once. @throws InsufficientResourcesError when the parent cannot grant its reservation. */
export function createPool(model: VSphereModel, parent: ResourcePoolId, name: string, spec: PoolSpec = {}): ResourcePool {
  const p = model.registry.get('ResourcePool', parent);
  checkPoolName(name);
  if (childPools(model, parent).some((c) => c.name === name)) throw new DuplicateNameError('ResourcePool', name, `pool ${p.name}`);
  const pool: ResourcePool = {
    id: model.ids.next('pool'),
    kind: 'ResourcePool',
    name,
    cluster: p.cluster,
    parent,
    cpu: applyAllocation(defaultAllocation('poolCpu'), spec.cpu, 'poolCpu', `pool '${name}' cpu`),
    memory: applyAllocation(defaultAllocation('poolMemory'), spec.memory, 'poolMemory', `pool '${name}' memory`),
  };
  const blocker = model.accounting.checkPoolChange(poolNode(pool));
  if (blocker) throw blocker;
  model.accounting.applyPoolChange(poolNode(pool));
  model.registry.put(pool);
  model.events.log({ type: 'ResourcePoolCreatedEvent', pool: pool.id, cluster: pool.cluster, fullFormattedMessage: `Created resource pool ${name} in ${p.name}` });
  return pool;
}

/** Changes a pool's settings at once (UpdateConfig), with admission control; optionally renames it. */
export function updatePool(model: VSphereModel, id: ResourcePoolId, spec: PoolSpec & { readonly name?: string }): ResourcePool {
  const p = model.registry.get('ResourcePool', id);
  if (p.parent === undefined) throw new InvalidStateError('InvalidState', id, 'root pool', `the root resource pool of a cluster cannot be reconfigured`);
  if (spec.name !== undefined && spec.name !== p.name) {
    checkPoolName(spec.name);
    if (childPools(model, p.parent).some((c) => c.name === spec.name)) throw new DuplicateNameError('ResourcePool', spec.name, 'the parent pool');
  }
  const next: ResourcePool = {
    ...p,
    name: spec.name ?? p.name,
    cpu: applyAllocation(p.cpu, spec.cpu, 'poolCpu', `pool '${p.name}' cpu`),
    memory: applyAllocation(p.memory, spec.memory, 'poolMemory', `pool '${p.name}' memory`),
  };
  const blocker = model.accounting.checkPoolChange(poolNode(next));
  if (blocker) throw blocker;
  model.accounting.applyPoolChange(poolNode(next));
  model.registry.update(next);
  model.events.log({ type: 'ResourcePoolReconfiguredEvent', pool: id, cluster: p.cluster, fullFormattedMessage: `Reconfigured resource pool ${next.name}` });
  return next;
}

/** Queues Destroy_Task on a pool: its VMs and child pools move up to its parent. */
export function destroyPool(model: VSphereModel, id: ResourcePoolId): TaskRecord {
  const p = model.registry.get('ResourcePool', id);
  if (p.parent === undefined) throw new InvalidStateError('InvalidState', id, 'root pool', 'the root resource pool of a cluster cannot be destroyed');
  return model.tasks.submit({
    descriptionId: 'ResourcePool.destroy',
    entity: id,
    entityName: p.name,
    lock: id,
    durationMs: model.calibration.latency.poolOpMs,
    execute: () => {
      applyDestroyPool(model, id);
      return id;
    },
  });
}

function applyDestroyPool(model: VSphereModel, id: ResourcePoolId): void {
  const p = model.registry.get('ResourcePool', id);
  const parent = p.parent!;
  const children = childPools(model, id);
  const parentNames = new Set(childPools(model, parent).map((c) => c.name));
  const clash = children.find((c) => parentNames.has(c.name));
  if (clash) throw new DuplicateNameError('ResourcePool', clash.name, `pool ${model.registry.get('ResourcePool', parent).name}`);
  for (const c of children) {
    const moved = { ...c, parent };
    model.accounting.movePool(poolNode(moved));
    model.registry.update(moved);
  }
  for (const vm of [...model.vmsInPool(id)].map((v) => model.registry.get('VirtualMachine', v))) {
    if (vm.powerState === 'poweredOn') {
      const need = model.vmReservation(vm);
      model.accounting.applyPool(id, { cpu: -need.cpu, memory: -need.memory });
      model.accounting.applyPool(parent, need);
    }
    model.registry.update({ ...vm, pool: parent });
  }
  model.accounting.removePool(id);
  model.registry.remove(id);
  model.events.log({ type: 'ResourcePoolDestroyedEvent', pool: id, cluster: p.cluster, fullFormattedMessage: `Removed resource pool ${p.name}` });
}

/** The direct child pools of a pool. O(pools). */
export function childPools(model: VSphereModel, id: ResourcePoolId): ResourcePool[] {
  return [...model.registry.all('ResourcePool')].filter((p) => p.parent === id);
}

function checkPoolName(name: unknown): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > 80 || /[\x00-\x1f]/.test(name)) {
    throw new InvalidArgumentError('name', `a resource pool name must be 1 to 80 printable characters, got ${JSON.stringify(name)}`);
  }
}

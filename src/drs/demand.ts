/**
 * What a VM asks of the cluster: its demand (calibration.md, DRS: "Memory demand = active + 25%
 * of idle consumed + overhead; CPU demand = run + ready"), its shares, and the bounds the
 * entitlement divvy keeps it within. Memory figures include the VM's overhead, which the host
 * always reserves, so reservations, limits, sizes and entitlements are all "guest + overhead".
 */
import { InvalidArgumentError } from '../sim/errors.js';
import { IDLE_MEMORY_DEMAND_FRACTION, SHARES_PER_UNIT_VM, SHARES_POOL } from './constants.js';
import type { CpuMem, PoolSnapshot, SharesSetting, VmSnapshot } from './snapshot.js';

/** CPU or memory. */
export type Resource = 'cpu' | 'memory';

/** CPU demand of a VM, MHz: run + ready. O(1). */
export function cpuDemandMHz(vm: VmSnapshot): number {
  return vm.demand.cpuRunMHz + vm.demand.cpuReadyMHz;
}

/**
 * Memory demand of a VM, MB: active + `idleFraction` × (consumed − active) + overhead. O(1).
 * @param idleFraction share of idle consumed memory that counts, in [0, 1] (default 25%).
 */
export function memoryDemandMB(vm: VmSnapshot, idleFraction = IDLE_MEMORY_DEMAND_FRACTION): number {
  if (!(idleFraction >= 0 && idleFraction <= 1)) throw new InvalidArgumentError('idleFraction', `idle memory fraction must be in [0, 1], got ${idleFraction}`);
  const { memActiveMB, memConsumedMB } = vm.demand;
  return memActiveMB + idleFraction * Math.max(0, memConsumedMB - memActiveMB) + vm.overheadMB;
}

/** Both demands of a VM. O(1). */
export function vmDemand(vm: VmSnapshot, idleFraction = IDLE_MEMORY_DEMAND_FRACTION): CpuMem {
  return { cpuMHz: cpuDemandMHz(vm), memoryMB: memoryDemandMB(vm, idleFraction) };
}

/** Shares of a VM for `resource`: the level's value per vCPU (CPU) or per configured MB (memory), or the custom count. */
export function vmShares(vm: VmSnapshot, resource: Resource): number {
  const setting = resource === 'cpu' ? vm.cpu.shares : vm.memory.shares;
  if (typeof setting === 'number') return checkCustom(setting, vm.id);
  return SHARES_PER_UNIT_VM[resource][setting] * (resource === 'cpu' ? vm.vcpus : vm.memoryMB);
}

/** Shares of a pool for `resource`: the level's fixed value or the custom count. */
export function poolShares(pool: PoolSnapshot, resource: Resource): number {
  const setting: SharesSetting = pool[resource].shares;
  if (typeof setting === 'number') return checkCustom(setting, pool.id);
  return SHARES_POOL[resource][setting];
}

function checkCustom(shares: number, owner: string): number {
  if (!(shares > 0) || !Number.isFinite(shares)) throw new InvalidArgumentError('shares', `${owner}: custom shares must be > 0, got ${shares}`);
  return shares;
}

/** The bounds of one resource of a VM, in the divvy's units (memory includes overhead). */
export interface VmBounds {
  /** Guaranteed amount. */
  readonly reservation: number;
  /** Upper bound (Infinity when unlimited). */
  readonly limit: number;
  /** The most the VM can use: vCPUs × core speed, or configured memory + overhead. */
  readonly size: number;
  /** Demand, not capped. */
  readonly demand: number;
}

/**
 * Bounds of `resource` of `vm` on a host whose cores run at `coreMHz`. O(1).
 * @throws InvalidArgumentError when a limit is below its reservation.
 */
export function vmBounds(vm: VmSnapshot, resource: Resource, coreMHz: number, idleFraction = IDLE_MEMORY_DEMAND_FRACTION): VmBounds {
  const alloc = resource === 'cpu' ? vm.cpu : vm.memory;
  if (alloc.limit !== undefined && alloc.limit < alloc.reservation) {
    throw new InvalidArgumentError('limit', `${vm.id}: ${resource} limit ${alloc.limit} is below its reservation ${alloc.reservation}`);
  }
  const extra = resource === 'memory' ? vm.overheadMB : 0;
  return {
    reservation: alloc.reservation + extra,
    limit: alloc.limit === undefined ? Infinity : alloc.limit + extra,
    size: resource === 'cpu' ? vm.vcpus * coreMHz : vm.memoryMB + extra,
    demand: resource === 'cpu' ? cpuDemandMHz(vm) : memoryDemandMB(vm, idleFraction),
  };
}

/**
 * The entitlement a VM would get with no contention: demand capped by its size and limit,
 * floored by its reservation. Placement uses it for a VM the divvy has not seen yet. O(1).
 */
export function uncontendedEntitlement(bounds: VmBounds): number {
  return Math.max(bounds.reservation, Math.min(bounds.limit, bounds.size, bounds.demand));
}

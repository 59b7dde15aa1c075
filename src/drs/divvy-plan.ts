/**
 * The entitlement divvy of entitlement.ts as a reusable plan: the resource pool tree, every
 * node's shares, reservation and limit resolved once into typed arrays, then {@link DivvyPlan.run}
 * divides both resources for the VMs' current demand and core speeds, without an object per VM
 * or a sort with a comparator. A persistent DRS session (session.ts) keeps one plan across passes;
 * computeEntitlementVectors builds one per call. Same arithmetic in the same order as the tree
 * walk it replaces: children are visited as the snapshot lists them (child pools in pool order,
 * then VMs in VM order), so every entitlement is the same to the bit.
 */
import { InvalidArgumentError, NotFoundError } from '../sim/errors.js';
import { poolShares, vmShares, type Resource } from './demand.js';
import type { ClusterSnapshot, VmSnapshot } from './snapshot.js';
import type { DemandColumns } from './demand-columns.js';
import { WaterFiller } from './waterfill-radix.js';

/** Static figures of one resource: per pool and per VM (VM memory figures include overhead). */
interface ResourcePlan {
  readonly resource: Resource;
  readonly poolWeight: Float64Array;
  readonly poolReservation: Float64Array;
  readonly poolLimit: Float64Array;
  readonly poolExpandable: Uint8Array;
  readonly vmWeight: Float64Array;
  readonly vmReservation: Float64Array;
  readonly vmLimit: Float64Array;
}

/** Per-node working values of one run (pools then VMs by slot). */
interface NodeValues {
  readonly poolFloor: Float64Array;
  readonly poolCap: Float64Array;
  readonly poolSize: Float64Array;
  readonly vmCap: Float64Array;
  readonly vmSize: Float64Array;
}

/** Below this many MHz or MB a pool's leftover is rounding, not unused reservation. */
const LEFTOVER_EPSILON = 1e-9;

/**
 * The water-filling scratch every plan divides with: a divide fills its inputs, runs and reads its
 * output before the next one starts (plans run synchronously, and #distribute copies what it
 * recurses on), so one set of buffers sized to the largest divide serves every plan, where a
 * filler per plan kept buffers for each cluster's VMs (≈ 100 B per VM in a 10k-VM run of 4 clusters).
 */
const FILLER = new WaterFiller();

/** A divvy plan of one snapshot's pool tree and VM settings; runs any number of times for new demand. */
export class DivvyPlan {
  readonly #root: number;
  /** Child pools and child VMs of each pool, in the order the divvy visits them. */
  readonly #childPools: Int32Array[];
  readonly #childVms: Int32Array[];
  /** Pools reachable from the root, children before parents. */
  readonly #postOrder: Int32Array;
  readonly #plans: readonly [ResourcePlan, ResourcePlan];
  readonly #vcpus: Float64Array;
  readonly #memorySize: Float64Array;
  readonly #overhead: Float64Array;
  readonly #values: NodeValues;
  /** What the last memory split was computed from; a run with the same inputs leaves the memory out arrays as they are. */
  #lastMemory: { columns: DemandColumns; version: number; capacity: number; idleFraction: number; twoPass: boolean; vmOut: Float64Array; poolOut: Float64Array } | undefined;
  /** Index in the snapshot's hosts of each VM's host (resolved at planning; a session tracks moves itself). */
  readonly vmHostSlot: Int32Array;

  /**
   * A plan of `snapshot`'s pools and VMs (their pool, shares, reservations, limits, vCPUs and
   * memory; not their demand or host). O(V + P).
   * Preconditions and errors: as computeEntitlementVectors — NotFoundError for a dangling root,
   * parent or VM pool; InvalidArgumentError for a cycle, a limit below its reservation or bad
   * custom shares, raised in the order the tree walk of entitlement.ts raised them.
   */
  constructor(snapshot: ClusterSnapshot) {
    const p = snapshot.pools.length;
    const v = snapshot.vms.length;
    const cpu = resourcePlan(snapshot, 'cpu');
    const poolSlots = new Map<string, number>();
    snapshot.pools.forEach((pool, slot) => poolSlots.set(pool.id, slot));
    const root = poolSlots.get(snapshot.rootPool);
    if (root === undefined) throw new NotFoundError('ResourcePool', snapshot.rootPool);
    this.#root = root;
    const childPools: number[][] = snapshot.pools.map(() => []);
    snapshot.pools.forEach((pool, slot) => {
      if (pool.id === snapshot.rootPool) return;
      const parent = pool.parent === undefined ? undefined : poolSlots.get(pool.parent);
      if (parent === undefined) throw new NotFoundError('ResourcePool', pool.parent ?? `(parent of ${pool.id})`);
      childPools[parent]!.push(slot);
    });
    this.#childPools = childPools.map((c) => Int32Array.from(c));
    this.vmHostSlot = resolveVmHosts(snapshot, poolSlots);
    const childVms: number[][] = snapshot.pools.map(() => []);
    for (let i = 0; i < v; i++) childVms[poolSlots.get(snapshot.vms[i]!.pool)!]!.push(i);
    this.#childVms = childVms.map((c) => Int32Array.from(c));
    fillVmPlan(snapshot.vms, cpu);
    this.#postOrder = this.#orderPools(p, snapshot.rootPool);
    const memory = resourcePlan(snapshot, 'memory');
    fillVmPlan(snapshot.vms, memory);
    this.#plans = [cpu, memory];
    this.#vcpus = new Float64Array(v);
    this.#overhead = new Float64Array(v);
    this.#memorySize = new Float64Array(v);
    for (let i = 0; i < v; i++) {
      const vm = snapshot.vms[i]!;
      this.#vcpus[i] = vm.vcpus;
      this.#overhead[i] = vm.overheadMB;
      this.#memorySize[i] = vm.memoryMB + vm.overheadMB;
    }
    this.#values = { poolFloor: new Float64Array(p), poolCap: new Float64Array(p), poolSize: new Float64Array(p), vmCap: new Float64Array(v), vmSize: new Float64Array(v) };
  }

  /** Pools reachable from the root, children first. @throws InvalidArgumentError when some pool is not (a parent cycle). */
  #orderPools(p: number, rootId: string): Int32Array {
    const order = new Int32Array(p);
    let n = 0;
    const visit = (slot: number): void => {
      for (const c of this.#childPools[slot]!) visit(c);
      order[n++] = slot;
    };
    visit(this.#root);
    if (n !== p) throw new InvalidArgumentError('pools', `${p - n} resource pool(s) do not descend from the root ${rootId} (a parent cycle)`);
    return order;
  }

  /**
   * Divides `capacity` (CPU MHz, memory MB) for the planned VMs' `demand` (their columns, plan
   * order) on hosts whose cores run at `coreMHz[i]`, writing each VM's and pool's entitlement
   * into the out arrays (VM i, pool j in snapshot order). O(V + P) plus the water fills,
   * O(children) each (radix-ordered, waterfill-radix.ts). When the memory columns (their
   * memoryVersion), capacity, options and memory out arrays are those of the last run, the memory
   * split is not redone: the out arrays still hold it. Preconditions: `demand` has a row per
   * planned VM, out arrays sized V and P, and only this plan writes the memory out arrays.
   */
  run(demand: DemandColumns, coreMHz: Float64Array, capacityCpu: number, capacityMemory: number, idleFraction: number, twoPass: boolean, out: { vmCpu: Float64Array; vmMemory: Float64Array; poolCpu: Float64Array; poolMemory: Float64Array }): void {
    const cpu = this.#plans[0];
    const v = demand.length;
    if (v > 0 && !(idleFraction >= 0 && idleFraction <= 1)) throw new InvalidArgumentError('idleFraction', `idle memory fraction must be in [0, 1], got ${idleFraction}`);
    const { cpuRunMHz, cpuReadyMHz, memActiveMB, memConsumedMB } = demand;
    for (let i = 0; i < v; i++) this.#setVm(cpu, i, cpu.vmReservation[i]!, this.#vcpus[i]! * coreMHz[i]!, cpuRunMHz[i]! + cpuReadyMHz[i]!);
    this.#summarize(cpu);
    out.poolCpu[this.#root] = capacityCpu;
    this.#distribute(cpu, this.#root, capacityCpu, twoPass, out.vmCpu, out.poolCpu);
    const last = this.#lastMemory;
    if (last?.columns === demand && last.version === demand.memoryVersion && last.capacity === capacityMemory && last.idleFraction === idleFraction && last.twoPass === twoPass && last.vmOut === out.vmMemory && last.poolOut === out.poolMemory) return;
    this.#lastMemory = { columns: demand, version: demand.memoryVersion, capacity: capacityMemory, idleFraction, twoPass, vmOut: out.vmMemory, poolOut: out.poolMemory };
    const memory = this.#plans[1];
    for (let i = 0; i < v; i++) {
      const active = memActiveMB[i]!;
      this.#setVm(memory, i, memory.vmReservation[i]!, this.#memorySize[i]!, active + idleFraction * Math.max(0, memConsumedMB[i]! - active) + this.#overhead[i]!);
    }
    this.#summarize(memory);
    out.poolMemory[this.#root] = capacityMemory;
    this.#distribute(memory, this.#root, capacityMemory, twoPass, out.vmMemory, out.poolMemory);
  }

  /** A VM's demand cap and size for this run, as entitlement.ts's buildTree computed them. */
  #setVm(plan: ResourcePlan, i: number, reservation: number, size: number, demand: number): void {
    const limit = plan.vmLimit[i]!;
    this.#values.vmSize[i] = Math.max(reservation, Math.min(size, limit));
    this.#values.vmCap[i] = Math.max(reservation, Math.min(limit, size, demand));
  }

  /** Bottom-up: each pool's effective reservation, demand cap and size from its children (pools, then VMs). O(V + P). */
  #summarize(plan: ResourcePlan): void {
    const { poolFloor, poolCap, poolSize, vmCap, vmSize } = this.#values;
    for (const j of this.#postOrder) {
      let floors = 0;
      let demand = 0;
      let sizes = 0;
      for (const c of this.#childPools[j]!) {
        floors += poolFloor[c]!;
        demand += poolCap[c]!;
        sizes += poolSize[c]!;
      }
      for (const c of this.#childVms[j]!) {
        floors += plan.vmReservation[c]!;
        demand += vmCap[c]!;
        sizes += vmSize[c]!;
      }
      const limit = plan.poolLimit[j]!;
      let floor = plan.poolReservation[j]!;
      if (plan.poolExpandable[j]) floor = Math.max(floor, floors);
      floor = Math.min(floor, limit);
      poolFloor[j] = floor;
      poolCap[j] = Math.max(floor, Math.min(limit, demand));
      poolSize[j] = Math.max(floor, Math.min(limit, sizes));
    }
  }

  /** Top-down: divides `entitlement` of pool `j` among its children (two passes inside non-root pools when asked). */
  #distribute(plan: ResourcePlan, j: number, entitlement: number, twoPass: boolean, vmOut: Float64Array, poolOut: Float64Array): void {
    const pools = this.#childPools[j]!;
    const vms = this.#childVms[j]!;
    const np = pools.length;
    const n = np + vms.length;
    if (n === 0) return;
    const { poolFloor, poolCap, poolSize, vmCap, vmSize } = this.#values;
    const f = FILLER;
    f.reserve(n);
    for (let i = 0; i < np; i++) {
      const c = pools[i]!;
      f.floor[i] = poolFloor[c]!;
      f.cap[i] = poolCap[c]!;
      f.weight[i] = plan.poolWeight[c]!;
    }
    for (let i = np; i < n; i++) {
      const c = vms[i - np]!;
      f.floor[i] = plan.vmReservation[c]!;
      f.cap[i] = vmCap[c]!;
      f.weight[i] = plan.vmWeight[c]!;
    }
    f.fill(n, entitlement);
    if (twoPass && j !== this.#root) {
      let given = 0;
      for (let i = 0; i < n; i++) given += f.out[i]!;
      if (entitlement - given > LEFTOVER_EPSILON * Math.max(1, entitlement)) {
        for (let i = 0; i < n; i++) f.cap[i] = Math.max(f.out[i]!, i < np ? poolSize[pools[i]!]! : vmSize[vms[i - np]!]!);
        for (let i = 0; i < n; i++) f.floor[i] = f.out[i]!;
        f.fill(n, entitlement);
      }
    }
    for (let i = np; i < n; i++) vmOut[vms[i - np]!] = f.out[i]!;
    if (np === 0) return;
    const amounts = f.out.slice(0, np);
    for (let i = 0; i < np; i++) {
      poolOut[pools[i]!] = amounts[i]!;
      this.#distribute(plan, pools[i]!, amounts[i]!, twoPass, vmOut, poolOut);
    }
  }
}

/**
 * Each VM's host slot, in VM order. @throws NotFoundError for a VM's unknown pool (checked first)
 * or host; with duplicate host ids the last one listed wins, as a Map built in order would.
 */
function resolveVmHosts(snapshot: ClusterSnapshot, poolSlots: ReadonlyMap<string, number>): Int32Array {
  const hostSlots = new Map<string, number>();
  snapshot.hosts.forEach((h, slot) => hostSlots.set(h.id, slot));
  const out = new Int32Array(snapshot.vms.length);
  for (let i = 0; i < out.length; i++) {
    const vm = snapshot.vms[i]!;
    if (!poolSlots.has(vm.pool)) throw new NotFoundError('ResourcePool', vm.pool);
    const host = hostSlots.get(vm.host);
    if (host === undefined) throw new NotFoundError('HostSystem', vm.host);
    out[i] = host;
  }
  return out;
}

/** A resource plan with the pools' figures filled in and room for the VMs'. @throws InvalidArgumentError for bad custom pool shares. */
function resourcePlan(snapshot: ClusterSnapshot, resource: Resource): ResourcePlan {
  const pools = snapshot.pools;
  const v = snapshot.vms.length;
  return {
    resource,
    poolWeight: Float64Array.from(pools, (p) => poolShares(p, resource)),
    poolReservation: Float64Array.from(pools, (p) => p[resource].reservation),
    poolLimit: Float64Array.from(pools, (p) => p[resource].limit ?? Infinity),
    poolExpandable: Uint8Array.from(pools, (p) => (p[resource].expandable ? 1 : 0)),
    vmWeight: new Float64Array(v),
    vmReservation: new Float64Array(v),
    vmLimit: new Float64Array(v),
  };
}

/** Fills the VMs' shares, reservations and limits of `plan` (memory with overhead). @throws InvalidArgumentError for a limit below its reservation or bad custom shares. */
function fillVmPlan(vms: readonly VmSnapshot[], plan: ResourcePlan): void {
  const memory = plan.resource === 'memory';
  for (let i = 0; i < vms.length; i++) {
    const vm = vms[i]!;
    const alloc = memory ? vm.memory : vm.cpu;
    if (alloc.limit !== undefined && alloc.limit < alloc.reservation) {
      throw new InvalidArgumentError('limit', `${vm.id}: ${plan.resource} limit ${alloc.limit} is below its reservation ${alloc.reservation}`);
    }
    const extra = memory ? vm.overheadMB : 0;
    plan.vmReservation[i] = alloc.reservation + extra;
    plan.vmLimit[i] = alloc.limit === undefined ? Infinity : alloc.limit + extra;
    plan.vmWeight[i] = vmShares(vm, plan.resource);
  }
}

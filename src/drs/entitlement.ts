/**
 * Entitlement: the divvy of the cluster's capacity down the resource pool tree (calibration.md,
 * DRS). For each resource separately:
 *
 * - bottom-up, every node gets an effective reservation R' (a VM: its reservation; a pool: its
 *   reservation, or, when expandable, the larger of it and its children's R' — the part above
 *   its own reservation is borrowed from the parent's unreserved capacity), a demand cap
 *   ê = max(R', min(limit, demand)) (a pool's demand is the sum of its children's ê) and a size
 *   (a VM's vCPUs × core speed or configured memory + overhead; a pool's children's sizes
 *   within its limit);
 * - top-down, the root gets the cluster's capacity and every node divides what it got among its
 *   children by max-min water filling: child c gets clamp(λ·shares_c, R'_c, ê_c). So
 *   reservation ≤ E ≤ min(limit, demand) whenever the reservations fit.
 *
 * The vSphere 6.7 two-pass mode adds, inside every non-root pool, a second pass: what the pool
 * got but its children's demand left over (its unused reservation) is divided again by shares,
 * each child now capped at its size instead of its demand.
 */
import type { ResourcePoolId, VmId } from '../sim/ids.js';
import { IDLE_MEMORY_DEMAND_FRACTION } from './constants.js';
import { DemandColumns } from './demand-columns.js';
import { DivvyPlan } from './divvy-plan.js';
import type { ClusterSnapshot, CpuMem } from './snapshot.js';
import { hostRunsVms } from './snapshot.js';

/** Options of {@link computeEntitlements}. */
export interface EntitlementOptions {
  /** vSphere 6.7 two-pass divvy of pool reservations (default false: the classic model). */
  readonly twoPass?: boolean;
  /** Share of idle consumed memory counted as demand (default 25%). */
  readonly idleMemoryFraction?: number;
  /** Capacity the root divides; default: the sum over hosts that run VMs (connected or in maintenance). */
  readonly capacity?: CpuMem;
}

/** Entitlements of every VM and pool, CPU MHz and memory MB (memory includes overhead). */
export interface Entitlements {
  readonly vms: ReadonlyMap<VmId, CpuMem>;
  readonly pools: ReadonlyMap<ResourcePoolId, CpuMem>;
}

/** Entitlements as arrays in snapshot order: VM i of `snapshot.vms`, pool j of `snapshot.pools`. */
export interface EntitlementVectors {
  readonly vmCpu: Float64Array;
  readonly vmMemory: Float64Array;
  readonly poolCpu: Float64Array;
  readonly poolMemory: Float64Array;
}

/**
 * Entitlements of all VMs and pools of `snapshot`. O(V + P), the water fills included
 * (radix-ordered, divvy-plan.ts).
 * Preconditions: every VM's pool and every pool's parent exist, the pools form a tree under
 * `rootPool`, and every VM's host is in `hosts`.
 * @throws NotFoundError for a dangling pool or host id; InvalidArgumentError for a pool outside the root's tree (a cycle) or a limit below its reservation.
 */
export function computeEntitlements(snapshot: ClusterSnapshot, options: EntitlementOptions = {}): Entitlements {
  return entitlementMaps(snapshot, computeEntitlementVectors(snapshot, options));
}

/**
 * {@link computeEntitlements} as arrays in snapshot order, without a Map or an object per VM:
 * what a balancing pass reads. Same values to the bit. O(V + P) plus the water fills.
 * Preconditions and errors: as computeEntitlements.
 */
export function computeEntitlementVectors(snapshot: ClusterSnapshot, options: EntitlementOptions = {}): EntitlementVectors {
  const capacity = options.capacity ?? clusterCapacity(snapshot);
  const out = { vmCpu: new Float64Array(snapshot.vms.length), vmMemory: new Float64Array(snapshot.vms.length), poolCpu: new Float64Array(snapshot.pools.length), poolMemory: new Float64Array(snapshot.pools.length) };
  const plan = new DivvyPlan(snapshot);
  const coreMHz = new Float64Array(snapshot.vms.length);
  for (let i = 0; i < coreMHz.length; i++) coreMHz[i] = snapshot.hosts[plan.vmHostSlot[i]!]!.coreMHz;
  plan.run(new DemandColumns(snapshot.vms), coreMHz, capacity.cpuMHz, capacity.memoryMB, options.idleMemoryFraction ?? IDLE_MEMORY_DEMAND_FRACTION, options.twoPass ?? false, out);
  return out;
}

/** The maps of {@link Entitlements} from vectors of `snapshot`. O(V + P). */
export function entitlementMaps(snapshot: Pick<ClusterSnapshot, 'vms' | 'pools'>, vectors: EntitlementVectors): Entitlements {
  const vms = new Map<VmId, CpuMem>();
  snapshot.vms.forEach((vm, i) => vms.set(vm.id, { cpuMHz: vectors.vmCpu[i]!, memoryMB: vectors.vmMemory[i]! }));
  const pools = new Map<ResourcePoolId, CpuMem>();
  snapshot.pools.forEach((pool, j) => pools.set(pool.id, { cpuMHz: vectors.poolCpu[j]!, memoryMB: vectors.poolMemory[j]! }));
  return { vms, pools };
}

/** Capacity of the hosts that run VMs (connected or in maintenance). O(hosts). */
export function clusterCapacity(snapshot: ClusterSnapshot): CpuMem {
  let cpuMHz = 0;
  let memoryMB = 0;
  for (const h of snapshot.hosts) {
    if (!hostRunsVms(h.state)) continue;
    cpuMHz += h.cpuMHz;
    memoryMB += h.memoryMB;
  }
  return { cpuMHz, memoryMB };
}

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
import { InvalidArgumentError, NotFoundError } from '../sim/errors.js';
import { IDLE_MEMORY_DEMAND_FRACTION } from './constants.js';
import { poolShares, vmBounds, vmShares, type Resource } from './demand.js';
import type { ClusterSnapshot, CpuMem } from './snapshot.js';
import { hostRunsVms } from './snapshot.js';
import { waterFill } from './waterfill.js';

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

/** One node of the divvy tree for one resource. */
interface DivvyNode {
  readonly id: string;
  readonly isPool: boolean;
  readonly expandable: boolean;
  readonly children: DivvyNode[];
  readonly weight: number;
  floor: number;
  cap: number;
  size: number;
  entitlement: number;
}

/**
 * Entitlements of all VMs and pools of `snapshot`. O(V + P) plus the water fills,
 * O(Σ children·log children) in all.
 * Preconditions: every VM's pool and every pool's parent exist, the pools form a tree under
 * `rootPool`, and every VM's host is in `hosts`.
 * @throws NotFoundError for a dangling pool or host id; InvalidArgumentError for a pool outside the root's tree (a cycle) or a limit below its reservation.
 */
export function computeEntitlements(snapshot: ClusterSnapshot, options: EntitlementOptions = {}): Entitlements {
  const capacity = options.capacity ?? clusterCapacity(snapshot);
  const cpu = divvy(snapshot, 'cpu', capacity.cpuMHz, options);
  const memory = divvy(snapshot, 'memory', capacity.memoryMB, options);
  const vms = new Map<VmId, CpuMem>();
  for (const vm of snapshot.vms) vms.set(vm.id, { cpuMHz: cpu.get(vm.id)!, memoryMB: memory.get(vm.id)! });
  const pools = new Map<ResourcePoolId, CpuMem>();
  for (const p of snapshot.pools) pools.set(p.id, { cpuMHz: cpu.get(p.id) ?? 0, memoryMB: memory.get(p.id) ?? 0 });
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

/** Entitlement by node id for one resource. */
function divvy(snapshot: ClusterSnapshot, resource: Resource, capacity: number, options: EntitlementOptions): Map<string, number> {
  const root = buildTree(snapshot, resource, options.idleMemoryFraction ?? IDLE_MEMORY_DEMAND_FRACTION);
  const reached = summarize(root);
  if (reached !== snapshot.pools.length) throw new InvalidArgumentError('pools', `${snapshot.pools.length - reached} resource pool(s) do not descend from the root ${snapshot.rootPool} (a parent cycle)`);
  root.entitlement = capacity;
  const out = new Map<string, number>();
  distribute(root, true, options.twoPass ?? false, out);
  return out;
}

/** The tree of pools and VMs for `resource`, with the VMs' bounds filled in. */
function buildTree(snapshot: ClusterSnapshot, resource: Resource, idleFraction: number): DivvyNode {
  const pools = new Map<string, DivvyNode>();
  for (const p of snapshot.pools) {
    const alloc = p[resource];
    const node: DivvyNode = { id: p.id, isPool: true, expandable: alloc.expandable, children: [], weight: poolShares(p, resource), floor: alloc.reservation, cap: alloc.limit ?? Infinity, size: 0, entitlement: 0 };
    pools.set(p.id, node);
  }
  const root = pools.get(snapshot.rootPool);
  if (!root) throw new NotFoundError('ResourcePool', snapshot.rootPool);
  for (const p of snapshot.pools) {
    if (p.id === snapshot.rootPool) continue;
    const parent = p.parent === undefined ? undefined : pools.get(p.parent);
    if (!parent) throw new NotFoundError('ResourcePool', p.parent ?? `(parent of ${p.id})`);
    parent.children.push(pools.get(p.id)!);
  }
  const coreMHz = new Map(snapshot.hosts.map((h) => [h.id as string, h.coreMHz]));
  for (const vm of snapshot.vms) {
    const parent = pools.get(vm.pool);
    if (!parent) throw new NotFoundError('ResourcePool', vm.pool);
    const core = coreMHz.get(vm.host);
    if (core === undefined) throw new NotFoundError('HostSystem', vm.host);
    const b = vmBounds(vm, resource, core, idleFraction);
    const size = Math.max(b.reservation, Math.min(b.size, b.limit));
    const cap = Math.max(b.reservation, Math.min(b.limit, b.size, b.demand));
    parent.children.push({ id: vm.id, isPool: false, expandable: false, children: [], weight: vmShares(vm, resource), floor: b.reservation, cap, size, entitlement: 0 });
  }
  return root;
}

/**
 * Bottom-up: a pool's floor becomes its effective reservation, its cap its demand cap, its size
 * the sum of its children's sizes within its limit. VMs (leaves) already hold theirs. Returns
 * the number of pools reached.
 */
function summarize(node: DivvyNode): number {
  if (!node.isPool) return 0;
  let reached = 1;
  let floors = 0;
  let demand = 0;
  let sizes = 0;
  for (const c of node.children) {
    reached += summarize(c);
    floors += c.floor;
    demand += c.cap;
    sizes += c.size;
  }
  const limit = node.cap;
  if (node.expandable) node.floor = Math.max(node.floor, floors);
  node.floor = Math.min(node.floor, limit);
  node.cap = Math.max(node.floor, Math.min(limit, demand));
  node.size = Math.max(node.floor, Math.min(limit, sizes));
  return reached;
}

/** Below this many MHz or MB a pool's leftover is rounding, not unused reservation. */
const LEFTOVER_EPSILON = 1e-9;

/** Top-down: divides `node.entitlement` among its children (two passes inside non-root pools when asked) and records every entitlement. */
function distribute(node: DivvyNode, isRoot: boolean, twoPass: boolean, out: Map<string, number>): void {
  out.set(node.id, node.entitlement);
  const children = node.children;
  if (children.length === 0) return;
  let amounts = waterFill(children.map((c) => ({ floor: c.floor, cap: c.cap, weight: c.weight })), node.entitlement);
  if (twoPass && !isRoot) {
    const given = amounts.reduce((a, b) => a + b, 0);
    if (node.entitlement - given > LEFTOVER_EPSILON * Math.max(1, node.entitlement)) {
      const first = amounts;
      amounts = waterFill(children.map((c, i) => ({ floor: first[i]!, cap: Math.max(first[i]!, c.size), weight: c.weight })), node.entitlement);
    }
  }
  children.forEach((c, i) => {
    c.entitlement = amounts[i]!;
    distribute(c, false, twoPass, out);
  });
}

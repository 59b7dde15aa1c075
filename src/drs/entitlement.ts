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
import { waterFillInto } from './waterfill.js';

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

/** One node of the divvy tree for one resource; `slot` is its index among the snapshot's VMs or pools. */
interface DivvyNode {
  readonly slot: number;
  readonly isPool: boolean;
  readonly expandable: boolean;
  readonly children: DivvyNode[];
  readonly weight: number;
  floor: number;
  cap: number;
  size: number;
  entitlement: number;
}

/** The children of every VM node: none (shared, never grown). */
const NO_CHILDREN: DivvyNode[] = [];

/**
 * Entitlements of all VMs and pools of `snapshot`. O(V + P) plus the water fills,
 * O(Σ children·log children) in all.
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
  const v = snapshot.vms.length;
  const p = snapshot.pools.length;
  const out = { vmCpu: new Float64Array(v), vmMemory: new Float64Array(v), poolCpu: new Float64Array(p), poolMemory: new Float64Array(p) };
  const places: VmPlaces = { poolSlot: new Int32Array(v), coreMHz: new Float64Array(v), resolved: false };
  divvy(snapshot, 'cpu', capacity.cpuMHz, options, places, out.vmCpu, out.poolCpu);
  divvy(snapshot, 'memory', capacity.memoryMB, options, places, out.vmMemory, out.poolMemory);
  return out;
}

/** The maps of {@link Entitlements} from vectors of `snapshot`. O(V + P). */
export function entitlementMaps(snapshot: ClusterSnapshot, vectors: EntitlementVectors): Entitlements {
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

/** Where each VM sits, resolved once per pass and shared by both resources: its pool's slot and its host's core speed. */
interface VmPlaces {
  readonly poolSlot: Int32Array;
  readonly coreMHz: Float64Array;
  resolved: boolean;
}

/** Divides one resource, writing each VM's and each pool's entitlement into its slot. */
function divvy(snapshot: ClusterSnapshot, resource: Resource, capacity: number, options: EntitlementOptions, places: VmPlaces, vmOut: Float64Array, poolOut: Float64Array): void {
  const root = buildTree(snapshot, resource, options.idleMemoryFraction ?? IDLE_MEMORY_DEMAND_FRACTION, places);
  const reached = summarize(root);
  if (reached !== snapshot.pools.length) throw new InvalidArgumentError('pools', `${snapshot.pools.length - reached} resource pool(s) do not descend from the root ${snapshot.rootPool} (a parent cycle)`);
  root.entitlement = capacity;
  distribute(root, true, options.twoPass ?? false, vmOut, poolOut);
}

/** The tree of pools and VMs for `resource`, with the VMs' bounds filled in; resolves `places` on the first call. O(V + P). */
function buildTree(snapshot: ClusterSnapshot, resource: Resource, idleFraction: number, places: VmPlaces): DivvyNode {
  const poolSlots = new Map<string, number>();
  const nodes = snapshot.pools.map((p, slot): DivvyNode => {
    const alloc = p[resource];
    poolSlots.set(p.id, slot);
    return { slot, isPool: true, expandable: alloc.expandable, children: [], weight: poolShares(p, resource), floor: alloc.reservation, cap: alloc.limit ?? Infinity, size: 0, entitlement: 0 };
  });
  const node = (id: string | undefined): DivvyNode | undefined => (id === undefined ? undefined : nodes[poolSlots.get(id) ?? -1]);
  const root = node(snapshot.rootPool);
  if (!root) throw new NotFoundError('ResourcePool', snapshot.rootPool);
  snapshot.pools.forEach((p, slot) => {
    if (p.id === snapshot.rootPool) return;
    const parent = node(p.parent);
    if (!parent) throw new NotFoundError('ResourcePool', p.parent ?? `(parent of ${p.id})`);
    parent.children.push(nodes[slot]!);
  });
  if (!places.resolved) resolvePlaces(snapshot, poolSlots, places);
  const { poolSlot, coreMHz } = places;
  snapshot.vms.forEach((vm, slot) => {
    const b = vmBounds(vm, resource, coreMHz[slot]!, idleFraction);
    const size = Math.max(b.reservation, Math.min(b.size, b.limit));
    const cap = Math.max(b.reservation, Math.min(b.limit, b.size, b.demand));
    nodes[poolSlot[slot]!]!.children.push({ slot, isPool: false, expandable: false, children: NO_CHILDREN, weight: vmShares(vm, resource), floor: b.reservation, cap, size, entitlement: 0 });
  });
  return root;
}

/** Fills `places` from the pool slots and the hosts, in VM order. O(V + H). @throws NotFoundError for a VM's unknown pool or host. */
function resolvePlaces(snapshot: ClusterSnapshot, poolSlots: ReadonlyMap<string, number>, places: VmPlaces): void {
  const coreOf = new Map(snapshot.hosts.map((h) => [h.id as string, h.coreMHz]));
  snapshot.vms.forEach((vm, slot) => {
    const pool = poolSlots.get(vm.pool);
    if (pool === undefined) throw new NotFoundError('ResourcePool', vm.pool);
    const core = coreOf.get(vm.host);
    if (core === undefined) throw new NotFoundError('HostSystem', vm.host);
    places.poolSlot[slot] = pool;
    places.coreMHz[slot] = core;
  });
  places.resolved = true;
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

/** Top-down: divides `node.entitlement` among its children (two passes inside non-root pools when asked) and records every entitlement in its slot. O(children · log children) per node. */
function distribute(node: DivvyNode, isRoot: boolean, twoPass: boolean, vmOut: Float64Array, poolOut: Float64Array): void {
  (node.isPool ? poolOut : vmOut)[node.slot] = node.entitlement;
  const children = node.children;
  const n = children.length;
  if (n === 0) return;
  const floor = new Float64Array(n);
  const cap = new Float64Array(n);
  const weight = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    floor[i] = children[i]!.floor;
    cap[i] = children[i]!.cap;
    weight[i] = children[i]!.weight;
  }
  const amounts = new Float64Array(n);
  waterFillInto(floor, cap, weight, node.entitlement, amounts);
  if (twoPass && !isRoot) {
    let given = 0;
    for (let i = 0; i < n; i++) given += amounts[i]!;
    if (node.entitlement - given > LEFTOVER_EPSILON * Math.max(1, node.entitlement)) {
      for (let i = 0; i < n; i++) cap[i] = Math.max(amounts[i]!, children[i]!.size);
      floor.set(amounts);
      waterFillInto(floor, cap, weight, node.entitlement, amounts);
    }
  }
  for (let i = 0; i < n; i++) {
    children[i]!.entitlement = amounts[i]!;
    distribute(children[i]!, false, twoPass, vmOut, poolOut);
  }
}

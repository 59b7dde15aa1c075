/**
 * The model a capacity run drives: one datacenter per scenario cluster (so each cluster's VMs
 * land on its own shared datastore), its hosts, and one resource pool per VCH with the VCH's
 * CPU and memory settings. Built at once (set-up operations, no simulated time passes).
 */
import type { Calibration } from '../../sim/calibration.js';
import type { ClusterId, HostId, ResourcePoolId } from '../../sim/ids.js';
import { addCluster, addDatacenter, addDatastore, addHost } from '../../hypervisor/inventory.js';
import { VSphereModel } from '../../hypervisor/model.js';
import { createPool } from '../../hypervisor/pools.js';
import type { Allocation } from '../../hypervisor/types.js';
import type { AllocationSpec } from '../../hypervisor/allocation.js';
import type { HostInfo } from '../report/result.js';
import type { Scenario, VchSpec } from '../scenario/types.js';

/** A VCH as the runner tracks it: its pool and how many containers it runs or is starting. */
export interface VchRuntime {
  readonly spec: VchSpec;
  readonly cluster: ClusterId;
  readonly pool: ResourcePoolId;
  /** The cluster's root pool, where provisioning sources (templates, images) live. */
  readonly rootPool: ResourcePoolId;
  /** Containers running or being provisioned (what maxContainers limits). */
  active: number;
}

/** The built model and the handles the runner needs, in scenario order. */
export interface CapacityInventory {
  readonly model: VSphereModel;
  /** Model cluster ids in the order of scenario.clusters. */
  readonly clusters: readonly ClusterId[];
  /** The scenario's cluster names, in the same order. */
  readonly clusterNames: readonly string[];
  /** Every host in scenario order (clusters, then hosts), with its model id. */
  readonly hosts: readonly (HostInfo & { readonly id: HostId })[];
  readonly vchs: ReadonlyMap<string, VchRuntime>;
}

/**
 * Events a run's model keeps in its history. The run reads none (it follows the model through the
 * registry, task completions and DRS's and HA's own records); a tool inspecting the model after
 * the run sees the latest 1,000, the page vcsim's EventManager keeps (maxPageSize 1000). The
 * model's default of 10,000 would keep ≈ 170 B per container of a 10,000-container run.
 */
export const CAPACITY_EVENT_HISTORY = 1000;

/**
 * Builds the inventory of `scenario` on a new model seeded with the scenario's seed and carrying
 * `calibration` (default: the scenario's). Precondition: a normalised scenario (names unique, VCH clusters exist). O(hosts + VCHs).
 */
export function buildInventory(scenario: Scenario, calibration: Calibration = scenario.calibration): CapacityInventory {
  const model = new VSphereModel({ seed: scenario.seed, calibration, eventHistory: CAPACITY_EVENT_HISTORY });
  const clusters: ClusterId[] = [];
  const hosts: (HostInfo & { id: HostId })[] = [];
  const roots = new Map<string, { id: ClusterId; root: ResourcePoolId }>();
  for (const c of scenario.clusters) {
    const dc = addDatacenter(model, `${c.name}_DC`);
    const cluster = addCluster(model, dc.id, c.name);
    clusters.push(cluster.id);
    roots.set(c.name, { id: cluster.id, root: cluster.rootPool });
    for (const h of c.hosts) {
      const host = addHost(model, cluster.id, { name: h.name, cpuCores: h.cpuCores, cpuMhzPerCore: h.cpuMhzPerCore, memoryMB: h.memoryMB });
      hosts.push({ id: host.id, name: h.name, cluster: c.name, cpuCores: h.cpuCores, cpuMhzPerCore: h.cpuMhzPerCore, memoryMB: h.memoryMB });
    }
    addDatastore(model, dc.id, { name: `${c.name}_DS0`, capacityBytes: c.datastoreBytes });
  }
  const vchs = new Map<string, VchRuntime>();
  for (const v of scenario.vchs) {
    const c = roots.get(v.cluster)!;
    const pool = createPool(model, c.root, v.name, { cpu: allocationSpec(v.cpu), memory: allocationSpec(v.memory) });
    vchs.set(v.name, { spec: v, cluster: c.id, pool: pool.id, rootPool: c.root, active: 0 });
  }
  return { model, clusters, clusterNames: scenario.clusters.map((c) => c.name), hosts, vchs };
}

/** The settable parts of a scenario allocation. */
export function allocationSpec(a: Allocation): AllocationSpec {
  return { reservation: a.reservation, limit: a.limit, shares: a.shares.level === 'custom' ? a.shares.shares : a.shares.level, expandableReservation: a.expandableReservation };
}

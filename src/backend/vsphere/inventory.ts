/**
 * Inventory reads of the live backend: listings through container views (one RetrievePropertiesEx per
 * listing), single objects through the property collector, the scope (datacenter, cluster, datastore,
 * pool names) resolved to references once, and each entity's datacenter (for its VM folder).
 * Filters by pool or host read the VM's own `resourcePool` and `runtime.host`, not the pool's or the
 * host's `vm` list (vcsim's RelocateVM_Task leaves those lists wrong; shared/reference/vim25.md).
 */
import { NotFoundError, NotSupportedError } from '../../sim/errors.js';
import type { ClusterId, DatacenterId, HostId, NetworkId, ResourcePoolId, VmId } from '../../sim/ids.js';
import type { ClusterInfo, DatacenterInfo, DatastoreInfo, HostInfo, NetworkInfo, ResourcePoolInfo, VmInfo, VmPowerState } from '../backend.js';
import { DATASTORE_PATHS, datastoreInfo, HOST_PATHS, hostInfo, POOL_PATHS, poolInfo, VM_PATHS, vmInfo } from './convert.js';
import { asRef, idOf, optionalRef, ref, str } from './refs.js';
import { readObject, retrieveContainer, retrieveProperties, type ManagedObjectReference, type PropertyRecord, type VimClient, type VimValue } from './vim25/index.js';

/** Names that limit what a backend sees and where it creates VMs; each must exist. */
export interface VSphereScopeNames {
  readonly datacenter?: string;
  readonly cluster?: string;
  readonly datastore?: string;
  readonly pool?: string;
}

/** The scope as references. */
export interface VSphereScope {
  readonly datacenter: ManagedObjectReference | undefined;
  readonly cluster: ManagedObjectReference | undefined;
  /** Where VMs go when a spec names no datastore. */
  readonly datastore: ManagedObjectReference | undefined;
  /** The pool a VCH should use as its parent (exposed, not enforced). */
  readonly pool: ManagedObjectReference | undefined;
}

async function findByName(client: VimClient, type: string, name: string, container: ManagedObjectReference | undefined): Promise<ManagedObjectReference> {
  const records = await retrieveContainer(client, { type, paths: ['name'], ...(container === undefined ? {} : { container }) });
  const match = records.find((r) => r.properties.get('name') === name);
  if (match === undefined) throw new NotFoundError(type, name);
  return match.obj;
}

/** Resolves scope names to references (NotFoundError for a name that does not exist in its parent). */
export async function resolveScope(client: VimClient, names: VSphereScopeNames): Promise<VSphereScope> {
  const datacenter = names.datacenter === undefined ? undefined : await findByName(client, 'Datacenter', names.datacenter, undefined);
  const cluster = names.cluster === undefined ? undefined : await findByName(client, 'ClusterComputeResource', names.cluster, datacenter);
  const datastore = names.datastore === undefined ? undefined : await findByName(client, 'Datastore', names.datastore, datacenter);
  const pool = names.pool === undefined ? undefined : await findByName(client, 'ResourcePool', names.pool, cluster ?? datacenter);
  return { datacenter, cluster, datastore, pool };
}

/** Reads the inventory within a scope. Every listing is O(objects in scope × paths). */
export class VSphereInventory {
  readonly #datacenterOf = new Map<string, ManagedObjectReference>();
  readonly #vmFolders = new Map<string, ManagedObjectReference>();

  /** Precondition: the client is logged in; the scope was resolved with it. */
  constructor(
    private readonly client: VimClient,
    readonly scope: VSphereScope,
  ) {}

  /** Lists `type` below `container`: the scope's datacenter by default, 'root' for the whole inventory. */
  #list(type: string, paths: readonly string[], container: ManagedObjectReference | 'root' | undefined = this.scope.datacenter): Promise<PropertyRecord[]> {
    return retrieveContainer(this.client, { type, paths, ...(container === undefined || container === 'root' ? {} : { container }) });
  }

  /** Every datacenter in scope. */
  async datacenters(): Promise<DatacenterInfo[]> {
    const records = await this.#list('Datacenter', ['name'], 'root');
    return records.filter((r) => this.scope.datacenter === undefined || r.obj.equals(this.scope.datacenter)).map((r) => ({ id: idOf<DatacenterId>(r.obj), name: str(r.properties.get('name')) }));
  }

  /** Every cluster in scope, with its datacenter (one listing per datacenter). */
  async clusters(): Promise<ClusterInfo[]> {
    const result: ClusterInfo[] = [];
    for (const datacenter of await this.datacenters()) {
      for (const r of await this.#list('ClusterComputeResource', ['name', 'resourcePool'], ref('datacenter', datacenter.id))) {
        if (this.scope.cluster !== undefined && !r.obj.equals(this.scope.cluster)) continue;
        const rootPool = asRef(r.properties.get('resourcePool'), `the root pool of ${r.obj.value}`);
        result.push({ id: idOf<ClusterId>(r.obj), name: str(r.properties.get('name')), datacenter: datacenter.id, rootPool: idOf<ResourcePoolId>(rootPool) });
      }
    }
    return result;
  }

  #inCluster(cluster: string, filter: ClusterId | undefined): boolean {
    return (filter === undefined || cluster === filter) && (this.scope.cluster === undefined || cluster === this.scope.cluster.value);
  }

  /** Hosts in scope, optionally of one cluster. */
  async hosts(filter: { readonly cluster?: ClusterId } = {}): Promise<HostInfo[]> {
    return (await this.#list('HostSystem', HOST_PATHS)).map(hostInfo).filter((h) => this.#inCluster(h.cluster, filter.cluster));
  }

  /** Resource pools in scope (vApps excluded), optionally of one cluster. */
  async resourcePools(filter: { readonly cluster?: ClusterId } = {}): Promise<ResourcePoolInfo[]> {
    const records = await this.#list('ResourcePool', POOL_PATHS);
    return records.filter((r) => r.obj.type === 'ResourcePool').map(poolInfo).filter((p) => this.#inCluster(p.cluster, filter.cluster));
  }

  /** One pool. Rejects with NotFoundError. */
  async resourcePool(id: ResourcePoolId): Promise<ResourcePoolInfo> {
    return poolInfo(await this.record(ref('pool', id), POOL_PATHS));
  }

  /** Datastores in scope. */
  async datastores(): Promise<DatastoreInfo[]> {
    return (await this.#list('Datastore', DATASTORE_PATHS)).map(datastoreInfo);
  }

  /** Networks in scope (standard port groups and distributed port groups). */
  async networks(): Promise<NetworkInfo[]> {
    return (await this.#list('Network', ['name'])).map((r) => ({ id: idOf<NetworkId>(r.obj), name: str(r.properties.get('name')) }));
  }

  /**
   * Each NIC network's reference and name (a NIC backing names its port group). One read per NIC.
   * @throws NotSupportedError for a distributed port group; NotFoundError for an unknown network.
   */
  async nicNetworks(nics: readonly { readonly network: NetworkId }[]): Promise<Map<NetworkId, { ref: ManagedObjectReference; name: string }>> {
    const networks = new Map<NetworkId, { ref: ManagedObjectReference; name: string }>();
    for (const { network } of nics) {
      if (network.startsWith('dvportgroup-')) throw new NotSupportedError(`NICs on distributed port groups (${network}) are not supported by the live backend yet`);
      const record = await this.record(ref('network', network), ['name']);
      networks.set(network, { ref: record.obj, name: str(record.properties.get('name')) });
    }
    return networks;
  }

  /** VMs in scope, optionally directly in one pool or on one host. */
  async vms(filter: { readonly pool?: ResourcePoolId; readonly host?: HostId } = {}): Promise<VmInfo[]> {
    const all = (await this.#list('VirtualMachine', VM_PATHS)).map(vmInfo);
    const clusterPools = this.scope.cluster === undefined ? undefined : new Set((await this.resourcePools()).map((p) => p.id));
    return all.filter((v) => (filter.pool === undefined || v.pool === filter.pool) && (filter.host === undefined || v.host === filter.host) && (clusterPools === undefined || clusterPools.has(v.pool)));
  }

  /** One VM. Rejects with NotFoundError. */
  async vm(id: VmId): Promise<VmInfo> {
    return vmInfo(await this.record(ref('vm', id), VM_PATHS));
  }

  /** One VM's power state (one read of `runtime.powerState`); NotFoundError when it is gone. */
  async vmPowerState(id: VmId): Promise<VmPowerState> {
    return str((await this.record(ref('vm', id), ['runtime.powerState'])).properties.get('runtime.powerState')) as VmPowerState;
  }

  /** The VM named `name` in scope, if any (one listing of names, then one read). */
  async findVm(name: string): Promise<VmInfo | undefined> {
    const match = (await this.#list('VirtualMachine', ['name'])).find((r) => r.properties.get('name') === name);
    return match === undefined ? undefined : this.vm(idOf<VmId>(match.obj));
  }

  /** Properties of one object; NotFoundError when the server has no such object. */
  async record(obj: ManagedObjectReference, paths: readonly string[]): Promise<PropertyRecord> {
    const [record] = await retrieveProperties(this.client, [obj], paths);
    if (record === undefined) throw new NotFoundError(obj.type, obj.value);
    return record;
  }

  /** Reads some properties of one object (empty map for unset ones). */
  read(obj: ManagedObjectReference, paths: readonly string[]): Promise<ReadonlyMap<string, VimValue>> {
    return readObject(this.client, obj, paths);
  }

  /** The datacenter an entity lives in, by walking `parent` (cached per entity). O(depth) reads. */
  async datacenterOf(entity: ManagedObjectReference): Promise<ManagedObjectReference> {
    if (this.scope.datacenter !== undefined) return this.scope.datacenter;
    const cached = this.#datacenterOf.get(entity.key());
    if (cached !== undefined) return cached;
    let current = entity;
    while (current.type !== 'Datacenter') {
      const parent = optionalRef((await this.read(current, ['parent'])).get('parent'));
      if (parent === undefined) throw new NotFoundError('Datacenter', `of ${entity.key()}`);
      current = parent;
    }
    this.#datacenterOf.set(entity.key(), current);
    return current;
  }

  /** The VM folder of the datacenter an entity lives in (cached per datacenter: it never changes). */
  async vmFolderOf(entity: ManagedObjectReference): Promise<ManagedObjectReference> {
    const datacenter = await this.datacenterOf(entity);
    const cached = this.#vmFolders.get(datacenter.key());
    if (cached !== undefined) return cached;
    const folder = asRef((await this.read(datacenter, ['vmFolder'])).get('vmFolder'), `the VM folder of ${datacenter.value}`);
    this.#vmFolders.set(datacenter.key(), folder);
    return folder;
  }
}

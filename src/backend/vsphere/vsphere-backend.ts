/**
 * `VSphereBackend`: the Backend interface over a live vCenter (or vcsim) through the vim25 client.
 * Every long operation is the server's own Task (wait() follows it with WaitForUpdatesEx); ids are
 * moref values; faults arrive as the project's typed errors (vim25/faults.ts). Optional datacenter,
 * cluster, datastore and pool names scope what it lists and where VMs go. See clone.ts for how instant
 * clones run on servers without InstantClone_Task, child-disk.ts for stand-alone deltas on servers
 * without CreateChildDisk_Task, and events.ts for event subscriptions.
 */
import { InvalidArgumentError, InvalidStateError, NotSupportedError, SystemError } from '../../sim/errors.js';
import type { ClusterId, HostId, NetworkId, ResourcePoolId, SnapshotId, TaskId, VmId } from '../../sim/ids.js';
import type {
  AboutInfo,
  Backend,
  BackendEvent,
  CloneVmSpec,
  ClusterInfo,
  CreateVmSpec,
  DatacenterInfo,
  DatastoreFileInfo,
  DiskSpec,
  DatastoreInfo,
  HostInfo,
  NetworkInfo,
  PoolSpec,
  ReconfigureVmSpec,
  RelocateVmSpec,
  ResourcePoolInfo,
  Subscription,
  Task,
  TaskInfo,
  VirtualDiskInfo,
  VirtualDiskSpec,
  VmInfo,
  VmPowerState,
} from '../backend.js';
import type { ClusterConfigInfo, ClusterConfigSpec, DrsMigrationInfo, DrsRecommendationsInfo } from '../cluster.js';
import * as cluster from './cluster.js';
import { allocationInput, defaultAllocation, mergeAllocation } from './allocations.js';
import { startClone, type CloneContext } from './clone.js';
import { VM_PATHS, vmInfo } from './convert.js';
import { subscribeVimEvents, type EventStream } from './events.js';
import { resolveScope, VSphereInventory, type VSphereScopeNames } from './inventory.js';
import { idOf, list, ref, str } from './refs.js';
import { readTask, recentTasks, resultRef, taskHandle } from './tasks.js';
import { createConfigSpec, diskFileOf, isAttachedDisk, reconfigureConfigSpec, referencedDisks, removedDisks, type CreateContext } from './vm-config.js';
import { VSphereDatastores } from './datastore.js';
import {
  createResourcePool,
  createSnapshotTask,
  createVmTask,
  destroyTask,
  ManagedObjectReference,
  powerOffVmTask,
  powerOnVmTask,
  reconfigVmTask,
  relocateVmTask,
  runTask,
  removeSnapshotTask,
  revertToSnapshotTask,
  suspendVmTask,
  updateResourcePoolConfig,
  VimClient,
  type TransportOptions,
} from './vim25/index.js';

/** Where to connect and what to see. */
export interface VSphereBackendOptions extends VSphereScopeNames, TransportOptions {
  /** The SDK URL with credentials, e.g. `http://user:pass@127.0.0.1:PORT/sdk` (https for a real vCenter). */
  readonly url: string | URL;
  /** Longest event poll; a closed subscription ends within this long. Default 1 s (estimate). */
  readonly eventPollSeconds?: number;
  /** Told when an event subscription's polling fails for good and the subscription ends (Subscription has no error channel). */
  readonly onEventError?: (error: unknown) => void;
}

/** The Backend over vim25. Call connect() before anything else and close() at the end. */
export class VSphereBackend implements Backend {
  readonly kind = 'vsphere' as const;
  readonly #options: VSphereBackendOptions;
  readonly #streams = new Set<EventStream>();
  #client: VimClient | undefined;
  #inventory: VSphereInventory | undefined;
  #clone: CloneContext | undefined;
  #datastores: VSphereDatastores | undefined;

  /** Does no I/O. Precondition: https, or http to a loopback host (vcsim). */
  constructor(options: VSphereBackendOptions) {
    this.#options = options;
  }

  /** Connects, logs in and resolves the scope names (NotFoundError for one that does not exist). */
  async connect(): Promise<this> {
    const client = await VimClient.connect(this.#options);
    try {
      this.#inventory = new VSphereInventory(client, await resolveScope(client, this.#options));
    } catch (error) {
      await client.logout().catch(() => undefined);
      client.close();
      throw error;
    }
    this.#client = client;
    this.#clone = { client, inventory: this.#inventory, instantCloneMissing: false };
    this.#datastores = new VSphereDatastores(client, this.#inventory, this.#options);
    return this;
  }

  /** The resolved scope (its pool is where a VCH should create its own pool). Precondition: connected. */
  get scope(): VSphereInventory['scope'] {
    return this.#inv.scope;
  }

  get #c(): VimClient {
    if (this.#client === undefined) throw new SystemError('VSphereBackend: call connect() first');
    return this.#client;
  }

  get #ds(): VSphereDatastores {
    if (this.#datastores === undefined) throw new SystemError('VSphereBackend: call connect() first');
    return this.#datastores;
  }

  /**
   * Capacities of the disks that `parent` and `existing` specs name, read from their descriptors;
   * left out where the server keeps no descriptor text (vcsim). @throws NotFoundError for a missing disk.
   */
  async #diskCapacities(specs: readonly DiskSpec[]): Promise<Map<string, number>> {
    const capacities = new Map<string, number>();
    for (const path of referencedDisks(specs)) {
      try {
        capacities.set(path, (await this.#ds.disk(path)).capacityBytes);
      } catch (error) {
        if (!(error instanceof NotSupportedError)) throw error;
      }
    }
    return capacities;
  }

  get #inv(): VSphereInventory {
    if (this.#inventory === undefined) throw new SystemError('VSphereBackend: call connect() first');
    return this.#inventory;
  }

  async about(): Promise<AboutInfo> {
    const about = this.#c.serviceContent.about;
    return { name: about.name, fullName: about.fullName, apiVersion: about.apiVersion, instanceUuid: about.instanceUuid ?? '' };
  }

  async datacenters(): Promise<DatacenterInfo[]> {
    return this.#inv.datacenters();
  }

  async clusters(): Promise<ClusterInfo[]> {
    return this.#inv.clusters();
  }

  async hosts(filter?: { readonly cluster?: ClusterId }): Promise<HostInfo[]> {
    return this.#inv.hosts(filter);
  }

  async resourcePools(filter?: { readonly cluster?: ClusterId }): Promise<ResourcePoolInfo[]> {
    return this.#inv.resourcePools(filter);
  }

  async datastores(): Promise<DatastoreInfo[]> {
    return this.#inv.datastores();
  }

  async networks(): Promise<NetworkInfo[]> {
    return this.#inv.networks();
  }

  async vms(filter?: { readonly pool?: ResourcePoolId; readonly host?: HostId }): Promise<VmInfo[]> {
    return this.#inv.vms(filter);
  }

  async vm(id: VmId): Promise<VmInfo> {
    return this.#inv.vm(id);
  }

  /** One RetrieveProperties call for `runtime.powerState`. */
  async vmPowerState(id: VmId): Promise<VmPowerState> {
    return this.#inv.vmPowerState(id);
  }

  async findVm(name: string): Promise<VmInfo | undefined> {
    return this.#inv.findVm(name);
  }

  async #createContext(spec: CreateVmSpec, datacenter: ManagedObjectReference): Promise<CreateContext> {
    const inv = this.#inv;
    const datastore = spec.datastore !== undefined ? ref('datastore', spec.datastore) : (inv.scope.datastore ?? list((await inv.read(datacenter, ['datastore'])).get('datastore'))[0]);
    if (!(datastore instanceof ManagedObjectReference)) throw new InvalidArgumentError('datastore', `datacenter ${datacenter.value} has no datastore`);
    const datastoreName = str((await inv.record(datastore, ['name'])).properties.get('name'));
    const networks = await this.#inv.nicNetworks(spec.nics ?? []);
    return { datastoreName, networks, diskCapacities: await this.#diskCapacities(spec.disks ?? []) };
  }

  async createVM(spec: CreateVmSpec): Promise<Task<VmId>> {
    if (typeof spec?.name !== 'string' || spec.name === '') throw new InvalidArgumentError('name', 'a VM needs a non-empty name');
    const pool = ref('pool', spec.pool);
    const datacenter = await this.#inv.datacenterOf(pool);
    const folder = await this.#inv.vmFolderOf(pool);
    const config = createConfigSpec(spec, await this.#createContext(spec, datacenter));
    const task = await createVmTask(this.#c, { folder, config, pool, ...(spec.host === undefined ? {} : { host: ref('host', spec.host) }) });
    return taskHandle(this.#c, task, 'Folder.createVm', (value) => idOf<VmId>(resultRef(value, 'CreateVM_Task')));
  }

  async cloneVM(source: VmId, spec: CloneVmSpec): Promise<Task<VmId>> {
    if (this.#clone === undefined) throw new SystemError('VSphereBackend: call connect() first');
    return startClone(this.#clone, await this.vm(source), spec);
  }

  #vmTask(task: ManagedObjectReference, descriptionId: string, id: VmId): Task<VmId> {
    return taskHandle(this.#c, task, descriptionId, () => id);
  }

  async powerOnVM(id: VmId): Promise<Task<VmId>> {
    return this.#vmTask(await powerOnVmTask(this.#c, ref('vm', id)), 'VirtualMachine.powerOn', id);
  }

  async powerOffVM(id: VmId): Promise<Task<VmId>> {
    return this.#vmTask(await powerOffVmTask(this.#c, ref('vm', id)), 'VirtualMachine.powerOff', id);
  }

  async suspendVM(id: VmId): Promise<Task<VmId>> {
    return this.#vmTask(await suspendVmTask(this.#c, ref('vm', id)), 'VirtualMachine.suspend', id);
  }

  async resetVM(id: VmId): Promise<Task<VmId>> {
    const task = await this.#c.invoke('ResetVM_Task', ref('vm', id), [], { returns: 'ManagedObjectReference' });
    return this.#vmTask(resultRef(task, 'ResetVM_Task'), 'VirtualMachine.reset', id);
  }

  async reconfigureVM(id: VmId, spec: ReconfigureVmSpec): Promise<Task<VmId>> {
    const record = await this.#inv.record(ref('vm', id), VM_PATHS);
    const capacities = await this.#diskCapacities(spec.addDisks ?? []);
    const networks = await this.#inv.nicNetworks(spec.addNics ?? []);
    const config = reconfigureConfigSpec(spec, vmInfo(record), list(record.properties.get('config.hardware.device')), capacities, networks);
    return this.#vmTask(await reconfigVmTask(this.#c, record.obj, config), 'VirtualMachine.reconfigure', id);
  }

  async relocateVM(id: VmId, spec: RelocateVmSpec): Promise<Task<VmId>> {
    const location = {
      ...(spec.datastore === undefined ? {} : { datastore: ref('datastore', spec.datastore) }),
      ...(spec.pool === undefined ? {} : { pool: ref('pool', spec.pool) }),
      ...(spec.host === undefined ? {} : { host: ref('host', spec.host) }),
    };
    return this.#vmTask(await relocateVmTask(this.#c, ref('vm', id), location), 'VirtualMachine.relocate', id);
  }

  /**
   * Destroy_Task, after detaching the disks outside the VM's folder (attached volumes and layers),
   * which vCenter would otherwise delete with the VM.
   */
  async destroyVM(id: VmId): Promise<Task<VmId>> {
    const record = await this.#inv.record(ref('vm', id), ['config.hardware.device', 'config.files.vmPathName']);
    const devices = list(record.properties.get('config.hardware.device'));
    const vmxPath = str(record.properties.get('config.files.vmPathName'));
    const attached = devices.map(diskFileOf).filter((f) => f !== '' && isAttachedDisk(f, vmxPath));
    if (attached.length > 0) await runTask(this.#c, reconfigVmTask(this.#c, record.obj, { deviceChange: removedDisks(attached, devices, vmxPath) }));
    return this.#vmTask(await destroyTask(this.#c, record.obj), 'VirtualMachine.destroy', id);
  }

  async createSnapshot(vm: VmId, name: string, description?: string): Promise<Task<SnapshotId>> {
    if (typeof name !== 'string' || name.length === 0 || name.length > 80) throw new InvalidArgumentError('name', `a snapshot name must be 1 to 80 characters, got ${JSON.stringify(name)}`);
    const task = await createSnapshotTask(this.#c, ref('vm', vm), { name, ...(description === undefined ? {} : { description }), memory: false, quiesce: false });
    return taskHandle(this.#c, task, 'VirtualMachine.createSnapshot', (value) => idOf<SnapshotId>(resultRef(value, 'CreateSnapshot_Task')));
  }

  async #snapshotOf(vm: VmId, snapshot: SnapshotId): Promise<ManagedObjectReference> {
    const info = await this.vm(vm);
    if (!info.snapshots.some((s) => s.id === snapshot)) throw new InvalidArgumentError('snapshot', `${info.name} has no snapshot ${snapshot}`);
    return ref('snapshot', snapshot);
  }

  async revertToSnapshot(vm: VmId, snapshot: SnapshotId): Promise<Task<SnapshotId>> {
    const task = await revertToSnapshotTask(this.#c, await this.#snapshotOf(vm, snapshot));
    return taskHandle(this.#c, task, 'VirtualMachine.revertToSnapshot', () => snapshot);
  }

  async removeSnapshot(vm: VmId, snapshot: SnapshotId): Promise<Task<SnapshotId>> {
    const task = await removeSnapshotTask(this.#c, await this.#snapshotOf(vm, snapshot), { removeChildren: false });
    return taskHandle(this.#c, task, 'VirtualMachine.removeSnapshot', () => snapshot);
  }

  async createResourcePool(parent: ResourcePoolId, name: string, spec: PoolSpec = {}): Promise<ResourcePoolInfo> {
    const config = {
      cpuAllocation: allocationInput(mergeAllocation('poolCpu', defaultAllocation('poolCpu', 1), spec.cpu, 1)),
      memoryAllocation: allocationInput(mergeAllocation('poolMemory', defaultAllocation('poolMemory', 1), spec.memory, 1)),
    };
    return this.#inv.resourcePool(idOf<ResourcePoolId>(await createResourcePool(this.#c, ref('pool', parent), name, config)));
  }

  async updateResourcePool(id: ResourcePoolId, spec: PoolSpec & { readonly name?: string }): Promise<ResourcePoolInfo> {
    const current = await this.#inv.resourcePool(id);
    if (current.parent === undefined) throw new InvalidStateError('InvalidState', id, 'root pool', 'the root resource pool of a cluster cannot be reconfigured');
    const config =
      spec.cpu === undefined && spec.memory === undefined
        ? undefined
        : { cpuAllocation: allocationInput(mergeAllocation('poolCpu', current.cpu, spec.cpu, 1)), memoryAllocation: allocationInput(mergeAllocation('poolMemory', current.memory, spec.memory, 1)) };
    const name = spec.name === undefined || spec.name === current.name ? undefined : spec.name;
    await updateResourcePoolConfig(this.#c, ref('pool', id), { ...(name === undefined ? {} : { name }), ...(config === undefined ? {} : { config }) });
    return this.#inv.resourcePool(id);
  }

  async clusterConfig(id: ClusterId): Promise<ClusterConfigInfo> {
    return cluster.readClusterConfig(this.#c, id);
  }

  async reconfigureCluster(id: ClusterId, spec: ClusterConfigSpec): Promise<Task<ClusterId>> {
    return taskHandle(this.#c, await cluster.startReconfigure(this.#c, id, spec), 'ClusterComputeResource.reconfigureEx', () => id);
  }

  async drsRecommendations(id: ClusterId): Promise<DrsRecommendationsInfo> {
    return { recommendations: await cluster.readRecommendations(this.#c, id), rejected: [] };
  }

  async drsMigrationHistory(id: ClusterId): Promise<DrsMigrationInfo[]> {
    return cluster.readMigrationHistory(this.#c, id);
  }

  async destroyResourcePool(id: ResourcePoolId): Promise<Task<ResourcePoolId>> {
    return taskHandle(this.#c, await destroyTask(this.#c, ref('pool', id)), 'ResourcePool.destroy', () => id);
  }

  async makeDirectory(dsPath: string, parents = false): Promise<void> {
    return this.#ds.makeDirectory(dsPath, parents);
  }

  async deleteDatastoreFile(dsPath: string): Promise<Task<void>> {
    return this.#ds.deleteFile(dsPath);
  }

  async listDatastore(dsPath: string): Promise<DatastoreFileInfo[]> {
    return this.#ds.listDatastore(dsPath);
  }

  async readDatastoreFile(dsPath: string): Promise<Uint8Array> {
    return this.#ds.readFile(dsPath);
  }

  async writeDatastoreFile(dsPath: string, data: Uint8Array): Promise<void> {
    return this.#ds.writeFile(dsPath, data);
  }

  async createVirtualDisk(dsPath: string, spec: VirtualDiskSpec): Promise<Task<VirtualDiskInfo>> {
    return this.#ds.createDisk(dsPath, spec);
  }

  async virtualDisk(dsPath: string): Promise<VirtualDiskInfo> {
    return this.#ds.disk(dsPath);
  }

  /** Always NotSupported: vCenter has no call that writes into a disk; content reaches a disk through a guest that mounts it. */
  async fillVirtualDisk(dsPath: string, _bytes: number): Promise<VirtualDiskInfo> {
    throw new NotSupportedError(`cannot fill ${dsPath}: a live vCenter has no API that writes disk content; a guest (a VM with the disk attached) writes it`);
  }

  async task(id: TaskId): Promise<TaskInfo> {
    return readTask(this.#c, id);
  }

  async recentTasks(): Promise<TaskInfo[]> {
    return recentTasks(this.#c);
  }

  /** Subscribes through an EventHistoryCollector scoped like the backend (events.ts explains the choice). */
  async subscribeEvents(listener: (e: BackendEvent) => void): Promise<Subscription> {
    const scope = this.#inv.scope.cluster ?? this.#inv.scope.datacenter;
    const pollSeconds = this.#options.eventPollSeconds ?? 1;
    const onError = this.#options.onEventError;
    const stream = await subscribeVimEvents(this.#c, scope, listener, { pollSeconds, ...(onError === undefined ? {} : { onError }) });
    this.#streams.add(stream);
    void stream.done.then(() => this.#streams.delete(stream));
    return { close: () => stream.close() };
  }

  /** Ends every subscription, destroys the child-disk helper VM (if made), logs out and releases the sockets. Idempotent. */
  async close(): Promise<void> {
    const client = this.#client;
    if (client === undefined) return;
    for (const stream of this.#streams) stream.close();
    await Promise.all([...this.#streams].map((s) => s.done));
    await this.#datastores?.dispose().catch(() => undefined);
    this.#client = undefined;
    this.#inventory = undefined;
    this.#clone = undefined;
    this.#datastores = undefined;
    try {
      await client.logout();
    } finally {
      client.close();
    }
  }
}

/**
 * `ModelBackend`: the Backend interface over the in-process model. Operations are submitted to the
 * model's task manager; `task.wait()` asks the driver to run the clock until the task is done (the
 * fast and instant drivers do so synchronously; the realtime driver lets wall time do it).
 */
import {
  changeHost,
  cloneVM,
  createPool,
  createSnapshot,
  createVM,
  destroyPool,
  destroyVM,
  powerVM,
  reconfigureVM,
  relocateVM,
  removeSnapshot,
  revertToSnapshot,
  updatePool,
  type HostOp,
  type TaskRecord,
  type VSphereModel,
} from '../../hypervisor/index.js';
import { FastDriver, type Driver } from '../../sim/drivers.js';
import { SystemError, type VicsimError } from '../../sim/errors.js';
import type { ClusterId, HostId, ResourcePoolId, SnapshotId, TaskId, VmId } from '../../sim/ids.js';
import type {
  AboutInfo,
  Backend,
  BackendEvent,
  CloneVmSpec,
  ClusterInfo,
  CreateVmSpec,
  DatacenterInfo,
  DatastoreFileInfo,
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
import { datastoreInfo, eventInfo, hostInfo, poolInfo, taskInfo, vmInfo } from './convert.js';
import type { ClusterConfigInfo, ClusterConfigSpec, DrsMigrationInfo, DrsRecommendationsInfo } from '../cluster.js';
import * as cluster from './cluster.js';
import * as datastore from './datastore.js';
import { DEFAULT_DATASTORE_LATENCY, type DatastoreLatency } from './datastore.js';

/** Options of a ModelBackend. */
export interface ModelBackendOptions {
  /** Durations of the datastore tasks (default {@link DEFAULT_DATASTORE_LATENCY}, estimates). */
  readonly datastoreLatency?: Partial<DatastoreLatency>;
}

/** The Backend over a {@link VSphereModel}. */
export class ModelBackend implements Backend {
  readonly kind = 'model' as const;
  readonly #waiters = new Map<TaskId, { resolve: (v: unknown) => void; reject: (e: VicsimError) => void }[]>();
  readonly #unlisten: () => void;
  /** Tasks finished since this backend was made, and the record of the last one (what `wait` checks first). */
  #settled = 0;
  #lastSettled: TaskRecord | undefined;
  /** Whether the task listener counting {@link #settled} is installed (until close). */
  #listening = true;
  readonly #datastoreLatency: DatastoreLatency;

  /** @param driver runs the clock for `wait()` (default: a fast driver on the model's clock). */
  constructor(
    readonly model: VSphereModel,
    readonly driver: Driver = new FastDriver(model.clock),
    options: ModelBackendOptions = {},
  ) {
    this.#datastoreLatency = { ...DEFAULT_DATASTORE_LATENCY, ...options.datastoreLatency };
    this.#unlisten = model.tasks.listen((info, error) => this.#settle(info, error));
  }

  async about(): Promise<AboutInfo> {
    return { name: 'vicsim', fullName: 'vicsim model of VMware vCenter Server', apiVersion: '6.7', instanceUuid: 'vicsim-model' };
  }

  async datacenters(): Promise<DatacenterInfo[]> {
    return [...this.model.registry.all('Datacenter')].map((d) => ({ id: d.id, name: d.name }));
  }

  async clusters(): Promise<ClusterInfo[]> {
    return [...this.model.registry.all('Cluster')].map((c) => ({ id: c.id, name: c.name, datacenter: c.datacenter, rootPool: c.rootPool }));
  }

  /**
   * O(hosts of the cluster) with a cluster filter (the model's per-cluster index, in the order hosts
   * were added, as the registry lists them; a host never changes cluster); O(inventory objects)
   * without one. The provisioner asks with a filter on every container create.
   */
  async hosts(filter: { readonly cluster?: ClusterId } = {}): Promise<HostInfo[]> {
    const hosts = filter.cluster ? this.model.hostsOf(filter.cluster) : [...this.model.registry.all('Host')];
    return hosts.map((h) => hostInfo(this.model, h));
  }

  async resourcePools(filter: { readonly cluster?: ClusterId } = {}): Promise<ResourcePoolInfo[]> {
    return [...this.model.registry.all('ResourcePool')].filter((p) => !filter.cluster || p.cluster === filter.cluster).map(poolInfo);
  }

  async datastores(): Promise<DatastoreInfo[]> {
    return [...this.model.registry.all('Datastore')].map((d) => datastoreInfo(this.model, d));
  }

  async networks(): Promise<NetworkInfo[]> {
    return [...this.model.registry.all('Network')].map((n) => ({ id: n.id, name: n.name }));
  }

  async vms(filter: { readonly pool?: ResourcePoolId; readonly host?: HostId } = {}): Promise<VmInfo[]> {
    const m = this.model;
    const ids = filter.pool ? m.vmsInPool(filter.pool) : filter.host ? m.vmsOnHost(filter.host) : undefined;
    const vms = ids ? [...ids].map((id) => m.registry.get('VirtualMachine', id)) : [...m.registry.all('VirtualMachine')];
    return vms.filter((v) => !filter.host || v.host === filter.host).map((v) => vmInfo(m, v));
  }

  async vm(id: VmId): Promise<VmInfo> {
    return vmInfo(this.model, this.model.registry.get('VirtualMachine', id));
  }

  /** O(1): the registry's record, read in place. */
  async vmPowerState(id: VmId): Promise<VmPowerState> {
    return this.model.registry.get('VirtualMachine', id).powerState;
  }

  async findVm(name: string): Promise<VmInfo | undefined> {
    const id = this.model.vmByName(name);
    return id ? this.vm(id) : undefined;
  }

  async createVM(spec: CreateVmSpec): Promise<Task<VmId>> {
    return this.#handle(createVM(this.model, spec));
  }

  async cloneVM(source: VmId, spec: CloneVmSpec): Promise<Task<VmId>> {
    return this.#handle(cloneVM(this.model, source, spec));
  }

  async powerOnVM(id: VmId): Promise<Task<VmId>> {
    return this.#handle(powerVM(this.model, id, 'powerOn'));
  }

  async powerOffVM(id: VmId): Promise<Task<VmId>> {
    return this.#handle(powerVM(this.model, id, 'powerOff'));
  }

  async suspendVM(id: VmId): Promise<Task<VmId>> {
    return this.#handle(powerVM(this.model, id, 'suspend'));
  }

  async resetVM(id: VmId): Promise<Task<VmId>> {
    return this.#handle(powerVM(this.model, id, 'reset'));
  }

  async reconfigureVM(id: VmId, spec: ReconfigureVmSpec): Promise<Task<VmId>> {
    return this.#handle(reconfigureVM(this.model, id, spec));
  }

  async relocateVM(id: VmId, spec: RelocateVmSpec): Promise<Task<VmId>> {
    return this.#handle(relocateVM(this.model, id, spec));
  }

  async destroyVM(id: VmId): Promise<Task<VmId>> {
    return this.#handle(destroyVM(this.model, id));
  }

  async createSnapshot(vm: VmId, name: string, description?: string): Promise<Task<SnapshotId>> {
    return this.#handle(createSnapshot(this.model, vm, name, description));
  }

  async revertToSnapshot(vm: VmId, snapshot: SnapshotId): Promise<Task<SnapshotId>> {
    return this.#handle(revertToSnapshot(this.model, vm, snapshot));
  }

  async removeSnapshot(vm: VmId, snapshot: SnapshotId): Promise<Task<SnapshotId>> {
    return this.#handle(removeSnapshot(this.model, vm, snapshot));
  }

  async createResourcePool(parent: ResourcePoolId, name: string, spec: PoolSpec = {}): Promise<ResourcePoolInfo> {
    return poolInfo(createPool(this.model, parent, name, spec));
  }

  async updateResourcePool(id: ResourcePoolId, spec: PoolSpec & { readonly name?: string }): Promise<ResourcePoolInfo> {
    return poolInfo(updatePool(this.model, id, spec));
  }

  async destroyResourcePool(id: ResourcePoolId): Promise<Task<ResourcePoolId>> {
    return this.#handle(destroyPool(this.model, id));
  }

  async makeDirectory(dsPath: string, parents = false): Promise<void> {
    datastore.makeDirectory(this.model, dsPath, parents);
  }

  async deleteDatastoreFile(dsPath: string): Promise<Task<void>> {
    return this.#handle(datastore.deleteDatastoreFile(this.model, dsPath, this.#datastoreLatency.deleteFileMs));
  }

  async listDatastore(dsPath: string): Promise<DatastoreFileInfo[]> {
    return datastore.listDatastore(this.model, dsPath);
  }

  async readDatastoreFile(dsPath: string): Promise<Uint8Array> {
    return datastore.readDatastoreFile(this.model, dsPath);
  }

  async writeDatastoreFile(dsPath: string, data: Uint8Array): Promise<void> {
    datastore.writeDatastoreFile(this.model, dsPath, data);
  }

  async createVirtualDisk(dsPath: string, spec: VirtualDiskSpec): Promise<Task<VirtualDiskInfo>> {
    return this.#handle(datastore.createVirtualDisk(this.model, dsPath, spec, this.#datastoreLatency.createDiskMs));
  }

  async virtualDisk(dsPath: string): Promise<VirtualDiskInfo> {
    return datastore.diskInfo(this.model, dsPath);
  }

  async fillVirtualDisk(dsPath: string, bytes: number): Promise<VirtualDiskInfo> {
    return datastore.fillVirtualDisk(this.model, dsPath, bytes);
  }

  async clusterConfig(id: ClusterId): Promise<ClusterConfigInfo> {
    return cluster.clusterConfig(this.model, id);
  }

  async reconfigureCluster(id: ClusterId, spec: ClusterConfigSpec): Promise<Task<ClusterId>> {
    return this.#handle(cluster.reconfigureCluster(this.model, id, spec));
  }

  async drsRecommendations(id: ClusterId): Promise<DrsRecommendationsInfo> {
    return cluster.drsRecommendations(this.model, id);
  }

  async drsMigrationHistory(id: ClusterId): Promise<DrsMigrationInfo[]> {
    return cluster.drsMigrationHistory(this.model, id);
  }

  /** Model-only: a host state change as a task (maintenance, disconnect, reconnect). */
  async changeHost(id: HostId, op: HostOp): Promise<Task<HostId>> {
    return this.#handle(changeHost(this.model, id, op));
  }

  async task(id: TaskId): Promise<TaskInfo> {
    return taskInfo(this.model.clock, this.model.tasks.info(id));
  }

  async recentTasks(): Promise<TaskInfo[]> {
    return this.model.tasks.list().map((t) => taskInfo(this.model.clock, t));
  }

  async subscribeEvents(listener: (e: BackendEvent) => void): Promise<Subscription> {
    const off = this.model.events.listen((e) => listener(eventInfo(this.model.clock, e)));
    return { close: off };
  }

  async close(): Promise<void> {
    this.#unlisten();
    this.#listening = false;
    for (const [, ws] of this.#waiters) for (const w of ws) w.reject(new SystemError('backend closed'));
    this.#waiters.clear();
  }

  #handle<T>(info: TaskRecord): Task<T> {
    return new ModelTask<T>(info.id, info.descriptionId, this.#waitFor);
  }

  /** `#wait` as a function made once, for every task handle to call. */
  readonly #waitFor = (id: TaskId): Promise<unknown> => this.#wait(id);

  /** Runs the clock until task `id` is done (fast and instant drivers), then settles with its outcome. */
  #wait<T>(id: TaskId): Promise<T> {
    const tasks = this.model.tasks;
    let info = tasks.info(id);
    let finished = info.state === 'success' || info.state === 'error';
    let seen = this.#settled;
    // Each check looks at the tasks that finished since the last one: none, this one (the last to
    // settle), or others, when the task is looked up. An unnamed closure: under tsx (esbuild
    // keepNames) a named one costs a defineProperty per call.
    const done = this.driver.pump(() => {
      if (finished || (this.#settled === seen && this.#listening)) return finished;
      seen = this.#settled;
      info = this.#lastSettled?.id === id ? this.#lastSettled : tasks.info(id);
      finished = info.state === 'success' || info.state === 'error';
      return finished;
    });
    if (done) return this.#outcome<T>(info);
    if (this.driver.kind !== 'realtime') return Promise.reject(new SystemError(`task ${id} cannot complete: the clock has nothing left to run`));
    return new Promise<T>((resolve, reject) => {
      const list = this.#waiters.get(id) ?? [];
      list.push({ resolve: resolve as (v: unknown) => void, reject });
      this.#waiters.set(id, list);
    });
  }

  /** The outcome of a finished task's record. */
  #outcome<T>(info: TaskRecord): Promise<T> {
    if (info.state === 'success') return Promise.resolve(info.result as T);
    return Promise.reject(this.model.tasks.errorOf(info.id) ?? new SystemError(`task ${info.id} failed: ${info.error?.message}`));
  }

  #settle(info: TaskRecord, error: VicsimError | undefined): void {
    this.#settled++;
    this.#lastSettled = info;
    if (this.#waiters.size === 0) return;
    const ws = this.#waiters.get(info.id);
    if (!ws) return;
    this.#waiters.delete(info.id);
    for (const w of ws) (error ? w.reject(error) : w.resolve(info.result));
  }
}

/** A task handle: its id and description, and `wait()` through the backend that made it (no closure per task). */
class ModelTask<T> implements Task<T> {
  readonly #waitFor: (id: TaskId) => Promise<unknown>;

  constructor(
    readonly id: TaskId,
    readonly descriptionId: string,
    waitFor: (id: TaskId) => Promise<unknown>,
  ) {
    this.#waitFor = waitFor;
  }

  wait(): Promise<T> {
    return this.#waitFor(this.id) as Promise<T>;
  }
}

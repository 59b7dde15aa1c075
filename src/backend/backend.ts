/**
 * The `Backend` interface: everything a VCH asks of vSphere, in one place. Two implementations
 * pass one contract suite: `ModelBackend` over the in-process model, and `VSphereBackend` over a
 * live vCenter (vim25 SOAP). Shapes follow vim25 so the live backend maps one to one: ids are
 * managed object references, long operations return a {@link Task}, times are ISO 8601 strings.
 * Errors are the typed errors of sim/errors (InvalidArgument, ManagedObjectNotFound,
 * InvalidPowerState, InsufficientResourcesFault, …), whichever backend raised them.
 */
import type {
  ClusterId,
  DatacenterId,
  DatastoreId,
  HostId,
  NetworkId,
  ResourcePoolId,
  SnapshotId,
  TaskId,
  VmId,
} from '../sim/ids.js';
import type { DatastoreFileInfo, DiskSpec, VirtualDiskInfo, VirtualDiskSpec } from './storage.js';

export type { DatastoreFileInfo, DiskSpec, VirtualDiskInfo, VirtualDiskSpec } from './storage.js';
import type { ClusterServices } from './cluster.js';
export type * from './cluster.js';

/** Shares of one resource. */
export interface SharesInfo {
  readonly level: 'low' | 'normal' | 'high' | 'custom';
  readonly shares: number;
}

/** Reservation (MHz or MB), limit (-1 = unlimited) and shares (vim: ResourceAllocationInfo). */
export interface AllocationInfo {
  readonly reservation: number;
  readonly limit: number;
  readonly shares: SharesInfo;
  readonly expandableReservation: boolean;
}

/** What a caller may set on an allocation; omitted fields keep their value. */
export interface AllocationSpec {
  readonly reservation?: number;
  readonly limit?: number;
  readonly shares?: 'low' | 'normal' | 'high' | number;
  /** Pools only. */
  readonly expandableReservation?: boolean;
}

/** Product identity (vim: AboutInfo). */
export interface AboutInfo {
  readonly name: string;
  readonly fullName: string;
  readonly apiVersion: string;
  readonly instanceUuid: string;
}

/** A datacenter. */
export interface DatacenterInfo {
  readonly id: DatacenterId;
  readonly name: string;
}

/** A cluster. */
export interface ClusterInfo {
  readonly id: ClusterId;
  readonly name: string;
  readonly datacenter: DatacenterId;
  readonly rootPool: ResourcePoolId;
}

/** A host's memory (MB), where the backend knows it (the model exactly; vCenter from quickStats). */
export interface HostMemoryInfo {
  readonly capacityMB: number;
  readonly consumedMB: number;
  readonly freeMB: number;
  /** Guest pages backed once but read by several VMs (instant-clone forks). */
  readonly sharedByForkMB: number;
  /** Duplicate guest pages transparent page sharing merged away (the model knows; vCenter may not). */
  readonly sharedByTpsMB?: number;
  /** 2 MiB large pages the host broke so far (the first step of reclamation). */
  readonly brokenLargePages?: number;
  readonly privateMB: number;
  readonly zeroMB: number;
  readonly overheadMB: number;
  /** Guest memory the VMs see minus what backs it. */
  readonly savedMB: number;
  /** Guest memory seen ÷ memory backing it (1 = no sharing). */
  readonly sharingRatio: number;
  /** ESXi memory state: high, clear, soft, hard or low. */
  readonly state: string;
  readonly balloonedMB: number;
  readonly compressedMB: number;
  readonly swappedMB: number;
}

/** A running VM's memory (MB) (vim: VirtualMachineQuickStats private/shared/ballooned/swapped). */
export interface VmMemoryInfo {
  readonly privateMB: number;
  readonly sharedMB: number;
  readonly zeroMB: number;
  readonly activeMB: number;
  readonly overheadMB: number;
  readonly balloonedMB: number;
  readonly compressedMB: number;
  readonly swappedMB: number;
  /** Instant-clone generations in its memory chain. */
  readonly generations: number;
}

/** An ESXi host. */
export interface HostInfo {
  readonly id: HostId;
  readonly name: string;
  readonly cluster: ClusterId;
  readonly state: 'connected' | 'maintenance' | 'disconnected' | 'failed' | 'standby';
  readonly cpuCores: number;
  readonly cpuMhzPerCore: number;
  readonly memoryMB: number;
  /** Memory accounting, where the backend knows it. */
  readonly memory?: HostMemoryInfo;
}

/** A resource pool; the root pool of a cluster has no parent. */
export interface ResourcePoolInfo {
  readonly id: ResourcePoolId;
  readonly name: string;
  readonly cluster: ClusterId;
  readonly parent: ResourcePoolId | undefined;
  readonly cpu: AllocationInfo;
  readonly memory: AllocationInfo;
}

/** A datastore. */
export interface DatastoreInfo {
  readonly id: DatastoreId;
  readonly name: string;
  readonly capacityBytes: number;
  readonly freeBytes: number;
}

/** A network (port group). */
export interface NetworkInfo {
  readonly id: NetworkId;
  readonly name: string;
}

/** A VM's virtual disk (the top of its chain). */
export interface DiskInfo {
  readonly key: number;
  readonly fileName: string;
  readonly capacityBytes: number;
}

/** A VM's virtual NIC. */
export interface NicInfo {
  readonly key: number;
  readonly network: NetworkId;
  readonly macAddress: string;
}

/** A snapshot in a VM's tree. */
export interface SnapshotInfo {
  readonly id: SnapshotId;
  readonly name: string;
  readonly parent: SnapshotId | undefined;
  readonly createTime: string;
}

/** VM power states (vim: VirtualMachinePowerState). */
export type VmPowerState = 'poweredOff' | 'poweredOn' | 'suspended';

/** A virtual machine, as the VCH sees it. */
export interface VmInfo {
  readonly id: VmId;
  readonly name: string;
  readonly powerState: VmPowerState;
  readonly host: HostId;
  readonly pool: ResourcePoolId;
  readonly datastore: DatastoreId;
  readonly numCpu: number;
  readonly memoryMB: number;
  readonly cpuAllocation: AllocationInfo;
  readonly memoryAllocation: AllocationInfo;
  readonly guestId: string;
  readonly annotation: string;
  readonly extraConfig: Readonly<Record<string, string>>;
  readonly disks: readonly DiskInfo[];
  readonly nics: readonly NicInfo[];
  /** Datastore path of the .vmx file. */
  readonly vmxPath: string;
  /** When it was last powered on; undefined while not running. */
  readonly bootTime: string | undefined;
  readonly template: boolean;
  readonly snapshots: readonly SnapshotInfo[];
  readonly currentSnapshot: SnapshotId | undefined;
  /** Memory while running, where the backend knows it. */
  readonly memory?: VmMemoryInfo;
}

/** Task states (vim: TaskInfoState). */
export type TaskState = 'queued' | 'running' | 'success' | 'error';

/** A task's record (vim: TaskInfo). */
export interface TaskInfo {
  readonly id: TaskId;
  readonly descriptionId: string;
  readonly entity: string;
  readonly entityName: string;
  readonly state: TaskState;
  readonly queueTime: string;
  readonly startTime: string | undefined;
  readonly completeTime: string | undefined;
  readonly result: unknown;
  readonly error: { readonly code: string; readonly message: string } | undefined;
}

/** A long operation in progress. `wait()` resolves with its result or rejects with its typed error. */
export interface Task<T> {
  readonly id: TaskId;
  readonly descriptionId: string;
  wait(): Promise<T>;
}

/** What CreateVM needs. Omitted sizes take the backend's defaults. */
export interface CreateVmSpec {
  readonly name: string;
  readonly pool: ResourcePoolId;
  readonly host?: HostId;
  readonly datastore?: DatastoreId;
  readonly numCpu?: number;
  readonly memoryMB?: number;
  readonly cpuAllocation?: AllocationSpec;
  readonly memoryAllocation?: AllocationSpec;
  readonly guestId?: string;
  readonly annotation?: string;
  readonly extraConfig?: Readonly<Record<string, string>>;
  readonly disks?: readonly DiskSpec[];
  readonly nics?: readonly { readonly network: NetworkId }[];
  readonly cdromIso?: string;
  readonly serialLog?: boolean;
}

/** Clone modes: instant (fork a running VM), linked (delta on a snapshot), full (copy). */
export type CloneMode = 'instant' | 'linked' | 'full';

/** What a clone needs. */
export interface CloneVmSpec {
  readonly name: string;
  readonly mode: CloneMode;
  readonly pool?: ResourcePoolId;
  readonly host?: HostId;
  readonly datastore?: DatastoreId;
  readonly powerOn?: boolean;
  readonly snapshot?: SnapshotId;
}

/** What ReconfigVM may change. vCPUs and memory only while powered off. */
export interface ReconfigureVmSpec {
  readonly name?: string;
  readonly numCpu?: number;
  readonly memoryMB?: number;
  readonly cpuAllocation?: AllocationSpec;
  readonly memoryAllocation?: AllocationSpec;
  readonly annotation?: string;
  /** Merged; an empty value removes the key. */
  readonly extraConfig?: Readonly<Record<string, string>>;
  readonly addDisks?: readonly DiskSpec[];
  /** Datastore paths of disks to detach; attached `existing` disks are kept on the datastore, others deleted. */
  readonly removeDisks?: readonly string[];
  /** vNICs to add (vim: device add of a VirtualVmxnet3 backed by the network); any power state (hot-add). MACs are generated. */
  readonly addNics?: readonly { readonly network: NetworkId }[];
  /** Keys (NicInfo.key) of vNICs to remove; any power state (hot-remove). */
  readonly removeNics?: readonly number[];
}

/** Where RelocateVM moves a VM; omitted parts stay. */
export interface RelocateVmSpec {
  readonly host?: HostId;
  readonly pool?: ResourcePoolId;
  readonly datastore?: DatastoreId;
}

/** A pool's CPU (MHz) and memory (MB) settings. */
export interface PoolSpec {
  readonly cpu?: AllocationSpec;
  readonly memory?: AllocationSpec;
}

/** An inventory event (vim: Event). */
export interface BackendEvent {
  readonly key: number;
  /** vCenter's event type name, e.g. `VmPoweredOnEvent`. */
  readonly type: string;
  readonly createdTime: string;
  readonly message: string;
  readonly vm?: string;
  readonly host?: string;
  readonly pool?: string;
  readonly cluster?: string;
}

/** An event subscription. */
export interface Subscription {
  close(): void;
}

/**
 * One surface for what a VCH can ask of vSphere. Methods returning a Task queue the operation and
 * resolve once it is accepted; `task.wait()` resolves when it completes. Argument errors reject at
 * once; state errors (power state, admission) fail the task. The doc of each method says in which
 * states it is allowed.
 */
export interface Backend extends ClusterServices {
  /** `model` or `vsphere`. */
  readonly kind: 'model' | 'vsphere';
  /** Product identity. */
  about(): Promise<AboutInfo>;
  /** Every datacenter. */
  datacenters(): Promise<DatacenterInfo[]>;
  /** Every cluster. */
  clusters(): Promise<ClusterInfo[]>;
  /** Hosts, optionally of one cluster. */
  hosts(filter?: { readonly cluster?: ClusterId }): Promise<HostInfo[]>;
  /** Resource pools, optionally of one cluster. */
  resourcePools(filter?: { readonly cluster?: ClusterId }): Promise<ResourcePoolInfo[]>;
  /** Every datastore. */
  datastores(): Promise<DatastoreInfo[]>;
  /** Every network. */
  networks(): Promise<NetworkInfo[]>;
  /** VMs, optionally of one pool (directly in it) or one host. */
  vms(filter?: { readonly pool?: ResourcePoolId; readonly host?: HostId }): Promise<VmInfo[]>;
  /** One VM. Rejects with ManagedObjectNotFound. */
  vm(id: VmId): Promise<VmInfo>;
  /**
   * One VM's power state alone: what {@link vm} reports as `powerState`, without building the rest
   * of the record (model: O(1); vSphere: one property read). Rejects with ManagedObjectNotFound.
   */
  vmPowerState(id: VmId): Promise<VmPowerState>;
  /** The VM with that name, if any. */
  findVm(name: string): Promise<VmInfo | undefined>;
  /** Creates a powered-off VM in a pool. Allowed any time; fails on a duplicate name or a full datastore. */
  createVM(spec: CreateVmSpec): Promise<Task<VmId>>;
  /** Clones a VM. Instant: the source must be powered on. Linked: the source needs a snapshot. */
  cloneVM(source: VmId, spec: CloneVmSpec): Promise<Task<VmId>>;
  /** Powers on. Allowed when poweredOff or suspended; admission control on pool and host. */
  powerOnVM(id: VmId): Promise<Task<VmId>>;
  /** Powers off. Allowed when poweredOn or suspended. */
  powerOffVM(id: VmId): Promise<Task<VmId>>;
  /** Suspends. Allowed when poweredOn. */
  suspendVM(id: VmId): Promise<Task<VmId>>;
  /** Resets. Allowed when poweredOn. */
  resetVM(id: VmId): Promise<Task<VmId>>;
  /** Reconfigures. vCPUs and memory only while poweredOff; allocations, disks and NICs any time (allocations with admission). */
  reconfigureVM(id: VmId, spec: ReconfigureVmSpec): Promise<Task<VmId>>;
  /** Moves a VM to another host, pool or datastore (vMotion when powered on). */
  relocateVM(id: VmId, spec: RelocateVmSpec): Promise<Task<VmId>>;
  /** Deletes a VM and its unshared files. Allowed when poweredOff. */
  destroyVM(id: VmId): Promise<Task<VmId>>;
  /** Takes a disk snapshot. Allowed in any power state. */
  createSnapshot(vm: VmId, name: string, description?: string): Promise<Task<SnapshotId>>;
  /** Reverts to a snapshot; the VM ends powered off. */
  revertToSnapshot(vm: VmId, snapshot: SnapshotId): Promise<Task<SnapshotId>>;
  /** Removes a snapshot; its children move up to its parent. */
  removeSnapshot(vm: VmId, snapshot: SnapshotId): Promise<Task<SnapshotId>>;
  /** Creates a child pool (synchronous in vim25), with admission control on its reservation. */
  createResourcePool(parent: ResourcePoolId, name: string, spec?: PoolSpec): Promise<ResourcePoolInfo>;
  /** Changes a pool's settings (not the root pool), with admission control. */
  updateResourcePool(id: ResourcePoolId, spec: PoolSpec & { readonly name?: string }): Promise<ResourcePoolInfo>;
  /** Destroys a pool (not the root); its VMs and child pools move to its parent. */
  destroyResourcePool(id: ResourcePoolId): Promise<Task<ResourcePoolId>>;
  /** Creates a directory `[ds] a/b` (vim: FileManager.MakeDirectory); with `parents` its missing parents too. */
  makeDirectory(dsPath: string, parents?: boolean): Promise<void>;
  /** Deletes a file, a disk with its extents, or a directory tree (vim: DeleteDatastoreFile_Task). Fails on a disk in use. */
  deleteDatastoreFile(dsPath: string): Promise<Task<void>>;
  /** Lists a datastore directory (vim: SearchDatastore_Task). Rejects with NotFound when it is missing. */
  listDatastore(dsPath: string): Promise<DatastoreFileInfo[]>;
  /** Reads a datastore file (vCenter: HTTP GET /folder). Rejects with NotFound when it is missing. */
  readDatastoreFile(dsPath: string): Promise<Uint8Array>;
  /** Writes a datastore file whole, replacing it (vCenter: HTTP PUT /folder); its directory must exist. */
  writeDatastoreFile(dsPath: string, data: Uint8Array): Promise<void>;
  /** Creates a stand-alone thin disk or a delta on a parent disk; its directory must exist. */
  createVirtualDisk(dsPath: string, spec: VirtualDiskSpec): Promise<Task<VirtualDiskInfo>>;
  /** A stand-alone or VM disk's facts. Rejects with NotFound when it is missing. */
  virtualDisk(dsPath: string): Promise<VirtualDiskInfo>;
  /**
   * Records that `bytes` of content were written into a disk from its start (an image layer's
   * unpacked files, a volume's seed): thin allocation grows on its datastore. Fails when the
   * datastore is full. The model allocates grains; a live vCenter has no such call (content is
   * written by a guest), so the vsphere backend rejects it with NotSupported.
   */
  fillVirtualDisk(dsPath: string, bytes: number): Promise<VirtualDiskInfo>;
  /** A task's record. */
  task(id: TaskId): Promise<TaskInfo>;
  /** Recent and running tasks, oldest first. */
  recentTasks(): Promise<TaskInfo[]>;
  /** Calls `listener` for every event from now on. */
  subscribeEvents(listener: (e: BackendEvent) => void): Promise<Subscription>;
  /** Releases connections and subscriptions. */
  close(): Promise<void>;
}

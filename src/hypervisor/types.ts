/**
 * The records of the vSphere inventory. Plain, JSON-serializable data; objects refer to each other by
 * id, never by pointer, so save, restore and both backends stay symmetric.
 */
import type {
  ClusterId,
  DatacenterId,
  DatastoreId,
  HostId,
  NetworkId,
  ResourcePoolId,
  SnapshotId,
  VmId,
} from '../sim/ids.js';

/** vSphere shares levels; `custom` uses the given number. */
export type SharesLevel = 'low' | 'normal' | 'high' | 'custom';

/** Shares of one resource. */
export interface Shares {
  readonly level: SharesLevel;
  /** The share count: the level's value, or the custom value. */
  readonly shares: number;
}

/** Reservation, limit and shares of one resource (vim: ResourceAllocationInfo). */
export interface Allocation {
  /** Guaranteed amount (MHz or MB). */
  readonly reservation: number;
  /** Upper bound (MHz or MB); -1 = unlimited. */
  readonly limit: number;
  readonly shares: Shares;
  /** Pools only: may borrow unreserved capacity from the parent. */
  readonly expandableReservation: boolean;
}

/**
 * ESXi host state as vicsim models it. `standby` (DPM) is powered down: it runs no VMs, receives
 * none and gives no capacity, but it is not failed and can be woken (exitStandby).
 */
export type HostState = 'connected' | 'maintenance' | 'disconnected' | 'failed' | 'standby';

/** VM power state (vim: VirtualMachinePowerState). */
export type PowerState = 'poweredOff' | 'poweredOn' | 'suspended';

/** A datacenter. */
export interface Datacenter {
  readonly id: DatacenterId;
  readonly kind: 'Datacenter';
  readonly name: string;
}

/** A cluster (ClusterComputeResource) and its root resource pool. */
export interface Cluster {
  readonly id: ClusterId;
  readonly kind: 'Cluster';
  readonly name: string;
  readonly datacenter: DatacenterId;
  readonly rootPool: ResourcePoolId;
}

/** A physical NIC of a host. */
export interface HostNic {
  readonly device: string;
  readonly speedMbps: number;
}

/** An ESXi host. */
export interface Host {
  readonly id: HostId;
  readonly kind: 'Host';
  readonly name: string;
  readonly cluster: ClusterId;
  readonly cpuCores: number;
  readonly cpuMhzPerCore: number;
  readonly memoryMB: number;
  readonly nics: readonly HostNic[];
  readonly state: HostState;
}

/** A resource pool. The root pool of a cluster has `parent` undefined and is not editable. */
export interface ResourcePool {
  readonly id: ResourcePoolId;
  readonly kind: 'ResourcePool';
  readonly name: string;
  readonly cluster: ClusterId;
  readonly parent: ResourcePoolId | undefined;
  readonly cpu: Allocation;
  readonly memory: Allocation;
}

/** A datastore. */
export interface Datastore {
  readonly id: DatastoreId;
  readonly kind: 'Datastore';
  readonly name: string;
  readonly datacenter: DatacenterId;
  readonly capacityBytes: number;
  /** VMFS version decides the default delta format (6: SEsparse, 5: vmfsSparse). */
  readonly vmfsVersion: 5 | 6;
}

/** A network (port group). */
export interface Network {
  readonly id: NetworkId;
  readonly kind: 'Network';
  readonly name: string;
  readonly datacenter: DatacenterId;
}

/** A virtual disk attached to a VM: the top of a chain in the model's disk catalog. */
export interface VirtualDiskDevice {
  readonly type: 'disk';
  readonly key: number;
  /** Datastore path of the top descriptor, e.g. `[DS0] web-1/web-1.vmdk`. */
  readonly fileName: string;
  readonly capacityBytes: number;
}

/** A virtual NIC. */
export interface VirtualNic {
  readonly type: 'nic';
  readonly key: number;
  readonly network: NetworkId;
  readonly macAddress: string;
}

/** A CD-ROM (VIC boots container VMs from its bootstrap ISO). */
export interface VirtualCdrom {
  readonly type: 'cdrom';
  readonly key: number;
  /** Datastore path of the ISO, or undefined when empty. */
  readonly iso: string | undefined;
}

/** A serial port backed by a file (VIC writes the tether log there). */
export interface VirtualSerial {
  readonly type: 'serial';
  readonly key: number;
  /** Datastore path of the backing file. */
  readonly fileName: string;
}

/** Any virtual device. */
export type VirtualDevice = VirtualDiskDevice | VirtualNic | VirtualCdrom | VirtualSerial;

/** A VM's configuration (vim: VirtualMachineConfigInfo, the parts vicsim models). */
export interface VmConfig {
  readonly numCpu: number;
  readonly memoryMB: number;
  readonly cpuAllocation: Allocation;
  readonly memoryAllocation: Allocation;
  readonly guestId: string;
  readonly annotation: string;
  readonly extraConfig: Readonly<Record<string, string>>;
  readonly devices: readonly VirtualDevice[];
  /** A template cannot be powered on. */
  readonly template: boolean;
}

/** How a VM came to be. */
export type Provenance =
  | { readonly via: 'create' }
  | { readonly via: 'clone'; readonly mode: CloneMode; readonly source: VmId };

/** Clone modes: instant (fork running memory), linked (shared disk), full (copy everything). */
export type CloneMode = 'instant' | 'linked' | 'full';

/** A snapshot in a VM's snapshot tree. */
export interface Snapshot {
  readonly id: SnapshotId;
  readonly name: string;
  readonly description: string;
  readonly createTime: number;
  readonly parent: SnapshotId | undefined;
  /** Datastore paths of the disks this snapshot froze (one per VM disk, same order). */
  readonly disks: readonly string[];
  /** Power state captured (memory snapshots capture poweredOn). */
  readonly powerState: PowerState;
}

/** A virtual machine. */
export interface VirtualMachine {
  readonly id: VmId;
  readonly kind: 'VirtualMachine';
  readonly name: string;
  readonly cluster: ClusterId;
  readonly pool: ResourcePoolId;
  readonly host: HostId;
  readonly datastore: DatastoreId;
  /** Folder on the datastore, e.g. `web-1`; files are `[ds] <folder>/<folder>.vmx` etc. */
  readonly folder: string;
  readonly config: VmConfig;
  readonly powerState: PowerState;
  /** Simulated time of the last power-on, when powered on. */
  readonly bootTime: number | undefined;
  readonly provenance: Provenance;
  readonly snapshots: readonly Snapshot[];
  readonly currentSnapshot: SnapshotId | undefined;
}

/** Every inventory record. */
export type InventoryObject = Datacenter | Cluster | Host | ResourcePool | Datastore | Network | VirtualMachine;

/** The record type for a `kind` tag. */
export type ObjectOfKind<K extends InventoryObject['kind']> = Extract<InventoryObject, { kind: K }>;

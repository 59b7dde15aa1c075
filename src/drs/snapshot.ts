/**
 * The plain data DRS, vMotion and HA read: a frozen picture of one cluster at one instant. The
 * model (or a live vCenter) produces a snapshot; every function of src/drs is a pure function of
 * it and returns plain results. Objects refer to each other by id (`host-12`, `vm-40`,
 * `resgroup-7`); lists keep the producer's order, which is also the tie-break order, so the same
 * snapshot always yields the same answers.
 *
 * Units: CPU in MHz, memory in MB (vSphere MB = MiB), rates in MB/s, links in Gb/s.
 */
import type { HostId, ResourcePoolId, VmId } from '../sim/ids.js';

/**
 * Host state as DRS and HA see it. `connected` hosts run and receive VMs; `maintenance` hosts
 * still run their VMs but must be evacuated and receive none; `standby` (DPM) and `failed`
 * hosts run nothing and count for no capacity.
 */
export type DrsHostState = 'connected' | 'maintenance' | 'failed' | 'standby';

/** An ESXi host of the cluster. */
export interface HostSnapshot {
  readonly id: HostId;
  /** CPU capacity available to VMs (net of the hypervisor's own use), MHz, > 0. */
  readonly cpuMHz: number;
  /** Speed of one physical core, MHz (caps a VM at vCPUs × this), > 0. */
  readonly coreMHz: number;
  /** Memory capacity available to VMs (net of the hypervisor's own use), MB, > 0. */
  readonly memoryMB: number;
  readonly state: DrsHostState;
  /** Speed of the vMotion network, Gb/s (1 or 10 in the concurrency tables), > 0. */
  readonly vmotionGbps: number;
  /** Powered-on VMs the host runs at most (ESXi's configuration maximum); undefined = no limit. */
  readonly maxVms?: number;
}

/**
 * A shares setting: a level, scaled by vCPUs / MB for VMs and fixed for pools
 * ({@link SHARES_PER_UNIT_VM}, {@link SHARES_POOL} in constants.ts), or a custom count (> 0).
 */
export type SharesSetting = 'low' | 'normal' | 'high' | number;

/** Reservation, limit and shares of one resource of one VM. */
export interface VmAllocation {
  /** Guaranteed amount, MHz or MB, ≥ 0. */
  readonly reservation: number;
  /** Upper bound, MHz or MB; undefined = unlimited. ≥ reservation when given. */
  readonly limit?: number;
  readonly shares: SharesSetting;
}

/** Reservation, limit, shares and expandability of one resource of a pool. */
export interface PoolAllocation extends VmAllocation {
  /** May borrow the parent's unreserved capacity when its children reserve more than it does. */
  readonly expandable: boolean;
}

/** A resource pool. The cluster's root pool has no parent; its own settings are ignored (it owns the cluster). */
export interface PoolSnapshot {
  readonly id: ResourcePoolId;
  readonly parent?: ResourcePoolId;
  readonly cpu: PoolAllocation;
  readonly memory: PoolAllocation;
}

/** Measured demand of a running VM (what the host's statistics would report). */
export interface VmDemand {
  /** CPU time the VM ran, MHz. */
  readonly cpuRunMHz: number;
  /** CPU time the VM was ready but waited for a core, MHz. */
  readonly cpuReadyMHz: number;
  /** Memory the guest actively touches, MB. */
  readonly memActiveMB: number;
  /** Memory the host has given the VM (active and idle), MB, ≥ memActiveMB. */
  readonly memConsumedMB: number;
}

/** HA restart priority; `disabled` VMs are never restarted. */
export type RestartPriority = 'highest' | 'high' | 'medium' | 'low' | 'lowest' | 'disabled';

/** A powered-on VM. Powered-off VMs are not part of a snapshot. */
export interface VmSnapshot {
  readonly id: VmId;
  readonly host: HostId;
  readonly pool: ResourcePoolId;
  /** vCPUs, integer ≥ 1. */
  readonly vcpus: number;
  /** Configured memory, MB, > 0. */
  readonly memoryMB: number;
  /** Overhead memory the host reserves for the VM, MB (src/sim/overhead.ts), ≥ 0. */
  readonly overheadMB: number;
  readonly cpu: VmAllocation;
  readonly memory: VmAllocation;
  readonly demand: VmDemand;
  /** Rate at which the guest rewrites memory, MB/s (drives vMotion pre-copy), ≥ 0. */
  readonly dirtyMBps: number;
  readonly restartPriority: RestartPriority;
}

/** A VM about to be placed (initial placement); its `host` is ignored. */
export interface PlacingVmSnapshot extends VmSnapshot {
  /**
   * Page-sharing-aware placement only (beyond DRS): the MB of the VM's memory that pages already
   * resident on each host would back if it landed there (its guest OS's boot footprint on a host
   * with inter-VM TPS on, its template's pages for an instant clone). Absent (the default) or a
   * host missing: 0. Values finite, ≥ 0.
   */
  readonly sharedMBIfPlacedOn?: Readonly<Partial<Record<HostId, number>>>;
}

/**
 * A DRS rule. VM-VM rules are always enforced; VM-Host rules are `must` (never broken, not even
 * by HA) or `should` (kept by DRS when it can, ignored by HA).
 */
export type DrsRule =
  | { readonly id: string; readonly kind: 'vm-affinity'; readonly vms: readonly VmId[] }
  | { readonly id: string; readonly kind: 'vm-anti-affinity'; readonly vms: readonly VmId[] }
  | {
      readonly id: string;
      readonly kind: 'vm-host';
      readonly vms: readonly VmId[];
      readonly hosts: readonly HostId[];
      /** true: run on one of `hosts`; false: never run on them. */
      readonly affine: boolean;
      readonly mandatory: boolean;
    };

/** One cluster at one instant. */
export interface ClusterSnapshot {
  readonly hosts: readonly HostSnapshot[];
  /** Every pool, the root included; a parent comes before its children or not, order is free. */
  readonly pools: readonly PoolSnapshot[];
  readonly rootPool: ResourcePoolId;
  readonly vms: readonly VmSnapshot[];
  readonly rules: readonly DrsRule[];
}

/** A pair of amounts, CPU MHz and memory MB. */
export interface CpuMem {
  readonly cpuMHz: number;
  readonly memoryMB: number;
}

/** Whether a host in `state` can run VMs (connected or being evacuated). */
export function hostRunsVms(state: DrsHostState): boolean {
  return state === 'connected' || state === 'maintenance';
}

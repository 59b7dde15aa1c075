/**
 * The in-process model of vSphere: inventory, reservations, datastores, disks, tasks and events on
 * one virtual clock and one seeded random source. Operations live in the sibling modules
 * (inventory, vm-*, pools, hosts, snapshots); this class holds the state they share and the
 * indexes a registry listener keeps current.
 */
import { Clock, type Timer } from '../sim/clock.js';
import { HostMemory } from '../instantclone/host-memory.js';
import { calibrate, type Calibration, type CalibrationOverrides } from '../sim/calibration.js';
import { NotFoundError } from '../sim/errors.js';
import { IdAllocator, type ClusterId, type DatastoreId, type HostId, type ResourcePoolId, type VmId } from '../sim/ids.js';
import { Rng } from '../sim/rng.js';
import { ReservationAccounting, type Amount } from './accounting.js';
import { DatastoreFiles, type VirtualEntry } from './datastore-files.js';
import { EventLog } from './events.js';
import { Registry, type RegistryChange } from './registry.js';
import { TaskManager } from './tasks.js';
import type { Host, VirtualMachine } from './types.js';
import { renderVmx, vmxByteLength } from './vmx.js';
import { VmdkStore } from './vmdk/vmdk-store.js';
import { overheadMB } from '../sim/overhead.js';
import { vicPlacement, type PlacementPolicy } from './placement.js';
import { DiskRefs } from './disk-refs.js';

/** Options of a new model. */
export interface ModelOptions {
  /** Seed of every random choice (default 1). */
  readonly seed?: number;
  /** Calibration overrides, or a whole calibration. */
  readonly calibration?: CalibrationOverrides | Calibration;
  /** A clock to share (default: a new one at time 0). */
  readonly clock?: Clock;
  /** Finished tasks kept visible (default 1000). */
  readonly taskHistory?: number;
  /** Events kept in the history (default 10,000). */
  readonly eventHistory?: number;
}

/** A running guest's CPU demand at simulated time `nowMs`, MHz (≥ 0). O(1) amortized. */
export type GuestCpuProbe = (nowMs: number) => number;

/** The model's state. Mutate it only through the operation modules. */
export class VSphereModel {
  readonly clock: Clock;
  readonly calibration: Calibration;
  readonly ids = new IdAllocator();
  readonly registry = new Registry();
  readonly accounting = new ReservationAccounting();
  readonly tasks: TaskManager;
  readonly events: EventLog;
  /** Every disk link (grain maps, chains, descriptors) by datastore path. */
  vmdks: VmdkStore;
  /** How many chains (VM disks and snapshots) reference each disk link (kept on the disks; answers as a map by path). */
  readonly diskRefs = new DiskRefs(() => this.vmdks);
  /** Disks made on their own (image layers, volumes): each holds one reference to its chain until deleted. */
  readonly standaloneDisks = new Set<string>();
  rng: Rng;
  /** MAC addresses handed out so far (the low 3 bytes of 00:50:56:xx:xx:xx). */
  macCounter = 0;

  readonly #datastores = new Map<DatastoreId, DatastoreFiles>();
  readonly #vmsByHost = new Map<HostId, Set<VmId>>();
  readonly #vmsByPool = new Map<ResourcePoolId, Set<VmId>>();
  readonly #vmNames = new Map<string, VmId>();
  readonly #hostsByCluster = new Map<ClusterId, HostId[]>();
  readonly #memory = new Map<HostId, HostMemory>();
  /** Per instant-clone source: when the serialized part of its clones is free again (simulated ms). */
  readonly templateBusyUntil = new Map<VmId, number>();
  /** The background event running guest workloads, while any guest has one (see guest-memory.ts). */
  guestTicker: Timer | undefined;
  /** Chooses the host of a VM created without one (default VIC's ranking; DRS replaces it). */
  placementPolicy: PlacementPolicy = vicPlacement;
  /**
   * When set, what a running VM's guest CPU is read from, as DRS, HA and DPM measure it: a
   * {@link GuestCpuProbe} giving its MHz (≥ 0) at a simulated time; undefined for a VM leaves its
   * `vicsim.workload.cpuMhz` key in charge. A caller may keep a VM's probe for as long as the VM's
   * record is unchanged. The capacity runner sets it to play its profiles' CPU curves.
   */
  guestCpuDemand: ((vm: VirtualMachine) => GuestCpuProbe | undefined) | undefined;
  /**
   * When set (DRS installs it), a host with powered-on VMs may enter maintenance mode: they keep
   * running there (no new ones start) and this is called once the host is in maintenance, to
   * move them off. Undefined: entering maintenance needs the host already free of running VMs.
   */
  maintenanceEvacuator: ((host: HostId) => void) | undefined;
  /**
   * When set (DRS installs it), the host a powered-off VM should power on on, or the error refusing
   * it (e.g. a rule no host keeps); undefined keeps its host. Must not change the model.
   */
  powerOnPlacement: ((vm: VirtualMachine) => HostId | Error | undefined) | undefined;
  /** Further power-on admission checks (HA installs its failover reserve); each must not change the model. */
  readonly powerOnChecks = new Set<(vm: VirtualMachine) => Error | undefined>();

  constructor(opts: ModelOptions = {}) {
    this.clock = opts.clock ?? new Clock();
    this.calibration = isCalibration(opts.calibration) ? opts.calibration : calibrate(opts.calibration ?? {});
    this.rng = Rng.seeded(opts.seed ?? 1);
    this.vmdks = new VmdkStore({ rng: this.rng, calibration: this.calibration.disk });
    this.tasks = new TaskManager(this.clock, this.ids, opts.taskHistory);
    this.events = new EventLog(this.clock, opts.eventHistory);
    this.registry.listen((c) => this.#index(c));
  }

  /** The datastore's file namespace. @throws NotFoundError */
  files(id: DatastoreId): DatastoreFiles {
    const f = this.#datastores.get(id);
    if (!f) throw new NotFoundError('Datastore', id);
    return f;
  }

  /** Creates the namespace of a new datastore (inventory.addDatastore calls this). */
  mountDatastore(id: DatastoreId, name: string, capacityBytes: number): DatastoreFiles {
    const f = new DatastoreFiles(name, capacityBytes, (e) => this.#render(e));
    this.#datastores.set(id, f);
    return f;
  }

  /** Ids of the VMs registered on a host. O(1). */
  vmsOnHost(id: HostId): ReadonlySet<VmId> {
    return this.#vmsByHost.get(id) ?? EMPTY;
  }

  /** Ids of the VMs directly in a pool. O(1). */
  vmsInPool(id: ResourcePoolId): ReadonlySet<VmId> {
    return this.#vmsByPool.get(id) ?? EMPTY;
  }

  /** The VM with that name, if any. VM names are unique in a model (vCenter: per folder). O(1). */
  vmByName(name: string): VmId | undefined {
    return this.#vmNames.get(name);
  }

  /** The hosts of a cluster, in the order they were added. O(hosts). */
  hostsOf(cluster: ClusterId): Host[] {
    return (this.#hostsByCluster.get(cluster) ?? []).map((id) => this.registry.get('Host', id));
  }

  /** A host's memory: its page pool, running VMs' images, state and reclamation. Made on first use. */
  memoryOf(host: HostId): HostMemory {
    let m = this.#memory.get(host);
    if (!m) {
      m = new HostMemory(this.registry.get('Host', host).memoryMB, this.calibration);
      this.#memory.set(host, m);
    }
    return m;
  }

  /** Memory MB a host consumes: guest pages it backs (shared ones once) plus overhead, less reclaimed. O(1). */
  consumedMB(host: HostId): number {
    return this.#memory.get(host)?.consumedMB ?? 0;
  }

  /** A host's capacity for reservations: MHz of all cores, MB of memory. */
  hostCapacity(h: Host): Amount {
    return { cpu: h.cpuCores * h.cpuMhzPerCore, memory: h.memoryMB };
  }

  /** The reservation a powered-on VM holds: CPU MHz; memory MB including overhead (rounded up). */
  vmReservation(vm: VirtualMachine): Amount {
    return {
      cpu: vm.config.cpuAllocation.reservation,
      memory: vm.config.memoryAllocation.reservation + this.overheadOf(vm),
    };
  }

  /** A VM's overhead memory in whole MB (vSphere's table, rounded up). */
  overheadOf(vm: VirtualMachine): number {
    return Math.ceil(overheadCache(vm.config.memoryMB, vm.config.numCpu));
  }

  #index(c: RegistryChange): void {
    if (c.object.kind === 'Host' && c.op !== 'update') {
      const list = this.#hostsByCluster.get(c.object.cluster) ?? [];
      if (c.op === 'put') list.push(c.object.id);
      else list.splice(list.indexOf(c.object.id), 1);
      this.#hostsByCluster.set(c.object.cluster, list);
    }
    if (c.object.kind !== 'VirtualMachine') return;
    const prev = c.op === 'update' ? (c.previous as VirtualMachine) : undefined;
    const vm = c.object;
    if (c.op === 'remove' || (prev && (prev.host !== vm.host || prev.pool !== vm.pool || prev.name !== vm.name))) {
      const old = prev ?? vm;
      this.#vmsByHost.get(old.host)?.delete(old.id);
      this.#vmsByPool.get(old.pool)?.delete(old.id);
      if (this.#vmNames.get(old.name) === old.id) this.#vmNames.delete(old.name);
    }
    if (c.op === 'put' || (prev && (prev.host !== vm.host || prev.pool !== vm.pool || prev.name !== vm.name))) {
      addTo(this.#vmsByHost, vm.host, vm.id);
      addTo(this.#vmsByPool, vm.pool, vm.id);
      this.#vmNames.set(vm.name, vm.id);
    }
  }

  /** A port group's name, for `.vmx` rendering (made once, not per render). */
  readonly #networkName = (id: string): string => this.registry.get('Network', id).name;

  /** The byte size of a VM's `.vmx` file, counted without rendering it. O(devices + extraConfig). */
  vmxSize(vm: VirtualMachine): number {
    return vmxByteLength(vm, fileNameOf, this.#networkName);
  }

  #render(e: VirtualEntry): string {
    if (e.render === 'vmx') return renderVmx(this.registry.get('VirtualMachine', e.owner), fileNameOf, this.#networkName);
    return this.vmdks.descriptorText(e.owner);
  }
}

const EMPTY: ReadonlySet<never> = new Set();

/** The file name of a datastore path (what a `.vmx` names its disks by). */
function fileNameOf(dsPath: string): string {
  return dsPath.slice(dsPath.lastIndexOf('/') + 1);
}

function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}

function isCalibration(c: CalibrationOverrides | Calibration | undefined): c is Calibration {
  return !!c && 'latency' in c && 'vm' in c && 'memory' in c && 'disk' in c && 'cloneGenerations' in c && Object.isFrozen(c);
}

const OVERHEAD_CACHE = new Map<number, number>();
/** overheadMB memoized per (memory, vCPUs): VMs share a handful of sizes. */
function overheadCache(memoryMB: number, cpus: number): number {
  const key = memoryMB * 1024 + cpus;
  let v = OVERHEAD_CACHE.get(key);
  if (v === undefined) OVERHEAD_CACHE.set(key, (v = overheadMB(memoryMB, cpus)));
  return v;
}

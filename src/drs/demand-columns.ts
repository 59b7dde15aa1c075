/**
 * What changes about a cluster's VMs from one DRS pass to the next — measured demand and dirty
 * rate — held as columns (one typed array per figure, VM order), so a pass reads and a caller
 * writes them without touching an object per VM; and the session's VM records, whose `demand` and
 * `dirtyMBps` read those columns.
 */
import { InvalidArgumentError } from '../sim/errors.js';
import type { HostId, ResourcePoolId, VmId } from '../sim/ids.js';
import type { RestartPriority, VmAllocation, VmDemand, VmSnapshot } from './snapshot.js';

/** Measured demand and dirty rate of V VMs, one column per figure (VM order). */
export class DemandColumns {
  readonly cpuRunMHz: Float64Array;
  readonly cpuReadyMHz: Float64Array;
  readonly memActiveMB: Float64Array;
  readonly memConsumedMB: Float64Array;
  readonly dirtyMBps: Float64Array;
  /** Changes whenever a VM's active or consumed memory changes (a pass may reuse the last memory split while it stays). */
  memoryVersion = 0;

  /** The columns of `vms`' demand and dirty rates. O(V). */
  constructor(vms: readonly VmSnapshot[]) {
    const n = vms.length;
    this.cpuRunMHz = new Float64Array(n);
    this.cpuReadyMHz = new Float64Array(n);
    this.memActiveMB = new Float64Array(n);
    this.memConsumedMB = new Float64Array(n);
    this.dirtyMBps = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const vm = vms[i]!;
      this.set(i, vm.demand);
      this.dirtyMBps[i] = vm.dirtyMBps;
    }
  }

  /** Number of VMs. */
  get length(): number {
    return this.cpuRunMHz.length;
  }

  /** Writes VM `i`'s demand. O(1). Precondition: 0 ≤ i < length. */
  set(i: number, d: VmDemand): void {
    this.cpuRunMHz[i] = d.cpuRunMHz;
    this.cpuReadyMHz[i] = d.cpuReadyMHz;
    this.setMemory(i, d.memActiveMB, d.memConsumedMB);
  }

  /** Writes VM `i`'s active and consumed memory, MB. O(1). Precondition: 0 ≤ i < length. */
  setMemory(i: number, activeMB: number, consumedMB: number): void {
    if (activeMB === this.memActiveMB[i] && consumedMB === this.memConsumedMB[i]) return;
    this.memActiveMB[i] = activeMB;
    this.memConsumedMB[i] = consumedMB;
    this.memoryVersion++;
  }

  /** VM `i`'s demand as a new record. O(1). Precondition: 0 ≤ i < length. */
  demand(i: number): VmDemand {
    return { cpuRunMHz: this.cpuRunMHz[i]!, cpuReadyMHz: this.cpuReadyMHz[i]!, memActiveMB: this.memActiveMB[i]!, memConsumedMB: this.memConsumedMB[i]! };
  }
}

/** What a session holds of a VM besides its id, host and row: its settings and the columns of its take; clones of one template share one. Immutable. */
interface VmSettings {
  /** The demand columns of the VMs taken with it. */
  readonly columns: DemandColumns;
  readonly pool: ResourcePoolId;
  readonly vcpus: number;
  readonly memoryMB: number;
  readonly overheadMB: number;
  readonly cpu: VmAllocation;
  readonly memory: VmAllocation;
  readonly restartPriority: RestartPriority;
}

/**
 * Hands out settings records for the VMs of one take, sharing one between VMs whose settings are
 * the same (every value identical, allocations the same records): it remembers the last record made
 * for each CPU allocation record, which clones of one template share. O(1) per VM.
 */
export class VmSettingsCache {
  readonly #last = new Map<VmAllocation, VmSettings>();

  /** Records for VMs whose demand is in `columns`. */
  constructor(readonly columns: DemandColumns) {}

  /** A settings record holding `vm`'s settings (shared when the last one made for its CPU allocation holds the same). O(1). */
  of(vm: VmSnapshot): VmSettings {
    const last = this.#last.get(vm.cpu);
    if (
      last !== undefined &&
      last.pool === vm.pool &&
      Object.is(last.vcpus, vm.vcpus) &&
      Object.is(last.memoryMB, vm.memoryMB) &&
      Object.is(last.overheadMB, vm.overheadMB) &&
      last.memory === vm.memory &&
      last.restartPriority === vm.restartPriority
    ) {
      return last;
    }
    const made = settingsOf(vm, this.columns);
    this.#last.set(vm.cpu, made);
    return made;
  }
}

/** A new settings record holding `vm`'s settings, its demand in `columns`. O(1). */
function settingsOf(vm: VmSnapshot, columns: DemandColumns): VmSettings {
  return { columns, pool: vm.pool, vcpus: vm.vcpus, memoryMB: vm.memoryMB, overheadMB: vm.overheadMB, cpu: vm.cpu, memory: vm.memory, restartPriority: vm.restartPriority };
}

/**
 * A VM as a DRS session holds it: its settings copied (into a record it may share with VMs of the
 * same settings, see {@link VmSettingsCache}), its host changeable, its demand and dirty rate read
 * from the session's columns (named by its settings record). One exists per VM of a cluster, so it is four fields.
 */
export class ColumnVm implements VmSnapshot {
  readonly id: VmId;
  host: HostId;
  readonly #settings: VmSettings;
  readonly #i: number;

  /**
   * `vm`'s settings (a record from `settings`, or one of its own) and host; demand and dirty rate
   * from row `i` of `columns`. O(1).
   * @throws InvalidArgumentError when `settings` hands out records for other columns.
   */
  constructor(vm: VmSnapshot, columns: DemandColumns, i: number, settings?: VmSettingsCache) {
    if (settings && settings.columns !== columns) throw new InvalidArgumentError('settings', 'the settings cache is for other demand columns');
    this.id = vm.id;
    this.host = vm.host;
    this.#settings = settings ? settings.of(vm) : settingsOf(vm, columns);
    this.#i = i;
  }

  get pool(): ResourcePoolId {
    return this.#settings.pool;
  }

  get vcpus(): number {
    return this.#settings.vcpus;
  }

  get memoryMB(): number {
    return this.#settings.memoryMB;
  }

  get overheadMB(): number {
    return this.#settings.overheadMB;
  }

  get cpu(): VmAllocation {
    return this.#settings.cpu;
  }

  get memory(): VmAllocation {
    return this.#settings.memory;
  }

  get restartPriority(): RestartPriority {
    return this.#settings.restartPriority;
  }

  /** The VM's demand now (a new record each read). O(1). */
  get demand(): VmDemand {
    return this.#settings.columns.demand(this.#i);
  }

  /** The VM's dirty rate now, MB/s. O(1). */
  get dirtyMBps(): number {
    return this.#settings.columns.dirtyMBps[this.#i]!;
  }

  /** A plain snapshot record of the VM as it stands. O(1). */
  toSnapshot(): VmSnapshot {
    const { id, host, pool, vcpus, memoryMB, overheadMB, cpu, memory, demand, dirtyMBps, restartPriority } = this;
    return { id, host, pool, vcpus, memoryMB, overheadMB, cpu, memory, demand, dirtyMBps, restartPriority };
  }
}

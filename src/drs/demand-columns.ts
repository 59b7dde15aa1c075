/**
 * What changes about a cluster's VMs from one DRS pass to the next — measured demand and dirty
 * rate — held as columns (one typed array per figure, VM order), so a pass reads and a caller
 * writes them without touching an object per VM; and the session's VM records, whose `demand` and
 * `dirtyMBps` read those columns.
 */
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

/** A VM as a DRS session holds it: its settings copied, its host changeable, its demand and dirty rate read from the session's columns. */
export class ColumnVm implements VmSnapshot {
  readonly id: VmId;
  host: HostId;
  readonly pool: ResourcePoolId;
  readonly vcpus: number;
  readonly memoryMB: number;
  readonly overheadMB: number;
  readonly cpu: VmAllocation;
  readonly memory: VmAllocation;
  readonly restartPriority: RestartPriority;
  readonly #columns: DemandColumns;
  readonly #i: number;

  /** `vm`'s settings and host; demand and dirty rate from row `i` of `columns`. O(1). */
  constructor(vm: VmSnapshot, columns: DemandColumns, i: number) {
    this.id = vm.id;
    this.host = vm.host;
    this.pool = vm.pool;
    this.vcpus = vm.vcpus;
    this.memoryMB = vm.memoryMB;
    this.overheadMB = vm.overheadMB;
    this.cpu = vm.cpu;
    this.memory = vm.memory;
    this.restartPriority = vm.restartPriority;
    this.#columns = columns;
    this.#i = i;
  }

  /** The VM's demand now (a new record each read). O(1). */
  get demand(): VmDemand {
    return this.#columns.demand(this.#i);
  }

  /** The VM's dirty rate now, MB/s. O(1). */
  get dirtyMBps(): number {
    return this.#columns.dirtyMBps[this.#i]!;
  }

  /** A plain snapshot record of the VM as it stands. O(1). */
  toSnapshot(): VmSnapshot {
    const { id, host, pool, vcpus, memoryMB, overheadMB, cpu, memory, demand, dirtyMBps, restartPriority } = this;
    return { id, host, pool, vcpus, memoryMB, overheadMB, cpu, memory, demand, dirtyMBps, restartPriority };
  }
}

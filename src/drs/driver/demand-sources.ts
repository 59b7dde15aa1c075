/**
 * Where a cluster snapshot's VMs' measured demand comes from, kept between DRS passes so a pass
 * over an unchanged cluster only re-reads demand: per VM its guest CPU probe (or its fixed
 * `vicsim.workload.cpuMhz`) and a reader of its host's memory accounting. Memory is re-read only on
 * hosts whose accounting changed since the last read (HostMemory.usageVersion): a cluster of
 * settled guests costs one CPU read per VM.
 */
import type { GuestCpuProbe, VSphereModel } from '../../hypervisor/model.js';
import type { VirtualMachine } from '../../hypervisor/types.js';
import type { HostMemory } from '../../instantclone/host-memory.js';
import { UsageReaderColumns } from '../../instantclone/vm-memory.js';
import type { DemandColumns } from '../demand-columns.js';
import type { DrsRule, VmDemand } from '../snapshot.js';

/** The demand sources of one snapshot's VMs (in its order) and the rules it was made with. */
export class DemandSources {
  readonly #cpu: readonly (GuestCpuProbe | undefined)[];
  readonly #fixedCpuMHz: Float64Array;
  /** Per VM: a reader of its memory on its host (#hostSlot). */
  readonly #memory: UsageReaderColumns;
  /** Per VM: its host's position in #hosts, and its memory as last read. */
  readonly #hostSlot: Int32Array;
  readonly #activeMB: Float64Array;
  readonly #consumedMB: Float64Array;
  /** The hosts' memory accounting, and the usage version of each when last read (NaN: never). */
  readonly #hosts: HostMemory[] = [];
  #seen: Float64Array;

  /**
   * Sources for `vms` (powered on, in snapshot order) with the cluster's `rules`. O(V).
   * @param fixedCpuMHz reads a VM's CPU when the model's guestCpuDemand gives it no probe (it may throw).
   */
  constructor(model: VSphereModel, vms: readonly VirtualMachine[], readonly rules: readonly DrsRule[], fixedCpuMHz: (vm: VirtualMachine) => number) {
    this.#cpu = vms.map((vm) => model.guestCpuDemand?.(vm));
    this.#fixedCpuMHz = Float64Array.from(vms, (vm, i) => (this.#cpu[i] === undefined ? fixedCpuMHz(vm) : 0));
    this.#memory = new UsageReaderColumns(vms.map((vm) => vm.id));
    const slots = new Map<string, number>();
    this.#hostSlot = Int32Array.from(vms, (vm) => {
      let slot = slots.get(vm.host);
      if (slot === undefined) slots.set(vm.host, (slot = this.#hosts.push(model.memoryOf(vm.host)) - 1));
      return slot;
    });
    this.#activeMB = new Float64Array(vms.length);
    this.#consumedMB = new Float64Array(vms.length);
    this.#seen = new Float64Array(this.#hosts.length).fill(NaN);
  }

  /** VM i (record `vm`) now runs on another host: its memory is read there from the next call on. O(1), plus O(hosts) the first time a host appears. */
  move(model: VSphereModel, i: number, vm: VirtualMachine): void {
    const mem = model.memoryOf(vm.host);
    let slot = this.#hosts.indexOf(mem);
    if (slot < 0) {
      slot = this.#hosts.push(mem) - 1;
      this.#seen = Float64Array.from([...this.#seen, NaN]);
    }
    this.#memory.reset(i, vm.id);
    this.#hostSlot[i] = slot;
    this.#seen[slot] = NaN;
  }

  /**
   * Calls `write(i, demand)` with VM i's measured demand at simulated time `nowMs` (what
   * measuredDemand gives). `demand` is one object reused from call to call: copy what is kept.
   * O(V) plus one memory read per VM on a host whose accounting changed.
   */
  forEach(nowMs: number, write: (i: number, demand: VmDemand) => void): void {
    const demand = { cpuRunMHz: 0, cpuReadyMHz: 0, memActiveMB: 0, memConsumedMB: 0 };
    this.#readMemory();
    for (let i = 0; i < this.#memory.length; i++) {
      demand.cpuRunMHz = this.#cpuAt(i, nowMs);
      demand.memActiveMB = this.#activeMB[i]!;
      demand.memConsumedMB = this.#consumedMB[i]!;
      write(i, demand);
    }
  }

  /**
   * Writes every VM's measured demand at `nowMs` into `columns` (a DRS session's, same VM order):
   * its CPU, and its memory where its host's accounting changed. O(V) CPU reads plus one memory
   * read per VM on such a host; no lookups and no allocation per VM. Preconditions: columns.length = V,
   * and `columns` hold what these sources gave last (the snapshot's demand, then refreshes only: a
   * {@link forEach} in between would leave a changed host's memory out of `columns`).
   */
  refresh(nowMs: number, columns: DemandColumns): void {
    const changed = this.#readMemory();
    for (let i = 0; i < this.#memory.length; i++) {
      columns.cpuRunMHz[i] = this.#cpuAt(i, nowMs);
      columns.cpuReadyMHz[i] = 0;
      if (changed[this.#hostSlot[i]!]) columns.setMemory(i, this.#activeMB[i]!, this.#consumedMB[i]!);
    }
  }

  #cpuAt(i: number, nowMs: number): number {
    const probe = this.#cpu[i];
    return probe === undefined ? this.#fixedCpuMHz[i]! : probe(nowMs);
  }

  /** Re-reads the memory of the VMs on hosts whose accounting changed since the last read; returns which hosts (by slot) did. */
  #readMemory(): boolean[] {
    const changed = this.#hosts.map((mem, h) => {
      const version = mem.usageVersion;
      const was = this.#seen[h];
      this.#seen[h] = version;
      return version !== was;
    });
    const usage = { residentMB: 0, activeMB: 0 };
    for (let i = 0; i < this.#memory.length; i++) {
      if (!changed[this.#hostSlot[i]!]) continue;
      const held = this.#memory.read(i, this.#hosts[this.#hostSlot[i]!]!, usage);
      this.#activeMB[i] = held ? Math.min(usage.activeMB, usage.residentMB) : 0;
      this.#consumedMB[i] = held ? usage.residentMB : 0;
    }
    return changed;
  }
}

/**
 * HA admission control (calibration.md, HA admission control): the slot policy and the
 * percentage policy. Both count the connected hosts (maintenance, standby and failed hosts give
 * no failover capacity) and every powered-on VM of the snapshot. The `…Over` forms take the VMs
 * already summed up ({@link PoweredOnReservations}), so a caller keeping that sum current
 * (ha-reservation-ledger.ts) checks a power-on in O(H log H) instead of O(H log H + V).
 */
import { InvalidArgumentError } from '../sim/errors.js';
import type { HostId } from '../sim/ids.js';
import { HA_MIN_CPU_SLOT_MHZ } from './constants.js';
import type { ClusterSnapshot, CpuMem, HostSnapshot, VmSnapshot } from './snapshot.js';

/** Slot policy options. */
export interface SlotPolicyOptions {
  /** Smallest CPU slot, MHz (default 32). */
  readonly minCpuSlotMHz?: number;
  /** Fixed slot size (das.slotCpuInMHz / das.slotMemInMB); default: computed from the VMs. */
  readonly fixedSlot?: CpuMem;
}

/** The slot policy's view of a cluster. */
export interface SlotReport {
  /** CPU slot = largest CPU reservation (at least the minimum); memory slot = largest memory reservation + overhead. */
  readonly slot: CpuMem;
  /** Slots of each connected host: min(cpu ÷ CPU slot, memory ÷ memory slot), rounded down. */
  readonly slotsPerHost: ReadonlyMap<HostId, number>;
  readonly totalSlots: number;
  /** Powered-on VMs, one slot each. */
  readonly usedSlots: number;
  /** How many of the largest hosts can fail with the remaining slots still covering the VMs. */
  readonly failoverCapacity: number;
}

/**
 * The slot policy over `snapshot`'s connected hosts and all its VMs. O(H log H + V).
 * calibration.md golden case 2: hosts 9 GHz/9 GB, 9 GHz/6 GB, 6 GHz/6 GB with a 2 GHz/2 GB slot
 * have 4, 3 and 3 slots; with 5 VMs the failover capacity is 1.
 */
export function slotPolicy(snapshot: ClusterSnapshot, options: SlotPolicyOptions = {}): SlotReport {
  return slotPolicyOver(snapshot.hosts, reservationsOf(snapshot.vms), options);
}

/**
 * The slot policy over `hosts` (the connected ones count) and powered-on VMs summed up in
 * `running`: the same report as {@link slotPolicy} over those VMs. O(H log H).
 */
export function slotPolicyOver(hosts: readonly HostSnapshot[], running: PoweredOnReservations, options: SlotPolicyOptions = {}): SlotReport {
  const slot = options.fixedSlot ?? { cpuMHz: Math.max(options.minCpuSlotMHz ?? HA_MIN_CPU_SLOT_MHZ, running.maxCpuMHz), memoryMB: running.maxMemoryMB };
  const slotsPerHost = new Map<HostId, number>();
  for (const h of hosts) {
    if (h.state === 'connected') slotsPerHost.set(h.id, hostSlots(h, slot));
  }
  const counts = [...slotsPerHost.values()];
  const usedSlots = running.count;
  return { slot, slotsPerHost, totalSlots: sum(counts), usedSlots, failoverCapacity: failoverCapacity(counts, usedSlots) };
}

/** The slot of `vms`: the largest CPU reservation (≥ `minCpuMHz`) and the largest memory reservation + overhead. O(V). */
export function slotSize(vms: readonly VmSnapshot[], minCpuMHz = HA_MIN_CPU_SLOT_MHZ): CpuMem {
  let cpuMHz = minCpuMHz;
  let memoryMB = 0;
  for (const vm of vms) {
    cpuMHz = Math.max(cpuMHz, vm.cpu.reservation);
    memoryMB = Math.max(memoryMB, vm.memory.reservation + vm.overheadMB);
  }
  return { cpuMHz, memoryMB };
}

/**
 * What HA admission control counts of a cluster's powered-on VMs: how many, the largest
 * reservations (the slot) and the summed reservations (the percentage policy). Reservations are ≥ 0.
 */
export interface PoweredOnReservations {
  readonly count: number;
  /** Largest CPU reservation, MHz (0 without VMs). */
  readonly maxCpuMHz: number;
  /** Largest memory reservation + overhead, MB (0 without VMs). */
  readonly maxMemoryMB: number;
  /** Σ max(CPU reservation, 32 MHz), in VM order. */
  readonly cpuReservedMHz: number;
  /** Σ memory reservation + overhead, in VM order. */
  readonly memoryReservedMB: number;
}

/** No powered-on VMs. */
export const NO_RESERVATIONS: PoweredOnReservations = { count: 0, maxCpuMHz: 0, maxMemoryMB: 0, cpuReservedMHz: 0, memoryReservedMB: 0 };

/** {@link PoweredOnReservations} of `vms`, summed in their order. O(V). */
export function reservationsOf(vms: readonly VmSnapshot[]): PoweredOnReservations {
  let r = NO_RESERVATIONS;
  for (const vm of vms) r = withReservation(r, vm.cpu.reservation, vm.memory.reservation + vm.overheadMB);
  return r;
}

/**
 * `running` with one more VM reserving `cpuMHz` and `memoryMB` (memory reservation + overhead),
 * added last to the sums. O(1).
 */
export function withReservation(running: PoweredOnReservations, cpuMHz: number, memoryMB: number): PoweredOnReservations {
  return {
    count: running.count + 1,
    maxCpuMHz: Math.max(running.maxCpuMHz, cpuMHz),
    maxMemoryMB: Math.max(running.maxMemoryMB, memoryMB),
    cpuReservedMHz: running.cpuReservedMHz + Math.max(cpuMHz, HA_MIN_CPU_SLOT_MHZ),
    memoryReservedMB: running.memoryReservedMB + memoryMB,
  };
}

/** Slots of one host: min(⌊cpu ÷ slot⌋, ⌊memory ÷ slot⌋); a zero-sized slot dimension does not limit. O(1). */
export function hostSlots(host: HostSnapshot, slot: CpuMem): number {
  const byCpu = slot.cpuMHz > 0 ? Math.floor(host.cpuMHz / slot.cpuMHz) : Infinity;
  const byMem = slot.memoryMB > 0 ? Math.floor(host.memoryMB / slot.memoryMB) : Infinity;
  const slots = Math.min(byCpu, byMem);
  if (slots === Infinity) throw new InvalidArgumentError('slot', 'slot size must be > 0 in at least one resource');
  return slots;
}

/**
 * How many hosts may fail, largest first, with the remaining slots still ≥ `usedSlots`.
 * O(H log H). Returns 0 when even the full cluster lacks slots.
 */
export function failoverCapacity(slotsPerHost: readonly number[], usedSlots: number): number {
  const sorted = [...slotsPerHost].sort((a, b) => b - a);
  let remaining = sum(sorted);
  let failures = 0;
  for (const slots of sorted) {
    if (remaining - slots < usedSlots) break;
    remaining -= slots;
    failures++;
  }
  return failures;
}

/**
 * Whether the slot policy admits powering on `vm` while tolerating `hostFailures` host failures:
 * the slot may grow with the VM's reservations, and the failover capacity with it in the
 * cluster must stay ≥ `hostFailures`. O(H log H + V).
 */
export function slotPolicyAdmits(snapshot: ClusterSnapshot, vm: VmSnapshot, hostFailures: number, options: SlotPolicyOptions = {}): { admitted: boolean; report: SlotReport } {
  return slotPolicyAdmitsOver(snapshot.hosts, reservationsOf([...snapshot.vms, vm]), hostFailures, options);
}

/**
 * {@link slotPolicyAdmits} over `hosts` and `withVm`: the powered-on VMs' reservations with the
 * VM to power on already added ({@link withReservation}). O(H log H).
 */
export function slotPolicyAdmitsOver(hosts: readonly HostSnapshot[], withVm: PoweredOnReservations, hostFailures: number, options: SlotPolicyOptions = {}): { admitted: boolean; report: SlotReport } {
  const report = slotPolicyOver(hosts, withVm, options);
  return { admitted: report.failoverCapacity >= hostFailures, report };
}

/** Percentage policy settings: the share of cluster capacity held back for failover, in [0, 1). */
export interface PercentagePolicy {
  readonly cpuFraction: number;
  readonly memoryFraction: number;
}

/** The percentage policy's view: unreserved share of each resource (the current failover capacity). */
export interface PercentageReport {
  readonly capacity: CpuMem;
  readonly reserved: CpuMem;
  /** (capacity − reservations) ÷ capacity, per resource. */
  readonly cpuFailoverFraction: number;
  readonly memoryFailoverFraction: number;
  /** Whether both are at or above the policy. */
  readonly compliant: boolean;
}

/** The percentage policy over `snapshot` (memory reservations include overhead; CPU reservations count at least 32 MHz). O(H + V). */
export function percentagePolicy(snapshot: ClusterSnapshot, policy: PercentagePolicy): PercentageReport {
  return percentagePolicyOver(snapshot.hosts, reservationsOf(snapshot.vms), policy);
}

/** The percentage policy over `hosts` (the connected ones count) and the powered-on VMs summed up in `running`. O(H). */
export function percentagePolicyOver(hosts: readonly HostSnapshot[], running: PoweredOnReservations, policy: PercentagePolicy): PercentageReport {
  checkFraction(policy.cpuFraction, 'cpuFraction');
  checkFraction(policy.memoryFraction, 'memoryFraction');
  const connected = hosts.filter((h) => h.state === 'connected');
  const capacity = { cpuMHz: sum(connected.map((h) => h.cpuMHz)), memoryMB: sum(connected.map((h) => h.memoryMB)) };
  const reserved = { cpuMHz: running.cpuReservedMHz, memoryMB: running.memoryReservedMB };
  const cpuFailoverFraction = capacity.cpuMHz > 0 ? (capacity.cpuMHz - reserved.cpuMHz) / capacity.cpuMHz : 0;
  const memoryFailoverFraction = capacity.memoryMB > 0 ? (capacity.memoryMB - reserved.memoryMB) / capacity.memoryMB : 0;
  const compliant = cpuFailoverFraction >= policy.cpuFraction && memoryFailoverFraction >= policy.memoryFraction;
  return { capacity, reserved, cpuFailoverFraction, memoryFailoverFraction, compliant };
}

/** Whether the percentage policy admits powering on `vm`. O(H + V). */
export function percentagePolicyAdmits(snapshot: ClusterSnapshot, vm: VmSnapshot, policy: PercentagePolicy): { admitted: boolean; report: PercentageReport } {
  const report = percentagePolicy({ ...snapshot, vms: [...snapshot.vms, vm] }, policy);
  return { admitted: report.compliant, report };
}

/**
 * How many host failures a reserve of `fraction` of the connected hosts' capacity covers: the
 * most hosts, largest first, whose CPU and memory both fit in the reserve. calibration.md: 25%
 * of 4 equal hosts tolerates one failure. O(H log H).
 */
export function hostFailuresCovered(hosts: readonly HostSnapshot[], fraction: number): number {
  checkFraction(fraction, 'fraction');
  const connected = hosts.filter((h) => h.state === 'connected');
  const cpu = sortedDesc(connected.map((h) => h.cpuMHz));
  const mem = sortedDesc(connected.map((h) => h.memoryMB));
  const cpuReserve = fraction * sum(cpu);
  const memReserve = fraction * sum(mem);
  const slack = 1e-9;
  let failures = 0;
  let cpuLost = 0;
  let memLost = 0;
  while (failures < connected.length) {
    cpuLost += cpu[failures]!;
    memLost += mem[failures]!;
    if (cpuLost > cpuReserve * (1 + slack) || memLost > memReserve * (1 + slack)) break;
    failures++;
  }
  return failures;
}

function sortedDesc(values: number[]): number[] {
  return values.sort((a, b) => b - a);
}

function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

function checkFraction(f: number, name: string): void {
  if (!(f >= 0 && f < 1)) throw new InvalidArgumentError(name, `${name} must be in [0, 1), got ${f}`);
}

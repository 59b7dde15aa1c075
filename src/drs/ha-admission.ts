/**
 * HA admission control (calibration.md, HA admission control): the slot policy and the
 * percentage policy. Both count the connected hosts (maintenance, standby and failed hosts give
 * no failover capacity) and every powered-on VM of the snapshot.
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
  const slot = options.fixedSlot ?? slotSize(snapshot.vms, options.minCpuSlotMHz ?? HA_MIN_CPU_SLOT_MHZ);
  const slotsPerHost = new Map<HostId, number>();
  for (const h of snapshot.hosts) {
    if (h.state === 'connected') slotsPerHost.set(h.id, hostSlots(h, slot));
  }
  const counts = [...slotsPerHost.values()];
  const usedSlots = snapshot.vms.length;
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
  const report = slotPolicy({ ...snapshot, vms: [...snapshot.vms, vm] }, options);
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
  checkFraction(policy.cpuFraction, 'cpuFraction');
  checkFraction(policy.memoryFraction, 'memoryFraction');
  const connected = snapshot.hosts.filter((h) => h.state === 'connected');
  const capacity = { cpuMHz: sum(connected.map((h) => h.cpuMHz)), memoryMB: sum(connected.map((h) => h.memoryMB)) };
  const reserved = {
    cpuMHz: sum(snapshot.vms.map((v) => Math.max(v.cpu.reservation, HA_MIN_CPU_SLOT_MHZ))),
    memoryMB: sum(snapshot.vms.map((v) => v.memory.reservation + v.overheadMB)),
  };
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

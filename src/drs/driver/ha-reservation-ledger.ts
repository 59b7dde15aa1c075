/**
 * HA admission control's running sum: per cluster, the {@link PoweredOnReservations} of its
 * powered-on VMs, kept current by the model's registry changes (power on and off, reconfigure,
 * migration, destroy, registration) instead of recounted from a snapshot at every power-on.
 * A VM counts in the cluster of the host it is registered on, as in snapshotCluster. Each change
 * costs O(1) (O(distinct reservations) when the largest one leaves); a query O(1).
 */
import type { ClusterId, HostId, VmId } from '../../sim/ids.js';
import type { VSphereModel } from '../../hypervisor/model.js';
import type { RegistryChange } from '../../hypervisor/registry.js';
import type { InventoryObject, VirtualMachine } from '../../hypervisor/types.js';
import { HA_MIN_CPU_SLOT_MHZ } from '../constants.js';
import { NO_RESERVATIONS, type PoweredOnReservations } from '../ha-admission.js';

/** What one powered-on VM adds to its cluster's sum. */
interface Contribution {
  readonly cluster: ClusterId;
  readonly host: HostId;
  /** CPU reservation, MHz. */
  readonly cpuMHz: number;
  /** Memory reservation + overhead, MB. */
  readonly memoryMB: number;
}

/** A multiset of numbers that knows its largest member. */
class MaxMultiset {
  readonly #counts = new Map<number, number>();
  #max = 0;

  /** The largest member, 0 when empty. O(1). */
  get max(): number {
    return this.#max;
  }

  /** Adds one `value`. O(1). */
  add(value: number): void {
    this.#counts.set(value, (this.#counts.get(value) ?? 0) + 1);
    if (value > this.#max) this.#max = value;
  }

  /** Removes one `value` (a member). O(1), O(distinct members) when the last largest leaves. */
  delete(value: number): void {
    const left = (this.#counts.get(value) ?? 1) - 1;
    if (left > 0) {
      this.#counts.set(value, left);
      return;
    }
    this.#counts.delete(value);
    if (value < this.#max) return;
    this.#max = 0;
    for (const v of this.#counts.keys()) if (v > this.#max) this.#max = v;
  }
}

/** One cluster's sum. Sums are exact while every reservation is a whole number (vSphere's are). */
class ClusterSum {
  count = 0;
  cpuReservedMHz = 0;
  memoryReservedMB = 0;
  /** Members with a fractional reservation: their sums may differ from a recount in the last bit. */
  fractional = 0;
  readonly cpu = new MaxMultiset();
  readonly memory = new MaxMultiset();

  apply(c: Contribution, sign: 1 | -1): void {
    this.count += sign;
    this.cpuReservedMHz += sign * Math.max(c.cpuMHz, HA_MIN_CPU_SLOT_MHZ);
    this.memoryReservedMB += sign * c.memoryMB;
    if (!Number.isInteger(c.cpuMHz) || !Number.isInteger(c.memoryMB)) this.fractional += sign;
    if (sign === 1) {
      this.cpu.add(c.cpuMHz);
      this.memory.add(c.memoryMB);
    } else {
      this.cpu.delete(c.cpuMHz);
      this.memory.delete(c.memoryMB);
    }
  }

  totals(): PoweredOnReservations {
    return { count: this.count, maxCpuMHz: this.cpu.max, maxMemoryMB: this.memory.max, cpuReservedMHz: this.cpuReservedMHz, memoryReservedMB: this.memoryReservedMB };
  }
}

/** The powered-on VMs' reservations of every cluster of one model, kept by its registry changes. */
export class HaReservationLedger {
  readonly #model: VSphereModel;
  readonly #byVm = new Map<VmId, Contribution>();
  readonly #byCluster = new Map<ClusterId, ClusterSum>();

  /** Counts the model's powered-on VMs (O(V)), then follows its registry. Use {@link haReservationLedger}. */
  constructor(model: VSphereModel) {
    this.#model = model;
    for (const vm of model.registry.all('VirtualMachine')) this.#set(vm.id, this.#contribution(vm));
    model.registry.listen((c) => this.#onChange(c));
  }

  /**
   * The cluster's powered-on VMs' reservations now (equal to reservationsOf of snapshotCluster's
   * VMs, sums to the bit when `exact`). O(1).
   */
  of(cluster: ClusterId): { readonly reservations: PoweredOnReservations; readonly exact: boolean } {
    const sum = this.#byCluster.get(cluster);
    return sum ? { reservations: sum.totals(), exact: sum.fractional === 0 } : { reservations: NO_RESERVATIONS, exact: true };
  }

  #onChange(c: RegistryChange): void {
    if (c.object.kind === 'VirtualMachine') this.#set(c.object.id, c.op === 'remove' ? undefined : this.#contribution(c.object));
    else if (c.object.kind === 'Host' && c.op === 'remove') this.#dropHost(c.object.id);
    else if (c.object.kind === 'Host' && c.op === 'put') this.#addHost(c.object.id);
  }

  /** What `vm` adds: nothing unless powered on and registered on a known host. O(1). */
  #contribution(vm: VirtualMachine): Contribution | undefined {
    if (vm.powerState !== 'poweredOn') return undefined;
    const host: InventoryObject | undefined = this.#model.registry.find(vm.host);
    if (host?.kind !== 'Host') return undefined;
    const c = vm.config;
    return { cluster: host.cluster, host: host.id, cpuMHz: c.cpuAllocation.reservation, memoryMB: c.memoryAllocation.reservation + this.#model.overheadOf(vm) };
  }

  #set(vm: VmId, next: Contribution | undefined): void {
    const prev = this.#byVm.get(vm);
    if (prev === next || (prev && next && prev.host === next.host && prev.cpuMHz === next.cpuMHz && prev.memoryMB === next.memoryMB)) return;
    if (prev) {
      this.#sum(prev.cluster).apply(prev, -1);
      this.#byVm.delete(vm);
    }
    if (next) {
      this.#sum(next.cluster).apply(next, 1);
      this.#byVm.set(vm, next);
    }
  }

  /** A removed host's VMs no longer count in its cluster (snapshotCluster lists hosts, then their VMs). O(V), rare. */
  #dropHost(host: HostId): void {
    for (const [vm, c] of this.#byVm) if (c.host === host) this.#set(vm, undefined);
  }

  /** VMs registered before their host (a restore may go in any order) count once it is there. O(VMs on the host). */
  #addHost(host: HostId): void {
    for (const vm of this.#model.vmsOnHost(host)) this.#set(vm, this.#contribution(this.#model.registry.get('VirtualMachine', vm)));
  }

  #sum(cluster: ClusterId): ClusterSum {
    let s = this.#byCluster.get(cluster);
    if (!s) {
      s = new ClusterSum();
      this.#byCluster.set(cluster, s);
    }
    return s;
  }
}

const LEDGERS = new WeakMap<VSphereModel, HaReservationLedger>();

/**
 * The model's ledger, made on first use (one O(V) count; it then follows the registry for the
 * model's lifetime, at O(1) per VM change). O(1) after the first call.
 */
export function haReservationLedger(model: VSphereModel): HaReservationLedger {
  let ledger = LEDGERS.get(model);
  if (!ledger) {
    ledger = new HaReservationLedger(model);
    LEDGERS.set(model, ledger);
  }
  return ledger;
}

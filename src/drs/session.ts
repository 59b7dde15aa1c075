/**
 * A persistent DRS session: one cluster kept across many balancing passes, for callers that run
 * DRS every few minutes over a cluster whose demand changes but whose make-up mostly does not
 * (the model driver, the 24-hour benchmark). {@link balanceCluster} builds everything from a
 * snapshot each pass; a session keeps what does not change between passes — the entitlement
 * divvy's plan (pool tree, shares, reservations, limits in typed arrays, divvy-plan.ts), the
 * ledger and its id index, the rule index, each VM's vMotion time until its consumed memory,
 * dirty rate or link changes — and the caller writes demand and hosts in place. A pass re-sums
 * every host's totals in VM order, so its result is the one balanceCluster gives for the
 * equivalent snapshot ({@link DrsSession.snapshot}), to the bit.
 *
 * Changes of make-up (VMs or hosts added or removed, a host's state, the rules, a VM's settings)
 * are accepted too; they drop the kept state, which the next pass rebuilds in O(V + P + H).
 */
import { InvalidArgumentError, NotFoundError } from '../sim/errors.js';
import type { HostId, VmId } from '../sim/ids.js';
import { checkPassOptions, runPass, type BalanceOptions, type BalanceResult, type VmotionTotal } from './balance.js';
import { IDLE_MEMORY_DEMAND_FRACTION } from './constants.js';
import { DivvyPlan } from './divvy-plan.js';
import { clusterCapacity, entitlementMaps, type EntitlementVectors } from './entitlement.js';
import { HostLedger } from './ledger.js';
import type { Recommendation } from './recommendations.js';
import { RuleIndex } from './rules.js';
import type { ClusterSnapshot, DrsHostState, DrsRule, HostSnapshot, PoolSnapshot, VmDemand, VmSnapshot } from './snapshot.js';
import { sameMakeUp } from './session-sync.js';
import { VmotionTimes } from './vmotion-cache.js';
import { ColumnVm, DemandColumns, VmSettingsCache } from './demand-columns.js';

/** What the session keeps between passes; rebuilt after a change of make-up. */
interface Kept {
  readonly plan: DivvyPlan;
  readonly ledger: HostLedger;
  readonly rules: RuleIndex;
  readonly hostIndex: ReadonlyMap<string, number>;
  /** Host index of each VM, kept up to date by {@link DrsSession.setHost}. */
  readonly vmHost: Int32Array;
  readonly coreMHz: Float64Array;
  readonly capacityCpu: number;
  readonly capacityMemory: number;
  readonly vectors: EntitlementVectors;
  readonly vmotion: VmotionTimes;
}

/** One cluster kept across DRS passes; see the file comment. Not shared between threads of control: one call at a time. */
export class DrsSession {
  #hosts: readonly HostSnapshot[];
  #pools: readonly PoolSnapshot[];
  #rootPool: ClusterSnapshot['rootPool'];
  #rules: readonly DrsRule[];
  #vms: readonly ColumnVm[] = [];
  #columns = new DemandColumns([]);
  /** Position of each VM by id; replaced, never changed in place (the kept ledger uses this map as its own). */
  #index = new Map<VmId, number>();
  readonly #options: BalanceOptions;
  #kept: Kept | undefined;

  /**
   * A session over a copy of `snapshot` (later changes to `snapshot` are not seen), passing
   * `options` to every pass. O(V) now; the kept state is built by the first pass.
   * @throws InvalidArgumentError for bad pass options (threshold, move budget) or a VM id listed twice.
   */
  constructor(snapshot: ClusterSnapshot, options: BalanceOptions = {}) {
    checkPassOptions(options);
    this.#options = options;
    this.#hosts = snapshot.hosts.slice();
    this.#pools = snapshot.pools.slice();
    this.#rootPool = snapshot.rootPool;
    this.#rules = snapshot.rules.slice();
    this.#take(snapshot.vms);
    this.#reindex();
  }

  /**
   * Brings the session to `snapshot`, a newer picture of its cluster: when the make-up is the same
   * (session-sync.ts: hosts, pools, rules, and the VMs in the same order with the same settings),
   * the session takes copies of its VM records (demand, dirty rates, hosts and any other field
   * that does not change the make-up) and keeps its kept state; otherwise it takes a copy of
   * `snapshot` afresh and drops the kept state. Either
   * way the next pass is exactly `balanceCluster(snapshot, options)`. O(V + H + P + rule members).
   * @throws NotFoundError for a VM on an unknown host; InvalidArgumentError for a VM id listed twice.
   */
  sync(snapshot: ClusterSnapshot): void {
    const same = sameMakeUp(this.#held(), snapshot);
    const previous = this.#vms;
    this.#take(snapshot.vms);
    if (!same) {
      this.#hosts = snapshot.hosts.slice();
      this.#pools = snapshot.pools.slice();
      this.#rootPool = snapshot.rootPool;
      this.#rules = snapshot.rules.slice();
      this.#reindex();
      this.#kept = undefined;
      return;
    }
    const kept = this.#kept;
    if (!kept) return;
    for (let v = 0; v < previous.length; v++) {
      const host = this.#vms[v]!.host;
      if (host === previous[v]!.host) continue;
      const h = kept.hostIndex.get(host);
      if (h === undefined) {
        this.#kept = undefined;
        throw new NotFoundError('HostSystem', host);
      }
      kept.vmHost[v] = h;
      kept.coreMHz[v] = this.#hosts[h]!.coreMHz;
    }
  }

  /** Number of VMs. */
  get vmCount(): number {
    return this.#vms.length;
  }

  /** Position of VM `id` (its index in {@link snapshot}'s VMs; it changes when an earlier VM is removed). O(1). @throws NotFoundError. */
  indexOf(id: VmId): number {
    const v = this.#index.get(id);
    if (v === undefined) throw new NotFoundError('VirtualMachine', id);
    return v;
  }

  /**
   * The VMs' demand and dirty rates (positions as {@link indexOf}), for a caller that refreshes
   * them all in place each pass (DemandColumns.set and setMemory, no check per VM); replaced when
   * the VMs change (sync, addVm, replaceVm, removeVm).
   */
  get demand(): DemandColumns {
    return this.#columns;
  }

  /** Writes VM `v`'s measured demand (copied field by field; `demand` is not kept). O(1). @throws InvalidArgumentError for a position out of range. */
  setDemand(v: number, demand: VmDemand): void {
    this.#checkPosition(v);
    this.#columns.set(v, demand);
  }

  /** Sets VM `v`'s dirty rate, MB/s. O(1). @throws InvalidArgumentError for a position out of range. */
  setDirtyRate(v: number, dirtyMBps: number): void {
    this.#checkPosition(v);
    this.#columns.dirtyMBps[v] = dirtyMBps;
  }

  /** Records that VM `v` now runs on `host` (a vMotion finished, HA restarted it). O(1). @throws NotFoundError for an unknown host. */
  setHost(v: number, host: HostId): void {
    const vm = this.#vm(v);
    const kept = this.#kept;
    if (kept) {
      const h = kept.hostIndex.get(host);
      if (h === undefined) throw new NotFoundError('HostSystem', host);
      kept.vmHost[v] = h;
      kept.coreMHz[v] = this.#hosts[h]!.coreMHz;
    } else if (!this.#hosts.some((h) => h.id === host)) {
      throw new NotFoundError('HostSystem', host);
    }
    vm.host = host;
  }

  /** Applies `recommendations` in order, as if every vMotion finished: each VM ends on the host of its last move. O(moves). */
  applyMoves(recommendations: readonly Recommendation[]): void {
    for (const r of recommendations) this.setHost(this.indexOf(r.vm), r.to);
  }

  /** Appends a powered-on VM (a copy of `vm`). Drops the kept state. O(1). @throws InvalidArgumentError when its id is already in the session. */
  addVm(vm: VmSnapshot): void {
    if (this.#index.has(vm.id)) throw new InvalidArgumentError('vm', `${vm.id} is already in the session`);
    this.#take([...this.#vms, vm]);
    this.#index = new Map(this.#index).set(vm.id, this.#vms.length - 1);
    this.#kept = undefined;
  }

  /** Replaces VM `vm.id`'s record (new settings: shares, reservations, limits, size, pool). Drops the kept state. O(1). @throws NotFoundError. */
  replaceVm(vm: VmSnapshot): void {
    const v = this.indexOf(vm.id);
    this.#take(this.#vms.map((old, i) => (i === v ? vm : old)));
    this.#kept = undefined;
  }

  /** Removes VM `id` (powered off or gone); later VMs move up one place. Drops the kept state. O(V). @throws NotFoundError. */
  removeVm(id: VmId): void {
    const v = this.indexOf(id);
    this.#take(this.#vms.filter((_, i) => i !== v));
    this.#reindex();
    this.#kept = undefined;
  }

  /** Adds a host, or replaces the host with the same id (e.g. its state changed). Drops the kept state. O(H). */
  putHost(host: HostSnapshot): void {
    const at = this.#hosts.findIndex((h) => h.id === host.id);
    this.#hosts = at < 0 ? [...this.#hosts, host] : this.#hosts.map((h, i) => (i === at ? host : h));
    this.#kept = undefined;
  }

  /** Sets host `id`'s state. Drops the kept state. O(H). @throws NotFoundError. */
  setHostState(id: HostId, state: DrsHostState): void {
    const host = this.#hosts.find((h) => h.id === id);
    if (!host) throw new NotFoundError('HostSystem', id);
    this.putHost({ ...host, state });
  }

  /** Removes host `id`. Drops the kept state. O(H). Preconditions: no VM runs on it (the next pass throws NotFoundError otherwise). @throws NotFoundError. */
  removeHost(id: HostId): void {
    if (!this.#hosts.some((h) => h.id === id)) throw new NotFoundError('HostSystem', id);
    this.#hosts = this.#hosts.filter((h) => h.id !== id);
    this.#kept = undefined;
  }

  /** Replaces the rules. Drops the kept state. O(1). */
  setRules(rules: readonly DrsRule[]): void {
    this.#rules = rules.slice();
    this.#kept = undefined;
  }

  /** The equivalent snapshot: a fresh copy of the cluster as the session holds it, VMs in session order. O(V + H). */
  snapshot(): ClusterSnapshot {
    return { hosts: this.#hosts.slice(), pools: this.#pools.slice(), rootPool: this.#rootPool, vms: this.#vms.map((vm) => vm.toSnapshot()), rules: this.#rules.slice() };
  }

  /**
   * One DRS pass over the cluster as it stands: exactly `balanceCluster(this.snapshot(), options)`.
   * The recommendations are not applied (see {@link applyMoves}). O(V + P) plus the water fills
   * (radix-ordered) plus vMotion times of the VMs whose inputs changed, then the load-balancing
   * loop as balanceCluster; after a change of make-up, O(V + P + H) more to rebuild.
   * Errors: as balanceCluster.
   */
  balance(): BalanceResult {
    const kept = (this.#kept ??= this.#keep());
    const options = this.#options;
    const vms = this.#vms;
    const entitlement = options.entitlement ?? {};
    const vectors = kept.vectors;
    const columns = this.#columns;
    kept.plan.run(columns, kept.coreMHz, kept.capacityCpu, kept.capacityMemory, entitlement.idleMemoryFraction ?? IDLE_MEMORY_DEMAND_FRACTION, entitlement.twoPass ?? false, vectors);
    kept.ledger.reload(kept.vmHost, vectors.vmCpu, vectors.vmMemory);
    const frozen = vectorsOver(vectors.vmCpu.buffer.slice(0), vms.length, this.#pools.length);
    const pools = this.#pools;
    let maps: ReturnType<typeof entitlementMaps> | undefined;
    const vmotion = kept.vmotion;
    return runPass(
      {
        vms,
        rules: kept.rules,
        ledger: kept.ledger,
        entitlements: () => (maps ??= entitlementMaps({ vms, pools }, frozen)),
        vmotionTotal: (ledger, _vms, precopy): VmotionTotal => vmotion.total(ledger, columns, precopy),
      },
      options,
    );
  }

  #vm(v: number): ColumnVm {
    this.#checkPosition(v);
    return this.#vms[v]!;
  }

  #checkPosition(v: number): void {
    if (!(v >= 0 && v < this.#vms.length && Number.isInteger(v))) throw new InvalidArgumentError('vm', `no VM at position ${v} (the session holds ${this.#vms.length})`);
  }

  /** Holds copies of `vms` (settings and host) with their demand and dirty rates in new columns. O(V). */
  #take(vms: readonly VmSnapshot[]): void {
    const columns = new DemandColumns(vms);
    const settings = new VmSettingsCache(columns);
    this.#columns = columns;
    this.#vms = vms.map((vm, i) => new ColumnVm(vm, columns, i, settings));
  }

  #reindex(): void {
    const index = new Map<VmId, number>();
    this.#vms.forEach((vm, i) => {
      if (index.has(vm.id)) throw new InvalidArgumentError('vm', `${vm.id} is listed twice`);
      index.set(vm.id, i);
    });
    this.#index = index;
  }

  /** The cluster as held (no copy). */
  #held(): ClusterSnapshot {
    return { hosts: this.#hosts, pools: this.#pools, rootPool: this.#rootPool, vms: this.#vms, rules: this.#rules };
  }

  /** Builds the kept state from the cluster as it stands. O(V + P + H). Errors: as balanceCluster's set-up. */
  #keep(): Kept {
    const snapshot = this.#held();
    const plan = new DivvyPlan(snapshot);
    const v = snapshot.vms.length;
    const vectors = vectorsOver(new ArrayBuffer(8 * (2 * v + 2 * snapshot.pools.length)), v, snapshot.pools.length);
    const ledger = HostLedger.fromVectors(snapshot, vectors, this.#options.ledger, this.#index);
    const vmHost = plan.vmHostSlot.slice();
    const coreMHz = new Float64Array(v);
    for (let i = 0; i < v; i++) coreMHz[i] = this.#hosts[vmHost[i]!]!.coreMHz;
    const capacity = this.#options.entitlement?.capacity ?? clusterCapacity(snapshot);
    const hostIndex = new Map<string, number>();
    this.#hosts.forEach((h, i) => hostIndex.set(h.id, i));
    return { plan, ledger, rules: new RuleIndex(snapshot.rules), hostIndex, vmHost, coreMHz, capacityCpu: capacity.cpuMHz, capacityMemory: capacity.memoryMB, vectors, vmotion: new VmotionTimes(v) };
  }
}

/** Entitlement vectors of `v` VMs and `p` pools as four views of one buffer of 2v + 2p floats (a pass's result keeps a copy made by one slice). */
function vectorsOver(buffer: ArrayBufferLike, v: number, p: number): EntitlementVectors {
  return { vmCpu: new Float64Array(buffer, 0, v), vmMemory: new Float64Array(buffer, 8 * v, v), poolCpu: new Float64Array(buffer, 16 * v, p), poolMemory: new Float64Array(buffer, 16 * v + 8 * p, p) };
}


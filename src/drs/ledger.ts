/**
 * The working state of a DRS pass: where each VM runs, what it is entitled to and reserves, and
 * each host's totals, kept incrementally. "What if this VM moved there" costs O(1): the running
 * sums Σx and Σx² of host loads give the standard deviation without a pass over the hosts.
 * Only `connected` hosts count in the imbalance and receive VMs; a host in maintenance still
 * holds its VMs until they leave; failed and standby hosts hold nothing that runs.
 */
import type { HostId, VmId } from '../sim/ids.js';
import { InvalidArgumentError, NotFoundError } from '../sim/errors.js';
import { RESOURCE_WEIGHTS } from './constants.js';
import type { EntitlementVectors, Entitlements } from './entitlement.js';
import { HostVmIndex } from './host-vm-index.js';
import { hostRunsVms, type ClusterSnapshot, type CpuMem, type DrsHostState, type HostSnapshot, type VmSnapshot } from './snapshot.js';
import { VmPositions } from './vm-positions.js';

/** Options of a ledger. */
export interface LedgerOptions {
  /** Weights of CPU and memory in the combined imbalance (default 0.5 / 0.5). */
  readonly weights?: { readonly cpu: number; readonly memory: number };
  /** Share of each host held back for HA (percentage policy); loads are over the rest. Default 0. */
  readonly capacityReserveFraction?: number;
}

/** Slack on capacity comparisons, so sums of floats that land on a bound count as within it. */
const FIT_EPSILON = 1e-9;

/** Incremental host loads of one cluster. Mutable; every DRS function makes its own from a snapshot. */
export class HostLedger {
  readonly hosts: readonly HostSnapshot[];
  readonly hostIndex: ReadonlyMap<HostId, number>;
  readonly vmIds: VmId[] = [];
  readonly vmIndex: VmPositions;
  /** Host index of each VM. */
  readonly vmHost: number[] = [];
  /** Entitlement of each VM, MHz and MB. */
  readonly vmCpu: number[] = [];
  readonly vmMem: number[] = [];
  /** Reservation of each VM, MHz and MB (memory includes overhead). */
  readonly vmResCpu: number[] = [];
  readonly vmResMem: number[] = [];
  readonly #weights: { readonly cpu: number; readonly memory: number };
  /** 1 ÷ capacity for load (net of the HA reserve), per host. */
  readonly #invCapCpu: Float64Array;
  readonly #invCapMem: Float64Array;
  readonly #counted: Uint8Array;
  /** Σ entitlements and normalized loads per host. */
  readonly #entCpu: Float64Array;
  readonly #entMem: Float64Array;
  readonly #loadCpu: Float64Array;
  readonly #loadMem: Float64Array;
  readonly #resCpu: Float64Array;
  readonly #resMem: Float64Array;
  readonly #scratch = new Float64Array(4);
  readonly #onHost: HostVmIndex;
  /** The most VMs each host runs (its maxVms; Infinity without one). */
  readonly #maxVms: Float64Array;
  #sumCpu = 0;
  #sqCpu = 0;
  #sumMem = 0;
  #sqMem = 0;
  #counts = 0;

  /** An empty ledger over `hosts` (in this order); `index` as {@link fromVectors} takes it. O(hosts). */
  constructor(hosts: readonly HostSnapshot[], options: LedgerOptions = {}, index?: ReadonlyMap<VmId, number>) {
    this.vmIndex = new VmPositions(index);
    const reserve = options.capacityReserveFraction ?? 0;
    if (!(reserve >= 0 && reserve < 1)) throw new InvalidArgumentError('capacityReserveFraction', `capacity reserve must be in [0, 1), got ${reserve}`);
    this.hosts = hosts;
    this.hostIndex = new Map(hosts.map((h, i) => [h.id, i]));
    this.#weights = options.weights ?? RESOURCE_WEIGHTS;
    const n = hosts.length;
    this.#invCapCpu = Float64Array.from(hosts, (h) => 1 / (h.cpuMHz * (1 - reserve)));
    this.#invCapMem = Float64Array.from(hosts, (h) => 1 / (h.memoryMB * (1 - reserve)));
    this.#counted = Uint8Array.from(hosts, (h) => (h.state === 'connected' ? 1 : 0));
    this.#entCpu = new Float64Array(n);
    this.#entMem = new Float64Array(n);
    this.#loadCpu = new Float64Array(n);
    this.#loadMem = new Float64Array(n);
    this.#resCpu = new Float64Array(n);
    this.#resMem = new Float64Array(n);
    this.#counts = this.#counted.reduce((a, b) => a + b, 0);
    this.#onHost = new HostVmIndex(n);
    this.#maxVms = Float64Array.from(hosts, (h) => h.maxVms ?? Infinity);
  }

  /**
   * A ledger holding every VM of `snapshot` with its entitlement. O(hosts + VMs).
   * @throws NotFoundError when a VM's host or entitlement is missing.
   */
  static fromSnapshot(snapshot: ClusterSnapshot, entitlements: Entitlements, options: LedgerOptions = {}): HostLedger {
    const ledger = new HostLedger(snapshot.hosts, options);
    for (const vm of snapshot.vms) {
      const e = entitlements.vms.get(vm.id);
      if (!e) throw new NotFoundError('entitlement of VirtualMachine', vm.id);
      ledger.#addVm(vm, e.cpuMHz, e.memoryMB);
    }
    ledger.recount();
    return ledger;
  }

  /**
   * {@link fromSnapshot} from entitlement vectors in snapshot order (computeEntitlementVectors):
   * the same ledger without a lookup or an object per VM. O(hosts + VMs). `index`: the VMs' positions by id, used without a copy (a session's, see vm-positions.ts).
   * @throws NotFoundError when a VM's host is missing.
   */
  static fromVectors(snapshot: ClusterSnapshot, entitlements: EntitlementVectors, options: LedgerOptions = {}, index?: ReadonlyMap<VmId, number>): HostLedger {
    const ledger = new HostLedger(snapshot.hosts, options, index);
    snapshot.vms.forEach((vm, i) => ledger.#addVm(vm, entitlements.vmCpu[i]!, entitlements.vmMemory[i]!));
    ledger.recount();
    return ledger;
  }

  /**
   * Puts every VM v back on host `hosts[v]` with entitlement `cpu[v]` MHz / `mem[v]` MB (reservations unchanged) and
   * recomputes the host totals adding the VMs in index order: to the bit what {@link fromVectors} gives for those hosts and
   * entitlements (a DRS session's step between passes). O(hosts × V/32 + V), no allocation. Preconditions: one entry per ledger VM.
   */
  reload(hosts: Int32Array, cpu: Float64Array, mem: Float64Array): void {
    const entCpu = this.#entCpu, entMem = this.#entMem, resCpu = this.#resCpu, resMem = this.#resMem;
    entCpu.fill(0);
    entMem.fill(0);
    resCpu.fill(0);
    resMem.fill(0);
    this.#onHost.clear();
    for (let v = 0; v < this.vmIds.length; v++) {
      const h = hosts[v]!;
      this.vmHost[v] = h;
      this.vmCpu[v] = cpu[v]!;
      this.vmMem[v] = mem[v]!;
      entCpu[h]! += cpu[v]!;
      entMem[h]! += mem[v]!;
      resCpu[h]! += this.vmResCpu[v]!;
      resMem[h]! += this.vmResMem[v]!;
      this.#onHost.add(h, v);
    }
    for (let h = 0; h < this.hosts.length; h++) {
      this.#loadCpu[h] = entCpu[h]! * this.#invCapCpu[h]!;
      this.#loadMem[h] = entMem[h]! * this.#invCapMem[h]!;
    }
    this.recount();
  }

  /** Adds `vm` on its host with entitlement `cpu` MHz / `mem` MB and its reservations (memory with overhead). O(1). */
  #addVm(vm: VmSnapshot, cpu: number, mem: number): void {
    this.#push(vm.id, this.hostOf(vm.host), cpu, mem, vm.cpu.reservation, vm.memory.reservation + vm.overheadMB);
  }

  /** Index of host `id`. @throws NotFoundError when it is not in the ledger. */
  hostOf(id: HostId): number {
    const i = this.hostIndex.get(id);
    if (i === undefined) throw new NotFoundError('HostSystem', id);
    return i;
  }

  /** State of host `h`. */
  stateOf(h: number): DrsHostState {
    return this.hosts[h]!.state;
  }

  /** Whether host `h` counts in the imbalance and may receive VMs (it is connected). */
  receives(h: number): boolean {
    return this.#counted[h] === 1;
  }

  /** Whether host `h` runs its VMs (connected or in maintenance). */
  runs(h: number): boolean {
    return hostRunsVms(this.hosts[h]!.state);
  }

  /** Number of hosts counted in the imbalance. */
  get countedHosts(): number {
    return this.#counts;
  }

  /** Adds VM `id` on host `h`; returns its index. O(1). */
  add(id: VmId, h: number, entitlement: CpuMem, reservation: CpuMem): number {
    return this.#push(id, h, entitlement.cpuMHz, entitlement.memoryMB, reservation.cpuMHz, reservation.memoryMB);
  }

  #push(id: VmId, h: number, cpu: number, mem: number, resCpu: number, resMem: number): number {
    const v = this.vmIds.length;
    this.vmIndex.book(id, v);
    this.vmIds.push(id);
    this.vmHost.push(h);
    this.vmCpu.push(cpu);
    this.vmMem.push(mem);
    this.vmResCpu.push(resCpu);
    this.vmResMem.push(resMem);
    this.#shift(h, 1, v);
    this.#onHost.add(h, v);
    return v;
  }

  /** Moves VM `v` to host `to`, then recomputes the sums from the host totals (no drift over many moves). O(hosts). */
  move(v: number, to: number): void {
    const from = this.vmHost[v]!;
    this.#shift(from, -1, v);
    this.#onHost.remove(from, v);
    this.vmHost[v] = to;
    this.#shift(to, 1, v);
    this.#onHost.add(to, v);
    this.recount();
  }

  /**
   * Writes into `out` the indices of the VMs running on the hosts flagged in `hosts`, ascending,
   * and returns how many (the per-host VM index, host-vm-index.ts). O(flagged hosts × V/32 + result).
   * Preconditions: `hosts` has one flag per host; `out` holds ≥ V slots.
   */
  vmsOnHosts(hosts: Uint8Array, out: Int32Array): number {
    return this.#onHost.vmsOn(hosts, out);
  }

  /** Adds (sign 1) or removes (−1) VM `v`'s amounts on host `h`, updating the sums incrementally. O(1). */
  #shift(h: number, sign: 1 | -1, v: number): void {
    this.#entCpu[h]! += sign * this.vmCpu[v]!;
    this.#entMem[h]! += sign * this.vmMem[v]!;
    this.#resCpu[h]! += sign * this.vmResCpu[v]!;
    this.#resMem[h]! += sign * this.vmResMem[v]!;
    const c0 = this.#loadCpu[h]!;
    const m0 = this.#loadMem[h]!;
    const c1 = (this.#loadCpu[h] = this.#entCpu[h]! * this.#invCapCpu[h]!);
    const m1 = (this.#loadMem[h] = this.#entMem[h]! * this.#invCapMem[h]!);
    if (!this.#counted[h]) return;
    this.#sumCpu += c1 - c0;
    this.#sqCpu += c1 * c1 - c0 * c0;
    this.#sumMem += m1 - m0;
    this.#sqMem += m1 * m1 - m0 * m0;
  }

  /** Recomputes Σx and Σx² of the loads from the host totals (no drift from many moves). O(hosts). */
  recount(): void {
    this.#sumCpu = this.#sqCpu = this.#sumMem = this.#sqMem = 0;
    for (let h = 0; h < this.hosts.length; h++) {
      if (!this.#counted[h]) continue;
      const c = this.#loadCpu[h]!;
      const m = this.#loadMem[h]!;
      this.#sumCpu += c;
      this.#sqCpu += c * c;
      this.#sumMem += m;
      this.#sqMem += m * m;
    }
  }

  /** The widest gap between two counted hosts' loads, the larger of CPU's and memory's (vSphere 6.5 pairwise check). O(hosts). */
  loadSpread(): number {
    let minC = Infinity, maxC = -Infinity, minM = Infinity, maxM = -Infinity;
    for (let h = 0; h < this.hosts.length; h++) {
      if (!this.#counted[h]) continue;
      const c = this.#loadCpu[h]!;
      const m = this.#loadMem[h]!;
      minC = Math.min(minC, c);
      maxC = Math.max(maxC, c);
      minM = Math.min(minM, m);
      maxM = Math.max(maxM, m);
    }
    return this.#counts < 2 ? 0 : Math.max(maxC - minC, maxM - minM);
  }

  /** Normalized CPU and memory load of host `h` (entitlement ÷ capacity net of the HA reserve). O(1). */
  load(h: number): { cpu: number; memory: number } {
    return { cpu: this.#loadCpu[h]!, memory: this.#loadMem[h]! };
  }

  /** Normalized CPU load of host `h`, as {@link load} without the object. O(1). */
  cpuLoad(h: number): number {
    return this.#loadCpu[h]!;
  }

  /** Normalized memory load of host `h`, as {@link load} without the object. O(1). */
  memoryLoad(h: number): number {
    return this.#loadMem[h]!;
  }

  /** The combined load w_cpu·cpu + w_mem·memory of host `h`, which orders hosts from busy to idle. O(1). */
  score(h: number): number {
    return this.#weights.cpu * this.#loadCpu[h]! + this.#weights.memory * this.#loadMem[h]!;
  }

  /** The imbalance I = w_cpu·σ_cpu + w_mem·σ_mem over the counted hosts. O(1). */
  imbalance(): number {
    return this.#combine(this.#sumCpu, this.#sqCpu, this.#sumMem, this.#sqMem);
  }

  /** The imbalance if VM `v` moved to host `to`. O(1). */
  imbalanceIfMoved(v: number, to: number): number {
    this.sumsWithout(v, this.#scratch);
    return this.imbalanceWithAdded(to, this.vmCpu[v]!, this.vmMem[v]!, this.#scratch);
  }

  /**
   * Writes into `out` the running sums [Σx_cpu, Σx²_cpu, Σx_mem, Σx²_mem] with VM `v` taken off
   * its host, for {@link imbalanceWithAdded}: a scan computes this once per VM and then tries
   * each destination in O(1). `out` has length ≥ 4.
   */
  sumsWithout(v: number, out: Float64Array): void {
    const from = this.vmHost[v]!;
    out[0] = this.#sumCpu;
    out[1] = this.#sqCpu;
    out[2] = this.#sumMem;
    out[3] = this.#sqMem;
    if (!this.#counted[from]) return;
    const dx = this.vmCpu[v]! * this.#invCapCpu[from]!;
    const dy = this.vmMem[v]! * this.#invCapMem[from]!;
    out[0] -= dx;
    out[1] += dx * (dx - 2 * this.#loadCpu[from]!);
    out[2] -= dy;
    out[3] += dy * (dy - 2 * this.#loadMem[from]!);
  }

  /** The imbalance with `cpu` MHz and `mem` MB added on host `to`, starting from the running sums `sums` (see {@link sumsWithout}). O(1). */
  imbalanceWithAdded(to: number, cpu: number, mem: number, sums: Float64Array): number {
    return this.#withAdded(to, cpu, mem, sums[0]!, sums[1]!, sums[2]!, sums[3]!);
  }

  /** The imbalance if a VM entitled to `cpu` MHz and `mem` MB were added on host `to` (a placement, or a VM counted twice mid-vMotion). O(1). */
  imbalanceIfAdded(to: number, cpu: number, mem: number): number {
    return this.#withAdded(to, cpu, mem, this.#sumCpu, this.#sqCpu, this.#sumMem, this.#sqMem);
  }

  /**
   * The scan kernel of load balancing: for VM `v` and each host `to[i]` (i < `count`), writes into
   * `after[i]` the imbalance if `v` moved there — exactly {@link imbalanceIfMoved} — or NaN when
   * that host would exceed `cap` ({@link fitsLoadCap} false). O(count), no allocation.
   * Preconditions: every `to[i]` is a counted host other than `v`'s; `after` holds ≥ count slots.
   */
  imbalancesIfMoved(v: number, to: Int32Array, count: number, cap: number, after: Float64Array): void {
    const sums = this.#scratch;
    this.sumsWithout(v, sums);
    const sc = sums[0]!, qc = sums[1]!, sm = sums[2]!, qm = sums[3]!;
    const cpu = this.vmCpu[v]!;
    const mem = this.vmMem[v]!;
    const loadCpu = this.#loadCpu, loadMem = this.#loadMem, invCpu = this.#invCapCpu, invMem = this.#invCapMem;
    const n = this.#counts;
    const wc = this.#weights.cpu, wm = this.#weights.memory;
    const bound = cap * (1 + FIT_EPSILON);
    for (let i = 0; i < count; i++) {
      const d = to[i]!;
      const lc = loadCpu[d]!, lm = loadMem[d]!;
      if (!(lc + cpu * invCpu[d]! <= bound && lm + mem * invMem[d]! <= bound)) {
        after[i] = NaN;
        continue;
      }
      if (n < 2) {
        after[i] = 0;
        continue;
      }
      const dx = cpu * invCpu[d]!;
      const dy = mem * invMem[d]!;
      const c1 = sc + dx, q1 = qc + dx * (dx + 2 * lc), m1 = sm + dy, r1 = qm + dy * (dy + 2 * lm);
      const varC = Math.max(0, q1 / n - (c1 / n) ** 2);
      const varM = Math.max(0, r1 / n - (m1 / n) ** 2);
      after[i] = wc * Math.sqrt(varC) + wm * Math.sqrt(varM);
    }
  }

  /** Whether host `to` stays within `cap` (1 = 100%) of its load capacity in both resources after adding `cpu` MHz and `mem` MB. O(1). */
  fitsLoadCap(to: number, cpu: number, mem: number, cap: number): boolean {
    return (
      this.#loadCpu[to]! + cpu * this.#invCapCpu[to]! <= cap * (1 + FIT_EPSILON) &&
      this.#loadMem[to]! + mem * this.#invCapMem[to]! <= cap * (1 + FIT_EPSILON)
    );
  }

  /** Whether host `to` admits one more VM reserving `cpu` MHz and `mem` MB (room in its unreserved capacity, fewer than its maxVms). O(1). */
  fitsReservation(to: number, cpu: number, mem: number): boolean {
    const host = this.hosts[to]!;
    return !this.atVmLimit(to) && this.#resCpu[to]! + cpu <= host.cpuMHz * (1 + FIT_EPSILON) && this.#resMem[to]! + mem <= host.memoryMB * (1 + FIT_EPSILON);
  }

  /** Whether host `h` already runs its maxVms (ESXi's maximum of VMs per host). O(1). */
  atVmLimit(h: number): boolean {
    return this.#onHost.count(h) >= this.#maxVms[h]!;
  }

  /** Reserved MHz and MB on host `h`. O(1). */
  reserved(h: number): CpuMem {
    return { cpuMHz: this.#resCpu[h]!, memoryMB: this.#resMem[h]! };
  }

  #withAdded(to: number, c: number, m: number, sc: number, qc: number, sm: number, qm: number): number {
    if (this.#counted[to]) {
      const dx = c * this.#invCapCpu[to]!;
      const dy = m * this.#invCapMem[to]!;
      sc += dx;
      qc += dx * (dx + 2 * this.#loadCpu[to]!);
      sm += dy;
      qm += dy * (dy + 2 * this.#loadMem[to]!);
    }
    return this.#combine(sc, qc, sm, qm);
  }

  #combine(sc: number, qc: number, sm: number, qm: number): number {
    const n = this.#counts;
    if (n < 2) return 0;
    const varC = Math.max(0, qc / n - (sc / n) ** 2);
    const varM = Math.max(0, qm / n - (sm / n) ** 2);
    return this.#weights.cpu * Math.sqrt(varC) + this.#weights.memory * Math.sqrt(varM);
  }
}

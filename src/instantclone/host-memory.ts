/**
 * One ESXi host's memory: a copy-on-write page pool holding the guest memory of its running VMs,
 * their overhead memory, the host's memory state, and reclamation when memory runs short.
 *
 * Consumed memory is what the pool physically holds (distinct non-zero pages, so pages shared by
 * instant-clone forks count once) plus every VM's overhead, less what reclamation took back.
 * Memory states follow ESXi: free memory against minFree (899 MB for the first 28 GB plus 1% of the
 * rest) at 400/100/64/32/16% gives high/clear/soft/hard/low, with hysteresis (see memory-state.ts).
 * Reclamation follows ESXi's order: below the high state large pages are broken and transparent page
 * sharing merges identical pages (see page-sharing.ts; inter-VM sharing off by default since 2014);
 * then (see reclamation.ts) the balloon, compression and swap take idle private guest memory.
 *
 * Accounting identity: consumedMB = privateMB + sharedByForkMB − sharedByTpsMB + overheadMB
 * − balloonedMB − compressedMB / 2 − swappedMB, and freeMB = capacityMB − consumedMB.
 */
import type { Calibration } from '../sim/calibration.js';
import { InvalidArgumentError, InvalidStateError, NotFoundError } from '../sim/errors.js';
import type { Rng } from '../sim/rng.js';
import { MiB } from '../sim/units.js';
import { minFreeMB, nextMemoryState, type MemoryState } from './memory-state.js';
import { createMemoryPool } from './pool.js';
import type { HostMemoryOptions, HostMemoryStats, MemoryUsageReader, VmMemoryStats } from './memory-stats.js';
import { PageSharing } from './page-sharing.js';
import { stepGuest } from './guest-writes.js';
import { reclaim, release, sumReclaimed, type Reclaimed } from './reclamation.js';
import type { ImageId, MemoryImages } from './types.js';
import { VmMemory, VmUsageReader, type UsageSource } from './vm-memory.js';
import type { GuestWorkload } from './workload.js';

/** The memory of one host. Operations are O(1) plus the pool's costs, and reclamation O(VMs). */
export class HostMemory implements UsageSource {
  readonly pool: MemoryImages;
  /** Large pages and transparent page sharing. */
  readonly sharing: PageSharing;
  readonly #vms = new Map<string, VmMemory>();
  readonly #frozen = new Set<string>();
  /** VMs whose guest writes may still change a count (see {@link writers}). */
  readonly #writers = new Map<string, VmMemory>();
  #overheadMB = 0;
  #configuredMB = 0;
  /** Changes whenever a VM's memory is added or released (usage readers look their VM up again). */
  #membership = 0;
  /** Times a VM's active memory changed (with the pool's changes, {@link usageVersion}). */
  #activeChanges = 0;
  #state: MemoryState = 'high';
  /** Sum of every VM's reclaimed amounts, kept current so stats() is O(1). */
  #reclaimed: Reclaimed = { balloonMB: 0, compressedMB: 0, swappedMB: 0 };

  /** @param capacityMB the host's physical memory (> 0). */
  constructor(
    readonly capacityMB: number,
    readonly calibration: Calibration,
    options: HostMemoryOptions = {},
  ) {
    if (!(capacityMB > 0)) throw new InvalidArgumentError('capacityMB', `host memory must be > 0 MB, got ${capacityMB}`);
    this.pool = createMemoryPool('extent', { calibration, ...(options.granuleBytes === undefined ? {} : { granuleBytes: options.granuleBytes }) });
    this.sharing = new PageSharing(this.pool, calibration, options);
  }

  /** Whether the host holds memory for `vm`. */
  has(vm: string): boolean {
    return this.#vms.has(vm);
  }

  /** Ids of the VMs it holds memory for. */
  vms(): IterableIterator<string> {
    return this.#vms.keys();
  }

  /**
   * Ids of the VMs whose guest may still change a count by writing: every VM from when its memory
   * was last shared until its writes settle, or {@link runWorkloads} finds it has no workload.
   */
  writers(): IterableIterator<string> {
    return this.#writers.keys();
  }

  /** The workload of `vm` may have changed (e.g. a reconfigure): it is a writer again, and its workload is asked for anew. */
  wake(vm: string): void {
    const m = this.#vms.get(vm);
    if (m === undefined) return;
    m.workload = undefined;
    this.#writers.set(vm, m);
  }

  /** Configured memory of the VMs it holds, MB. O(1). */
  get configuredMB(): number {
    return this.#configuredMB;
  }

  /** The ESXi memory state now. */
  get state(): MemoryState {
    return this.#state;
  }

  /** Whether the host may hand out more memory: ESXi blocks allocations in the low state. */
  get canAllocate(): boolean {
    return this.#state !== 'low';
  }

  /**
   * A booted VM: zero memory, then its guest touches `touchMB` (the boot footprint). VMs booted with
   * the same `content` name (e.g. the guest OS) load identical pages there, which TPS can merge.
   */
  powerOn(vm: string, configuredMB: number, overheadMB: number, touchMB: number, content?: string): void {
    if (this.#vms.has(vm)) throw new InvalidStateError('InvalidState', vm, 'running', `${vm} already has memory on this host`);
    const image = this.pool.createBytes(configuredMB * MiB);
    const touched = Math.min(touchMB, configuredMB);
    this.#add(vm, new VmMemory(image, configuredMB, overheadMB, touched));
    const pages = Math.ceil((touched * MiB) / this.pool.granuleBytes);
    if (touched > 0 && content === undefined) this.pool.writeBytes(image, 0, touched * MiB);
    else if (touched > 0) this.#writeContent(image, pages, content!);
    this.sharing.noteWritten(pages);
    this.#settle();
  }

  /**
   * Switches inter-VM transparent page sharing (ESXi Mem.ShareForceSalting 0 = on, 2 = off).
   * Switching it off copies merged pages back at once.
   */
  setInterVmSharing(on: boolean): void {
    this.sharing.setInterVm(on);
    this.#settle();
  }

  /**
   * The page scanner runs for `ms` of simulated time on a host with `cpuMHz` of CPU (see
   * page-sharing.ts). Returns whether scanning longer could still share more.
   */
  scan(ms: number, cpuMHz: number): boolean {
    if (!this.sharing.scanning) return false;
    const more = this.sharing.scan(ms, cpuMHz);
    this.#settle();
    return more;
  }

  /** An instant clone of `source` named `child`: shares every page until either side writes. */
  fork(source: string, child: string, overheadMB: number): void {
    const src = this.#get(source);
    const image = this.pool.fork(src.image);
    src.shared();
    if (!this.#frozen.has(source)) this.#writers.set(source, src);
    this.#add(child, new VmMemory(image, src.configuredMB, overheadMB, src.activeMB));
    this.#settle();
  }

  /** Freezes a running VM's memory as a template (vSphere 6.7 frozen source): forks of it have depth 1. */
  freeze(vm: string): void {
    this.pool.freeze(this.#get(vm).image);
    this.#frozen.add(vm);
    this.#writers.delete(vm);
  }

  /** Whether a VM's memory is a frozen template. */
  isFrozen(vm: string): boolean {
    return this.#frozen.has(vm);
  }

  /**
   * Memory arriving by vMotion: `residentMB` of the source's resident memory, all private here.
   * The page counts move; the layout inside guest memory does not (pages land from offset 0).
   */
  adopt(vm: string, configuredMB: number, overheadMB: number, residentMB: number, activeMB: number): void {
    this.powerOn(vm, configuredMB, overheadMB, residentMB);
    const m = this.#get(vm);
    m.activeMB = Math.min(activeMB, configuredMB);
    m.shared(Math.ceil((Math.min(residentMB, configuredMB) * MiB) / this.pool.granuleBytes));
  }

  /** The VM stops (power off, suspend, failure, migration away): its memory is freed. */
  release(vm: string): void {
    const m = this.#get(vm);
    this.pool.destroy(m.image);
    this.sharing.forget(m.image);
    this.#vms.delete(vm);
    this.#membership++;
    this.#frozen.delete(vm);
    this.#writers.delete(vm);
    this.#overheadMB -= m.overheadMB;
    this.#configuredMB -= m.configuredMB;
    this.#reclaimed.balloonMB -= m.reclaimed.balloonMB;
    this.#reclaimed.compressedMB -= m.reclaimed.compressedMB;
    this.#reclaimed.swappedMB -= m.reclaimed.swappedMB;
    this.#settle();
  }

  /** The guest writes bytes [offset, offset + length) (copy-on-write where shared). */
  write(vm: string, offset: number, length: number, zero = false): void {
    this.pool.writeBytes(this.#get(vm).image, offset, length, zero);
    this.sharing.noteWritten(Math.ceil(length / this.pool.granuleBytes) + 1);
    this.#settle();
  }

  /**
   * The guest runs `profile` for `ms` of simulated time, sampled or as its expectation as the
   * calibration's memory.guestWrites says (guest-writes.ts); its working set becomes its active
   * memory. Once its writes can change no count (settled, or saturated when sampled) it leaves
   * {@link writers} until its memory is shared again.
   */
  runWorkload(vm: string, profile: GuestWorkload, rng: Rng, ms: number): void {
    if (this.#step(vm, this.#get(vm), profile, rng, ms)) this.#settle();
  }

  /**
   * One guest tick: every writer runs the workload `workloadOf` gives it for `ms` (one without a
   * workload rests), in {@link writers} order, and the memory state is re-evaluated once at the end,
   * as ESXi's memory scheduler does periodically rather than after every write. `workloadOf` is asked
   * once per VM and its answer kept until the VM is woken ({@link wake}). Returns how many ran.
   * O(writers) plus the writes.
   */
  runWorkloads(workloadOf: (vm: string) => GuestWorkload | undefined, rng: Rng, ms: number): number {
    let ran = 0;
    let wrote = false;
    for (const [vm, m] of this.#writers) {
      const profile = (m.workload ??= workloadOf(vm));
      if (profile === undefined) {
        this.#writers.delete(vm);
        continue;
      }
      wrote = this.#step(vm, m, profile, rng, ms) || wrote;
      ran++;
    }
    if (wrote) this.#settle();
    return ran;
  }

  /** Runs one guest's workload; returns whether it wrote anything. */
  #step(vm: string, m: VmMemory, profile: GuestWorkload, rng: Rng, ms: number): boolean {
    const activeMB = Math.min(m.configuredMB, profile.workingSetBytes / MiB);
    if (activeMB !== m.activeMB) this.#activeChanges++;
    m.activeMB = activeMB;
    const step = stepGuest(this.pool, m.image, m.writes, profile, rng, ms, this.calibration);
    if (step.done) this.#writers.delete(vm);
    if (step.granulesWritten === 0) return false;
    this.sharing.noteWritten(step.granulesWritten);
    return true;
  }

  /** A VM's resident (private + shared) and active guest memory, MB, or undefined when the host holds none for it. O(1). */
  usageMB(vm: string): { readonly residentMB: number; readonly activeMB: number } | undefined {
    const m = this.#vms.get(vm);
    if (m === undefined) return undefined;
    return { residentMB: (this.pool.residentPages(m.image) * this.pool.granuleBytes) / MiB, activeMB: m.activeMB };
  }

  /** Equal at two moments when no VM's {@link usageMB} changed between them (it may differ when none did). O(1). */
  get usageVersion(): number {
    return this.pool.totals().changes + this.#activeChanges;
  }

  /** A reader of `vm`'s {@link usageMB} for callers that read many VMs often (DRS's demand refresh): see {@link VmUsageReader}. O(1). */
  usageReader(vm: string): MemoryUsageReader {
    return new VmUsageReader(this, vm);
  }

  /** Changes whenever a VM's memory is added or released (usage readers look their VM up again). O(1). */
  get membership(): number {
    return this.#membership;
  }

  /** The record of `vm`'s memory, or undefined while the host holds none (for usage readers: read only). O(1). */
  record(vm: string): Readonly<VmMemory> | undefined {
    return this.#vms.get(vm);
  }

  /** Instant-clone generations in a VM's memory chain, as {@link vmStats} gives them. O(1). @throws NotFoundError */
  generations(vm: string): number {
    return this.pool.counters(this.#get(vm).image).depth;
  }

  /** One VM's memory. @throws NotFoundError */
  vmStats(vm: string): VmMemoryStats {
    const m = this.#get(vm);
    const c = this.pool.counters(m.image);
    const mb = this.pool.granuleBytes / MiB;
    return {
      configuredMB: m.configuredMB,
      privateMB: c.privatePages * mb,
      sharedMB: c.sharedPages * mb,
      zeroMB: c.zeroPages * mb,
      activeMB: m.activeMB,
      overheadMB: m.overheadMB,
      balloonedMB: m.reclaimed.balloonMB,
      compressedMB: m.reclaimed.compressedMB,
      swappedMB: m.reclaimed.swappedMB,
      generations: c.depth,
    };
  }

  /** Consumed memory now, MB ({@link stats}' consumedMB without building the rest). O(1). */
  get consumedMB(): number {
    return this.#consumedMB(this.pool.totals().physicalPages);
  }

  /** The host's memory. O(1). */
  stats(): HostMemoryStats {
    const t = this.pool.totals();
    const mb = this.pool.granuleBytes / MiB;
    const r = this.#reclaimed;
    const merged = this.sharing.mergedPages;
    const overheadMB = this.#overheadMB + this.sharing.hashMB;
    const consumedMB = this.#consumedMB(t.physicalPages);
    const backing = t.physicalPages - merged;
    return {
      capacityMB: this.capacityMB,
      consumedMB,
      freeMB: this.capacityMB - consumedMB,
      guestMB: t.physicalPages * mb,
      sharedByForkMB: t.sharedPages * mb,
      sharedByTpsMB: merged * mb,
      privateMB: t.privatePages * mb,
      zeroMB: t.zeroPages * mb,
      overheadMB,
      tpsHashMB: this.sharing.hashMB,
      savedMB: (t.mappedPages - backing) * mb,
      sharingRatio: backing > 0 ? t.mappedPages / backing : 1,
      minFreeMB: minFreeMB(this.capacityMB, this.calibration),
      state: this.#state,
      brokenLargePages: this.sharing.brokenLargePages,
      balloonedMB: r.balloonMB,
      compressedMB: r.compressedMB,
      swappedMB: r.swappedMB,
      cowEvents: t.cowEvents,
    };
  }

  #add(vm: string, m: VmMemory): void {
    this.#vms.set(vm, m);
    this.#membership++;
    this.#writers.set(vm, m);
    this.#overheadMB += m.overheadMB;
    this.#configuredMB += m.configuredMB;
    this.sharing.track(m.image);
  }

  /** Writes pages [0, pages) of `image` with the content named `name` (the same pages as other VMs'). */
  #writeContent(image: ImageId, pages: number, name: string): void {
    const known = this.sharing.contentTag(name);
    const tag = this.pool.write(image, 0, pages, known);
    if (known === undefined) this.sharing.nameContent(name, tag);
  }

  #get(vm: string): VmMemory {
    const m = this.#vms.get(vm);
    if (!m) throw new NotFoundError('VM memory', vm);
    return m;
  }

  /**
   * Re-evaluates the memory state and reclaims in ESXi's order: below high, large pages are broken
   * (TPS then merges at its scan rate); soft or worse, balloon, compression and swap take the rest.
   * Gives reclaimed memory back when there is room.
   */
  #settle(): void {
    const minFree = minFreeMB(this.capacityMB, this.calibration);
    this.sharing.reconcile();
    let free = this.capacityMB - this.#consumedMB(this.pool.totals().physicalPages);
    this.#state = nextMemoryState(this.#state, free, minFree, this.calibration);
    if (this.#state !== 'high') this.sharing.breakLargePages();
    const held = this.#reclaimed.balloonMB + this.#reclaimed.compressedMB + this.#reclaimed.swappedMB;
    if (this.#state === 'soft' || this.#state === 'hard' || this.#state === 'low') {
      const mb = this.pool.granuleBytes / MiB;
      reclaim([...this.#vms.values()], minFree - free, this.#state, (m) => this.pool.counters(m.image).privatePages * mb, this.calibration);
      this.#reclaimed = sumReclaimed(this.#vms.values());
    } else if (this.#state === 'high' && held > 0) {
      release([...this.#vms.values()], free - this.calibration.memory.stateThresholds.high * minFree);
      this.#reclaimed = sumReclaimed(this.#vms.values());
    } else return;
    free = this.capacityMB - this.#consumedMB(this.pool.totals().physicalPages);
    this.#state = nextMemoryState(this.#state, free, minFree, this.calibration);
  }

  /** Consumed memory, MB, with the pool physically holding `physicalPages` (see the file comment's identity). O(1). */
  #consumedMB(physicalPages: number): number {
    const r = this.#reclaimed;
    const mb = this.pool.granuleBytes / MiB;
    return (physicalPages - this.sharing.mergedPages) * mb + (this.#overheadMB + this.sharing.hashMB) - r.balloonMB - r.compressedMB / 2 - r.swappedMB;
  }
}

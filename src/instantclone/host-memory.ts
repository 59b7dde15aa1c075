/**
 * One ESXi host's memory: a copy-on-write page pool holding the guest memory of its running VMs,
 * their overhead memory, the host's memory state, and reclamation when memory runs short.
 *
 * Consumed memory is what the pool physically holds (distinct non-zero pages, so pages shared by
 * instant-clone forks count once) plus every VM's overhead, less what reclamation took back.
 * Memory states follow ESXi: free memory against minFree (899 MB for the first 28 GB plus 1% of the
 * rest) at 400/100/64/32/16% gives high/clear/soft/hard/low, with hysteresis (see memory-state.ts).
 * Reclamation (see reclamation.ts) balloons, compresses and swaps idle private guest memory in
 * ESXi's order. Transparent page sharing between VMs is off by default since 2014 (salting); within
 * a VM its only duplicates in this model are zero pages, which the pool never backs — so TPS is not
 * modelled as a separate saving.
 */
import type { Calibration } from '../sim/calibration.js';
import { InvalidArgumentError, InvalidStateError, NotFoundError } from '../sim/errors.js';
import type { Rng } from '../sim/rng.js';
import { MiB } from '../sim/units.js';
import { minFreeMB, nextMemoryState, type MemoryState } from './memory-state.js';
import { createMemoryPool } from './pool.js';
import { reclaim, release, type Reclaimed } from './reclamation.js';
import type { ImageId, MemoryImages } from './types.js';
import { runWorkload, type GuestWorkload } from './workload.js';

/** What the host holds for one running VM. */
export interface VmMemory {
  readonly image: ImageId;
  readonly configuredMB: number;
  readonly overheadMB: number;
  /** Guest memory the VM actively uses (its working set); the rest of its private memory is idle. */
  activeMB: number;
  /** What reclamation took from it. */
  readonly reclaimed: Reclaimed;
  /** Guest pages its workload wrote since its memory was last shared (booted, forked, adopted). */
  writtenSinceShared: number;
}

/**
 * After a guest has written this many times its working set since its memory was last shared,
 * 1 − e^−3 ≈ 95% of the working set is private and further writes barely change any counter, so
 * {@link HostMemory.runWorkload} stops simulating them until the memory is shared again (estimate).
 */
export const WORKLOAD_SATURATION = 3;

/** A VM's memory as inspection shows it (MB). */
export interface VmMemoryStats {
  readonly configuredMB: number;
  readonly privateMB: number;
  readonly sharedMB: number;
  readonly zeroMB: number;
  readonly activeMB: number;
  readonly overheadMB: number;
  readonly balloonedMB: number;
  readonly compressedMB: number;
  readonly swappedMB: number;
  /** Instant-clone generations in its memory chain. */
  readonly generations: number;
}

/** A host's memory as inspection shows it (MB unless said otherwise). */
export interface HostMemoryStats {
  readonly capacityMB: number;
  readonly consumedMB: number;
  readonly freeMB: number;
  /** Distinct non-zero guest pages held. */
  readonly guestMB: number;
  /** Pages held once but read by two or more VMs (instant-clone forks). */
  readonly sharedByForkMB: number;
  readonly privateMB: number;
  /** Guest memory read as zero (never backed). */
  readonly zeroMB: number;
  readonly overheadMB: number;
  /** Guest memory the VMs see minus what backs it: the saving from sharing. */
  readonly savedMB: number;
  /** Guest memory the VMs see ÷ what backs it (1 = no sharing). */
  readonly sharingRatio: number;
  readonly minFreeMB: number;
  readonly state: MemoryState;
  readonly balloonedMB: number;
  readonly compressedMB: number;
  readonly swappedMB: number;
  /** Copy-on-write events so far (first writes to shared pages). */
  readonly cowEvents: number;
}

/** The memory of one host. Operations are O(1) plus the pool's costs, and reclamation O(VMs). */
export class HostMemory {
  readonly pool: MemoryImages;
  readonly #vms = new Map<string, VmMemory>();
  readonly #frozen = new Set<string>();
  #overheadMB = 0;
  #state: MemoryState = 'high';
  /** Sum of every VM's reclaimed amounts, kept current so stats() is O(1). */
  #reclaimed: Reclaimed = { balloonMB: 0, compressedMB: 0, swappedMB: 0 };

  /** @param capacityMB the host's physical memory. */
  constructor(
    readonly capacityMB: number,
    readonly calibration: Calibration,
    largePages = false,
  ) {
    if (!(capacityMB > 0)) throw new InvalidArgumentError('capacityMB', `host memory must be > 0 MB, got ${capacityMB}`);
    this.pool = createMemoryPool('extent', { calibration, largePages });
  }

  /** Whether the host holds memory for `vm`. */
  has(vm: string): boolean {
    return this.#vms.has(vm);
  }

  /** Ids of the VMs it holds memory for. */
  vms(): IterableIterator<string> {
    return this.#vms.keys();
  }

  /** The ESXi memory state now. */
  get state(): MemoryState {
    return this.#state;
  }

  /** Whether the host may hand out more memory: ESXi blocks allocations in the low state. */
  get canAllocate(): boolean {
    return this.#state !== 'low';
  }

  /** A booted VM: zero memory, then its guest touches `touchMB` (the boot footprint). */
  powerOn(vm: string, configuredMB: number, overheadMB: number, touchMB: number): void {
    if (this.#vms.has(vm)) throw new InvalidStateError('InvalidState', vm, 'running', `${vm} already has memory on this host`);
    const image = this.pool.createBytes(configuredMB * MiB);
    this.#add(vm, { image, configuredMB, overheadMB, activeMB: Math.min(touchMB, configuredMB), reclaimed: { balloonMB: 0, compressedMB: 0, swappedMB: 0 }, writtenSinceShared: 0 });
    if (touchMB > 0) this.pool.writeBytes(image, 0, Math.min(touchMB, configuredMB) * MiB);
    this.#settle();
  }

  /** An instant clone of `source` named `child`: shares every page until either side writes. */
  fork(source: string, child: string, overheadMB: number): void {
    const src = this.#get(source);
    const image = this.pool.fork(src.image);
    src.writtenSinceShared = 0;
    this.#add(child, { image, configuredMB: src.configuredMB, overheadMB, activeMB: src.activeMB, reclaimed: { balloonMB: 0, compressedMB: 0, swappedMB: 0 }, writtenSinceShared: 0 });
    this.#settle();
  }

  /** Freezes a running VM's memory as a template (vSphere 6.7 frozen source): forks of it have depth 1. */
  freeze(vm: string): void {
    this.pool.freeze(this.#get(vm).image);
    this.#frozen.add(vm);
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
    this.#get(vm).activeMB = Math.min(activeMB, configuredMB);
  }

  /** The VM stops (power off, suspend, failure, migration away): its memory is freed. */
  release(vm: string): void {
    const m = this.#get(vm);
    this.pool.destroy(m.image);
    this.#vms.delete(vm);
    this.#frozen.delete(vm);
    this.#overheadMB -= m.overheadMB;
    this.#reclaimed.balloonMB -= m.reclaimed.balloonMB;
    this.#reclaimed.compressedMB -= m.reclaimed.compressedMB;
    this.#reclaimed.swappedMB -= m.reclaimed.swappedMB;
    this.#settle();
  }

  /** The guest writes bytes [offset, offset + length) (copy-on-write where shared). */
  write(vm: string, offset: number, length: number, zero = false): void {
    this.pool.writeBytes(this.#get(vm).image, offset, length, zero);
    this.#settle();
  }

  /**
   * The guest runs `profile` for `ms` of simulated time; its working set becomes its active memory.
   * Once it has written {@link WORKLOAD_SATURATION} times its working set since its memory was last
   * shared, its writes are no longer simulated (they would change no counter materially).
   */
  runWorkload(vm: string, profile: GuestWorkload, rng: Rng, ms: number): void {
    const m = this.#get(vm);
    m.activeMB = Math.min(m.configuredMB, profile.workingSetBytes / MiB);
    const pageSize = this.calibration.memory.pageSize;
    if (m.writtenSinceShared >= WORKLOAD_SATURATION * (profile.workingSetBytes / pageSize)) return;
    m.writtenSinceShared += runWorkload(this.pool, m.image, profile, rng, ms, pageSize).guestPages;
    this.#settle();
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

  /** The host's memory. O(1). */
  stats(): HostMemoryStats {
    const t = this.pool.totals();
    const mb = this.pool.granuleBytes / MiB;
    const r = this.#reclaimed;
    const consumedMB = t.physicalPages * mb + this.#overheadMB - r.balloonMB - r.compressedMB / 2 - r.swappedMB;
    return {
      capacityMB: this.capacityMB,
      consumedMB,
      freeMB: this.capacityMB - consumedMB,
      guestMB: t.physicalPages * mb,
      sharedByForkMB: t.sharedPages * mb,
      privateMB: t.privatePages * mb,
      zeroMB: t.zeroPages * mb,
      overheadMB: this.#overheadMB,
      savedMB: (t.mappedPages - t.physicalPages) * mb,
      sharingRatio: t.physicalPages > 0 ? t.mappedPages / t.physicalPages : 1,
      minFreeMB: minFreeMB(this.capacityMB, this.calibration),
      state: this.#state,
      balloonedMB: r.balloonMB,
      compressedMB: r.compressedMB,
      swappedMB: r.swappedMB,
      cowEvents: t.cowEvents,
    };
  }

  #add(vm: string, m: VmMemory): void {
    this.#vms.set(vm, m);
    this.#overheadMB += m.overheadMB;
  }

  #get(vm: string): VmMemory {
    const m = this.#vms.get(vm);
    if (!m) throw new NotFoundError('VM memory', vm);
    return m;
  }

  #sumReclaimed(): void {
    const out = { balloonMB: 0, compressedMB: 0, swappedMB: 0 };
    for (const m of this.#vms.values()) {
      out.balloonMB += m.reclaimed.balloonMB;
      out.compressedMB += m.reclaimed.compressedMB;
      out.swappedMB += m.reclaimed.swappedMB;
    }
    this.#reclaimed = out;
  }

  /** Re-evaluates the memory state, reclaiming when short and giving back when there is room. */
  #settle(): void {
    const mb = this.pool.granuleBytes / MiB;
    const privateOf = (m: VmMemory) => this.pool.counters(m.image).privatePages * mb;
    const minFree = minFreeMB(this.capacityMB, this.calibration);
    let free = this.stats().freeMB;
    this.#state = nextMemoryState(this.#state, free, minFree, this.calibration);
    const held = this.#reclaimed.balloonMB + this.#reclaimed.compressedMB + this.#reclaimed.swappedMB;
    if (this.#state === 'soft' || this.#state === 'hard' || this.#state === 'low') {
      reclaim([...this.#vms.values()], minFree - free, this.#state, privateOf, this.calibration);
      this.#sumReclaimed();
    } else if (this.#state === 'high' && held > 0) {
      release([...this.#vms.values()], free - this.calibration.memory.stateThresholds.high * minFree);
      this.#sumReclaimed();
    }
    free = this.stats().freeMB;
    this.#state = nextMemoryState(this.#state, free, minFree, this.calibration);
  }
}

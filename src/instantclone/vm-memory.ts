/**
 * What a host holds for one running VM, and the reader DRS uses to re-read a VM's usage. Both exist
 * once per running VM, so each is one flat object: the VM's reclaimed amounts, guest-write state and
 * expected-writes layout are fields of its record rather than records of their own (≈ 150 B less per VM), and a reader
 * is one small object rather than a closure with its context and a wrapper (≈ 100 B less per VM).
 */
import { MiB } from '../sim/units.js';
import type { ExpectedWrites } from './expected-writes.js';
import type { GuestWriteState } from './guest-writes.js';
import type { MemoryUsage, MemoryUsageReader } from './memory-stats.js';
import type { Reclaimed } from './reclamation.js';
import type { ImageId, MemoryImages } from './types.js';
import type { GuestWorkload } from './workload.js';

/** The tag of a VM memory record with no expected-writes layout (a layout's tag is a content tag, ≥ 0). */
const NO_LAYOUT = -1;

/**
 * What the host holds for one running VM. The record is its own {@link Reclaimed} (what reclamation
 * took from it), its own {@link GuestWriteState} (what its workload wrote since its memory was last
 * shared) and its own {@link ExpectedWrites} layout once it has one: {@link reclaimed},
 * {@link writes} and {@link expected} return the record itself (a layout of its own was ≈ 64 B).
 */
export class VmMemory implements Reclaimed, GuestWriteState, ExpectedWrites {
  balloonMB = 0;
  compressedMB = 0;
  swappedMB = 0;
  writtenSinceShared = 0;
  adoptedGranules = 0;
  /** Expected writes (see {@link expected}): share of the working set last written with data. */
  data = 0;
  /** Expected writes: share of the working set not written since the memory was last shared. */
  untouched = 1;
  /** Expected writes: granules of the data region. */
  dataGranules = 0;
  /** Expected writes: granules of the zero region. */
  zeroGranules = 0;
  /** Expected writes: the data region's content tag; {@link NO_LAYOUT} while the VM has no layout. */
  tag = NO_LAYOUT;
  /** Its workload as runWorkloads last learnt it (undefined: not asked since created or woken). */
  workload: GuestWorkload | undefined = undefined;

  /**
   * A VM whose memory was just shared (booted or forked): nothing reclaimed, nothing written since.
   * @param activeMB guest memory the VM actively uses (its working set); the rest of its private memory is idle.
   */
  constructor(
    readonly image: ImageId,
    readonly configuredMB: number,
    readonly overheadMB: number,
    public activeMB: number,
  ) {}

  /** What reclamation took from it: the record itself. O(1). */
  get reclaimed(): Reclaimed {
    return this;
  }

  /** What its workload wrote since its memory was last shared: the record itself. O(1). */
  get writes(): GuestWriteState {
    return this;
  }

  /** Its expected-writes layout: the record itself once it has one, else undefined. O(1). */
  get expected(): ExpectedWrites | undefined {
    return this.tag === NO_LAYOUT ? undefined : this;
  }

  /** Takes a copy of `layout`'s five figures as its own layout (the record keeps no reference to it), or drops its layout (undefined). O(1). Precondition: a layout's tag is ≥ 0. */
  set expected(layout: ExpectedWrites | undefined) {
    if (layout === undefined) {
      this.tag = NO_LAYOUT;
      return;
    }
    this.data = layout.data;
    this.untouched = layout.untouched;
    this.dataGranules = layout.dataGranules;
    this.zeroGranules = layout.zeroGranules;
    this.tag = layout.tag;
  }

  /** Its memory was just shared (forked, adopted): forgets what was written; `adoptedGranules` arrived as private data by vMotion. O(1). */
  shared(adoptedGranules = 0): void {
    this.writtenSinceShared = 0;
    this.adoptedGranules = adoptedGranules;
    this.expected = undefined;
  }
}

/** What a {@link VmUsageReader} needs of its host (HostMemory). */
export interface UsageSource {
  readonly pool: MemoryImages;
  /** Changes whenever a VM's memory is added or released. */
  readonly membership: number;
  /** The record of a VM's memory, or undefined while the host holds none. O(1). */
  record(vm: string): Readonly<VmMemory> | undefined;
}

/**
 * Reads one VM's resident and active memory on one host: it looks the VM up again only after the
 * host's set of VMs changed, so a read is O(1) with no lookup and no allocation. Valid for the
 * host's life; it follows the VM leaving and coming back.
 */
export class VmUsageReader implements MemoryUsageReader {
  #seen = -1;
  #memory: Readonly<VmMemory> | undefined = undefined;

  /** A reader of `vm` on `host`. O(1). */
  constructor(
    readonly host: UsageSource,
    readonly vm: string,
  ) {}

  /** Fills `out` and returns true, or returns false (leaving `out`) while the host holds no memory for the VM. O(1). */
  read(out: MemoryUsage): boolean {
    const host = this.host;
    if (this.#seen !== host.membership) {
      this.#memory = host.record(this.vm);
      this.#seen = host.membership;
    }
    return readUsage(host, this.#memory, out);
  }
}

/**
 * The readers of many VMs as columns — what {@link VmUsageReader} does for one VM, for callers that
 * read many VMs often (DRS's demand sources) without an object per VM: row i reads its VM on the
 * host the caller passes, looking it up again only after that host's set of VMs changed (or the
 * row was pointed at the VM anew, see {@link reset}). Per VM: its id, its record as last looked up
 * and the host's membership then (≈ 24 B, where a reader object and its slot were ≈ 64 B).
 */
export class UsageReaderColumns {
  readonly #vms: string[];
  readonly #memory: (Readonly<VmMemory> | undefined)[];
  /** The host's membership when row i was last looked up (NaN: look it up at the next read). */
  readonly #seen: Float64Array;

  /** Rows for `vms` (row i reads `vms[i]`), each looked up at its first read. O(V). */
  constructor(vms: readonly string[]) {
    this.#vms = vms.slice();
    this.#memory = new Array<Readonly<VmMemory> | undefined>(vms.length).fill(undefined);
    this.#seen = new Float64Array(vms.length).fill(NaN);
  }

  /** Number of rows. */
  get length(): number {
    return this.#vms.length;
  }

  /** Row `i` reads `vm` from now on, looked up again at its next read (the VM moved to another host). O(1). Precondition: 0 ≤ i < length. */
  reset(i: number, vm: string): void {
    this.#vms[i] = vm;
    this.#memory[i] = undefined;
    this.#seen[i] = NaN;
  }

  /**
   * Row i's VM as {@link VmUsageReader.read} reads it on `host`: fills `out` and returns true, or
   * returns false while the host holds no memory for it. O(1). Preconditions: 0 ≤ i < length; the
   * same host for a row from one {@link reset} (or the construction) to the next.
   */
  read(i: number, host: UsageSource, out: MemoryUsage): boolean {
    if (this.#seen[i] !== host.membership) {
      this.#memory[i] = host.record(this.#vms[i]!);
      this.#seen[i] = host.membership;
    }
    return readUsage(host, this.#memory[i], out);
  }
}

/** Fills `out` with `m`'s resident and active memory on `host` and returns true, or returns false for no record. O(1). */
function readUsage(host: UsageSource, m: Readonly<VmMemory> | undefined, out: MemoryUsage): boolean {
  if (m === undefined) return false;
  out.residentMB = (host.pool.residentPages(m.image) * host.pool.granuleBytes) / MiB;
  out.activeMB = m.activeMB;
  return true;
}

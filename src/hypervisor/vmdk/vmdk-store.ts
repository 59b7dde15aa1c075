/**
 * A set of virtual disks and their delta chains, as one datastore namespace holds them. Pure: it
 * produces descriptor text and allocation figures; the datastore layer writes the text into its
 * file namespace and counts the bytes.
 *
 * Chain rules: a child names its parent by descriptor path; a disk with children is frozen (never
 * written again), so writes go to leaves only and never touch a parent; reads resolve through a
 * cached per-disk index (the disk's own grains over its parent's index), built once per disk and
 * then kept up to date by the disk's own writes, so read cost does not grow with chain depth.
 */
import { DEFAULT_CALIBRATION } from '../../sim/calibration.js';
import type { DiskCalibration } from '../../sim/calibration.js';
import { DuplicateNameError, InvalidArgumentError, InvalidStateError, NotFoundError, RestoreError } from '../../sim/errors.js';
import type { Rng } from '../../sim/rng.js';
import { ChainLimitError } from './errors.js';
import { GrainMap } from './grain-map.js';
import type { GrainRun } from './grain-map.js';
import { SECTOR_BYTES } from './descriptor.js';
import type { VmdkDescriptor } from './descriptor.js';
import { MAX_CONTENT_TAG, ZERO_TAG, overwriteTag } from './content.js';
import { drawContentId, drawDiskUuid } from './content-id.js';
import { DiskShapes, VirtualDisk, type RefBooking } from './disk.js';
import { DEFAULT_ADAPTER_TYPE, DEFAULT_FLAT_METADATA_BYTES, DEFAULT_SPARSE_METADATA_BYTES, DEFAULT_VIRTUAL_HW_VERSION } from './store-types.js';
import type { ContentRun, CreateBaseOptions, DiskInfo, VmdkStoreOptions } from './store-types.js';
import { checkDiskPath, extentPath } from './paths.js';
import { mergeChildIntoParent, mergeParentIntoChild } from './consolidation.js';
import type { ChainAccess, ConsolidationResult } from './consolidation.js';
import { VMDK_STATE_VERSION, restoreDisk, saveDisk } from './persistence.js';
import type { VmdkStoreState } from './persistence.js';

/** The disks of one namespace, keyed by descriptor path. */
export class VmdkStore {
  readonly #disks = new Map<string, VirtualDisk>();
  /** The shapes its deltas share. */
  readonly #shapes = new DiskShapes();
  readonly #rng: Rng;
  readonly #calibration: DiskCalibration;
  readonly #sparseMetadataBytes: number;
  readonly #flatMetadataBytes: number;
  /**
   * Each disk's children in path order: built on a disk's first {@link info}, then kept in order by
   * createDelta and remove (binary search and splice), dropped by consolidation. An image layer
   * under thousands of container deltas is asked for its info on every container create.
   */
  readonly #sortedChildren = new Map<string, string[]>();
  readonly #access: ChainAccess = {
    disk: (path) => this.#disk(path),
    forget: (path) => this.#disks.delete(path),
    newContentId: () => drawContentId(this.#rng),
  };

  /** A store with no disks. */
  constructor(options: VmdkStoreOptions) {
    this.#rng = options.rng;
    this.#calibration = options.calibration ?? DEFAULT_CALIBRATION.disk;
    this.#sparseMetadataBytes = options.sparseMetadataBytes ?? DEFAULT_SPARSE_METADATA_BYTES;
    this.#flatMetadataBytes = options.flatMetadataBytes ?? DEFAULT_FLAT_METADATA_BYTES;
  }

  /**
   * A store holding the disks of `state` (from {@link toJSON}). The Rng in `options` is the
   * caller's to save and restore. Cached indexes are rebuilt on first read.
   * @throws RestoreError for an unknown version, a duplicate path, a descriptor that does not
   *   parse, a missing or modified parent, or malformed grain runs.
   */
  static restore(state: VmdkStoreState, options: VmdkStoreOptions): VmdkStore {
    if (state.version !== VMDK_STATE_VERSION) throw new RestoreError(`unsupported disk state version ${state.version}`);
    const store = new VmdkStore(options);
    for (const saved of state.disks) {
      if (store.#disks.has(saved.path)) throw new RestoreError(`disk ${saved.path} is saved twice`);
      store.#disks.set(saved.path, restoreDisk(saved, (path) => store.#disks.get(path), store.#shapes));
    }
    return store;
  }

  /** Every disk in saved form, parents first. O(total runs). */
  toJSON(): VmdkStoreState {
    return { version: VMDK_STATE_VERSION, disks: [...this.#disks.values()].map(saveDisk) };
  }

  /**
   * Creates a thin base disk at `path`, nothing allocated.
   * @throws InvalidArgumentError for a bad path or capacity; DuplicateNameError when `path` is taken.
   */
  createBase(path: string, options: CreateBaseOptions): DiskInfo {
    this.#checkFree(path);
    const { capacityBytes } = options;
    if (!Number.isSafeInteger(capacityBytes) || capacityBytes <= 0 || capacityBytes % SECTOR_BYTES !== 0) {
      throw new InvalidArgumentError('capacityBytes', `disk capacity must be a positive multiple of ${SECTOR_BYTES} bytes, got ${capacityBytes}`);
    }
    const format = options.format ?? 'seSparse';
    const grainBytes = format === 'seSparse' ? this.#calibration.sesparseGrainBytes : this.#calibration.vmfsSparseGrainBytes;
    const base = {
      createType: options.createType ?? 'vmfs',
      adapterType: options.adapterType ?? DEFAULT_ADAPTER_TYPE,
      virtualHWVersion: options.virtualHWVersion ?? DEFAULT_VIRTUAL_HW_VERSION,
      uuid: drawDiskUuid(this.#rng),
    } as const;
    const contentId = drawContentId(this.#rng);
    const disk = new VirtualDisk(path, undefined, 0xffffffff, contentId, this.#shapes.of(capacityBytes, grainBytes, format, this.#flatMetadataBytes, base), 'base');
    this.#disks.set(path, disk);
    return this.info(path);
  }

  /**
   * Creates an empty delta disk at `path` on `parentPath`, which is frozen from then on.
   * `purpose` 'snapshot' counts towards the snapshot chain limit; every delta counts towards the
   * redo-level limit. O(log c) comparisons and an O(c) splice in the parent's children once its
   * info was asked for, O(1) otherwise.
   * @throws NotFoundError (no parent), DuplicateNameError, InvalidArgumentError (bad path),
   *   ChainLimitError (calibration maxSnapshotChain / maxRedoLevels reached).
   */
  createDelta(path: string, parentPath: string, purpose: 'layer' | 'snapshot' = 'layer'): DiskInfo {
    const parent = this.#disk(parentPath);
    this.#checkFree(path);
    if (parent.depth + 1 > this.#calibration.maxRedoLevels) throw new ChainLimitError('redo', parentPath, this.#calibration.maxRedoLevels);
    if (purpose === 'snapshot' && parent.snapshotDepth + 1 > this.#calibration.maxSnapshotChain) {
      throw new ChainLimitError('snapshot', parentPath, this.#calibration.maxSnapshotChain);
    }
    const contentId = drawContentId(this.#rng);
    const disk = new VirtualDisk(path, parentPath, parent.cid, contentId, this.#shapes.of(parent.capacityBytes, parent.grainBytes, parent.format, this.#sparseMetadataBytes, undefined), purpose);
    disk.depth = parent.depth + 1;
    disk.snapshotDepth = parent.snapshotDepth + (purpose === 'snapshot' ? 1 : 0);
    parent.addChild(path);
    this.#disks.set(path, disk);
    const siblings = this.#sortedChildren.get(parentPath);
    if (siblings) siblings.splice(insertionPoint(siblings, path), 0, path);
    return this.info(path);
  }

  /**
   * Writes `length` bytes at `offset` with content `tag` into the leaf disk `path`. Grains the
   * write covers only in part are allocated whole, their content combined with what the chain
   * held there (copy-on-write). The first write after creation or consolidation draws a new CID,
   * so the descriptor text changes then. O(log n + k) in the runs of the disk's own map and index
   * (the first access of a disk whose index is not built yet builds it: O(runs of the chain)).
   * @throws NotFoundError; InvalidStateError (InvalidState) when the disk has children;
   *   InvalidArgumentError when the range leaves the disk or the tag is not an unsigned 32-bit integer.
   */
  write(path: string, offset: number, length: number, tag: number): void {
    const disk = this.#disk(path);
    if (disk.children.size > 0) {
      throw new InvalidStateError('InvalidState', path, 'frozen', `cannot write ${path}: it is the parent of ${disk.children.size} delta disk(s)`);
    }
    this.#checkRange(disk, offset, length);
    if (!Number.isInteger(tag) || tag < 0 || tag > MAX_CONTENT_TAG) throw new InvalidArgumentError('tag', `a content tag is an unsigned 32-bit integer, got ${tag}`);
    const index = this.#resolve(disk);
    const g = disk.grainBytes;
    const end = offset + length;
    const first = Math.floor(offset / g);
    const last = Math.floor((end - 1) / g);
    const stamp = (start: number, stop: number, content: number): void => {
      disk.own.set(start, stop, content);
      index.set(start, stop, content);
    };
    const partial = (grain: number): void => {
      const from = Math.max(offset, grain * g) - grain * g;
      const to = Math.min(end, (grain + 1) * g) - grain * g;
      stamp(grain, grain + 1, overwriteTag(index.tagAt(grain) ?? ZERO_TAG, tag, from, to, g));
    };
    const headPartial = offset % g !== 0;
    const tailPartial = end % g !== 0 && !(headPartial && first === last);
    if (headPartial) partial(first);
    if (tailPartial) partial(last);
    const fullFrom = headPartial ? first + 1 : first;
    const fullTo = end % g === 0 ? last + 1 : last;
    if (fullFrom < fullTo) stamp(fullFrom, fullTo, tag);
    if (!disk.writtenSinceCid) {
      disk.contentId = drawContentId(this.#rng);
      disk.writtenSinceCid = true;
    }
  }

  /**
   * What disk `path` reads in `[offset, offset + length)`: runs in order, covering the range
   * exactly, each with the tag of the nearest disk of the chain that holds the grain.
   * O(log n + k) on the cached index, whatever the chain depth (the first read of a disk whose
   * index is not built yet builds it: O(total runs of the chain)).
   * @throws NotFoundError; InvalidArgumentError when the range leaves the disk.
   */
  read(path: string, offset: number, length: number): ContentRun[] {
    const disk = this.#disk(path);
    this.#checkRange(disk, offset, length);
    const g = disk.grainBytes;
    const end = offset + length;
    const runs: ContentRun[] = [];
    let at = offset;
    for (const run of this.#resolve(disk).runsIn(Math.floor(offset / g), Math.ceil(end / g))) {
      const from = Math.max(offset, run.start * g);
      if (from > at) runs.push({ offset: at, length: from - at, tag: ZERO_TAG, allocated: false });
      at = Math.min(end, run.end * g);
      runs.push({ offset: from, length: at - from, tag: run.tag, allocated: true });
    }
    if (at < end) runs.push({ offset: at, length: end - at, tag: ZERO_TAG, allocated: false });
    return runs;
  }

  /** The tag disk `path` reads at grain `grain` (0 when no disk of the chain holds it). O(log n). */
  readGrain(path: string, grain: number): number {
    return this.#resolve(this.#disk(path)).tagAt(grain) ?? ZERO_TAG;
  }

  /** The runs disk `path` holds itself (not its ancestors), in order. O(n). */
  ownRuns(path: string): GrainRun[] {
    return [...this.#disk(path).heldGrains.runs()];
  }

  /**
   * Deletes the leaf disk `path`; its parent becomes writable when it has no other child.
   * @returns the bytes freed (the extent file's allocated bytes). O(log c) comparisons and an O(c)
   *   splice in the parent's children once its info was asked for, O(1) otherwise.
   * @throws NotFoundError; InvalidStateError (ResourceInUse) when the disk has children.
   */
  remove(path: string): number {
    const disk = this.#disk(path);
    if (disk.children.size > 0) {
      throw new InvalidStateError('ResourceInUse', path, 'parent', `cannot delete ${path}: ${[...disk.children].join(', ')} depend on it`);
    }
    if (disk.parentPath !== undefined) {
      this.#disk(disk.parentPath).removeChild(path);
      const siblings = this.#sortedChildren.get(disk.parentPath);
      const at = siblings ? insertionPoint(siblings, path) : -1;
      if (siblings?.[at] === path) siblings.splice(at, 1);
    }
    this.#disks.delete(path);
    this.#sortedChildren.delete(path);
    return disk.allocatedBytes;
  }

  /** Merges delta `childPath` into its parent, which must have no other child. See consolidation.ts. */
  consolidateIntoParent(childPath: string): ConsolidationResult {
    this.#sortedChildren.clear();
    return mergeChildIntoParent(this.#access, childPath);
  }

  /** Merges the parent of `childPath` (a delta with no other child) into it. See consolidation.ts. */
  consolidateParentIntoChild(childPath: string): ConsolidationResult {
    this.#sortedChildren.clear();
    return mergeParentIntoChild(this.#access, childPath);
  }

  /** Disk `path`'s reference booking (the model's reference counts live on the disks), or undefined when there is no such disk. O(1). */
  booking(path: string): RefBooking | undefined {
    return this.#disks.get(path);
  }

  /** Every disk's reference booking, disks in creation order. O(disks) to iterate. */
  bookings(): IterableIterator<RefBooking> {
    return this.#disks.values();
  }

  /** Whether a disk exists at `path`. */
  has(path: string): boolean {
    return this.#disks.has(path);
  }

  /** Every disk path, parents before their children. */
  paths(): string[] {
    return [...this.#disks.keys()];
  }

  /** The parent of disk `path`, undefined for a base. O(1). @throws NotFoundError */
  parentOf(path: string): string | undefined {
    return this.#disk(path).parentPath;
  }

  /** `path` and its ancestors, top first, base last. O(depth). @throws NotFoundError */
  chain(path: string): string[] {
    const out: string[] = [];
    for (let disk: VirtualDisk | undefined = this.#disk(path); disk; disk = disk.parentPath === undefined ? undefined : this.#disk(disk.parentPath)) {
      out.push(disk.path);
    }
    return out;
  }

  /**
   * The disk at `path`, children sorted by path. O(c) in its children (a copy of the kept order),
   * O(c log c) the first time a disk is asked for. @throws NotFoundError
   */
  info(path: string): DiskInfo {
    const d = this.#disk(path);
    return {
      path: d.path,
      parentPath: d.parentPath,
      extentPath: extentPath(d.path, d.extentKind),
      purpose: d.purpose,
      format: d.format,
      capacityBytes: d.capacityBytes,
      grainBytes: d.grainBytes,
      allocatedGrains: d.allocatedGrains,
      allocatedBytes: d.allocatedBytes,
      depth: d.depth,
      snapshotDepth: d.snapshotDepth,
      children: this.#childrenOf(d),
      writable: d.children.size === 0,
      cid: d.cid,
    };
  }

  /** The parsed descriptor of disk `path`. @throws NotFoundError */
  descriptor(path: string): VmdkDescriptor {
    return this.#disk(path).descriptor();
  }

  /** The descriptor text of disk `path`, as written to `<path>`. @throws NotFoundError */
  descriptorText(path: string): string {
    return this.#disk(path).descriptorText();
  }

  /** `Buffer.byteLength(descriptorText(path))`, without rendering a delta's text. O(path length). @throws NotFoundError */
  descriptorByteLength(path: string): number {
    return this.#disk(path).descriptorByteLength();
  }

  /** Sum of every disk's allocated bytes (descriptor text not included). O(disks). */
  totalAllocatedBytes(): number {
    let total = 0;
    for (const disk of this.#disks.values()) total += disk.allocatedBytes;
    return total;
  }

  /**
   * A copy of the sorted children of `disk`, sorted now if not kept yet. O(c), or O(c log c) the
   * first time. A disk without children keeps no list (a new delta's info is asked for on every
   * create; keeping one would cost a map entry per disk and a splice per later child).
   */
  #childrenOf(disk: VirtualDisk): readonly string[] {
    if (disk.children.size === 0) return NO_CHILDREN;
    let sorted = this.#sortedChildren.get(disk.path);
    if (!sorted) {
      sorted = [...disk.children].sort();
      this.#sortedChildren.set(disk.path, sorted);
    }
    return sorted.slice();
  }

  #disk(path: string): VirtualDisk {
    const disk = this.#disks.get(path);
    if (!disk) throw new NotFoundError('disk', path);
    return disk;
  }

  #checkFree(path: string): void {
    checkDiskPath(path);
    if (this.#disks.has(path)) throw new DuplicateNameError('disk', path, 'the datastore');
  }

  #checkRange(disk: VirtualDisk, offset: number, length: number): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length <= 0 || offset + length > disk.capacityBytes) {
      throw new InvalidArgumentError('range', `bytes [${offset}, ${offset + length}) are not within ${disk.path} (${disk.capacityBytes} bytes)`);
    }
  }

  /** The disk's resolved index, building the missing ones from the nearest indexed ancestor down. */
  #resolve(disk: VirtualDisk): GrainMap {
    if (disk.resolved) return disk.resolved;
    const unbuilt: VirtualDisk[] = [];
    let below: VirtualDisk | undefined = disk;
    while (below && !below.resolved) {
      unbuilt.push(below);
      below = below.parentPath === undefined ? undefined : this.#disk(below.parentPath);
    }
    let index = below?.resolved;
    for (const d of unbuilt.reverse()) {
      const built: GrainMap = index ? index.clone() : new GrainMap();
      built.overlay(d.heldGrains);
      d.resolved = built;
      index = built;
    }
    return index!;
  }
}

/** The children list of a disk without any, shared by every such info (frozen). */
const NO_CHILDREN: readonly string[] = Object.freeze([]);

/** Where `path` goes in the sorted `paths` (the order of Array.prototype.sort). O(log c). */
function insertionPoint(paths: readonly string[], path: string): number {
  let lo = 0;
  let hi = paths.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (paths[mid]! < path) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One virtual disk of a chain: its descriptor fields, its own grain map and its place in the chain.
 * Instances belong to a {@link VmdkStore}, which enforces the chain rules; outside this folder disks
 * are seen through {@link DiskInfo}.
 */
import { DrawnContentId, drawnLongContentId, type ContentId } from './content-id.js';
import { GrainMap } from './grain-map.js';
import { NO_PARENT_CID, SECTOR_BYTES, formatCid, geometryFor } from './descriptor.js';
import type { ExtentLine, VmdkDescriptor } from './descriptor.js';
import { extentFileName, extentFileNameByteLength, extentKindOf, parentHint, parentHintByteLength, type ExtentKind } from './paths.js';

/** Sparse format of a chain's deltas: SEsparse (VMFS6, 4 KiB grains) or vmfsSparse (VMFS5, 512 B grains). */
export type SparseFormat = 'seSparse' | 'vmfsSparse';

/** Why a disk exists: a chain's base, an image layer or container delta, or a snapshot's delta. */
export type DiskPurpose = 'base' | 'layer' | 'snapshot';

/** The settings only a base disk's descriptor carries. */
export interface BaseDiskSettings {
  /** `vmfs` (ESXi datastores, the default) or `monolithicFlat` (hosted products). */
  readonly createType: 'vmfs' | 'monolithicFlat';
  readonly adapterType: string;
  readonly virtualHWVersion: number;
  /** ddb.uuid, e.g. `60 00 C2 9f 28 1e 65 bf-3d cc 5e f0 f5 42 1e f6`. */
  readonly uuid: string;
}

/**
 * What a disk's extent is: capacity, grain, sparse format, fixed metadata and a base's settings.
 * Deltas share one per distinct set ({@link DiskShapes}), so a delta holds one field for these
 * five. Immutable.
 */
export class DiskShape {
  constructor(
    readonly capacityBytes: number,
    readonly grainBytes: number,
    readonly format: SparseFormat,
    readonly metadataBytes: number,
    readonly base: BaseDiskSettings | undefined,
  ) {}

}

/**
 * Interns the shapes of deltas (no base settings): every delta of one size, grain, format and
 * metadata size holds the same record — one per distinct capacity in practice. A base's shape is
 * its own (its settings are its own).
 */
export class DiskShapes {
  /** Delta shapes by capacity (each list holds the few grain, format and metadata variants seen). */
  readonly #deltas = new Map<number, DiskShape[]>();

  /** The shape of these five: the interned one for a delta (`base` undefined), a new one for a base. O(1) (a scan of the variants of one capacity). */
  of(capacityBytes: number, grainBytes: number, format: SparseFormat, metadataBytes: number, base: BaseDiskSettings | undefined): DiskShape {
    if (base !== undefined) return new DiskShape(capacityBytes, grainBytes, format, metadataBytes, base);
    let variants = this.#deltas.get(capacityBytes);
    if (!variants) this.#deltas.set(capacityBytes, (variants = []));
    const known = variants.find((v) => v.grainBytes === grainBytes && v.format === format && v.metadataBytes === metadataBytes);
    if (known) return known;
    const shape = new DiskShape(capacityBytes, grainBytes, format, metadataBytes, undefined);
    variants.push(shape);
    return shape;
  }
}

/** The children of a disk without any (shared; never written: a disk makes its own set with its first child). */
const NO_CHILDREN: ReadonlySet<string> = new Set();
/** The grains of a disk that holds none (read only: see VirtualDisk.heldGrains). */
const NO_GRAINS = new GrainMap();

/** The lines between a descriptor's header and its extent lines (see formatDescriptor). */
const EXTENTS_HEADER = '\n# Extent description\n';
/** The lines between a descriptor's extent lines and its sorted ddb entries (see formatDescriptor). */
const DDB_HEADER = '\n# The Disk Data Base \n#DDB\n\n';

/** A delta's descriptor text from its parts (the one template {@link VirtualDisk.descriptorText} and its byte count share). */
function deltaDescriptorText(cid: string, parentCid: string, format: string, hint: string, sectors: number | string, extentType: string, fileName: string, grain: string, longContentId: string): string {
  return (
    `# Disk DescriptorFile\nversion=1\nencoding="UTF-8"\nCID=${cid}\nparentCID=${parentCid}\nisNativeSnapshot="no"\ncreateType="${format}"\nparentFileNameHint="${hint}"\n` +
    `${EXTENTS_HEADER}RW ${sectors} ${extentType} "${fileName}"\n${DDB_HEADER}${grain}ddb.longContentID = "${longContentId}"\n`
  );
}

/** A SEsparse descriptor's grain line (grain size in sectors). */
function grainLine(grainBytes: number): string {
  return `ddb.grain = "${grainBytes / SECTOR_BYTES}"\n`;
}

const CID_DIGITS = 8;
/** Digits of a drawn long content id (a restored one may be any text). */
const LONG_CONTENT_ID_DIGITS = 32;
/** Bytes of a delta descriptor's text without its variable parts. */
const DELTA_FIXED_BYTES = Buffer.byteLength(deltaDescriptorText('', '', '', '', '', '', '', '', ''));

/**
 * The reference count the model books on a disk (hypervisor/disk-refs.ts keeps it on the disk
 * rather than in a map by path): `refOrder` is 0 while none is booked, else the booking's place in
 * the order counts were first booked (a map's insertion order). Written only by the model's DiskRefs.
 */
export interface RefBooking {
  readonly path: string;
  refs: number;
  refOrder: number;
}

/**
 * A disk's state. Fields are mutated only by the store and the consolidation functions. One exists
 * per delta (every clone's disk), so it is flat: its content id is four small-integer fields (no
 * record, no boxed CID) and its extent's shape is shared along the chain.
 */
export class VirtualDisk implements RefBooking {
  /** The grains this disk itself holds; made on first use (most deltas are never written). */
  #own: GrainMap | undefined;
  /** Descriptor paths of the disks whose parent this is; made with the first child (most disks are leaves). */
  #children: Set<string> | undefined;
  /** Delta disks between this one and the base (0 for a base). */
  depth = 0;
  /** Snapshot deltas between this one and the base, this one included. */
  snapshotDepth = 0;
  /** Cached resolved index: this disk's view of the whole chain, or undefined until first needed. */
  resolved: GrainMap | undefined;
  /** The parent's CID as a signed 32-bit integer (read back unsigned). */
  #parentCid: number;
  /** The CID as a signed 32-bit integer (read back unsigned). */
  #cid = 0;
  /** A drawn content id's high words as signed 32-bit integers, or (in #high0) a restored long content id's text. */
  #high0: number | string = 0;
  #high1 = 0;
  #high2 = 0;
  /** Whether the disk was written since its CID was last drawn (ESXi draws a new CID on the first write). */
  writtenSinceCid = false;
  /** The model's reference count on this disk, see {@link RefBooking}. */
  refs = 0;
  /** When the count was booked, see {@link RefBooking} (0: none booked). */
  refOrder = 0;

  constructor(
    readonly path: string,
    public parentPath: string | undefined,
    parentCid: number,
    contentId: ContentId,
    readonly shape: DiskShape,
    readonly purpose: DiskPurpose,
  ) {
    this.#parentCid = parentCid | 0;
    this.contentId = contentId;
  }

  /** The parent's CID (ffffffff for a base). O(1). */
  get parentCid(): number {
    return this.#parentCid >>> 0;
  }

  set parentCid(cid: number) {
    this.#parentCid = cid | 0;
  }

  /** The CID. O(1). */
  get cid(): number {
    return this.#cid >>> 0;
  }

  /** The long content id's text (a drawn one is rendered now). O(1). */
  get longContentId(): string {
    const high0 = this.#high0;
    return typeof high0 === 'string' ? high0 : drawnLongContentId(this.#cid, high0, this.#high1, this.#high2);
  }

  /** The content id (a new record each read). O(1). */
  get contentId(): ContentId {
    const high0 = this.#high0;
    return typeof high0 === 'string' ? { cid: this.cid, longContentId: high0 } : new DrawnContentId(this.cid, high0, this.#high1, this.#high2);
  }

  /** Takes `id`'s CID and long content id (a drawn id's words, or a restored id's text). O(1). Precondition: its CID is an unsigned 32-bit integer. */
  set contentId(id: ContentId) {
    this.#cid = id.cid | 0;
    if (id instanceof DrawnContentId) {
      this.#high0 = id.high0 | 0;
      this.#high1 = id.high1 | 0;
      this.#high2 = id.high2 | 0;
    } else {
      this.#high0 = id.longContentId;
    }
  }

  /** The disk's size, bytes. O(1). */
  get capacityBytes(): number {
    return this.shape.capacityBytes;
  }

  /** The grain size, bytes. O(1). */
  get grainBytes(): number {
    return this.shape.grainBytes;
  }

  /** The chain's sparse format. O(1). */
  get format(): SparseFormat {
    return this.shape.format;
  }

  /** The extent file's fixed metadata, bytes. O(1). */
  get metadataBytes(): number {
    return this.shape.metadataBytes;
  }

  /** A base disk's settings (undefined for a delta). O(1). */
  get base(): BaseDiskSettings | undefined {
    return this.shape.base;
  }

  /** The grains this disk itself holds (made now if it holds none yet). O(1). */
  get own(): GrainMap {
    return (this.#own ??= new GrainMap());
  }

  set own(map: GrainMap) {
    this.#own = map;
  }

  /**
   * The grains this disk itself holds, for reading only: a shared empty map while it holds none, so
   * a read (a save, a chain index, a merge) makes no map (an empty one per disk was ≈ 64 B). O(1).
   * Callers must not change it; write through {@link own}.
   */
  get heldGrains(): GrainMap {
    return this.#own ?? NO_GRAINS;
  }

  /** Grains this disk itself holds, without making its map. O(1). */
  get allocatedGrains(): number {
    return this.#own ? this.#own.allocatedGrains : 0;
  }

  /** Descriptor paths of the disks whose parent this is (read-only view; see addChild, removeChild). O(1). */
  get children(): ReadonlySet<string> {
    return this.#children ?? NO_CHILDREN;
  }

  /** Records a child delta. O(1). */
  addChild(path: string): void {
    (this.#children ??= new Set()).add(path);
  }

  /** Forgets a child delta; returns whether it was one. O(1). */
  removeChild(path: string): boolean {
    return this.#children?.delete(path) ?? false;
  }

  /** Grains the disk's capacity spans. O(1). */
  get grainCount(): number {
    return Math.ceil(this.capacityBytes / this.grainBytes);
  }

  /** Bytes the extent file holds: allocated grains × grain size + the fixed metadata. O(1). */
  get allocatedBytes(): number {
    return this.allocatedGrains * this.grainBytes + this.metadataBytes;
  }

  /** The extent file's kind: `flat` for a base, otherwise by sparse format. */
  get extentKind(): ExtentKind {
    return extentKindOf(this.parentPath === undefined, this.format);
  }

  /**
   * The descriptor text of {@link descriptor}, rendered straight from the fields: the same bytes as
   * `formatDescriptor(this.descriptor())` without building the parsed form. O(1).
   */
  descriptorText(): string {
    const sectors = this.capacityBytes / SECTOR_BYTES;
    const fileName = extentFileName(this.path, this.extentKind);
    if (this.parentPath === undefined) {
      const head = `# Disk DescriptorFile\nversion=1\nencoding="UTF-8"\nCID=${formatCid(this.cid)}\n`;
      const longContentId = `ddb.longContentID = "${this.longContentId}"\n`;
      const base = this.base!;
      const extent = base.createType === 'vmfs' ? `RW ${sectors} VMFS "${fileName}"` : `RW ${sectors} FLAT "${fileName}" 0`;
      const g = geometryFor(sectors, base.adapterType);
      return (
        `${head}parentCID=ffffffff\nisNativeSnapshot="no"\ncreateType="${base.createType}"\n${EXTENTS_HEADER}${extent}\n${DDB_HEADER}` +
        `ddb.adapterType = "${base.adapterType}"\nddb.geometry.cylinders = "${g.cylinders}"\nddb.geometry.heads = "${g.heads}"\nddb.geometry.sectors = "${g.sectors}"\n` +
        `${longContentId}ddb.thinProvisioned = "1"\nddb.uuid = "${base.uuid}"\nddb.virtualHWVersion = "${base.virtualHWVersion}"\n`
      );
    }
    const sparse = this.format === 'seSparse';
    const grain = sparse ? grainLine(this.grainBytes) : '';
    return deltaDescriptorText(formatCid(this.cid), formatCid(this.parentCid), this.format, parentHint(this.path, this.parentPath), sectors, sparse ? 'SESPARSE' : 'VMFSSPARSE', fileName, grain, this.longContentId);
  }

  /**
   * `Buffer.byteLength(this.descriptorText())`, for a delta without rendering the text: its fixed
   * part plus the bytes of its names and numbers (CIDs are fixed-width hex). O(path length).
   */
  descriptorByteLength(): number {
    if (this.parentPath === undefined) return Buffer.byteLength(this.descriptorText());
    const sparse = this.format === 'seSparse';
    const variable =
      2 * CID_DIGITS +
      (typeof this.#high0 === 'string' ? Buffer.byteLength(this.#high0) : LONG_CONTENT_ID_DIGITS) +
      this.format.length +
      parentHintByteLength(this.path, this.parentPath) +
      String(this.capacityBytes / SECTOR_BYTES).length +
      (sparse ? 'SESPARSE'.length + grainLine(this.grainBytes).length : 'VMFSSPARSE'.length) +
      extentFileNameByteLength(this.path, this.extentKind);
    return DELTA_FIXED_BYTES + variable;
  }

  /** The descriptor ESXi would write for this disk. O(1). */
  descriptor(): VmdkDescriptor {
    const sectors = this.capacityBytes / SECTOR_BYTES;
    const fileName = extentFileName(this.path, this.extentKind);
    const head = { version: 1, encoding: 'UTF-8', cid: this.cid, isNativeSnapshot: 'no' };
    if (this.parentPath === undefined) {
      const base = this.base!;
      const extent: ExtentLine =
        base.createType === 'vmfs' ? { access: 'RW', sectors, type: 'VMFS', fileName } : { access: 'RW', sectors, type: 'FLAT', fileName, offset: 0 };
      const g = geometryFor(sectors, base.adapterType);
      const ddb = {
        adapterType: base.adapterType,
        'geometry.cylinders': String(g.cylinders),
        'geometry.heads': String(g.heads),
        'geometry.sectors': String(g.sectors),
        longContentID: this.longContentId,
        thinProvisioned: '1',
        uuid: base.uuid,
        virtualHWVersion: String(base.virtualHWVersion),
      };
      return { ...head, parentCid: NO_PARENT_CID, createType: base.createType, extents: [extent], ddb };
    }
    const sparse = this.format === 'seSparse';
    const ddb: Record<string, string> = { longContentID: this.longContentId };
    if (sparse) ddb['grain'] = String(this.grainBytes / SECTOR_BYTES);
    return {
      ...head,
      parentCid: this.parentCid,
      createType: this.format,
      parentFileNameHint: parentHint(this.path, this.parentPath),
      extents: [{ access: 'RW', sectors, type: sparse ? 'SESPARSE' : 'VMFSSPARSE', fileName }],
      ddb,
    };
  }
}

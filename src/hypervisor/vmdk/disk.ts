/**
 * One virtual disk of a chain: its descriptor fields, its own grain map and its place in the chain.
 * Instances belong to a {@link VmdkStore}, which enforces the chain rules; outside this folder disks
 * are seen through {@link DiskInfo}.
 */
import type { Rng } from '../../sim/rng.js';
import { GrainMap } from './grain-map.js';
import { NO_PARENT_CID, SECTOR_BYTES, formatCid, geometryFor } from './descriptor.js';
import type { ExtentLine, VmdkDescriptor } from './descriptor.js';
import { extentFileName, parentHint } from './paths.js';

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

/** A content id and the long content id that ends with it. */
export interface ContentId {
  readonly cid: number;
  readonly longContentId: string;
}

/** Largest CID drawn: ffffffff means "no parent" and fffffffe is ESXi's fresh-disk placeholder. */
const MAX_DRAWN_CID = 0xfffffffd;

/** A fresh content id drawn from `rng` (four draws). */
export function drawContentId(rng: Rng): ContentId {
  const high = formatCid(rng.int(0, 0xffffffff)) + formatCid(rng.int(0, 0xffffffff)) + formatCid(rng.int(0, 0xffffffff));
  const cid = rng.int(0, MAX_DRAWN_CID);
  return { cid, longContentId: high + formatCid(cid) };
}

/** A ddb.uuid in ESXi's layout, drawn from `rng` (13 draws). */
export function drawDiskUuid(rng: Rng): string {
  const hex = Array.from({ length: 13 }, () => rng.int(0, 255).toString(16).padStart(2, '0'));
  return `60 00 C2 ${hex.slice(0, 5).join(' ')}-${hex.slice(5).join(' ')}`;
}

/** The lines between a descriptor's header and its extent lines (see formatDescriptor). */
const EXTENTS_HEADER = '\n# Extent description\n';
/** The lines between a descriptor's extent lines and its sorted ddb entries (see formatDescriptor). */
const DDB_HEADER = '\n# The Disk Data Base \n#DDB\n\n';

/** A disk's state. Fields are mutated only by the store and the consolidation functions. */
export class VirtualDisk {
  /** The grains this disk itself holds. */
  own = new GrainMap();
  /** Descriptor paths of the disks whose parent this is. */
  readonly children = new Set<string>();
  /** Delta disks between this one and the base (0 for a base). */
  depth = 0;
  /** Snapshot deltas between this one and the base, this one included. */
  snapshotDepth = 0;
  /** Whether the disk was written since its CID was last drawn (ESXi draws a new CID on the first write). */
  writtenSinceCid = false;
  /** Cached resolved index: this disk's view of the whole chain, or undefined until first needed. */
  resolved: GrainMap | undefined;

  constructor(
    readonly path: string,
    public parentPath: string | undefined,
    public parentCid: number,
    public contentId: ContentId,
    readonly capacityBytes: number,
    readonly grainBytes: number,
    readonly format: SparseFormat,
    public purpose: DiskPurpose,
    readonly metadataBytes: number,
    readonly base: BaseDiskSettings | undefined,
  ) {}

  /** Grains the disk's capacity spans. O(1). */
  get grainCount(): number {
    return Math.ceil(this.capacityBytes / this.grainBytes);
  }

  /** Bytes the extent file holds: allocated grains × grain size + the fixed metadata. O(1). */
  get allocatedBytes(): number {
    return this.own.allocatedGrains * this.grainBytes + this.metadataBytes;
  }

  /** The extent file's kind: `flat` for a base, otherwise by sparse format. */
  get extentKind(): 'flat' | 'sesparse' | 'delta' {
    if (this.parentPath === undefined) return 'flat';
    return this.format === 'seSparse' ? 'sesparse' : 'delta';
  }

  /**
   * The descriptor text of {@link descriptor}, rendered straight from the fields: the same bytes as
   * `formatDescriptor(this.descriptor())` without building the parsed form. O(1).
   */
  descriptorText(): string {
    const sectors = this.capacityBytes / SECTOR_BYTES;
    const fileName = extentFileName(this.path, this.extentKind);
    const head = `# Disk DescriptorFile\nversion=1\nencoding="UTF-8"\nCID=${formatCid(this.contentId.cid)}\n`;
    const longContentId = `ddb.longContentID = "${this.contentId.longContentId}"\n`;
    if (this.parentPath === undefined) {
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
    const extent = `RW ${sectors} ${sparse ? 'SESPARSE' : 'VMFSSPARSE'} "${fileName}"`;
    const grain = sparse ? `ddb.grain = "${this.grainBytes / SECTOR_BYTES}"\n` : '';
    return (
      `${head}parentCID=${formatCid(this.parentCid)}\nisNativeSnapshot="no"\ncreateType="${this.format}"\nparentFileNameHint="${parentHint(this.path, this.parentPath)}"\n` +
      `${EXTENTS_HEADER}${extent}\n${DDB_HEADER}${grain}${longContentId}`
    );
  }

  /** The descriptor ESXi would write for this disk. O(1). */
  descriptor(): VmdkDescriptor {
    const sectors = this.capacityBytes / SECTOR_BYTES;
    const fileName = extentFileName(this.path, this.extentKind);
    const head = { version: 1, encoding: 'UTF-8', cid: this.contentId.cid, isNativeSnapshot: 'no' };
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
        longContentID: this.contentId.longContentId,
        thinProvisioned: '1',
        uuid: base.uuid,
        virtualHWVersion: String(base.virtualHWVersion),
      };
      return { ...head, parentCid: NO_PARENT_CID, createType: base.createType, extents: [extent], ddb };
    }
    const sparse = this.format === 'seSparse';
    const ddb: Record<string, string> = { longContentID: this.contentId.longContentId };
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

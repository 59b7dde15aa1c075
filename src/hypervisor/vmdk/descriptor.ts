/**
 * VMDK descriptor text, as ESXi writes it next to every virtual disk (`name.vmdk`): a header of
 * `key=value` lines (version, CID, parentCID, createType, parentFileNameHint), extent lines
 * (`RW 16777216 VMFS "name-flat.vmdk"`) and the disk database (`ddb.key = "value"`).
 * This module holds the parsed form and the generator; descriptor-parse.ts holds the parser.
 */

/** parentCID of a disk without a parent. */
export const NO_PARENT_CID = 0xffffffff;

/** Bytes per sector: extent sizes in a descriptor are counted in 512-byte sectors. */
export const SECTOR_BYTES = 512;

/** The createType values of the VMware Virtual Disk Format 1.1 plus ESXi's seSparse. */
export const CREATE_TYPES = [
  'monolithicSparse',
  'vmfsSparse',
  'monolithicFlat',
  'vmfs',
  'twoGbMaxExtentSparse',
  'twoGbMaxExtentFlat',
  'fullDevice',
  'vmfsRaw',
  'partitionedDevice',
  'vmfsRawDeviceMap',
  'vmfsPassthroughRawDeviceMap',
  'streamOptimized',
  'seSparse',
] as const;

/** A descriptor's createType. */
export type CreateType = (typeof CREATE_TYPES)[number];

/** Extent access modes. */
export const EXTENT_ACCESS = ['RW', 'RDONLY', 'NOACCESS'] as const;

/** Extent types. ZERO extents name no file. */
export const EXTENT_TYPES = ['FLAT', 'SPARSE', 'ZERO', 'VMFS', 'VMFSSPARSE', 'VMFSRDM', 'VMFSRAW', 'SESPARSE'] as const;

/** One extent line: `<access> <sectors> <type> ["<file>" [<offset>]]`. */
export interface ExtentLine {
  readonly access: (typeof EXTENT_ACCESS)[number];
  readonly sectors: number;
  readonly type: (typeof EXTENT_TYPES)[number];
  /** The extent's file, relative to the descriptor's directory; absent for ZERO extents. */
  readonly fileName?: string;
  /** Offset in sectors into the file (FLAT extents write it, usually 0). */
  readonly offset?: number;
}

/** The parsed form of a descriptor. */
export interface VmdkDescriptor {
  readonly version: number;
  readonly encoding: string;
  /** Content id, an unsigned 32-bit integer. */
  readonly cid: number;
  /** The parent's CID when this disk was made; {@link NO_PARENT_CID} for a base disk. */
  readonly parentCid: number;
  /** `isNativeSnapshot` as written ("no" on ESXi), absent when the line is absent. */
  readonly isNativeSnapshot?: string;
  readonly createType: CreateType;
  /** The parent descriptor's file name: relative to this descriptor's directory, or a full path. */
  readonly parentFileNameHint?: string;
  readonly extents: readonly ExtentLine[];
  /** The disk database, keys without the `ddb.` prefix (e.g. `geometry.cylinders`), values unquoted. */
  readonly ddb: Readonly<Record<string, string>>;
}

/** Two lower-case hex digits per byte value. */
const HEX_BYTES = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * Formats a CID as ESXi writes it: 8 lower-case hex digits of `cid >>> 0`. O(1), byte by byte
 * from a table (several times cheaper than `toString(16)` and padding; content ids are drawn on
 * every disk create and first write).
 */
export function formatCid(cid: number): string {
  const c = cid >>> 0;
  return HEX_BYTES[c >>> 24]! + HEX_BYTES[(c >>> 16) & 0xff]! + HEX_BYTES[(c >>> 8) & 0xff]! + HEX_BYTES[c & 0xff]!;
}

/**
 * The descriptor text of `d`, laid out as ESXi writes it, ddb keys sorted.
 * Precondition: `d` is well formed (every value free of double quotes and line breaks).
 * `parseDescriptor(formatDescriptor(d))` gives back `d`.
 */
export function formatDescriptor(d: VmdkDescriptor): string {
  const lines = ['# Disk DescriptorFile', `version=${d.version}`, `encoding="${d.encoding}"`];
  lines.push(`CID=${formatCid(d.cid)}`, `parentCID=${formatCid(d.parentCid)}`);
  if (d.isNativeSnapshot !== undefined) lines.push(`isNativeSnapshot="${d.isNativeSnapshot}"`);
  lines.push(`createType="${d.createType}"`);
  if (d.parentFileNameHint !== undefined) lines.push(`parentFileNameHint="${d.parentFileNameHint}"`);
  lines.push('', '# Extent description', ...d.extents.map(formatExtent));
  lines.push('', '# The Disk Data Base ', '#DDB', '');
  for (const key of Object.keys(d.ddb).sort()) lines.push(`ddb.${key} = "${d.ddb[key]}"`);
  return lines.join('\n') + '\n';
}

/** One extent line. */
export function formatExtent(e: ExtentLine): string {
  const file = e.fileName === undefined ? '' : ` "${e.fileName}"`;
  const offset = e.offset === undefined ? '' : ` ${e.offset}`;
  return `${e.access} ${e.sectors} ${e.type}${file}${offset}`;
}

/** Cylinders/heads/sectors as ESXi derives them from the capacity and adapter type. */
export interface DiskGeometry {
  readonly cylinders: number;
  readonly heads: number;
  readonly sectors: number;
}

/** Largest cylinder count an IDE geometry can express. */
const IDE_MAX_CYLINDERS = 16383;

/**
 * The geometry ESXi writes for a disk of `capacitySectors`: 255 heads × 63 sectors for SCSI
 * adapters, 16 × 63 (cylinders capped at 16383) for IDE. O(1).
 */
export function geometryFor(capacitySectors: number, adapterType: string): DiskGeometry {
  const heads = adapterType === 'ide' ? 16 : 255;
  const sectors = 63;
  const cylinders = Math.max(1, Math.floor(capacitySectors / (heads * sectors)));
  return { cylinders: adapterType === 'ide' ? Math.min(cylinders, IDE_MAX_CYLINDERS) : cylinders, heads, sectors };
}

/**
 * Save and restore of disks as plain JSON. A saved disk is its descriptor text (what the datastore
 * holds) plus what the text does not say: its grain runs, purpose and chain format. Restoring reads
 * the descriptor back with the parser and checks the chain as ESXi does when it opens one: every
 * parent must exist and carry the CID its child recorded.
 */
import { RestoreError, VicsimError } from '../../sim/errors.js';
import { MAX_CONTENT_TAG } from './content.js';
import { NO_PARENT_CID, SECTOR_BYTES, formatDescriptor, formatCid } from './descriptor.js';
import type { VmdkDescriptor } from './descriptor.js';
import { parseDescriptor } from './descriptor-parse.js';
import { VirtualDisk, type DiskShapes } from './disk.js';
import type { BaseDiskSettings, DiskPurpose, SparseFormat } from './disk.js';
import { GrainMap } from './grain-map.js';
import { resolveParentHint } from './paths.js';

/** Format version of {@link VmdkStoreState}. */
export const VMDK_STATE_VERSION = 1;

/** One saved disk. */
export interface SavedDisk {
  readonly path: string;
  /** The descriptor text. */
  readonly descriptor: string;
  readonly purpose: DiskPurpose;
  readonly format: SparseFormat;
  readonly grainBytes: number;
  readonly metadataBytes: number;
  readonly writtenSinceCid: boolean;
  /** The disk's own runs as flat (start, end, tag) triples. */
  readonly runs: readonly number[];
}

/** A saved store: its disks, every parent before its children. */
export interface VmdkStoreState {
  readonly version: number;
  readonly disks: readonly SavedDisk[];
}

/** The saved form of `disk`. O(runs). */
export function saveDisk(disk: VirtualDisk): SavedDisk {
  const runs: number[] = [];
  for (const run of disk.heldGrains.runs()) runs.push(run.start, run.end, run.tag);
  return {
    path: disk.path,
    descriptor: formatDescriptor(disk.descriptor()),
    purpose: disk.purpose,
    format: disk.format,
    grainBytes: disk.grainBytes,
    metadataBytes: disk.metadataBytes,
    writtenSinceCid: disk.writtenSinceCid,
    runs,
  };
}

/**
 * The disk `saved` describes, linked under its parent (looked up with `find`, so parents must be
 * restored first), its shape from `shapes`. O(runs log runs).
 * @throws RestoreError when the descriptor does not parse, the parent is missing or was modified
 *   since the child was made (CID mismatch), or the runs are malformed.
 */
export function restoreDisk(saved: SavedDisk, find: (path: string) => VirtualDisk | undefined, shapes: DiskShapes): VirtualDisk {
  const d = parseSaved(saved);
  const capacityBytes = d.extents.reduce((sum, e) => sum + e.sectors, 0) * SECTOR_BYTES;
  const contentId = { cid: d.cid, longContentId: d.ddb['longContentID'] ?? formatCid(d.cid).padStart(32, '0') };
  const parent = d.parentFileNameHint === undefined ? undefined : find(resolveParentHint(saved.path, d.parentFileNameHint));
  if (d.parentFileNameHint !== undefined) checkParent(saved, d, parent);
  const base = parent ? undefined : baseSettings(saved, d);
  const shape = shapes.of(capacityBytes, saved.grainBytes, saved.format, saved.metadataBytes, base);
  const disk = new VirtualDisk(saved.path, parent?.path, d.parentCid, contentId, shape, saved.purpose);
  disk.own = readRuns(saved, disk.grainCount);
  disk.writtenSinceCid = saved.writtenSinceCid;
  if (parent) {
    disk.depth = parent.depth + 1;
    disk.snapshotDepth = parent.snapshotDepth + (saved.purpose === 'snapshot' ? 1 : 0);
    parent.addChild(disk.path);
  }
  return disk;
}

function parseSaved(saved: SavedDisk): VmdkDescriptor {
  try {
    return parseDescriptor(saved.descriptor);
  } catch (err) {
    if (err instanceof VicsimError) throw new RestoreError(`disk ${saved.path}: ${err.message}`);
    throw err;
  }
}

function checkParent(saved: SavedDisk, d: VmdkDescriptor, parent: VirtualDisk | undefined): void {
  if (!parent) throw new RestoreError(`disk ${saved.path}: parent ${d.parentFileNameHint} was not restored before it`);
  if (parent.cid !== d.parentCid) {
    throw new RestoreError(
      `disk ${saved.path}: the parent virtual disk has been modified since the child was created (parent CID ${formatCid(parent.cid)}, child's parentCID ${formatCid(d.parentCid)})`,
    );
  }
  if (d.createType !== saved.format || parent.format !== saved.format || parent.grainBytes !== saved.grainBytes) {
    throw new RestoreError(`disk ${saved.path}: a ${d.createType} delta with ${saved.grainBytes}-byte grains cannot sit in this ${parent.format} chain`);
  }
}

function baseSettings(saved: SavedDisk, d: VmdkDescriptor): BaseDiskSettings {
  const { adapterType, virtualHWVersion, uuid } = d.ddb;
  if (d.parentCid !== NO_PARENT_CID || (d.createType !== 'vmfs' && d.createType !== 'monolithicFlat')) {
    throw new RestoreError(`disk ${saved.path}: a base disk is vmfs or monolithicFlat without a parent, got ${d.createType}`);
  }
  if (adapterType === undefined || virtualHWVersion === undefined || uuid === undefined) {
    throw new RestoreError(`disk ${saved.path}: a base descriptor needs ddb.adapterType, ddb.virtualHWVersion and ddb.uuid`);
  }
  return { createType: d.createType, adapterType, virtualHWVersion: Number(virtualHWVersion), uuid };
}

function readRuns(saved: SavedDisk, grainCount: number): GrainMap {
  const { runs } = saved;
  const valid = (i: number): boolean => {
    const [start = -1, end = -1, tag = -1] = runs.slice(i, i + 3);
    const previousEnd = i === 0 ? 0 : runs[i - 2]!;
    return [start, end, tag].every(Number.isInteger) && start >= previousEnd && end > start && end <= grainCount && tag >= 0 && tag <= MAX_CONTENT_TAG;
  };
  const map = new GrainMap();
  if (runs.length % 3 !== 0) throw new RestoreError(`disk ${saved.path}: grain runs are (start, end, tag) triples`);
  for (let i = 0; i < runs.length; i += 3) {
    if (!valid(i)) throw new RestoreError(`disk ${saved.path}: grain run ${i / 3} is out of order or out of range`);
    map.set(runs[i]!, runs[i + 1]!, runs[i + 2]!);
  }
  return map;
}

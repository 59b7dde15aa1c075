/**
 * The model's disk catalog: every VMDK link by datastore path, the delta chains they form, and
 * reference counts so that a link shared by several chains (linked clones, snapshots) is deleted
 * only when the last chain that reaches it goes. Descriptor files are projections rendered with
 * the vmdk module; extent files count their thin-provisioned allocation on the datastore.
 */
import { InvalidArgumentError, InvalidStateError, NotFoundError } from '../sim/errors.js';
import type { DatastoreId } from '../sim/ids.js';
import { hash32 } from '../sim/rng.js';
import type { VSphereModel } from './model.js';
import type { DiskRecord } from './types.js';
import { NO_PARENT_CID, SECTOR_BYTES, formatDescriptor, geometryFor } from './vmdk/descriptor.js';
import { extentFileName, extentPath, parentHint } from './vmdk/paths.js';

/** Splits `[ds] folder/file.vmdk` into the datastore name and the path inside it. */
export function splitDsPath(dsPath: string): { datastore: string; path: string } {
  const m = /^\[([^\]]+)\] (.+)$/.exec(dsPath);
  if (!m) throw new InvalidArgumentError('path', `not a datastore path: '${dsPath}'`);
  return { datastore: m[1]!, path: m[2]! };
}

/** What a new disk link needs. */
export interface NewDisk {
  readonly datastore: DatastoreId;
  /** Path inside the datastore, e.g. `web/web.vmdk`. */
  readonly path: string;
  readonly capacityBytes: number;
  /** Datastore path of the parent link, for a delta. */
  readonly parent?: string;
  /** Thin bytes allocated at once (a full clone's copied data). */
  readonly allocatedBytes?: number;
}

/**
 * Adds a disk link to the catalog and its files to the datastore. Not referenced yet: the caller
 * retains it. Checks chain depth (redo-log ceiling) and datastore space first; changes nothing on error.
 */
export function createDisk(model: VSphereModel, spec: NewDisk): DiskRecord {
  const files = model.files(spec.datastore);
  const dsPath = files.dsPath(spec.path);
  if (model.disks.has(dsPath)) throw new InvalidArgumentError('path', `disk ${dsPath} already exists`);
  if (!Number.isFinite(spec.capacityBytes) || spec.capacityBytes <= 0) {
    throw new InvalidArgumentError('capacityBytes', `disk capacity must be > 0 bytes, got ${spec.capacityBytes}`);
  }
  const ds = model.registry.get('Datastore', spec.datastore);
  let format: DiskRecord['format'] = 'flat';
  if (spec.parent !== undefined) {
    const parent = getDisk(model, spec.parent);
    const depth = chainOf(model, parent.path).length;
    if (depth >= model.calibration.disk.maxRedoLevels) {
      throw new InvalidStateError('SnapshotFault', parent.path, `${depth} levels`, `disk chain of ${parent.path} is at the redo-log ceiling of ${model.calibration.disk.maxRedoLevels} levels`);
    }
    format = ds.vmfsVersion === 6 ? 'sesparse' : 'vmfsSparse';
  }
  const disk: DiskRecord = {
    path: dsPath,
    datastore: spec.datastore,
    capacityBytes: spec.parent !== undefined ? getDisk(model, spec.parent).capacityBytes : spec.capacityBytes,
    parent: spec.parent,
    allocatedBytes: spec.allocatedBytes ?? 0,
    format,
  };
  const descriptorSize = Buffer.byteLength(renderDescriptor(disk));
  files.ensureSpace(descriptorSize + disk.allocatedBytes, dsPath);
  files.setVirtual(spec.path, { kind: 'projection', owner: dsPath, render: 'descriptor', size: descriptorSize });
  files.setVirtual(extentPath(spec.path, extentKind(disk)), { kind: 'extent', owner: dsPath, render: '', size: disk.allocatedBytes });
  model.disks.set(dsPath, disk);
  return disk;
}

/** The catalog record of a link. @throws NotFoundError */
export function getDisk(model: VSphereModel, dsPath: string): DiskRecord {
  const d = model.disks.get(dsPath);
  if (!d) throw new NotFoundError('disk', dsPath);
  return d;
}

/** The chain from `top` down to its base, top first. O(depth). */
export function chainOf(model: VSphereModel, top: string): DiskRecord[] {
  const out: DiskRecord[] = [];
  for (let p: string | undefined = top; p !== undefined; p = getDisk(model, p).parent) out.push(getDisk(model, p));
  return out;
}

/** Counts one more reference to every link of the chain under `top`. */
export function retainChain(model: VSphereModel, top: string): void {
  for (const d of chainOf(model, top)) model.diskRefs.set(d.path, (model.diskRefs.get(d.path) ?? 0) + 1);
}

/**
 * Drops one reference to every link of the chain under `top`; deletes the links nobody
 * references any more (descriptor and extent files). Returns the bytes freed.
 */
export function releaseChain(model: VSphereModel, top: string): number {
  let freed = 0;
  for (const d of chainOf(model, top)) {
    const n = (model.diskRefs.get(d.path) ?? 0) - 1;
    if (n > 0) {
      model.diskRefs.set(d.path, n);
      continue;
    }
    model.diskRefs.delete(d.path);
    freed += deleteDiskFiles(model, d);
  }
  return freed;
}

/** Deletes one link that nothing references yet (undoing a createDisk). */
export function discardDisk(model: VSphereModel, dsPath: string): void {
  if ((model.diskRefs.get(dsPath) ?? 0) > 0) throw new InvalidStateError('ResourceInUse', dsPath, 'referenced', `disk ${dsPath} is in use`);
  deleteDiskFiles(model, getDisk(model, dsPath));
}

/** Bytes a whole chain holds (what a full clone copies). O(depth). */
export function chainAllocatedBytes(model: VSphereModel, top: string): number {
  return chainOf(model, top).reduce((sum, d) => sum + d.allocatedBytes, 0);
}

/** Sets a link's thin allocation (guest writes grow it). */
export function setAllocated(model: VSphereModel, dsPath: string, bytes: number): void {
  const d = getDisk(model, dsPath);
  const { path } = splitDsPath(dsPath);
  model.files(d.datastore).resizeVirtual(extentPath(path, extentKind(d)), bytes);
  model.disks.set(dsPath, { ...d, allocatedBytes: bytes });
}

/** The descriptor text of a link, as ESXi writes it. */
export function renderDescriptor(d: DiskRecord): string {
  const { path } = splitDsPath(d.path);
  const sectors = Math.ceil(d.capacityBytes / SECTOR_BYTES);
  const isBase = d.parent === undefined;
  const geometry = geometryFor(sectors, 'lsilogic');
  return formatDescriptor({
    version: 1,
    encoding: 'UTF-8',
    cid: cidOf(d.path),
    parentCid: isBase ? NO_PARENT_CID : cidOf(d.parent!),
    isNativeSnapshot: 'no',
    createType: isBase ? 'vmfs' : d.format === 'sesparse' ? 'seSparse' : 'vmfsSparse',
    ...(isBase ? {} : { parentFileNameHint: parentHint(d.path, d.parent!) }),
    extents: [{ access: 'RW', sectors, type: isBase ? 'VMFS' : d.format === 'sesparse' ? 'SESPARSE' : 'VMFSSPARSE', fileName: extentFileName(path, extentKind(d)) }],
    ddb: {
      adapterType: 'lsilogic',
      'geometry.cylinders': String(geometry.cylinders),
      'geometry.heads': String(geometry.heads),
      'geometry.sectors': String(geometry.sectors),
      thinProvisioned: '1',
      virtualHWVersion: '14',
    },
  });
}

function deleteDiskFiles(model: VSphereModel, d: DiskRecord): number {
  const files = model.files(d.datastore);
  const { path } = splitDsPath(d.path);
  const before = files.usage;
  files.rm(path);
  files.rm(extentPath(path, extentKind(d)));
  model.disks.delete(d.path);
  return before - files.usage;
}

function extentKind(d: DiskRecord): 'flat' | 'sesparse' | 'delta' {
  return d.format === 'flat' ? 'flat' : d.format === 'sesparse' ? 'sesparse' : 'delta';
}

/** A stable content id per link: ESXi draws one at random; the model derives it from the path. */
function cidOf(dsPath: string): number {
  return hash32(dsPath) >>> 0 === NO_PARENT_CID ? 0 : hash32(dsPath) >>> 0;
}

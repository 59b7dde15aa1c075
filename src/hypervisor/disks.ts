/**
 * The model's disks: every VMDK link lives in one {@link VmdkStore} (grain maps, delta chains,
 * descriptors), keyed by datastore path `[ds] folder/name.vmdk`, so a linked clone's delta may sit
 * on another datastore than its parent. On top, reference counts: a link shared by several chains
 * (linked clones, snapshots, instant clones) is deleted only when the last chain that reaches it
 * goes. Each link shows on its datastore as a projected descriptor and an extent entry whose size
 * is the thin allocation.
 */
import { InvalidArgumentError, InvalidStateError } from '../sim/errors.js';
import type { DatastoreId } from '../sim/ids.js';
import type { VSphereModel } from './model.js';
import type { DiskInfo } from './vmdk/store-types.js';

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
  /** Why a delta exists: snapshots count towards the snapshot chain limit. */
  readonly purpose?: 'layer' | 'snapshot';
  /** A chain whose content a new base disk copies (a full clone or a storage move). */
  readonly copyOf?: string;
}

/**
 * Adds a disk link and its files to the datastore. Not referenced yet: the caller retains it.
 * Checks chain limits (in the store) and datastore space; changes nothing on error.
 */
export function createDisk(model: VSphereModel, spec: NewDisk): DiskInfo {
  const files = model.files(spec.datastore);
  const dsPath = files.dsPath(spec.path);
  const store = model.vmdks;
  const ds = model.registry.get('Datastore', spec.datastore);
  const info =
    spec.parent !== undefined
      ? store.createDelta(dsPath, spec.parent, spec.purpose ?? 'layer')
      : store.createBase(dsPath, { capacityBytes: roundToSector(spec.capacityBytes), format: ds.vmfsVersion === 6 ? 'seSparse' : 'vmfsSparse' });
  try {
    if (spec.copyOf !== undefined) copyContent(model, spec.copyOf, dsPath);
    const descriptorSize = Buffer.byteLength(store.descriptorText(dsPath));
    const allocated = store.info(dsPath).allocatedBytes;
    files.ensureSpace(descriptorSize + allocated, dsPath);
    files.setVirtual(spec.path, { kind: 'projection', owner: dsPath, render: 'descriptor', size: descriptorSize });
    files.setVirtual(splitDsPath(info.extentPath).path, { kind: 'extent', owner: dsPath, render: '', size: allocated });
  } catch (e) {
    store.remove(dsPath);
    throw e;
  }
  return store.info(dsPath);
}

/** The store's view of a link. @throws NotFoundError */
export function getDisk(model: VSphereModel, dsPath: string): DiskInfo {
  return model.vmdks.info(dsPath);
}

/** The chain from `top` down to its base, top first. O(depth). */
export function chainOf(model: VSphereModel, top: string): string[] {
  return model.vmdks.chain(top);
}

/** Counts one more reference to every link of the chain under `top`. */
export function retainChain(model: VSphereModel, top: string): void {
  for (const p of chainOf(model, top)) model.diskRefs.set(p, (model.diskRefs.get(p) ?? 0) + 1);
}

/**
 * Drops one reference to every link of the chain under `top`, top first; deletes the links nobody
 * references any more (descriptor and extent files). Returns the bytes freed.
 */
export function releaseChain(model: VSphereModel, top: string): number {
  let freed = 0;
  for (const p of chainOf(model, top)) {
    const n = (model.diskRefs.get(p) ?? 0) - 1;
    if (n > 0) {
      model.diskRefs.set(p, n);
      continue;
    }
    model.diskRefs.delete(p);
    freed += deleteDisk(model, p);
  }
  return freed;
}

/** Deletes one link that nothing references yet (undoing a createDisk). */
export function discardDisk(model: VSphereModel, dsPath: string): void {
  if ((model.diskRefs.get(dsPath) ?? 0) > 0) throw new InvalidStateError('ResourceInUse', dsPath, 'referenced', `disk ${dsPath} is in use`);
  deleteDisk(model, dsPath);
}

/** Bytes a whole chain holds (what a full clone copies at most). O(depth). */
export function chainAllocatedBytes(model: VSphereModel, top: string): number {
  return chainOf(model, top).reduce((sum, p) => sum + model.vmdks.info(p).allocatedBytes, 0);
}

/**
 * A guest write of `length` bytes at `offset` with content `tag` into the top link `dsPath`
 * (copy-on-write at grain granularity); the extent on the datastore grows with the allocation.
 * @throws InsufficientResourcesError when the datastore is full (nothing is written then).
 */
export function writeDisk(model: VSphereModel, dsPath: string, offset: number, length: number, tag: number): void {
  const store = model.vmdks;
  const before = store.info(dsPath);
  const files = model.files(datastoreOf(model, dsPath));
  files.ensureSpace(Math.ceil(length / before.grainBytes + 1) * before.grainBytes, dsPath);
  store.write(dsPath, offset, length, tag);
  files.resizeVirtual(splitDsPath(before.extentPath).path, store.info(dsPath).allocatedBytes);
}

/** The datastore a disk path lives on. */
export function datastoreOf(model: VSphereModel, dsPath: string): DatastoreId {
  const name = splitDsPath(dsPath).datastore;
  const ds = model.registry.findByName('Datastore', name);
  if (!ds) throw new InvalidArgumentError('path', `no datastore named ${name} for ${dsPath}`);
  return ds.id;
}

/** Re-adds the datastore entries of every link (after a restore rebuilt the store). */
export function remountDisks(model: VSphereModel): void {
  for (const p of model.vmdks.paths()) {
    const info = model.vmdks.info(p);
    const files = model.files(datastoreOf(model, p));
    files.setVirtual(splitDsPath(p).path, { kind: 'projection', owner: p, render: 'descriptor', size: Buffer.byteLength(model.vmdks.descriptorText(p)) });
    files.setVirtual(splitDsPath(info.extentPath).path, { kind: 'extent', owner: p, render: '', size: info.allocatedBytes });
  }
}

function deleteDisk(model: VSphereModel, dsPath: string): number {
  const info = model.vmdks.info(dsPath);
  const files = model.files(datastoreOf(model, dsPath));
  const before = files.usage;
  model.vmdks.remove(dsPath);
  files.rm(splitDsPath(dsPath).path);
  files.rm(splitDsPath(info.extentPath).path);
  return before - files.usage;
}

/** Writes every allocated run the chain under `from` reads into the new base `to`. O(runs). */
function copyContent(model: VSphereModel, from: string, to: string): void {
  const store = model.vmdks;
  const size = Math.min(store.info(from).capacityBytes, store.info(to).capacityBytes);
  for (const run of store.read(from, 0, size)) if (run.allocated) store.write(to, run.offset, run.length, run.tag);
}

function roundToSector(bytes: number): number {
  if (!Number.isFinite(bytes) || bytes <= 0) throw new InvalidArgumentError('capacityBytes', `disk capacity must be > 0 bytes, got ${bytes}`);
  return Math.ceil(bytes / 512) * 512;
}

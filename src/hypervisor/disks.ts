/**
 * The model's disks: every VMDK link lives in one {@link VmdkStore} (grain maps, delta chains,
 * descriptors), keyed by datastore path `[ds] folder/name.vmdk`, so a linked clone's delta may sit
 * on another datastore than its parent. On top, reference counts: a link shared by several chains
 * (linked clones, snapshots, instant clones) is deleted only when the last chain that reaches it
 * goes. Each link shows on its datastore as a projected descriptor and an extent entry whose size
 * is the thin allocation.
 *
 * Stand-alone disks (VIC's image layers and volumes, made with VirtualDiskManager rather than with a
 * VM) are retained by their datastore until deleted: one reference of their own to their chain. A
 * VM's delta on one, or a VM that attaches one, retains the chain too, so such a disk cannot be
 * deleted while anything still needs it.
 */
import { DuplicateNameError, InvalidArgumentError, InvalidStateError, NotFoundError } from '../sim/errors.js';
import type { DatastoreId } from '../sim/ids.js';
import type { VSphereModel } from './model.js';
import { DescriptorEntry, ExtentEntry } from './virtual-entries.js';
import type { VmDiskSpec } from './vm-spec.js';
import { MAX_CONTENT_TAG } from './vmdk/content.js';
import { extentKindOf, extentPath } from './vmdk/paths.js';
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
    const made = spec.copyOf === undefined ? info : store.info(dsPath);
    const descriptorSize = store.descriptorByteLength(dsPath);
    files.ensureSpace(descriptorSize + made.allocatedBytes, dsPath);
    files.setVirtual(spec.path, new DescriptorEntry(dsPath, descriptorSize));
    // The extent's path built from the descriptor's (a slice of made.extentPath would keep that longer string alive).
    files.setVirtual(extentPath(spec.path, extentKindOf(made.parentPath === undefined, made.format)), new ExtentEntry(dsPath, made.allocatedBytes));
    return made;
  } catch (e) {
    store.remove(dsPath);
    throw e;
  }
}

/** The store's view of a link. @throws NotFoundError */
export function getDisk(model: VSphereModel, dsPath: string): DiskInfo {
  return model.vmdks.info(dsPath);
}

/** The chain from `top` down to its base, top first. O(depth). */
export function chainOf(model: VSphereModel, top: string): string[] {
  return model.vmdks.chain(top);
}

/** Counts one more reference to every link of the chain under `top`. O(depth), no array. @throws NotFoundError (nothing changed) */
export function retainChain(model: VSphereModel, top: string): void {
  const refs = model.diskRefs;
  for (let p: string | undefined = top; p !== undefined; ) {
    const parent = model.vmdks.parentOf(p);
    refs.set(p, (refs.get(p) ?? 0) + 1);
    p = parent;
  }
}

/**
 * Drops one reference to every link of the chain under `top`, top first; deletes the links nobody
 * references any more (descriptor and extent files). Returns the bytes freed.
 */
export function releaseChain(model: VSphereModel, top: string): number {
  let freed = 0;
  for (let p: string | undefined = top; p !== undefined; ) {
    const parent = model.vmdks.parentOf(p);
    const n = (model.diskRefs.get(p) ?? 0) - 1;
    if (n > 0) model.diskRefs.set(p, n);
    else {
      model.diskRefs.delete(p);
      freed += deleteDisk(model, p);
    }
    p = parent;
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
    files.setVirtual(splitDsPath(p).path, new DescriptorEntry(p, Buffer.byteLength(model.vmdks.descriptorText(p))));
    files.setVirtual(splitDsPath(info.extentPath).path, new ExtentEntry(p, info.allocatedBytes));
  }
}

function deleteDisk(model: VSphereModel, dsPath: string): number {
  const info = model.vmdks.info(dsPath);
  const files = model.files(datastoreOf(model, dsPath));
  const before = files.usage;
  const booking = model.vmdks.booking(dsPath)!;
  model.vmdks.remove(dsPath);
  model.diskRefs.keepRemoved(booking);
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

/** Checks one VM disk spec before anything is queued. @throws InvalidArgumentError; NotFoundError for a missing parent or existing disk. */
export function checkDiskSpec(model: VSphereModel, vmName: string, argument: string, d: VmDiskSpec): void {
  if (!d || typeof d !== 'object') throw new InvalidArgumentError(argument, `VM '${vmName}': a disk spec is an object`);
  if ('parent' in d) getDisk(model, d.parent);
  else if ('existing' in d) getDisk(model, d.existing);
  else if (!Number.isFinite(d.capacityBytes) || d.capacityBytes <= 0) throw new InvalidArgumentError(argument, `VM '${vmName}': disk capacity must be > 0 bytes, got ${d.capacityBytes}`);
}

/** A VM disk made from a spec: `created` is false for an attached (`existing`) disk, which belongs to someone else. */
export interface VmDisk {
  readonly path: string;
  readonly capacityBytes: number;
  readonly created: boolean;
}

/**
 * Makes the VM disk `d` at `path` inside `datastore` (a new base or a delta on `d.parent`), or looks
 * up the attached `d.existing`. Nothing is retained: the caller retains `result.path`'s chain.
 */
export function makeVmDisk(model: VSphereModel, datastore: DatastoreId, path: string, d: VmDiskSpec): VmDisk {
  if ('existing' in d) {
    const info = getDisk(model, d.existing);
    return { path: info.path, capacityBytes: info.capacityBytes, created: false };
  }
  const spec = 'parent' in d ? { parent: d.parent, capacityBytes: getDisk(model, d.parent).capacityBytes } : { capacityBytes: d.capacityBytes };
  const info = createDisk(model, { datastore, path, ...spec });
  return { path: info.path, capacityBytes: info.capacityBytes, created: true };
}

/**
 * Creates a stand-alone disk at `dsPath` (a thin base, or a delta on `spec.parent`), retained by
 * its datastore until {@link deleteStandaloneDisks}. Precondition: its folder exists.
 * @throws NotFoundError (folder or parent missing), DuplicateNameError (the path is taken),
 *   InvalidArgumentError, ChainLimitError, InsufficientResourcesError; nothing is changed then.
 */
export function createStandaloneDisk(model: VSphereModel, dsPath: string, spec: { readonly capacityBytes: number } | { readonly parent: string }): DiskInfo {
  const datastore = datastoreOf(model, dsPath);
  const files = model.files(datastore);
  const { path } = splitDsPath(dsPath);
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  if (!files.isDirectory(dir)) throw new NotFoundError('folder', files.dsPath(dir));
  if (files.exists(path)) throw new DuplicateNameError('file', files.dsPath(path), `datastore '${files.name}'`);
  const parent = 'parent' in spec ? spec.parent : undefined;
  const capacityBytes = parent === undefined ? (spec as { capacityBytes: number }).capacityBytes : getDisk(model, parent).capacityBytes;
  const info = createDisk(model, { datastore, path, capacityBytes, ...(parent === undefined ? {} : { parent }) });
  model.standaloneDisks.add(info.path);
  retainChain(model, info.path);
  return info;
}

/**
 * Refuses to delete `paths` while anything outside them needs one: a VM's disk or snapshot chain,
 * or a delta not being deleted with them. O(paths × depth).
 * @throws InvalidStateError (ResourceInUse) naming the disk and who uses it; nothing is changed.
 */
export function checkDisksUnused(model: VSphereModel, paths: readonly string[]): void {
  const deleting = new Set(paths);
  const inner = new Map<string, number>();
  for (const q of deleting) {
    if (model.standaloneDisks.has(q)) for (const p of chainOf(model, q)) inner.set(p, (inner.get(p) ?? 0) + 1);
  }
  for (const p of deleting) {
    const outside = (model.diskRefs.get(p) ?? 0) - (inner.get(p) ?? 0);
    if (outside <= 0) continue;
    const users = usersOf(model, p).filter((u) => !deleting.has(u));
    throw new InvalidStateError('ResourceInUse', p, 'in use', `cannot delete disk ${p}: it is in use by ${users.join(', ') || `${outside} disk chain(s)`}`);
  }
}

/**
 * Deletes disks that {@link checkDisksUnused} accepted, deltas before their parents: a stand-alone
 * disk drops its datastore's reference (its parents stay while retained). Returns the bytes freed.
 */
export function deleteStandaloneDisks(model: VSphereModel, paths: readonly string[]): number {
  const deepestFirst = [...paths].sort((a, b) => model.vmdks.info(b).depth - model.vmdks.info(a).depth);
  let freed = 0;
  for (const p of deepestFirst) {
    if (!model.vmdks.has(p)) continue;
    if (model.standaloneDisks.delete(p)) freed += releaseChain(model, p);
    else if ((model.diskRefs.get(p) ?? 0) === 0) freed += deleteDisk(model, p);
  }
  return freed;
}

/**
 * Records `bytes` of content written into the leaf disk `dsPath` from offset 0 (an image layer's
 * files, a volume's seed): grains are allocated and its extent grows. O(log runs).
 * @throws InvalidArgumentError (bytes out of range), InvalidStateError (the disk has deltas),
 *   InsufficientResourcesError (datastore full; nothing is written).
 */
export function fillDisk(model: VSphereModel, dsPath: string, bytes: number): DiskInfo {
  const info = getDisk(model, dsPath);
  if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > info.capacityBytes) {
    throw new InvalidArgumentError('bytes', `fill of ${dsPath}: bytes must be an integer from 0 to its capacity ${info.capacityBytes}, got ${bytes}`);
  }
  if (bytes > 0) writeDisk(model, dsPath, 0, bytes, model.rng.int(1, MAX_CONTENT_TAG));
  return getDisk(model, dsPath);
}

/** Who needs a disk: VMs (by name) whose disks or snapshots reach it, and disks built on it. O(VMs × depth + disks). */
function usersOf(model: VSphereModel, p: string): string[] {
  const users: string[] = [];
  for (const vm of model.registry.all('VirtualMachine')) {
    const tops = [...vm.config.devices.flatMap((d) => (d.type === 'disk' ? [d.fileName] : [])), ...vm.snapshots.flatMap((s) => s.disks)];
    if (tops.some((t) => chainOf(model, t).includes(p))) users.push(`VM ${vm.name}`);
  }
  for (const child of model.vmdks.info(p).children) users.push(child);
  return users;
}

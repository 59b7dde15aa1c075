/**
 * The datastore side of ModelBackend: folders (FileManager.MakeDirectory), whole-file reads and
 * writes (vCenter's HTTP /folder), listings (HostDatastoreBrowser.SearchDatastore_Task), stand-alone
 * disks (VirtualDiskManager) and deletes (FileManager.DeleteDatastoreFile_Task), over each
 * datastore's memfs namespace and the model's disk store. Paths are vSphere's `[datastore] a/b`.
 */
import {
  checkDisksUnused,
  createStandaloneDisk,
  deleteStandaloneDisks,
  fillDisk,
  getDisk,
} from '../../hypervisor/disks.js';
import type { DatastoreFiles } from '../../hypervisor/datastore-files.js';
import type { TaskRecord, VSphereModel } from '../../hypervisor/index.js';
import { InvalidArgumentError, InvalidStateError, NotFoundError } from '../../sim/errors.js';
import type { DatastoreFileInfo, VirtualDiskInfo, VirtualDiskSpec } from '../backend.js';

/** Simulated durations of the datastore tasks, ms (estimate: not in shared/reference/calibration.md). */
export interface DatastoreLatency {
  /** DeleteDatastoreFile_Task. */
  readonly deleteFileMs: number;
  /** CreateVirtualDisk_Task (thin: metadata only) and a child disk. */
  readonly createDiskMs: number;
}

/** Defaults of {@link DatastoreLatency} (estimates; overridable per ModelBackend). */
export const DEFAULT_DATASTORE_LATENCY: DatastoreLatency = { deleteFileMs: 50, createDiskMs: 100 };

/** A datastore path resolved: the namespace and the path inside it ('' = the root). */
interface Located {
  readonly files: DatastoreFiles;
  readonly path: string;
  readonly entity: string;
}

/** Resolves `[ds] path`; the root (`[ds]`) only where `root` allows it. @throws InvalidArgumentError */
function locate(model: VSphereModel, dsPath: string, root: boolean): Located {
  const m = typeof dsPath === 'string' ? /^\[([^\]]+)\] ?(.*)$/.exec(dsPath) : null;
  const path = m?.[2]?.replace(/\/+$/, '') ?? '';
  if (!m || (!root && path === '')) throw new InvalidArgumentError('path', `not a datastore path${root ? '' : ' of a file or folder'}: ${JSON.stringify(dsPath)}`);
  const ds = model.registry.findByName('Datastore', m[1]!);
  if (!ds) throw new NotFoundError('Datastore', m[1]!);
  return { files: model.files(ds.id), path, entity: ds.id };
}

function dirOf(path: string): string {
  return path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
}

/** FileManager.MakeDirectory. @throws NotFoundError (parent missing, without `parents`), DuplicateNameError, InvalidArgumentError */
export function makeDirectory(model: VSphereModel, dsPath: string, parents: boolean): void {
  const { files, path } = locate(model, dsPath, false);
  files.mkdir(path, parents);
}

/**
 * One folder's entries as SearchDatastore_Task reports them with a VmDiskFileQuery: a disk is its
 * descriptor, sized descriptor plus extent; extents are not listed. O(entries).
 * @throws NotFoundError when the folder is missing.
 */
export function listDatastore(model: VSphereModel, dsPath: string): DatastoreFileInfo[] {
  const { files, path } = locate(model, dsPath, true);
  return files.list(path).flatMap((e): DatastoreFileInfo[] => {
    if (e.kind === 'extent') return [];
    if (e.kind === 'directory') return [{ name: e.name, kind: 'directory', size: 0 }];
    if (e.entry?.render === 'descriptor') return [{ name: e.name, kind: 'disk', size: e.size + getDisk(model, e.entry.owner).allocatedBytes }];
    return [{ name: e.name, kind: 'file', size: e.size }];
  });
}

/** GET /folder: a file's bytes (a .vmx or descriptor rendered now). @throws NotFoundError */
export function readDatastoreFile(model: VSphereModel, dsPath: string): Uint8Array {
  const { files, path } = locate(model, dsPath, false);
  return files.readBytes(path);
}

/**
 * PUT /folder: writes a file whole. Precondition: its folder exists.
 * @throws NotFoundError naming the missing folder; InsufficientResourcesError when it does not fit;
 *   InvalidArgumentError for a path the model keeps (a .vmx, a disk) or data that is not bytes.
 */
export function writeDatastoreFile(model: VSphereModel, dsPath: string, data: Uint8Array): void {
  const { files, path } = locate(model, dsPath, false);
  if (!(data instanceof Uint8Array)) throw new InvalidArgumentError('data', `the content of ${dsPath} must be a Uint8Array`);
  if (!files.isDirectory(dirOf(path))) throw new NotFoundError('folder', files.dsPath(dirOf(path)));
  files.writeFile(path, data);
}

/** Queues DeleteDatastoreFile_Task. A missing path or bad name rejects at once; a file in use fails the task. */
export function deleteDatastoreFile(model: VSphereModel, dsPath: string, durationMs: number): TaskRecord {
  const { files, path, entity } = locate(model, dsPath, false);
  if (!files.exists(path)) throw new NotFoundError('file', dsPath);
  return model.tasks.submit({ descriptionId: 'FileManager.deleteDatastoreFile', entity, entityName: files.name, durationMs, execute: () => deletePath(model, dsPath) });
}

/**
 * Deletes a stored file, a disk (descriptor or extent path) or a folder tree. Disks anything else
 * still needs, and a registered VM's .vmx, make it refuse before changing anything.
 * @throws NotFoundError; InvalidStateError (ResourceInUse)
 */
function deletePath(model: VSphereModel, dsPath: string): void {
  const { files, path } = locate(model, dsPath, false);
  const owned = files.isDirectory(path) ? files.files(path).map((f) => f.path) : [path];
  const disks = new Set<string>();
  for (const p of owned) {
    const entry = files.virtualEntry(p);
    if (entry?.render === 'vmx') {
      throw new InvalidStateError('ResourceInUse', dsPath, 'in use', `cannot delete ${dsPath}: it holds the configuration of VM ${model.registry.get('VirtualMachine', entry.owner).name}`);
    }
    if (entry) disks.add(entry.owner);
  }
  checkDisksUnused(model, [...disks]);
  deleteStandaloneDisks(model, [...disks]);
  if (files.isDirectory(path)) files.rmdir(path);
  else if (disks.size === 0) files.rm(path);
}

/** Queues CreateVirtualDisk_Task (or a child disk on `spec.parent`). A bad spec or missing parent rejects at once. */
export function createVirtualDisk(model: VSphereModel, dsPath: string, spec: VirtualDiskSpec, durationMs: number): TaskRecord {
  const { files, entity } = locate(model, dsPath, false);
  if (!spec || typeof spec !== 'object') throw new InvalidArgumentError('spec', 'a virtual disk spec is required');
  if ('parent' in spec) getDisk(model, spec.parent);
  else if (!Number.isFinite(spec.capacityBytes) || spec.capacityBytes <= 0) throw new InvalidArgumentError('capacityBytes', `disk capacity must be > 0 bytes, got ${spec.capacityBytes}`);
  return model.tasks.submit({
    descriptionId: 'VirtualDiskManager.createVirtualDisk',
    entity,
    entityName: files.name,
    durationMs,
    execute: () => diskInfo(model, createStandaloneDisk(model, dsPath, spec).path),
  });
}

/** A disk's facts. @throws NotFoundError */
export function diskInfo(model: VSphereModel, dsPath: string): VirtualDiskInfo {
  const d = getDisk(model, dsPath);
  return { path: d.path, capacityBytes: d.capacityBytes, allocatedBytes: d.allocatedBytes, parent: d.parentPath };
}

/** Allocates `bytes` of a leaf disk from its start. @throws as {@link fillDisk} */
export function fillVirtualDisk(model: VSphereModel, dsPath: string, bytes: number): VirtualDiskInfo {
  return diskInfo(model, fillDisk(model, dsPath, bytes).path);
}

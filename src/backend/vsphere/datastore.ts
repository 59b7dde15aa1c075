/**
 * Datastore files and stand-alone disks over vim25: FileManager.MakeDirectory and
 * DeleteDatastoreFile_Task, HostDatastoreBrowser.SearchDatastore_Task (the datastore's `browser`),
 * VirtualDiskManager.CreateVirtualDisk_Task (thin) and CreateChildDisk_Task (or, where the server lacks
 * it, a helper VM's reconfigure: child-disk.ts), and the /folder HTTP
 * interface (datastore-http.ts) for whole-file reads and writes and for reading disk descriptors.
 * File faults (FileNotFound, FileAlreadyExists, InvalidDatastore) become the project's typed errors.
 */
import { DuplicateNameError, InvalidArgumentError, InvalidStateError, NotFoundError, NotSupportedError } from '../../sim/errors.js';
import type { DatastoreFileInfo, Task, VirtualDiskInfo, VirtualDiskSpec } from '../backend.js';
import { ChildDiskHelper } from './child-disk.js';
import { downloadFile, uploadFile, type FolderPath } from './datastore-http.js';
import type { VSphereInventory } from './inventory.js';
import { asRef, list, num, obj, ref, str } from './refs.js';
import { taskHandle } from './tasks.js';
import { ManagedObjectReference, retrieveContainer, VimFaultError, waitForTask, type TransportOptions, type VimClient } from './vim25/index.js';

/** A resolved datastore path. */
interface Located extends FolderPath {
  readonly datastore: ManagedObjectReference;
  readonly datacenter: ManagedObjectReference;
}

/** `[ds] a/b` → datastore name and inner path ('' = the root). */
export function parseDsPath(dsPath: string): { readonly datastoreName: string; readonly path: string } {
  const m = typeof dsPath === 'string' ? /^\[([^\]]+)\] ?(.*)$/.exec(dsPath) : null;
  if (!m) throw new InvalidArgumentError('path', `not a datastore path: ${JSON.stringify(dsPath)}`);
  return { datastoreName: m[1]!, path: m[2]!.replace(/\/+$/, '') };
}

function parentOf(dsPath: string): string {
  const { datastoreName, path } = parseDsPath(dsPath);
  return `[${datastoreName}] ${path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : ''}`.trimEnd();
}

/** A file fault of `method` on `dsPath` as a typed error; other errors pass unchanged. */
function fileError(error: unknown, dsPath: string, missing: 'file' | 'folder'): unknown {
  if (!(error instanceof VimFaultError)) return error;
  if (error.faultType === 'FileNotFound') return new NotFoundError(missing, dsPath);
  if (error.faultType === 'InvalidDatastore' || error.faultType === 'InvalidDatastorePath') return new NotFoundError('Datastore', dsPath);
  if (error.faultType === 'FileAlreadyExists') return new DuplicateNameError('file', dsPath, 'its datastore');
  return error;
}

/** A task handle whose error passes through {@link fileError}. */
function fileTask<T>(task: Task<T>, dsPath: string, missing: 'file' | 'folder'): Task<T> {
  return { ...task, wait: () => task.wait().catch((e: unknown) => Promise.reject(fileError(e, dsPath, missing))) };
}

/** The capacity (sectors of the extent lines) and parent of a descriptor's text; undefined when it has no extent. */
export function parseDescriptor(text: string, dsPath: string): { capacityBytes: number; parent: string | undefined } | undefined {
  const sectors = [...text.matchAll(/^\s*(?:RW|RDONLY)\s+(\d+)\s/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  if (sectors === 0) return undefined;
  const hint = /^\s*parentFileNameHint\s*=\s*"([^"]*)"/m.exec(text)?.[1];
  const parent = hint === undefined || hint === '' ? undefined : hint.startsWith('[') ? hint : `${parentOf(dsPath)}/${hint}`;
  return { capacityBytes: sectors * 512, parent };
}

/** The datastore calls of the live backend. Precondition: the client is logged in. */
export class VSphereDatastores {
  readonly #located = new Map<string, Omit<Located, 'path'>>();
  readonly #childDisks: ChildDiskHelper;
  /** Set once the server refused CreateChildDisk_Task, so later deltas go straight to the helper VM. */
  #childDiskMissing = false;

  constructor(
    private readonly client: VimClient,
    private readonly inventory: VSphereInventory,
    private readonly transport: TransportOptions,
  ) {
    this.#childDisks = new ChildDiskHelper(client, inventory);
  }

  /** Resolves a datastore path's datastore and datacenter (cached per datastore name). @throws NotFoundError */
  async locate(dsPath: string): Promise<Located> {
    const { datastoreName, path } = parseDsPath(dsPath);
    let found = this.#located.get(datastoreName);
    if (found === undefined) {
      const ds = (await this.inventory.datastores()).find((d) => d.name === datastoreName);
      if (ds === undefined) throw new NotFoundError('Datastore', datastoreName);
      const datastore = ref('datastore', ds.id);
      const datacenter = await this.inventory.datacenterOf(datastore);
      const datacenterName = str((await this.inventory.read(datacenter, ['name'])).get('name'));
      found = { datastore, datacenter, datacenterName, datastoreName };
      this.#located.set(datastoreName, found);
    }
    return { ...found, path };
  }

  get #fileManager(): ManagedObjectReference {
    return asRef(this.client.serviceContent['fileManager'], 'the FileManager');
  }

  get #diskManager(): ManagedObjectReference {
    return asRef(this.client.serviceContent['virtualDiskManager'], 'the VirtualDiskManager');
  }

  /** FileManager.MakeDirectory; with `parents`, an existing folder is accepted. */
  async makeDirectory(dsPath: string, parents: boolean): Promise<void> {
    const at = await this.locate(dsPath);
    if (at.path === '') throw new InvalidArgumentError('path', `${dsPath} names the datastore root`);
    try {
      await this.client.invoke('MakeDirectory', this.#fileManager, [['name', dsPath], ['datacenter', at.datacenter], ['createParentDirectories', parents]]);
    } catch (error) {
      if (parents && error instanceof VimFaultError && error.faultType === 'FileAlreadyExists') return;
      throw fileError(error, parents ? dsPath : parentOf(dsPath), 'folder');
    }
  }

  /**
   * SearchDatastore_Task on one folder: VmDiskFileQuery first (a disk is its descriptor; extents are
   * folded in), then folders and every other file. O(entries). @throws NotFoundError
   */
  async listDatastore(dsPath: string): Promise<DatastoreFileInfo[]> {
    const at = await this.locate(dsPath);
    const browser = asRef((await this.inventory.read(at.datastore, ['browser'])).get('browser'), `the browser of ${at.datastoreName}`);
    const searchSpec = {
      $type: 'HostDatastoreBrowserSearchSpec',
      query: [{ $type: 'VmDiskFileQuery' }, { $type: 'FolderFileQuery' }, { $type: 'FileQuery' }],
      details: { fileType: true, fileSize: true, modification: false, fileOwner: false },
      matchPattern: ['*'],
    };
    const datastorePath = at.path === '' ? `[${at.datastoreName}]` : `[${at.datastoreName}] ${at.path}`;
    try {
      const task = await this.client.invoke('SearchDatastore_Task', browser, [['datastorePath', datastorePath], ['searchSpec', searchSpec]], { returns: 'ManagedObjectReference' });
      const result = obj(await waitForTask(this.client, asRef(task, 'SearchDatastore_Task')));
      return list(result?.['file']).flatMap((f): DatastoreFileInfo[] => {
        const file = obj(f);
        if (file === undefined) return [];
        const kind = file.$type === 'FolderFileInfo' ? 'directory' : file.$type === 'VmDiskFileInfo' ? 'disk' : 'file';
        return [{ name: str(file['path']), kind, size: kind === 'directory' ? 0 : num(file['fileSize']) }];
      }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (error) {
      throw fileError(error, dsPath, 'folder');
    }
  }

  /** GET /folder. @throws NotFoundError */
  async readFile(dsPath: string): Promise<Uint8Array> {
    return downloadFile(this.client, await this.locate(dsPath), dsPath, this.transport);
  }

  /** PUT /folder, once SearchDatastore_Task has found the folder (vcsim's PUT would create it). @throws NotFoundError naming the folder */
  async writeFile(dsPath: string, data: Uint8Array): Promise<void> {
    if (!(data instanceof Uint8Array)) throw new InvalidArgumentError('data', `the content of ${dsPath} must be a Uint8Array`);
    const at = await this.locate(dsPath);
    if (at.path === '') throw new InvalidArgumentError('path', `${dsPath} names the datastore root`);
    await this.listDatastore(parentOf(dsPath));
    await uploadFile(this.client, at, dsPath, data, this.transport);
  }

  /**
   * DeleteDatastoreFile_Task, after checking that no VM's disk chain reaches the path (a disk, or a
   * folder holding one): that refuses with ResourceInUse before anything is deleted.
   */
  async deleteFile(dsPath: string): Promise<Task<void>> {
    const at = await this.locate(dsPath);
    if (at.path === '') throw new InvalidArgumentError('path', `${dsPath} names the datastore root`);
    const user = await this.#vmUsing(dsPath);
    if (user !== undefined) throw new InvalidStateError('ResourceInUse', dsPath, 'in use', `cannot delete ${dsPath}: VM ${user} uses it`);
    const task = await this.client.invoke('DeleteDatastoreFile_Task', this.#fileManager, [['name', dsPath], ['datacenter', at.datacenter]], { returns: 'ManagedObjectReference' });
    return fileTask(taskHandle(this.client, asRef(task, 'DeleteDatastoreFile_Task'), 'FileManager.deleteDatastoreFile', () => undefined), dsPath, 'file');
  }

  /** Name of a VM whose disk backings (with their parents) are `dsPath` or lie below it. O(VMs × devices × depth). */
  async #vmUsing(dsPath: string): Promise<string | undefined> {
    const below = `${dsPath.replace(/\/+$/, '')}/`;
    const records = await retrieveContainer(this.client, { type: 'VirtualMachine', paths: ['name', 'config.hardware.device'], ...(this.inventory.scope.datacenter ? { container: this.inventory.scope.datacenter } : {}) });
    for (const r of records) {
      for (const device of list(r.properties.get('config.hardware.device'))) {
        for (let backing = obj(obj(device)?.['backing']); backing !== undefined; backing = obj(backing['parent'])) {
          const file = str(backing['fileName']);
          if (file === dsPath || file.startsWith(below)) return str(r.properties.get('name'));
        }
      }
    }
    return undefined;
  }

  /** CreateVirtualDisk_Task (thin), or CreateChildDisk_Task for a delta on `spec.parent`. */
  async createDisk(dsPath: string, spec: VirtualDiskSpec): Promise<Task<VirtualDiskInfo>> {
    const at = await this.locate(dsPath);
    if (!spec || typeof spec !== 'object') throw new InvalidArgumentError('spec', 'a virtual disk spec is required');
    if ('parent' in spec) return this.#createChild(dsPath, at, spec.parent);
    if (!Number.isFinite(spec.capacityBytes) || spec.capacityBytes <= 0) throw new InvalidArgumentError('capacityBytes', `disk capacity must be > 0 bytes, got ${spec.capacityBytes}`);
    const capacityKb = Math.ceil(spec.capacityBytes / 1024);
    const diskSpec = { $type: 'FileBackedVirtualDiskSpec', diskType: 'thin', adapterType: 'lsiLogic', capacityKb };
    const task = await this.client.invoke('CreateVirtualDisk_Task', this.#diskManager, [['name', dsPath], ['datacenter', at.datacenter], ['spec', diskSpec]], { returns: 'ManagedObjectReference' });
    const created = { path: dsPath, capacityBytes: capacityKb * 1024, parent: undefined };
    return fileTask(taskHandle(this.client, asRef(task, 'CreateVirtualDisk_Task'), 'VirtualDiskManager.createVirtualDisk', async () => ({ ...created, allocatedBytes: await this.#allocated(dsPath) })), parentOf(dsPath), 'folder');
  }

  async #createChild(dsPath: string, at: Located, parent: string): Promise<Task<VirtualDiskInfo>> {
    const parentAt = await this.locate(parent);
    if (!this.#childDiskMissing) {
      const args = [['childName', dsPath], ['childDatacenter', at.datacenter], ['parentName', parent], ['parentDatacenter', parentAt.datacenter], ['isLinkedClone', true]] as const;
      try {
        const task = await this.client.invoke('CreateChildDisk_Task', this.#diskManager, args, { returns: 'ManagedObjectReference' });
        return fileTask(taskHandle(this.client, asRef(task, 'CreateChildDisk_Task'), 'VirtualDiskManager.createChildDisk', () => this.disk(dsPath)), dsPath, 'file');
      } catch (error) {
        // govmomi vcsim 0.24 has no vmomi type for the method and answers InvalidRequest; others MethodNotFound.
        const missing = error instanceof NotSupportedError || (error instanceof VimFaultError && error.faultType === 'InvalidRequest');
        if (!missing) throw error;
        this.#childDiskMissing = true;
      }
    }
    return this.#createChildThroughHelper(dsPath, parent);
  }

  /**
   * The fallback of child-disk.ts. The result's facts come from the new descriptor; where the server
   * writes no descriptor text (vcsim) the capacity is the parent's, or 0 when that cannot be read either.
   */
  async #createChildThroughHelper(dsPath: string, parent: string): Promise<Task<VirtualDiskInfo>> {
    const parentCapacity = await this.disk(parent).then((d) => d.capacityBytes, (error: unknown) => (error instanceof NotSupportedError ? undefined : Promise.reject(error)));
    const task = await this.#childDisks.start({ path: dsPath, parent, capacityBytes: parentCapacity });
    const outcome = async (): Promise<VirtualDiskInfo> => {
      await task.wait();
      try {
        return await this.disk(dsPath);
      } catch (error) {
        if (!(error instanceof NotSupportedError)) throw error;
        return { path: dsPath, capacityBytes: parentCapacity ?? 0, allocatedBytes: await this.#allocated(dsPath), parent };
      }
    };
    let settled: Promise<VirtualDiskInfo> | undefined;
    return fileTask({ ...task, wait: () => (settled ??= outcome()) }, dsPath, 'file');
  }

  /** Destroys the helper VM the child-disk fallback made, if any. */
  dispose(): Promise<void> {
    return this.#childDisks.dispose();
  }

  /** Bytes the disk takes on the datastore, as SearchDatastore_Task sizes it. */
  async #allocated(dsPath: string): Promise<number> {
    const name = parseDsPath(dsPath).path.split('/').at(-1);
    return (await this.listDatastore(parentOf(dsPath))).find((e) => e.name === name)?.size ?? 0;
  }

  /**
   * A disk's facts from its descriptor (GET /folder) and its size on the datastore.
   * @throws NotFoundError; NotSupportedError when the descriptor has no extent line (vcsim writes empty disk files).
   */
  async disk(dsPath: string): Promise<VirtualDiskInfo> {
    const text = new TextDecoder().decode(await this.readFile(dsPath));
    const parsed = parseDescriptor(text, dsPath);
    if (parsed === undefined) throw new NotSupportedError(`${dsPath} has no descriptor to read its capacity from (${text.length === 0 ? 'the file is empty, as vcsim writes disks' : 'no extent line'})`);
    return { path: dsPath, ...parsed, allocatedBytes: await this.#allocated(dsPath) };
  }
}

/**
 * The files of volumes: one FileTree per volume, loaded lazily from the tar beside its disk, seeded
 * from an image, saved back as that tar, and reflected as thin allocation on the disk when it grows.
 */
import type { Backend } from '../../backend/backend.js';
import { NotFoundError, NotSupportedError } from '../../sim/errors.js';
import { exportTar, extractTar } from '../fs/archive.js';
import { treeContentBytes } from '../fs/changes.js';
import { FileTree } from '../fs/file-tree.js';
import { childPath } from '../fs/path-walk.js';
import { copyInto } from '../fs/tree-copy.js';
import type { GuestFs } from '../fs/types.js';

/** Where one volume's files live on the datastore. */
export interface ContentPaths {
  readonly diskPath: string;
  readonly tarPath: string;
}

/** The loaded file trees of a VCH's volumes. */
export class VolumeContents {
  readonly #trees = new Map<string, FileTree>();
  readonly #loading = new Map<string, Promise<FileTree>>();
  /** Bytes the disk is known to hold allocated; unknown until first needed. */
  readonly #allocated = new Map<string, number>();

  /** @param now simulated time in ms, stamping file changes. */
  constructor(
    private readonly backend: Backend,
    private readonly now: () => number,
  ) {}

  /**
   * The volume's tree: in memory, else read from its tar, else empty (a new volume).
   * Concurrent calls share one load. O(content) on first load, O(1) after.
   * @throws ImageArchiveError when the saved tar is damaged.
   */
  async tree(name: string, paths: ContentPaths): Promise<FileTree> {
    const loaded = this.#trees.get(name);
    if (loaded) return loaded;
    const pending = this.#loading.get(name) ?? this.#load(name, paths);
    this.#loading.set(name, pending);
    try {
      return await pending;
    } finally {
      this.#loading.delete(name);
    }
  }

  async #load(name: string, paths: ContentPaths): Promise<FileTree> {
    const tree = new FileTree({ now: this.now });
    const tar = await readIfPresent(this.backend, paths.tarPath);
    if (tar !== undefined && tar.length > 0) await extractTar(tree, '/', tar);
    this.#trees.set(name, tree);
    return tree;
  }

  /**
   * Copies the image's content under `path` into an empty volume (docker and VIC seed new volumes
   * so). Nothing happens when the volume has files or the image has no directory there.
   * @returns whether anything was copied. O(entries + bytes copied).
   */
  async seed(name: string, paths: ContentPaths, imageFs: GuestFs, path: string): Promise<boolean> {
    const tree = await this.tree(name, paths);
    if (tree.readdir('/').length > 0 || imageFs.stat(path)?.kind !== 'dir') return false;
    const source = imageFs.realpath(path);
    for (const child of imageFs.readdir(source)) copyInto(imageFs, childPath(source, child), tree, childPath('/', child));
    const root = imageFs.stat(source)!;
    tree.setMeta('/', { mode: root.mode, uid: root.uid, gid: root.gid, mtimeMs: root.mtimeMs });
    await this.reflectUsage(name, paths);
    return true;
  }

  /**
   * Writes the volume's tar (when its tree is loaded) and grows the disk's allocation to its content.
   * O(entries + content bytes).
   */
  async save(name: string, paths: ContentPaths): Promise<void> {
    const tree = this.#trees.get(name);
    if (!tree) return;
    await this.backend.writeDatastoreFile(paths.tarPath, await exportTar(tree));
    await this.reflectUsage(name, paths);
  }

  /**
   * Bytes of file content: counted in the tree when loaded, else the disk's allocation (an
   * over-estimate by at most a grain). O(entries) when loaded.
   */
  async usedBytes(name: string, paths: ContentPaths): Promise<number> {
    const tree = this.#trees.get(name);
    if (tree) return treeContentBytes(tree);
    return this.#knownAllocation(name, paths);
  }

  /** Grows the disk's thin allocation to the tree's content; a backend without fills is left as it is. */
  async reflectUsage(name: string, paths: ContentPaths): Promise<void> {
    const tree = this.#trees.get(name);
    if (!tree) return;
    const bytes = treeContentBytes(tree);
    if (bytes <= (await this.#knownAllocation(name, paths))) return;
    try {
      const info = await this.backend.fillVirtualDisk(paths.diskPath, bytes);
      this.#allocated.set(name, info.allocatedBytes);
    } catch (e) {
      if (!(e instanceof NotSupportedError)) throw e;
      this.#allocated.set(name, bytes);
    }
  }

  async #knownAllocation(name: string, paths: ContentPaths): Promise<number> {
    const known = this.#allocated.get(name);
    if (known !== undefined) return known;
    let allocated: number;
    try {
      allocated = (await this.backend.virtualDisk(paths.diskPath)).allocatedBytes;
    } catch (e) {
      // A server that keeps no descriptor text (vcsim) cannot describe the disk: the content is the tar's.
      if (!(e instanceof NotSupportedError)) throw e;
      allocated = treeContentBytes(await this.tree(name, paths));
    }
    this.#allocated.set(name, allocated);
    return allocated;
  }

  /** Forgets a deleted volume's tree. O(1). */
  forget(name: string): void {
    this.#trees.delete(name);
    this.#allocated.delete(name);
  }

  /** Whether the volume's tree is in memory. O(1). */
  isLoaded(name: string): boolean {
    return this.#trees.has(name);
  }
}

/** A datastore file's bytes, or undefined when it does not exist. */
export async function readIfPresent(backend: Backend, path: string): Promise<Uint8Array | undefined> {
  try {
    return await backend.readDatastoreFile(path);
  } catch (e) {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  }
}

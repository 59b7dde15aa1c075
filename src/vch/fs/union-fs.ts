/**
 * A container's filesystem: image layers (read-only, shared, never mutated) under the container's
 * writable upper FileTree, with volumes mounted over directories. Reads resolve top-down honouring
 * whiteouts and opaque directories; writes copy up (parents keep their times, as overlayfs keeps
 * them); removing an entry the image provides records a `.wh.<name>` whiteout in the upper tree;
 * a directory created where the image had one gets an `.wh..wh..opq` marker. The upper tree is thus
 * an OCI layer of the container's changes. Names starting with `.wh.` are reserved (EINVAL).
 *
 * Cost: a lookup is O(components + followed symlinks), independent of the number of layers (the
 * merged lower index is cached per LayerStack); a write adds O(depth²) for copying up parents and
 * O(file size) for copying up a file; renaming an entry the image provides copies its subtree.
 */
import { BlockIoCounter } from './block-io.js';
import { FileTree, type FileTreeOptions } from './file-tree.js';
import { OPAQUE_MARKER, WHITEOUT_PREFIX } from './layer-tree.js';
import type { LayerStack, MergedDir } from './layer-stack.js';
import type { FileNode } from './nodes.js';
import { childPath, endsInDots, joinNames, lastComponent, mkdirParents, splitPath, tryWalkPath, walkPath, type WalkAdapter, type Walked } from './path-walk.js';
import { copyInto } from './tree-copy.js';
import { FsError, type FileStat, type GuestFs, type WriteOptions } from './types.js';
import { isOpaque, isReservedName, kindOf, linkTargetOf, lowerAt, statOf, unionAdapter, unionNames, visibleLowerChild, type UnionNode } from './union-node.js';

/** A mounted filesystem and the path inside it an operation addresses. */
interface MountTarget {
  readonly fs: GuestFs;
  readonly sub: string;
}

/** The parent directory of a canonical absolute path ("/" for "/x"). */
function parentOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}

/** A union filesystem over a {@link LayerStack} and an upper {@link FileTree}. */
export class UnionFs implements GuestFs {
  /** Bytes this union read from and wrote to the container's disk chain (not its mounts). */
  readonly io = new BlockIoCounter();
  private readonly mountTable = new Map<string, GuestFs>();
  private readonly adapter: WalkAdapter<UnionNode>;

  /**
   * Wires a union. Precondition: `upper` is this container's own tree (a restored RW layer or a fresh
   * one); two unions must not share an upper tree. Prefer {@link UnionFs.create} for a new container.
   */
  constructor(
    /** The image's layers. */
    readonly lower: LayerStack,
    /** The container's read-write layer, whiteouts included. */
    readonly upper: FileTree,
  ) {
    this.adapter = unionAdapter(() => ({ path: '/', upper: this.upper.rootNode(), lower: this.lower.root }), this.mountTable);
  }

  /** A new container's union: an empty upper tree whose root carries the image root's metadata. */
  static create(lower: LayerStack, options: FileTreeOptions): UnionFs {
    const upper = new FileTree(options);
    upper.setMeta('/', lower.root.meta);
    return new UnionFs(lower, upper);
  }

  /** The mount table: canonical mount point → mounted filesystem. */
  get mounts(): ReadonlyMap<string, GuestFs> {
    return this.mountTable;
  }

  /**
   * Mounts `fs` over directory `path` (created with its parents if missing, as docker creates mount
   * points); its root replaces the directory's content. EINVAL for "/", EEXIST for a taken mount point.
   */
  mount(path: string, fs: GuestFs): void {
    this.mkdir(path, { recursive: true });
    const real = this.realpath(path);
    if (real === '/') throw new FsError('EINVAL', path);
    if (this.mountTable.has(real)) throw new FsError('EEXIST', path);
    this.mountTable.set(real, fs);
  }

  /** Removes the mount at `path` (its canonical mount point). EINVAL when nothing is mounted there. */
  unmount(path: string): void {
    if (!this.mountTable.delete(path)) throw new FsError('EINVAL', path);
  }

  /** The same container filesystem without its mounts (what `docker export` and `docker diff` see). */
  withoutMounts(): UnionFs {
    return new UnionFs(this.lower, this.upper);
  }

  stat(path: string): FileStat | undefined {
    return this.probe(path, true);
  }

  lstat(path: string): FileStat | undefined {
    return this.probe(path, false);
  }

  readFile(path: string): Uint8Array {
    const node = this.existing(path, true);
    if (kindOf(node) === 'dir') throw new FsError('EISDIR', path);
    if (node.mount) return node.mount.fs.readFile(node.mount.sub);
    const content = ((node.upper ?? node.lower) as FileNode).content;
    this.io.read(content.length);
    return content.slice();
  }

  writeFile(path: string, data: Uint8Array | string, opts: WriteOptions = {}): void {
    const walked = this.resolve(path, true);
    const node = walked.node;
    if ((node && kindOf(node) === 'dir') || walked.names.length === 0 || endsInDots(path)) throw new FsError('EISDIR', path);
    const mounted = mountTarget(walked);
    if (mounted) return mounted.fs.writeFile(mounted.sub, data, opts);
    this.io.write(typeof data === 'string' ? Buffer.byteLength(data) : data.length);
    if (node) {
      this.copyUp(node);
      this.upper.writeFile(node.path, data, opts);
    } else this.create(walked, (at) => this.upper.writeFile(at, data, opts), false);
  }

  readdir(path: string): string[] {
    const node = this.existing(path, true);
    if (kindOf(node) !== 'dir') throw new FsError('ENOTDIR', path);
    return unionNames(node);
  }

  mkdir(path: string, opts: { readonly recursive?: boolean; readonly mode?: number } = {}): void {
    const mode = opts.mode;
    if (opts.recursive) mkdirParents(this, path, (prefix) => this.mkdirOne(prefix, mode));
    else this.mkdirOne(path, mode);
  }

  remove(path: string, opts: { readonly recursive?: boolean } = {}): void {
    if (endsInDots(path)) throw new FsError('EINVAL', path);
    const walked = this.resolve(path, false);
    const node = walked.node;
    if (node === undefined) throw new FsError('ENOENT', path);
    if (walked.names.length === 0 || node.mount?.sub === '/' || this.hasMountUnder(node.path)) throw new FsError('EINVAL', path);
    const mounted = mountTarget(walked);
    if (mounted) return mounted.fs.remove(mounted.sub, opts);
    if (kindOf(node) === 'dir' && !opts.recursive && unionNames(node).length > 0) throw new FsError('ENOTEMPTY', path);
    this.removeEntry(walked.dirs[walked.dirs.length - 1]!, node);
  }

  rename(from: string, to: string): void {
    if (endsInDots(from) || endsInDots(to)) throw new FsError('EINVAL', from);
    const source = this.resolve(from, false);
    const target = this.resolve(to, false);
    const node = source.node;
    if (node === undefined) throw new FsError('ENOENT', from);
    if (source.names.length === 0 || target.names.length === 0) throw new FsError('EINVAL', from);
    const toPath = joinNames(target.names);
    if (toPath === node.path) return;
    const fromMount = mountTarget(source);
    const toMount = mountTarget(target);
    if (fromMount || toMount || this.hasMountUnder(node.path)) {
      if (fromMount && toMount && fromMount.fs === toMount.fs && fromMount.sub !== '/' && toMount.sub !== '/') return fromMount.fs.rename(fromMount.sub, toMount.sub);
      throw new FsError('EINVAL', to);
    }
    this.checkRenameTarget(node, target.node, toPath, to);
    if (target.node) this.removeEntry(target.dirs[target.dirs.length - 1]!, target.node);
    if (node.upper && (!node.lower || isOpaque(node.upper))) this.moveUpper(source.dirs[source.dirs.length - 1]!, node, toPath);
    else this.moveByCopy(node, toPath);
  }

  symlink(target: string, path: string): void {
    const walked = this.resolve(path, false);
    if (walked.node !== undefined || endsInDots(path)) throw new FsError('EEXIST', path);
    if (target === '') throw new FsError('ENOENT', path);
    const mounted = mountTarget(walked);
    if (mounted) return mounted.fs.symlink(target, mounted.sub);
    this.create(walked, (at) => this.upper.symlink(target, at), false);
  }

  readlink(path: string): string {
    const node = this.existing(path, false);
    if (kindOf(node) !== 'symlink') throw new FsError('EINVAL', path);
    return linkTargetOf(node);
  }

  realpath(path: string): string {
    return this.existing(path, true).path;
  }

  chmod(path: string, mode: number): void {
    const node = this.existing(path, true);
    if (node.mount) return node.mount.fs.chmod(node.mount.sub, mode);
    this.copyUp(node);
    this.upper.chmod(node.path, mode);
  }

  utimes(path: string, mtimeMs: number): void {
    const node = this.existing(path, true);
    if (node.mount) return node.mount.fs.utimes(node.mount.sub, mtimeMs);
    this.copyUp(node);
    this.upper.utimes(node.path, mtimeMs);
  }

  /** The stat of `path`, undefined when it does not resolve (no error object is made for that). */
  private probe(path: string, follow: boolean): FileStat | undefined {
    try {
      const walked = tryWalkPath(this.adapter, path, follow);
      const node = typeof walked === 'string' ? undefined : walked.node;
      return node && statOf(node);
    } catch (error) {
      if (error instanceof FsError) return undefined; // a mounted filesystem's own failure
      throw error;
    }
  }

  private resolve(path: string, follow: boolean): Walked<UnionNode> {
    return walkPath(this.adapter, path, follow);
  }

  private existing(path: string, follow: boolean): UnionNode {
    const node = this.resolve(path, follow).node;
    if (node === undefined) throw new FsError('ENOENT', path);
    return node;
  }

  private hasMountUnder(path: string): boolean {
    for (const point of this.mountTable.keys()) if (point === path || point.startsWith(path + '/')) return true;
    return false;
  }

  private mkdirOne(path: string, mode: number | undefined): void {
    const walked = this.resolve(path, false);
    if (walked.node !== undefined || endsInDots(path)) throw new FsError('EEXIST', path);
    const mounted = mountTarget(walked);
    if (mounted) return mounted.fs.mkdir(mounted.sub, mode === undefined ? {} : { mode });
    this.create(walked, (at) => this.upper.mkdir(at, mode === undefined ? {} : { mode }), true);
  }

  /** Creates a new entry with `make` at a resolved missing path: parents copied up, whiteout cleared. */
  private create(walked: Walked<UnionNode>, make: (path: string) => void, isDir: boolean): void {
    const name = walked.names[walked.names.length - 1]!;
    if (isReservedName(name)) throw new FsError('EINVAL', joinNames(walked.names));
    const path = joinNames(walked.names);
    this.clearWhiteout(path);
    make(path);
    if (isDir) this.hideLowerDir(path);
  }

  /** Prepares the upper parent of `path` for a new entry: copies it up and drops a whiteout of the name. */
  private clearWhiteout(path: string): void {
    const parent = parentOf(path);
    this.copyUpDir(parent);
    const whiteout = childPath(parent, WHITEOUT_PREFIX + lastComponent(path));
    if (this.upper.lstat(whiteout)) this.upper.remove(whiteout);
  }

  /** Marks a new upper directory opaque when the image has a directory at its path. Keeps its mtime. */
  private hideLowerDir(path: string): void {
    if (this.resolve(path, false).node?.lower === undefined) return;
    const mtimeMs = this.upper.lstat(path)!.mtimeMs;
    this.upper.writeFile(childPath(path, OPAQUE_MARKER), '', { mode: 0 });
    this.upper.setMeta(path, { mtimeMs });
  }

  /**
   * Makes sure canonical directory `path` exists in the upper tree, creating missing ones with the
   * image's metadata and without touching their parents' mtimes. O(depth²).
   * Precondition: `path` is a union directory outside any mount.
   */
  private copyUpDir(path: string): void {
    const parts = splitPath(path);
    for (let i = 1; i <= parts.length; i++) {
      const prefix = joinNames(parts.slice(0, i));
      if (this.upper.lstat(prefix)?.kind === 'dir') continue;
      const parent = joinNames(parts.slice(0, i - 1));
      const parentMtime = this.upper.lstat(parent)!.mtimeMs;
      this.upper.mkdir(prefix);
      this.upper.setMeta(prefix, (lowerAt(this.lower.root, prefix) as MergedDir).meta);
      this.upper.setMeta(parent, { mtimeMs: parentMtime });
    }
  }

  /** Copies an image entry into the upper tree unchanged (content and metadata). O(depth² + size). */
  private copyUp(node: UnionNode): void {
    if (node.upper) return;
    if (kindOf(node) === 'dir') return this.copyUpDir(node.path);
    const parent = parentOf(node.path);
    this.copyUpDir(parent);
    const parentMtime = this.upper.lstat(parent)!.mtimeMs;
    const lower = node.lower!;
    if (lower.kind === 'file') {
      this.io.write(lower.content.length);
      this.upper.writeFile(node.path, lower.content);
    }
    else if (lower.kind === 'symlink') this.upper.symlink(lower.target, node.path);
    this.upper.setMeta(node.path, lower.meta);
    this.upper.setMeta(parent, { mtimeMs: parentMtime });
  }

  /** Removes an entry: its upper part, and a whiteout when the image shows something at its name. */
  private removeEntry(parent: UnionNode, node: UnionNode): void {
    const name = lastComponent(node.path);
    const needsWhiteout = visibleLowerChild(parent, name) !== undefined;
    if (node.upper) this.upper.remove(node.path, { recursive: true });
    if (!needsWhiteout) return;
    this.copyUpDir(parent.path);
    this.upper.writeFile(childPath(parent.path, WHITEOUT_PREFIX + name), '', { mode: 0 });
  }

  /** rename(2) checks: kinds agree, a directory target is empty, no move into itself. */
  private checkRenameTarget(node: UnionNode, target: UnionNode | undefined, toPath: string, to: string): void {
    const kind = kindOf(node);
    if (kind === 'dir' && toPath.startsWith(node.path + '/')) throw new FsError('EINVAL', to);
    if (target === undefined) return;
    const targetKind = kindOf(target);
    if (kind === 'dir' && targetKind !== 'dir') throw new FsError('ENOTDIR', to);
    if (kind !== 'dir' && targetKind === 'dir') throw new FsError('EISDIR', to);
    if (targetKind === 'dir' && unionNames(target).length > 0) throw new FsError('ENOTEMPTY', to);
  }

  /** Moves an entry that lives only in the upper tree; whiteouts its old name if the image shows one there. */
  private moveUpper(fromParent: UnionNode, node: UnionNode, toPath: string): void {
    const needsWhiteout = visibleLowerChild(fromParent, lastComponent(node.path)) !== undefined;
    this.clearWhiteout(toPath);
    this.upper.rename(node.path, toPath);
    if (node.upper!.kind === 'dir') this.hideLowerDir(toPath);
    if (needsWhiteout) this.upper.writeFile(childPath(fromParent.path, WHITEOUT_PREFIX + lastComponent(node.path)), '', { mode: 0 });
  }

  /** Moves an entry (partly) from the image: copies its merged subtree up to `toPath`, then removes the source. */
  private moveByCopy(node: UnionNode, toPath: string): void {
    this.clearWhiteout(toPath);
    copyInto(this, node.path, this.upper, toPath);
    if (kindOf(node) === 'dir') this.hideLowerDir(toPath);
    const again = this.resolve(node.path, false);
    this.removeEntry(again.dirs[again.dirs.length - 1]!, again.node!);
  }
}

/** The mounted filesystem a resolved path lies in (its final entry, or its parent for a new entry). */
function mountTarget(walked: Walked<UnionNode>): MountTarget | undefined {
  const node = walked.node;
  if (node) return node.mount && { fs: node.mount.fs, sub: node.mount.sub };
  const parent = walked.dirs[walked.dirs.length - 1];
  if (parent?.mount) return { fs: parent.mount.fs, sub: childPath(parent.mount.sub, walked.names[walked.names.length - 1]!) };
  return undefined;
}

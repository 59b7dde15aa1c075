/**
 * A mutable in-memory filesystem tree: the container's read-write layer, a volume's content, or any
 * standalone guest filesystem. Files and symlinks are immutable nodes replaced on change; directories
 * are copied on write, so {@link FileTree.snapshot} is O(1) and the first write under a shared
 * directory copies only the directories on its path (each O(entries) once per snapshot).
 */
import {
  DEFAULT_DIR_MODE,
  DEFAULT_FILE_MODE,
  SYMLINK_MODE,
  statOfNode,
  toBytes,
  type FileNode,
  type LinkNode,
  type NodeMeta,
} from './nodes.js';
import { endsInDots, joinNames, mkdirParents, tryWalkPath, walkPath, type WalkAdapter, type Walked } from './path-walk.js';
import { FsError, type FileStat, type GuestFs, type WriteOptions } from './types.js';

/** A directory of a FileTree; `owner` says which tree may mutate it in place. */
export interface TreeDir {
  readonly kind: 'dir';
  meta: NodeMeta;
  children: Map<string, TreeNode>;
  owner: object;
}

/** Any node of a FileTree. */
export type TreeNode = TreeDir | FileNode | LinkNode;

/** Options of {@link FileTree}. */
export interface FileTreeOptions {
  /** Simulated time in ms since the epoch; stamps every change. */
  readonly now: () => number;
  /** Owner of new entries (default root, 0:0). */
  readonly uid?: number;
  readonly gid?: number;
}

/**
 * A GuestFs over one mutable tree. Every operation costs O(path components + followed symlinks),
 * plus the content size for reads and writes (content is copied in and out, so callers may keep
 * or change their buffers). New entries belong to the tree's uid:gid; there is no umask.
 */
export class FileTree implements GuestFs {
  private root: TreeDir;
  private owner: object = {};
  private readonly adapter: WalkAdapter<TreeNode>;

  /** An empty tree (just "/", mode 0755, mtime now()). */
  constructor(private readonly options: FileTreeOptions, root?: TreeDir) {
    this.root = root ?? { kind: 'dir', meta: this.newMeta(DEFAULT_DIR_MODE), children: new Map(), owner: this.owner };
    this.adapter = {
      root: () => this.root,
      child: (dir, name) => (dir as TreeDir).children.get(name),
      kind: (node) => node.kind,
      target: (node) => (node as LinkNode).target,
    };
  }

  /** An independent copy sharing all structure until either side writes. O(1). */
  snapshot(): FileTree {
    this.owner = {};
    return new FileTree(this.options, this.root);
  }

  stat(path: string): FileStat | undefined {
    return this.probe(path, true);
  }

  lstat(path: string): FileStat | undefined {
    return this.probe(path, false);
  }

  readFile(path: string): Uint8Array {
    const node = this.existing(path, true);
    if (node.kind === 'dir') throw new FsError('EISDIR', path);
    return (node as FileNode).content.slice();
  }

  writeFile(path: string, data: Uint8Array | string, opts: WriteOptions = {}): void {
    const walked = this.resolve(path, true);
    const node = walked.node;
    if (node?.kind === 'dir') throw new FsError('EISDIR', path);
    if (walked.names.length === 0 || endsInDots(path)) throw new FsError('EISDIR', path);
    const bytes = toBytes(data);
    const previous = node as FileNode | undefined;
    const content = opts.append && previous ? concat(previous.content, bytes) : bytes;
    const meta = previous ? { ...previous.meta, mtimeMs: this.options.now() } : this.newMeta(opts.mode ?? DEFAULT_FILE_MODE);
    this.put(walked, { kind: 'file', meta, content }, previous === undefined);
  }

  readdir(path: string): string[] {
    const node = this.existing(path, true);
    if (node.kind !== 'dir') throw new FsError('ENOTDIR', path);
    return [...node.children.keys()].sort();
  }

  mkdir(path: string, opts: { readonly recursive?: boolean; readonly mode?: number } = {}): void {
    const mode = opts.mode ?? DEFAULT_DIR_MODE;
    if (opts.recursive) mkdirParents(this, path, (prefix) => this.mkdirOne(prefix, mode));
    else this.mkdirOne(path, mode);
  }

  remove(path: string, opts: { readonly recursive?: boolean } = {}): void {
    if (endsInDots(path)) throw new FsError('EINVAL', path);
    const walked = this.resolve(path, false);
    const node = walked.node;
    if (node === undefined) throw new FsError('ENOENT', path);
    if (walked.names.length === 0) throw new FsError('EINVAL', path);
    if (node.kind === 'dir' && node.children.size > 0 && !opts.recursive) throw new FsError('ENOTEMPTY', path);
    const parent = this.ownDir(walked.names.slice(0, -1));
    parent.children.delete(walked.names[walked.names.length - 1]!);
    parent.meta = { ...parent.meta, mtimeMs: this.options.now() };
  }

  rename(from: string, to: string): void {
    if (endsInDots(from) || endsInDots(to)) throw new FsError('EINVAL', from);
    const source = this.resolve(from, false);
    const target = this.resolve(to, false);
    const node = source.node;
    if (node === undefined) throw new FsError('ENOENT', from);
    if (source.names.length === 0 || target.names.length === 0) throw new FsError('EINVAL', from);
    if (node === target.node) return;
    checkRenameTarget(node.kind, target.node, source.names, target.names, to);
    const fromParent = this.ownDir(source.names.slice(0, -1));
    fromParent.children.delete(source.names[source.names.length - 1]!);
    const toParent = this.ownDir(target.names.slice(0, -1));
    toParent.children.set(target.names[target.names.length - 1]!, node);
    const now = this.options.now();
    fromParent.meta = { ...fromParent.meta, mtimeMs: now };
    toParent.meta = { ...toParent.meta, mtimeMs: now };
  }

  symlink(target: string, path: string): void {
    const walked = this.resolve(path, false);
    if (walked.node !== undefined || endsInDots(path)) throw new FsError('EEXIST', path);
    if (target === '') throw new FsError('ENOENT', path);
    this.put(walked, { kind: 'symlink', meta: this.newMeta(SYMLINK_MODE), target }, true);
  }

  readlink(path: string): string {
    const node = this.existing(path, false);
    if (node.kind !== 'symlink') throw new FsError('EINVAL', path);
    return node.target;
  }

  realpath(path: string): string {
    const walked = this.resolve(path, true);
    if (walked.node === undefined) throw new FsError('ENOENT', path);
    return joinNames(walked.names);
  }

  chmod(path: string, mode: number): void {
    this.updateMeta(path, (meta) => ({ ...meta, mode: mode & 0o7777 }));
  }

  utimes(path: string, mtimeMs: number): void {
    this.updateMeta(path, (meta) => ({ ...meta, mtimeMs }));
  }

  /** Sets owner and group (not part of GuestFs; used by copy-up and extraction). Follows symlinks. */
  chown(path: string, uid: number, gid: number): void {
    this.updateMeta(path, (meta) => ({ ...meta, uid, gid }));
  }

  /**
   * Sets any of mode, owner and mtime of the path itself (a final symlink is not followed, like
   * lchown/lutimes). Used by copy-up and flattening to keep metadata exact.
   */
  setMeta(path: string, meta: Partial<NodeMeta>): void {
    this.updateMeta(path, (old) => ({ ...old, ...meta, mode: (meta.mode ?? old.mode) & 0o7777 }), false);
  }

  /** The root directory node, read-only access for the union filesystem's lookups. */
  rootNode(): TreeDir {
    return this.root;
  }

  private probe(path: string, follow: boolean): FileStat | undefined {
    const walked = tryWalkPath(this.adapter, path, follow);
    const node = typeof walked === 'string' ? undefined : walked.node;
    return node && statOfNode(node.kind, node.meta, node as { content?: Uint8Array; target?: string });
  }

  private resolve(path: string, follow: boolean): Walked<TreeNode> {
    return walkPath(this.adapter, path, follow);
  }

  private existing(path: string, follow: boolean): TreeNode {
    const node = this.resolve(path, follow).node;
    if (node === undefined) throw new FsError('ENOENT', path);
    return node;
  }

  private mkdirOne(path: string, mode: number): void {
    const walked = this.resolve(path, false);
    if (walked.node !== undefined || endsInDots(path)) throw new FsError('EEXIST', path);
    this.put(walked, { kind: 'dir', meta: this.newMeta(mode), children: new Map(), owner: this.owner }, true);
  }

  /** Stores `node` at a resolved path; a new entry also stamps its parent. */
  private put(walked: Walked<TreeNode>, node: TreeNode, isNew: boolean): void {
    const parent = this.ownDir(walked.names.slice(0, -1));
    parent.children.set(walked.names[walked.names.length - 1]!, node);
    if (isNew) parent.meta = { ...parent.meta, mtimeMs: this.options.now() };
  }

  private updateMeta(path: string, change: (meta: NodeMeta) => NodeMeta, follow = true): void {
    const walked = this.resolve(path, follow);
    const node = walked.node;
    if (node === undefined) throw new FsError('ENOENT', path);
    if (node.kind === 'dir') {
      this.ownDir(walked.names).meta = change(node.meta);
      return;
    }
    const parent = this.ownDir(walked.names.slice(0, -1));
    parent.children.set(walked.names[walked.names.length - 1]!, { ...node, meta: change(node.meta) });
  }

  /**
   * The directory at canonical `names`, made private to this tree: shared directories on the way are
   * copied (O(entries) each, once per snapshot). Precondition: every name resolves to a directory.
   */
  private ownDir(names: readonly string[]): TreeDir {
    if (this.root.owner !== this.owner) this.root = { ...this.root, children: new Map(this.root.children), owner: this.owner };
    let dir = this.root;
    for (const name of names) {
      let next = dir.children.get(name) as TreeDir;
      if (next.owner !== this.owner) {
        next = { ...next, children: new Map(next.children), owner: this.owner };
        dir.children.set(name, next);
      }
      dir = next;
    }
    return dir;
  }

  private newMeta(mode: number): NodeMeta {
    return { mode: mode & 0o7777, uid: this.options.uid ?? 0, gid: this.options.gid ?? 0, mtimeMs: this.options.now() };
  }
}

/** rename(2) checks on the target: kinds must agree, a directory target must be empty, no move into itself. */
function checkRenameTarget(kind: TreeNode['kind'], target: TreeNode | undefined, fromNames: readonly string[], toNames: readonly string[], to: string): void {
  if (kind === 'dir' && toNames.length > fromNames.length && fromNames.every((name, i) => toNames[i] === name)) {
    throw new FsError('EINVAL', to);
  }
  if (target === undefined) return;
  if (kind === 'dir' && target.kind !== 'dir') throw new FsError('ENOTDIR', to);
  if (kind !== 'dir' && target.kind === 'dir') throw new FsError('EISDIR', to);
  if (target.kind === 'dir' && target.children.size > 0) throw new FsError('ENOTEMPTY', to);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

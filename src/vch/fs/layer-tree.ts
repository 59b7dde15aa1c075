/**
 * One image layer as an immutable tree. OCI whiteouts stay markers: `.wh.<name>` hides `<name>` of
 * the layers below, `.wh..wh..opq` makes its directory opaque (nothing below shows through); neither
 * applies within the layer itself. Hardlinks share their target's node (same content bytes).
 * Device and FIFO entries become empty regular files with their mode: the guest filesystem has no
 * such kinds.
 */
import type { LayerEntry } from '../archive/layer-tar.js';
import { ImageArchiveError } from '../archive/errors.js';
import { DEFAULT_DIR_MODE, type FileNode, type LinkNode, type NodeMeta } from './nodes.js';

/** A directory of a layer with the whiteouts it carries. */
export interface LayerDir {
  readonly kind: 'dir';
  readonly meta: NodeMeta;
  readonly children: ReadonlyMap<string, LayerNode>;
  /** Names hidden in the layers below. */
  readonly whiteouts: ReadonlySet<string>;
  /** True when the layers below contribute nothing to this directory. */
  readonly opaque: boolean;
}

/** Any node of a layer. */
export type LayerNode = LayerDir | FileNode | LinkNode;

/** Prefix of a whiteout file name. */
export const WHITEOUT_PREFIX = '.wh.';
/** Name of the opaque-directory marker. */
export const OPAQUE_MARKER = '.wh..wh..opq';
/** Prefix of AUFS metadata names (`.wh..wh.plnk` etc.), which carry no files. */
const AUFS_META_PREFIX = '.wh..wh.';

interface BuildDir {
  kind: 'dir';
  meta: NodeMeta;
  children: Map<string, BuildNode>;
  whiteouts: Set<string>;
  opaque: boolean;
}
type BuildNode = BuildDir | FileNode | LinkNode;

const IMPLICIT_DIR_META: NodeMeta = { mode: DEFAULT_DIR_MODE, uid: 0, gid: 0, mtimeMs: 0 };

/** An immutable image layer. Shared by every image and container that uses it; never mutated. */
export class LayerTree {
  private constructor(
    /** The layer's root directory. */
    readonly root: LayerDir,
    /** Bytes of regular-file content, each hardlinked content counted once. */
    readonly contentBytes: number,
  ) {}

  /** Builds a layer (see {@link layerFromEntries}). */
  static fromEntries(entries: readonly LayerEntry[]): LayerTree {
    const root: BuildDir = newDir(IMPLICIT_DIR_META);
    for (const entry of entries) addEntry(root, entry);
    return new LayerTree(root, countContent(root, new Set()));
  }
}

/**
 * Builds the layer of a layer tar's entries (readLayerTar's output), in archive order: a later entry
 * for the same path replaces the earlier one; missing parent directories are implied (0755, root,
 * mtime 0). O(entries × path depth).
 * @throws ImageArchiveError when an entry lies under a non-directory or a hardlink's target is missing.
 */
export function layerFromEntries(entries: readonly LayerEntry[]): LayerTree {
  return LayerTree.fromEntries(entries);
}

function newDir(meta: NodeMeta): BuildDir {
  return { kind: 'dir', meta, children: new Map(), whiteouts: new Set(), opaque: false };
}

function addEntry(root: BuildDir, entry: LayerEntry): void {
  const meta: NodeMeta = { mode: entry.mode & 0o7777, uid: entry.uid, gid: entry.gid, mtimeMs: entry.mtime * 1000 };
  if (entry.path === '.') {
    if (entry.type === 'dir') root.meta = meta;
    return;
  }
  const parts = entry.path.split('/');
  const name = parts.pop()!;
  const parent = parentDir(root, parts, entry.path);
  if (name === OPAQUE_MARKER) parent.opaque = true;
  else if (name.startsWith(AUFS_META_PREFIX)) return;
  else if (name.startsWith(WHITEOUT_PREFIX)) parent.whiteouts.add(name.slice(WHITEOUT_PREFIX.length));
  else parent.children.set(name, nodeOf(root, entry, meta, parent.children.get(name)));
}

function nodeOf(root: BuildDir, entry: LayerEntry, meta: NodeMeta, previous: BuildNode | undefined): BuildNode {
  switch (entry.type) {
    case 'dir':
      if (previous?.kind === 'dir') {
        previous.meta = meta;
        return previous;
      }
      return newDir(meta);
    case 'symlink':
      return { kind: 'symlink', meta, target: entry.linkname };
    case 'hardlink':
      return hardlinkTarget(root, entry);
    case 'file':
      return { kind: 'file', meta, content: entry.content ?? new Uint8Array(0) };
    default:
      return { kind: 'file', meta, content: new Uint8Array(0) };
  }
}

function hardlinkTarget(root: BuildDir, entry: LayerEntry): BuildNode {
  let node: BuildNode | undefined = root;
  for (const part of entry.linkname.split('/')) node = node?.kind === 'dir' ? node.children.get(part) : undefined;
  if (node === undefined || node.kind === 'dir') {
    throw new ImageArchiveError(`hardlink ${entry.path} points to ${entry.linkname}, which is not a file earlier in the layer`);
  }
  return node;
}

function parentDir(root: BuildDir, parts: readonly string[], path: string): BuildDir {
  let dir = root;
  for (const part of parts) {
    let next = dir.children.get(part);
    if (next === undefined) {
      next = newDir(IMPLICIT_DIR_META);
      dir.children.set(part, next);
    }
    if (next.kind !== 'dir') throw new ImageArchiveError(`layer entry ${path} lies under ${part}, which is not a directory`);
    dir = next;
  }
  return dir;
}

function countContent(dir: BuildDir, seen: Set<Uint8Array>): number {
  let total = 0;
  for (const child of dir.children.values()) {
    if (child.kind === 'dir') total += countContent(child, seen);
    else if (child.kind === 'file' && !seen.has(child.content)) {
      seen.add(child.content);
      total += child.content.length;
    }
  }
  return total;
}

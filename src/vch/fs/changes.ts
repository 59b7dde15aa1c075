/**
 * `docker diff` and the container sizes, read off a union's upper tree (the container's RW layer).
 */
import type { FilesystemChange } from '../engine/docker-types.js';
import { OPAQUE_MARKER, WHITEOUT_PREFIX } from './layer-tree.js';
import { lowerAt } from './union-node.js';
import { childPath } from './path-walk.js';
import type { FileTree } from './file-tree.js';
import type { UnionFs } from './union-fs.js';

/** Prefix of marker names that are not whiteouts of a file (the opaque marker, AUFS metadata). */
const META_PREFIX = '.wh..wh.';

/**
 * The container's changes against its image, in the order docker's walk of the RW layer yields them
 * (names sorted byte-wise at each level, so a whiteout `.wh.x` sorts as ".wh.x"): a whiteout is
 * Kind 2 (deleted) at the name it hides; any other upper entry is Kind 0 (modified) when the image
 * has something at that path, else Kind 1 (added). Every directory the RW layer holds is listed, so
 * the parents of a change show as modified, as docker shows them (an overlayfs upper directory never
 * matches its lower one in size). Mounts are not part of the diff. O(upper entries × depth).
 */
export function changes(union: UnionFs): FilesystemChange[] {
  const out: FilesystemChange[] = [];
  walkChanges(union, '/', out);
  return out;
}

function walkChanges(union: UnionFs, dir: string, out: FilesystemChange[]): void {
  for (const name of union.upper.readdir(dir)) {
    if (name === OPAQUE_MARKER || name.startsWith(META_PREFIX)) continue;
    if (name.startsWith(WHITEOUT_PREFIX)) {
      out.push({ Path: childPath(dir, name.slice(WHITEOUT_PREFIX.length)), Kind: 2 });
      continue;
    }
    const path = childPath(dir, name);
    out.push({ Path: path, Kind: lowerAt(union.lower.root, path) === undefined ? 1 : 0 });
    if (union.upper.lstat(path)?.kind === 'dir') walkChanges(union, path, out);
  }
}

/** Bytes of regular-file content in a tree (markers are empty). O(entries × depth). */
export function treeContentBytes(tree: FileTree, dir = '/'): number {
  let total = 0;
  for (const name of tree.readdir(dir)) {
    const path = childPath(dir, name);
    const stat = tree.lstat(path)!;
    if (stat.kind === 'dir') total += treeContentBytes(tree, path);
    else if (stat.kind === 'file') total += stat.size;
  }
  return total;
}

/** Docker's SizeRw: bytes of file content in the container's RW layer. O(upper entries × depth). */
export function upperSize(union: UnionFs): number {
  return treeContentBytes(union.upper);
}

/** Bytes of file content in the image's layers (each layer's content, summed). O(1). */
export function lowerSize(union: UnionFs): number {
  return union.lower.contentBytes;
}

/** Docker's SizeRootFs: the image's layers plus the RW layer. O(upper entries). */
export function rootFsSize(union: UnionFs): number {
  return lowerSize(union) + upperSize(union);
}

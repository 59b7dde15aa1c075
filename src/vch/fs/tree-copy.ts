/**
 * Copies a subtree of any GuestFs into a FileTree, keeping kinds, content, modes, owners and
 * modification times. Used to materialise union subtrees (copy-up on rename) and to flatten a
 * filesystem into a standalone tree.
 */
import { childPath } from './path-walk.js';
import type { FileTree } from './file-tree.js';
import type { GuestFs } from './types.js';

/**
 * Copies `src` at `from` (not following a final symlink) to `to` in `dst`, recursively.
 * Preconditions: `from` exists in `src`; `to` does not exist in `dst` and its parent is a directory.
 * Directory times are set after their children, so they end as in `src`.
 * Cost: O(entries + content bytes) of the subtree.
 */
export function copyInto(src: GuestFs, from: string, dst: FileTree, to: string): void {
  const stat = src.lstat(from);
  if (stat === undefined) return;
  if (stat.kind === 'symlink') dst.symlink(src.readlink(from), to);
  else if (stat.kind === 'file') dst.writeFile(to, src.readFile(from), { mode: stat.mode });
  else {
    dst.mkdir(to, { mode: stat.mode });
    for (const name of src.readdir(from)) copyInto(src, childPath(from, name), dst, childPath(to, name));
  }
  dst.setMeta(to, { mode: stat.mode, uid: stat.uid, gid: stat.gid, mtimeMs: stat.mtimeMs });
}

/**
 * A standalone FileTree with the same content as `src` (e.g. the merged view of an image's layers).
 * Cost: O(entries + content bytes).
 */
export function flattenToTree(src: GuestFs, dst: FileTree): FileTree {
  for (const name of src.readdir('/')) copyInto(src, childPath('/', name), dst, childPath('/', name));
  const root = src.stat('/');
  if (root) dst.setMeta('/', { mode: root.mode, uid: root.uid, gid: root.gid, mtimeMs: root.mtimeMs });
  return dst;
}

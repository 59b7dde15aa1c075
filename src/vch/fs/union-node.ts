/**
 * What a union path resolves to: the container's upper entry, the visible lower (image) entry, or an
 * entry of a mounted filesystem. A directory present in both upper and lower is merged; any other
 * upper entry hides the lower one. Lookups cost O(1) a component (map lookups in the upper tree,
 * the mount table and the cached merged lower index).
 */
import type { TreeDir, TreeNode } from './file-tree.js';
import { OPAQUE_MARKER, WHITEOUT_PREFIX } from './layer-tree.js';
import type { MergedDir, MergedNode } from './layer-stack.js';
import { statOfNode, type LinkNode } from './nodes.js';
import { childPath, type WalkAdapter } from './path-walk.js';
import type { FileKind, FileStat, GuestFs } from './types.js';

/** An entry of a mounted filesystem: `sub` is its path inside `fs`; `stat` its lstat. */
export interface MountedEntry {
  readonly fs: GuestFs;
  readonly sub: string;
  readonly stat: FileStat;
}

/** A resolved union entry at canonical `path`. Exactly one of mount / (upper or lower) is set. */
export interface UnionNode {
  readonly path: string;
  readonly upper?: TreeNode;
  readonly lower?: MergedNode;
  readonly mount?: MountedEntry;
}

/** True for names the union reserves for its markers (`.wh.*`). */
export function isReservedName(name: string): boolean {
  return name.startsWith(WHITEOUT_PREFIX);
}

/** True when an upper directory is opaque (hides everything below it). */
export function isOpaque(upper: TreeNode | undefined): boolean {
  return upper?.kind === 'dir' && upper.children.has(OPAQUE_MARKER);
}

/**
 * The lower entry `name` of union directory `dir` as the union would show it if the upper had no
 * entry of that name: undefined when hidden by a whiteout or an opaque directory. O(1).
 */
export function visibleLowerChild(dir: UnionNode, name: string): MergedNode | undefined {
  if (dir.lower?.kind !== 'dir' || isOpaque(dir.upper)) return undefined;
  if (dir.upper?.kind === 'dir' && dir.upper.children.has(WHITEOUT_PREFIX + name)) return undefined;
  return dir.lower.child(name);
}

/** The kind of a union entry. */
export function kindOf(node: UnionNode): FileKind {
  return node.mount ? node.mount.stat.kind : (node.upper ?? node.lower)!.kind;
}

/** The lstat of a union entry. */
export function statOf(node: UnionNode): FileStat {
  if (node.mount) return node.mount.stat;
  const entry = (node.upper ?? node.lower)!;
  return statOfNode(entry.kind, entry.meta, entry as { content?: Uint8Array; target?: string });
}

/** A symlink's target. Precondition: `node` is a symlink. */
export function linkTargetOf(node: UnionNode): string {
  if (node.mount) return node.mount.fs.readlink(node.mount.sub);
  return ((node.upper ?? node.lower) as LinkNode).target;
}

/** Names in a union directory, sorted, markers excluded. O(entries log entries). */
export function unionNames(dir: UnionNode): string[] {
  if (dir.mount) return dir.mount.fs.readdir(dir.mount.sub);
  const names = new Set<string>();
  const upper = dir.upper?.kind === 'dir' ? dir.upper : undefined;
  if (upper) for (const name of upper.children.keys()) if (!isReservedName(name)) names.add(name);
  if (dir.lower?.kind === 'dir' && !isOpaque(upper)) {
    for (const name of dir.lower.names()) if (!upper?.children.has(WHITEOUT_PREFIX + name)) names.add(name);
  }
  return [...names].sort();
}

/** The walk adapter of a union: its root, and the mount table keyed by canonical path. */
export function unionAdapter(root: () => UnionNode, mounts: ReadonlyMap<string, GuestFs>): WalkAdapter<UnionNode> {
  return {
    root,
    child: (dir, name) => unionChild(dir, name, mounts),
    kind: kindOf,
    target: linkTargetOf,
  };
}

function unionChild(dir: UnionNode, name: string, mounts: ReadonlyMap<string, GuestFs>): UnionNode | undefined {
  const path = childPath(dir.path, name);
  if (dir.mount) {
    const sub = childPath(dir.mount.sub, name);
    const stat = dir.mount.fs.lstat(sub);
    return stat && { path, mount: { fs: dir.mount.fs, sub, stat } };
  }
  const mounted = mounts.get(path);
  if (mounted) return { path, mount: { fs: mounted, sub: '/', stat: mounted.stat('/')! } };
  if (isReservedName(name)) return undefined;
  const upper = dir.upper?.kind === 'dir' ? (dir.upper as TreeDir).children.get(name) : undefined;
  const lower = visibleLowerChild(dir, name);
  if (upper) return upper.kind === 'dir' && lower?.kind === 'dir' ? { path, upper, lower } : { path, upper };
  return lower && { path, lower };
}

/** The merged lower directory at canonical `path`, ignoring the upper layer, or undefined. O(depth). */
export function lowerAt(root: MergedDir, path: string): MergedNode | undefined {
  let node: MergedNode | undefined = root;
  for (const name of path.split('/').filter((part) => part !== '')) node = node?.kind === 'dir' ? node.child(name) : undefined;
  return node;
}

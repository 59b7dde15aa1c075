/**
 * The node shapes shared by the mutable tree (file-tree.ts), image layers (layer-tree.ts) and the
 * merged lower index (layer-stack.ts). Files and symlinks are immutable values: a change makes a new
 * node, so trees, layers and snapshots can share them freely. Directories differ per tree kind.
 */
import type { FileKind, FileStat } from './types.js';

/** Metadata every node carries. `mode` holds permission bits only (mode & 0o7777). */
export interface NodeMeta {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Modification time, ms since the epoch (simulated). */
  readonly mtimeMs: number;
}

/** A regular file. Its content is never mutated once the node exists. */
export interface FileNode {
  readonly kind: 'file';
  readonly meta: NodeMeta;
  readonly content: Uint8Array;
}

/** A symbolic link; `target` is stored as written. */
export interface LinkNode {
  readonly kind: 'symlink';
  readonly meta: NodeMeta;
  readonly target: string;
}

/** Reported size of a directory, as ext4 reports a one-block directory. */
export const DIR_SIZE = 4096;

/** Default permission bits of new files, directories and symlinks (no umask is modelled). */
export const DEFAULT_FILE_MODE = 0o644;
export const DEFAULT_DIR_MODE = 0o755;
export const SYMLINK_MODE = 0o777;

const encoder = new TextEncoder();

/** Byte length of a symlink target (what lstat reports as its size). O(target length). */
export function targetBytes(target: string): number {
  return encoder.encode(target).length;
}

/** The FileStat of a node of any tree. O(1) except a symlink's target length. */
export function statOfNode(kind: FileKind, meta: NodeMeta, payload: { readonly content?: Uint8Array; readonly target?: string }): FileStat {
  const base = { kind, mode: meta.mode, mtimeMs: meta.mtimeMs, uid: meta.uid, gid: meta.gid };
  if (kind === 'file') return { ...base, size: payload.content?.length ?? 0 };
  if (kind === 'symlink') return { ...base, size: targetBytes(payload.target ?? ''), linkTarget: payload.target ?? '' };
  return { ...base, size: DIR_SIZE };
}

/** Encodes string data as UTF-8, or copies bytes so the caller's buffer can change afterwards. */
export function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? encoder.encode(data) : data.slice();
}

/**
 * The filesystem a container's guest sees: a POSIX-like, synchronous, in-memory tree. The union of
 * an image's layers and the container's read-write layer implements it (union-fs.ts), and so does a
 * single mutable tree (file-tree.ts). Paths are absolute and slash-separated; `.`/`..` are resolved
 * lexically after symlinks, as Linux does. Errors are {@link FsError}s with POSIX codes so the guest
 * can word them as busybox does.
 */
import { VicsimError } from '../../sim/errors.js';

/** What a path names. */
export type FileKind = 'file' | 'dir' | 'symlink';

/** A file's metadata (`stat(2)` subset). */
export interface FileStat {
  readonly kind: FileKind;
  /** Permission bits (e.g. 0o755), without the type bits. */
  readonly mode: number;
  /** Bytes of content; a symlink's target length; 4096 for a directory. */
  readonly size: number;
  /** Modification time, ms since the epoch (simulated time). */
  readonly mtimeMs: number;
  readonly uid: number;
  readonly gid: number;
  /** A symlink's target (lstat only). */
  readonly linkTarget?: string;
}

/** POSIX error codes the guest filesystem raises. */
export type FsErrorCode = 'ENOENT' | 'EEXIST' | 'ENOTDIR' | 'EISDIR' | 'ENOTEMPTY' | 'EINVAL' | 'ELOOP' | 'EROFS' | 'ENOSPC';

const FS_MESSAGES: Record<FsErrorCode, string> = {
  ENOENT: 'No such file or directory',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ENOTEMPTY: 'Directory not empty',
  EINVAL: 'Invalid argument',
  ELOOP: 'Symbolic link loop',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
};

/** A filesystem call failed; `errno` is the POSIX code, `path` the path it was about. */
export class FsError extends VicsimError {
  constructor(
    readonly errno: FsErrorCode,
    readonly path: string,
  ) {
    super('FileSystemError', `${path}: ${FS_MESSAGES[errno]}`);
  }

  /** The strerror text, e.g. "No such file or directory" (busybox prints `cat: can't open 'x': <this>`). */
  get reason(): string {
    return FS_MESSAGES[this.errno];
  }
}

/** Options of {@link GuestFs.writeFile}. */
export interface WriteOptions {
  /** Append instead of replacing. */
  readonly append?: boolean;
  /** Mode of a new file (default 0o644). */
  readonly mode?: number;
}

/**
 * A guest's filesystem. Every method throws {@link FsError}; none is partial (a failed call changes
 * nothing). `stat`, `readFile` and `readdir` follow symlinks; `lstat`, `readlink` and `remove` do not.
 */
export interface GuestFs {
  /** Metadata after following symlinks, or undefined when the path does not resolve. */
  stat(path: string): FileStat | undefined;
  /** Metadata of the path itself, or undefined. */
  lstat(path: string): FileStat | undefined;
  /** A regular file's content. ENOENT, EISDIR. */
  readFile(path: string): Uint8Array;
  /** Creates or replaces (or appends to) a regular file; its parent must be a directory. */
  writeFile(path: string, data: Uint8Array | string, opts?: WriteOptions): void;
  /** Names in a directory, sorted, without `.` and `..`. ENOENT, ENOTDIR. */
  readdir(path: string): string[];
  /** Creates a directory; with `recursive` its parents too and no EEXIST for an existing directory. */
  mkdir(path: string, opts?: { readonly recursive?: boolean; readonly mode?: number }): void;
  /** Removes a file, symlink or empty directory; with `recursive` a whole tree. */
  remove(path: string, opts?: { readonly recursive?: boolean }): void;
  /** Moves a file or tree (rename(2) semantics: replaces a file target; a directory target must be empty). */
  rename(from: string, to: string): void;
  /** Creates a symlink at `path` pointing to `target` (stored as given). */
  symlink(target: string, path: string): void;
  /** A symlink's target. EINVAL when not a symlink. */
  readlink(path: string): string;
  /** The canonical absolute path, all symlinks resolved. ENOENT. */
  realpath(path: string): string;
  /** Sets permission bits. */
  chmod(path: string, mode: number): void;
  /** Sets the modification time (touch). */
  utimes(path: string, mtimeMs: number): void;
}

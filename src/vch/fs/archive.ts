/**
 * Tars out of and into guest filesystems: the bodies of GET/PUT /containers/{id}/archive (docker cp),
 * the X-Docker-Container-Path-Stat header, and `docker export`. Works on any GuestFs; reuses the
 * layer tar reader and writer. Ownership is kept when reading; extraction leaves new entries to the
 * filesystem's owner (docker cp's default without -a). Hardlinks extract as copies (GuestFs has no
 * link()), and symlinks carry the extraction time (GuestFs has no lutimes).
 */
import type { PathStat } from '../engine/docker-types.js';
import { readLayerTar, writeLayerTar, type LayerEntry } from '../archive/layer-tar.js';
import { childPath, lastComponent } from './path-walk.js';
import { planExtraction } from './extract-plan.js';
import { UnionFs } from './union-fs.js';
import { FsError, type FileStat, type GuestFs } from './types.js';

/** Go's os.ModeDir, os.ModeSymlink, os.ModeSetuid, os.ModeSetgid and os.ModeSticky. */
export const GO_MODE_DIR = 2 ** 31;
export const GO_MODE_SYMLINK = 2 ** 27;
const GO_MODE_SETUID = 2 ** 23;
const GO_MODE_SETGID = 2 ** 22;
const GO_MODE_STICKY = 2 ** 20;

/** tar-stream writes mtime as a signed 32-bit number of seconds. */
const MAX_TAR_SECONDS = 2 ** 31 - 1;

/** A stat's mode as a Go FileMode (type bits above 2^20, so built with +, not |, to stay unsigned). */
export function goFileMode(stat: FileStat): number {
  let mode = stat.mode & 0o777;
  if (stat.mode & 0o4000) mode += GO_MODE_SETUID;
  if (stat.mode & 0o2000) mode += GO_MODE_SETGID;
  if (stat.mode & 0o1000) mode += GO_MODE_STICKY;
  if (stat.kind === 'dir') mode += GO_MODE_DIR;
  if (stat.kind === 'symlink') mode += GO_MODE_SYMLINK;
  return mode;
}

/** ms since the epoch as Go's RFC 3339 (RFC3339Nano: fraction without trailing zeros), UTC. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d*?)0*Z$/, (_, digits: string) => (digits ? `.${digits}Z` : 'Z'));
}

/**
 * The X-Docker-Container-Path-Stat of `path`: the entry itself (a final symlink is not followed;
 * its linkTarget is the path it resolves to, or its target joined lexically when dangling).
 * @throws FsError ENOENT when nothing is there.
 */
export function pathStat(fs: GuestFs, path: string): PathStat {
  const stat = fs.lstat(path);
  if (stat === undefined) throw new FsError('ENOENT', path);
  return { name: baseName(path), size: stat.size, mode: goFileMode(stat), mtime: rfc3339(stat.mtimeMs), linkTarget: stat.kind === 'symlink' ? linkTarget(fs, path) : '' };
}

function baseName(path: string): string {
  const last = lastComponent(path);
  return last === '' ? '/' : last;
}

function linkTarget(fs: GuestFs, path: string): string {
  try {
    return fs.realpath(path);
  } catch {
    const target = fs.readlink(path);
    if (target.startsWith('/')) return target;
    const dir = path.slice(0, path.lastIndexOf('/')) || '/';
    return childPath(fs.realpath(dir), target);
  }
}

/**
 * The body of GET /containers/{id}/archive?path=: `path` (not following a final symlink) as the top
 * entry named by its basename ("." for the root or a path ending in "/."), a directory with its whole
 * subtree, sorted. O(entries + content bytes).
 * @throws FsError ENOENT.
 */
export async function tarPath(fs: GuestFs, path: string): Promise<Uint8Array> {
  if (fs.lstat(path) === undefined) throw new FsError('ENOENT', path);
  const top = lastComponent(path);
  const entries: LayerEntry[] = [];
  collectEntries(fs, path, top === '' || top === '..' ? '.' : top, entries);
  return writeLayerTar(entries);
}

/**
 * `docker export`: every entry of the filesystem, root excluded, sorted; a UnionFs is read without
 * its mounts (volumes are not part of a container's filesystem). O(entries + content bytes).
 */
export async function exportTar(fs: GuestFs): Promise<Uint8Array> {
  const view = fs instanceof UnionFs ? fs.withoutMounts() : fs;
  const entries: LayerEntry[] = [];
  for (const name of view.readdir('/')) collectEntries(view, childPath('/', name), name, entries);
  return writeLayerTar(entries);
}

function collectEntries(fs: GuestFs, path: string, name: string, out: LayerEntry[]): void {
  const stat = fs.lstat(path)!;
  const mtime = Math.min(Math.max(0, Math.floor(stat.mtimeMs / 1000)), MAX_TAR_SECONDS);
  const base = { path: name, mode: stat.mode, uid: stat.uid, gid: stat.gid, mtime, size: 0, linkname: '' };
  if (stat.kind === 'file') {
    const content = fs.readFile(path);
    out.push({ ...base, type: 'file', size: content.length, content });
  } else if (stat.kind === 'symlink') {
    out.push({ ...base, type: 'symlink', linkname: fs.readlink(path) });
  } else {
    out.push({ ...base, type: 'dir' });
    for (const child of fs.readdir(path)) collectEntries(fs, childPath(path, child), name === '.' ? child : `${name}/${child}`, out);
  }
}

/** Options of {@link extractTar} (PUT archive's query). */
export interface ExtractOptions {
  /** Refuse to replace a directory with a non-directory or the reverse. */
  readonly noOverwriteDirNonDir?: boolean;
}

/**
 * PUT /containers/{id}/archive?path=: extracts a tar into directory `dir` (followed if a symlink).
 * All or nothing: the whole archive is validated against the filesystem before anything is written.
 * Entries replace what is at their path (a directory merges into an existing directory); missing
 * parents are created; modes and mtimes are applied, directory times after their content.
 * O(entries × depth + content bytes).
 * @throws ImageArchiveError for bytes that are not a tar; FsError ENOENT/ENOTDIR when `dir` is not a
 *   directory; UnsafeArchivePathError for a name or link escaping `dir`; ArchiveConflictError.
 */
export async function extractTar(fs: GuestFs, dir: string, tar: Uint8Array, opts: ExtractOptions = {}): Promise<void> {
  const entries = await readLayerTar(tar);
  const dirStat = fs.stat(dir);
  if (dirStat === undefined) throw new FsError('ENOENT', dir);
  if (dirStat.kind !== 'dir') throw new FsError('ENOTDIR', dir);
  const base = fs.realpath(dir);
  const steps = planExtraction(fs, base, entries, opts.noOverwriteDirNonDir ?? false);
  const dirTimes: Array<[string, number]> = [];
  for (const { entry, target, linkSource } of steps) {
    const parent = target.slice(0, target.lastIndexOf('/')) || '/';
    fs.mkdir(parent, { recursive: true });
    const existing = fs.lstat(target);
    if (existing && !(existing.kind === 'dir' && entry.type === 'dir')) fs.remove(target, { recursive: true });
    if (entry.type === 'symlink') {
      fs.symlink(entry.linkname, target);
      continue;
    }
    if (entry.type === 'dir') {
      if (!existing || existing.kind !== 'dir') fs.mkdir(target, { mode: entry.mode });
      dirTimes.push([target, entry.mtime * 1000]);
    } else {
      const content = linkSource ? fs.readFile(linkSource) : (entry.content ?? new Uint8Array(0));
      fs.writeFile(target, content, { mode: entry.mode });
      fs.utimes(target, entry.mtime * 1000);
    }
    fs.chmod(target, entry.mode);
  }
  for (const [path, mtimeMs] of dirTimes.reverse()) fs.utimes(path, mtimeMs);
}

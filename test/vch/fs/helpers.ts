/** Builders of layer entries and an observable dump of any guest filesystem, for the fs tests. */
import type { LayerEntry } from '../../../src/vch/archive/layer-tar.js';
import { FsError, type FsErrorCode, type GuestFs } from '../../../src/vch/fs/index.js';

const encoder = new TextEncoder();

/** A file entry. */
export function file(path: string, content: string, mode = 0o644, mtime = 1000): LayerEntry {
  const bytes = encoder.encode(content);
  return { path, type: 'file', mode, uid: 0, gid: 0, mtime, size: bytes.length, linkname: '', content: bytes };
}

/** A directory entry. */
export function dir(path: string, mode = 0o755, mtime = 1000): LayerEntry {
  return { path, type: 'dir', mode, uid: 0, gid: 0, mtime, size: 0, linkname: '' };
}

/** A symlink entry. */
export function symlink(path: string, target: string): LayerEntry {
  return { path, type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtime: 1000, size: 0, linkname: target };
}

/** A hardlink entry. */
export function hardlink(path: string, target: string): LayerEntry {
  return { path, type: 'hardlink', mode: 0o644, uid: 0, gid: 0, mtime: 1000, size: 0, linkname: target };
}

/** A whiteout of `path` (`dir/.wh.name`). */
export function whiteout(path: string): LayerEntry {
  const cut = path.lastIndexOf('/');
  const name = cut < 0 ? `.wh.${path}` : `${path.slice(0, cut)}/.wh.${path.slice(cut + 1)}`;
  return { path: name, type: 'file', mode: 0, uid: 0, gid: 0, mtime: 1000, size: 0, linkname: '', content: new Uint8Array(0) };
}

/** The opaque marker of directory `path`. */
export function opaque(path: string): LayerEntry {
  return { ...whiteout(`${path}/x`), path: `${path}/.wh..wh..opq` };
}

/** Everything observable about a tree: path → kind, mode, owner, mtime and content or target. */
export function dump(fs: GuestFs, path = '/', out: Record<string, string> = {}): Record<string, string> {
  const stat = fs.lstat(path)!;
  let payload = '';
  if (stat.kind === 'file') payload = new TextDecoder().decode(fs.readFile(path));
  if (stat.kind === 'symlink') payload = `-> ${fs.readlink(path)}`;
  out[path] = `${stat.kind} ${stat.mode.toString(8)} ${stat.uid}:${stat.gid} t=${stat.mtimeMs} ${payload}`;
  if (stat.kind === 'dir') for (const name of fs.readdir(path)) dump(fs, path === '/' ? `/${name}` : `${path}/${name}`, out);
  return out;
}

/** The text of a file. */
export function text(fs: GuestFs, path: string): string {
  return new TextDecoder().decode(fs.readFile(path));
}

/** The errno a call throws (fails the test when it does not throw an FsError). */
export function errnoOf(fn: () => unknown): FsErrorCode {
  try {
    fn();
  } catch (error) {
    if (error instanceof FsError) return error.errno;
    throw error;
  }
  throw new Error('expected an FsError');
}

/** A settable simulated clock for `now`. */
export function manualClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

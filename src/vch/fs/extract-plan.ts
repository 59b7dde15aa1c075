/**
 * Validation of a tar before extraction (docker's breakout checks, plus dir/non-dir conflicts), so
 * that extraction either fails before writing or writes everything.
 */
import type { LayerEntry } from '../archive/layer-tar.js';
import { ArchiveConflictError, UnsafeArchivePathError } from './errors.js';
import { childPath } from './path-walk.js';
import type { GuestFs } from './types.js';

/** One validated entry: where it goes, and for a hardlink the guest path whose content it copies. */
export interface ExtractionStep {
  readonly entry: LayerEntry;
  readonly target: string;
  readonly linkSource?: string;
}

type PlannedKind = 'dir' | 'other';

/**
 * Lexically cleans a relative path; undefined when `..` climbs above its start. "." for the start itself.
 */
export function cleanRelative(path: string): string | undefined {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.length === 0 ? '.' : out.join('/');
}

/**
 * Checks every entry against `base` (a canonical directory of `fs`) and the entries before it:
 * names and hardlink targets must stay inside `base`, relative symlink targets must not climb out of
 * it (absolute ones resolve inside the container, as docker allows), parents must be (or become)
 * directories, and with `noOverwriteDirNonDir` no directory may replace a non-directory or the
 * reverse. Nothing is written. O(entries × depth) lookups.
 * @throws UnsafeArchivePathError, ArchiveConflictError.
 */
export function planExtraction(fs: GuestFs, base: string, entries: readonly LayerEntry[], noOverwriteDirNonDir: boolean): ExtractionStep[] {
  const planned = new Map<string, PlannedKind>([['.', 'dir']]);
  const kindAt = (rel: string): PlannedKind | undefined => planned.get(rel) ?? existingKind(fs, guestPath(base, rel));
  const steps: ExtractionStep[] = [];
  for (const entry of entries) {
    const rel = cleanRelative(entry.path);
    if (rel === undefined) throw new UnsafeArchivePathError(entry.path, `archive entry "${entry.path}" is outside of "${base}"`);
    const kind: PlannedKind = entry.type === 'dir' ? 'dir' : 'other';
    if (rel === '.') {
      if (kind !== 'dir') throw new ArchiveConflictError(base, `cannot overwrite directory "${base}" with non-directory "${entry.path}"`);
      continue;
    }
    checkLinks(entry, rel, base, kindAt);
    checkParents(rel, base, kindAt, planned);
    const target = guestPath(base, rel);
    const existing = planned.get(rel) ?? lexistingKind(fs, target);
    if (noOverwriteDirNonDir && existing !== undefined && existing !== kind) {
      const [what, by] = existing === 'dir' ? ['directory', 'non-directory'] : ['non-directory', 'directory'];
      throw new ArchiveConflictError(target, `cannot overwrite ${what} "${target}" with ${by} "${entry.path}"`);
    }
    planned.set(rel, kind);
    const linkRel = entry.type === 'hardlink' ? cleanRelative(entry.linkname) : undefined;
    steps.push(linkRel === undefined ? { entry, target } : { entry, target, linkSource: guestPath(base, linkRel) });
  }
  return steps;
}

function checkLinks(entry: LayerEntry, rel: string, base: string, kindAt: (rel: string) => PlannedKind | undefined): void {
  if (entry.type === 'hardlink') {
    const link = cleanRelative(entry.linkname);
    if (link === undefined) throw new UnsafeArchivePathError(entry.path, `invalid hardlink "${entry.path}" -> "${entry.linkname}": outside of "${base}"`);
    if (kindAt(link) !== 'other') throw new ArchiveConflictError(guestPath(base, rel), `hardlink "${entry.path}" -> "${entry.linkname}": no such file`);
  }
  if (entry.type === 'symlink' && !entry.linkname.startsWith('/')) {
    const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
    if (cleanRelative(`${dir}/${entry.linkname}`) === undefined) {
      throw new UnsafeArchivePathError(entry.path, `invalid symlink "${entry.path}" -> "${entry.linkname}": outside of "${base}"`);
    }
  }
}

function checkParents(rel: string, base: string, kindAt: (rel: string) => PlannedKind | undefined, planned: Map<string, PlannedKind>): void {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const ancestor = parts.slice(0, i).join('/');
    const kind = kindAt(ancestor);
    if (kind === 'other') throw new ArchiveConflictError(guestPath(base, ancestor), `cannot extract "${rel}": "${guestPath(base, ancestor)}" is not a directory`);
    if (kind === undefined) planned.set(ancestor, 'dir');
  }
}

function existingKind(fs: GuestFs, path: string): PlannedKind | undefined {
  if (fs.stat(path)?.kind === 'dir') return 'dir';
  return fs.lstat(path) === undefined ? undefined : 'other';
}

function lexistingKind(fs: GuestFs, path: string): PlannedKind | undefined {
  const stat = fs.lstat(path);
  return stat === undefined ? undefined : stat.kind === 'dir' ? 'dir' : 'other';
}

function guestPath(base: string, rel: string): string {
  return rel === '.' ? base : childPath(base, rel);
}

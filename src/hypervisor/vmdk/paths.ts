/**
 * Disk file names. A disk is named by the path of its descriptor, written as vSphere writes
 * datastore paths (`[datastore1] VIC/<uuid>/images/<id>/<id>.vmdk`) or as any path ending in
 * `.vmdk`; its data lives in an extent file next to it (`<id>-flat.vmdk`, `<id>-sesparse.vmdk`,
 * `<id>-delta.vmdk`). A child names its parent relative to its own directory when they share one,
 * by full path otherwise, as ESXi's parentFileNameHint does.
 */
import { InvalidArgumentError } from '../../sim/errors.js';

const VMDK_SUFFIX = '.vmdk';
const DELTA_NUMBER_RE = /-\d{6}$/;

/** A descriptor path cut into its directory (with its trailing separator, possibly empty) and file name. */
export function splitDiskPath(path: string): { readonly dir: string; readonly file: string } {
  const cut = fileNameStart(path);
  return { dir: path.slice(0, cut), file: path.slice(cut) };
}

/** Where the file name of a descriptor path starts (the length of its directory part). O(length). */
function fileNameStart(path: string): number {
  const slash = path.lastIndexOf('/');
  if (slash >= 0) return slash + 1;
  const bracket = path.startsWith('[') ? path.indexOf('] ') : -1;
  return bracket >= 0 ? bracket + 2 : 0;
}


/**
 * Checks that `path` names a descriptor: a non-empty file name ending in `.vmdk`, free of double
 * quotes and line breaks (it is written into descriptor text).
 * @throws InvalidArgumentError otherwise.
 */
export function checkDiskPath(path: string): void {
  const fileLength = path.length - fileNameStart(path);
  // A disk path is written into descriptor text between double quotes: no quote, no line break.
  if (fileLength <= VMDK_SUFFIX.length || !path.endsWith(VMDK_SUFFIX) || path.includes('"') || path.includes('\n') || path.includes('\r')) {
    throw new InvalidArgumentError('path', `a disk path names a .vmdk descriptor file, got "${path}"`);
  }
}

/** The descriptor file name without `.vmdk`. Precondition: {@link checkDiskPath} accepted `path`. */
export function diskStem(path: string): string {
  return splitDiskPath(path).file.slice(0, -VMDK_SUFFIX.length);
}

/** What an extent's name puts after the descriptor's stem, per extent kind. */
const EXTENT_SUFFIX = { flat: `-flat${VMDK_SUFFIX}`, sesparse: `-sesparse${VMDK_SUFFIX}`, delta: `-delta${VMDK_SUFFIX}` } as const;

/**
 * The extent file's name (relative to the descriptor's directory) for a disk of that extent kind.
 * Precondition: {@link checkDiskPath} accepted `path`. O(length), one slice.
 */
export function extentFileName(path: string, kind: 'flat' | 'sesparse' | 'delta'): string {
  return path.slice(fileNameStart(path), path.length - VMDK_SUFFIX.length) + EXTENT_SUFFIX[kind];
}

/** The extent file's full path. Precondition: {@link checkDiskPath} accepted `path`. O(length), one slice. */
export function extentPath(path: string, kind: 'flat' | 'sesparse' | 'delta'): string {
  return path.slice(0, path.length - VMDK_SUFFIX.length) + EXTENT_SUFFIX[kind];
}

/** The parentFileNameHint a child at `childPath` writes for `parentPath`. O(length), no directory strings. */
export function parentHint(childPath: string, parentPath: string): string {
  const cut = fileNameStart(parentPath);
  if (cut !== fileNameStart(childPath)) return parentPath;
  for (let i = 0; i < cut; i++) if (parentPath.charCodeAt(i) !== childPath.charCodeAt(i)) return parentPath;
  return parentPath.slice(cut);
}

/** The parent path a parentFileNameHint means, read from a child at `childPath`. */
export function resolveParentHint(childPath: string, hint: string): string {
  return hint.startsWith('[') || hint.startsWith('/') ? hint : splitDiskPath(childPath).dir + hint;
}

/**
 * ESXi's name for the `n`-th delta of a disk: `vm.vmdk` (or `vm-000003.vmdk`) → `vm-00000n.vmdk`,
 * in the same directory. Precondition: 1 ≤ n ≤ 999999 and {@link checkDiskPath} accepted `path`.
 */
export function numberedDeltaPath(path: string, n: number): string {
  const stem = diskStem(path).replace(DELTA_NUMBER_RE, '');
  return `${splitDiskPath(path).dir}${stem}-${String(n).padStart(6, '0')}${VMDK_SUFFIX}`;
}

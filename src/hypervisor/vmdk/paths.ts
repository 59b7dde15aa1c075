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

/** The kind of file a disk's data lives in: a base's flat extent, or a delta's SEsparse or vmfsSparse (`-delta`) one. */
export type ExtentKind = 'flat' | 'sesparse' | 'delta';

/** The extent kind of a base (`isBase`) or a delta of that sparse format. O(1). */
export function extentKindOf(isBase: boolean, format: 'seSparse' | 'vmfsSparse'): ExtentKind {
  if (isBase) return 'flat';
  return format === 'seSparse' ? 'sesparse' : 'delta';
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
  const cut = hintStart(childPath, parentPath);
  return cut === 0 ? parentPath : parentPath.slice(cut);
}

/** UTF-8 bytes of {@link parentHint}, without making the string. O(length). */
export function parentHintByteLength(childPath: string, parentPath: string): number {
  return utf8Length(parentPath, hintStart(childPath, parentPath), parentPath.length);
}

/** UTF-8 bytes of {@link extentFileName}, without making the string. Same precondition. O(length). */
export function extentFileNameByteLength(path: string, kind: 'flat' | 'sesparse' | 'delta'): number {
  return utf8Length(path, fileNameStart(path), path.length - VMDK_SUFFIX.length) + EXTENT_SUFFIX[kind].length;
}

/** Where a parent's hint starts in its path: after the directory it shares with the child, else 0. */
function hintStart(childPath: string, parentPath: string): number {
  const cut = fileNameStart(parentPath);
  if (cut !== fileNameStart(childPath)) return 0;
  for (let i = 0; i < cut; i++) if (parentPath.charCodeAt(i) !== childPath.charCodeAt(i)) return 0;
  return cut;
}

/** UTF-8 bytes of `s.slice(from, to)` (lone surrogates as U+FFFD, 3 bytes, as Buffer.byteLength counts them). O(to − from). */
function utf8Length(s: string, from: number, to: number): number {
  let bytes = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < to && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
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

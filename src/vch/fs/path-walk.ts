/**
 * Path resolution shared by every GuestFs here: a walk over any node graph through a small adapter.
 * Symlinks are followed as Linux does (relative targets from the link's directory, absolute ones
 * from the root, at most {@link MAX_SYMLINKS} per resolution); `..` goes to the parent of the
 * directory actually reached, so it is applied after symlinks, not lexically on the input.
 */
import { FsError, type FileKind } from './types.js';

/** Linux's MAXSYMLINKS: symlinks one resolution may follow before ELOOP. */
export const MAX_SYMLINKS = 40;

/** How a walk sees a node graph. `child` is only called on directories. */
export interface WalkAdapter<N> {
  root(): N;
  child(dir: N, name: string): N | undefined;
  kind(node: N): FileKind;
  target(link: N): string;
}

/**
 * A resolved path: `dirs[i + 1]` is the child `names[i]` of `dirs[i]`; `dirs[0]` is the root; the
 * final component is `names[names.length - 1]` inside `dirs[dirs.length - 1]`, and `node` is it
 * (undefined when only the final component is missing). For the root itself `dirs` and `names` are empty.
 */
export interface Walked<N> {
  readonly dirs: readonly N[];
  readonly names: readonly string[];
  readonly node: N | undefined;
}

/** Path components of `path`, without empty ones (so "/a//b/" is ["a", "b"]). Relative paths start at the root. */
export function splitPath(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}

/** The absolute path of canonical component names. */
export function joinNames(names: readonly string[]): string {
  return '/' + names.join('/');
}

/** `dir` + "/" + `name` for an absolute directory path. */
export function childPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/** The last lexical component of a path ("" for the root); "." and ".." are returned as such. */
export function lastComponent(path: string): string {
  const parts = splitPath(path);
  return parts[parts.length - 1] ?? '';
}

/**
 * Resolves `path`. Intermediate symlinks are always followed; the last one only with `followLast`.
 * Cost: O(components + followed link targets) adapter calls.
 * @throws FsError ENOENT (a missing intermediate directory), ENOTDIR, ELOOP.
 */
export function walkPath<N>(adapter: WalkAdapter<N>, path: string, followLast: boolean): Walked<N> {
  const walked = tryWalkPath(adapter, path, followLast);
  if (typeof walked === 'string') throw new FsError(walked, path);
  return walked;
}

/**
 * {@link walkPath} that returns the errno instead of throwing it: lookups that only ask whether a
 * path exists (stat, PATH search) make no error object. Same cost.
 */
export function tryWalkPath<N>(adapter: WalkAdapter<N>, path: string, followLast: boolean): Walked<N> | 'ENOENT' | 'ENOTDIR' | 'ELOOP' {
  const pending = splitPath(path).reverse();
  let stack: N[] = [adapter.root()];
  let names: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.pop()!;
    const current = stack[stack.length - 1]!;
    if (adapter.kind(current) !== 'dir') return 'ENOTDIR';
    if (part === '.') continue;
    if (part === '..') {
      if (stack.length > 1) {
        stack.pop();
        names.pop();
      }
      continue;
    }
    const next = adapter.child(current, part);
    if (next === undefined) return pending.length === 0 ? { dirs: stack, names: [...names, part], node: undefined } : 'ENOENT';
    if (adapter.kind(next) === 'symlink' && (pending.length > 0 || followLast)) {
      if (++links > MAX_SYMLINKS) return 'ELOOP';
      const target = adapter.target(next);
      if (target === '') return 'ENOENT';
      if (target.startsWith('/')) {
        stack = [adapter.root()];
        names = [];
      }
      pending.push(...splitPath(target).reverse());
      continue;
    }
    stack.push(next);
    names.push(part);
  }
  return { dirs: stack.slice(0, -1), names, node: stack[stack.length - 1] };
}

/** True when the last lexical component is "." or ".." (such a path cannot be created or removed). */
export function endsInDots(path: string): boolean {
  const last = lastComponent(path);
  return last === '.' || last === '..';
}

/**
 * mkdir -p over any filesystem: finds the first missing prefix, failing before any change when a
 * prefix exists and is not a directory, then creates the rest with `mkdirOne`.
 * Cost: O(components²) lookups (each prefix resolves from the root).
 * @throws FsError EEXIST naming the prefix that is not a directory.
 */
export function mkdirParents(
  fs: { stat(path: string): { readonly kind: FileKind } | undefined; lstat(path: string): unknown },
  path: string,
  mkdirOne: (prefix: string) => void,
): void {
  const parts = splitPath(path);
  let first = parts.length + 1;
  for (let i = 1; i <= parts.length; i++) {
    const prefix = joinNames(parts.slice(0, i));
    if (fs.stat(prefix)?.kind === 'dir') continue;
    if (fs.lstat(prefix) !== undefined) throw new FsError('EEXIST', prefix);
    first = i;
    break;
  }
  for (let i = first; i <= parts.length; i++) {
    const prefix = joinNames(parts.slice(0, i));
    if (fs.stat(prefix)?.kind !== 'dir') mkdirOne(prefix);
  }
}

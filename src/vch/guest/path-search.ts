/** Finding and classifying executables in the guest filesystem, as execve/execvp would. */
import type { GuestFs } from '../fs/types.js';
import { ExecPermissionDeniedError, ExecutableNotFoundError } from './errors.js';
import { baseName, resolvePath } from './paths.js';

/** PATH when the environment has none (docker's default for Linux containers). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** How a resolved executable runs. */
export type ExecutableKind =
  | { readonly kind: 'busybox' }
  | { readonly kind: 'script'; readonly interpreter: string; readonly arg?: string }
  | { readonly kind: 'service' };

function isExecutableFile(fs: GuestFs, path: string): 'ok' | 'denied' | 'missing' {
  const st = fs.stat(path);
  if (!st) return 'missing';
  return st.kind === 'file' && st.mode & 0o111 ? 'ok' : 'denied';
}

/** Every executable file named `name` on `path` (first only unless `all`). O(PATH entries). */
export function findOnPath(fs: GuestFs, name: string, path: string | undefined, cwd: string, all = false): string[] {
  if (name.includes('/')) return isExecutableFile(fs, resolvePath(cwd, name)) === 'ok' ? [name] : [];
  const found: string[] = [];
  for (const dir of (path ?? DEFAULT_PATH).split(':')) {
    const candidate = resolvePath(cwd, `${dir || '.'}/${name}`);
    if (isExecutableFile(fs, candidate) === 'ok') {
      found.push(candidate);
      if (!all) break;
    }
  }
  return found;
}

/**
 * The absolute path execvp would run for `argv0`. A name with a slash is used as is (relative to
 * `cwd`); otherwise PATH (from `env`, default {@link DEFAULT_PATH}) is searched in order.
 * @throws ExecutableNotFoundError when nothing matches (exit 127)
 * @throws ExecPermissionDeniedError for a directory or a file without execute bits (exit 126)
 */
export function resolveExecutable(fs: GuestFs, argv0: string, env: ReadonlyMap<string, string> | readonly string[], cwd: string): string {
  if (argv0 === '') throw new ExecutableNotFoundError(argv0);
  if (argv0.includes('/')) {
    const abs = resolvePath(cwd, argv0);
    const state = isExecutableFile(fs, abs);
    if (state === 'missing') throw new ExecutableNotFoundError(argv0, false);
    if (state === 'denied') throw new ExecPermissionDeniedError(argv0);
    return abs;
  }
  const path = 'get' in env ? env.get('PATH') : env.find((e) => e.startsWith('PATH='))?.slice(5);
  let denied = false;
  for (const dir of (path ?? DEFAULT_PATH).split(':')) {
    const candidate = resolvePath(cwd, `${dir || '.'}/${argv0}`);
    const state = isExecutableFile(fs, candidate);
    if (state === 'ok') return candidate;
    if (state === 'denied' && fs.stat(candidate)?.kind === 'file') denied = true;
  }
  if (denied) throw new ExecPermissionDeniedError(argv0);
  throw new ExecutableNotFoundError(argv0);
}

const BUSYBOX_MARK = new TextEncoder().encode('BusyBox v');
const busyboxContent = new WeakMap<Uint8Array, boolean>();

function containsMark(data: Uint8Array): boolean {
  const cached = busyboxContent.get(data);
  if (cached !== undefined) return cached;
  let found = false;
  outer: for (let i = data.indexOf(BUSYBOX_MARK[0]!); i >= 0 && i <= data.length - BUSYBOX_MARK.length; i = data.indexOf(BUSYBOX_MARK[0]!, i + 1)) {
    for (let j = 1; j < BUSYBOX_MARK.length; j++) if (data[i + j] !== BUSYBOX_MARK[j]) continue outer;
    found = true;
    break;
  }
  busyboxContent.set(data, found);
  return found;
}

/**
 * How an executable file runs: busybox (its realpath is named `busybox`, or its content carries
 * "BusyBox v"), a `#!` script, or anything else (a simulated service). O(file size) the first time a
 * given content array is seen, O(1) after.
 */
export function classifyExecutable(fs: GuestFs, path: string): ExecutableKind {
  if (baseName(fs.realpath(path)) === 'busybox') return { kind: 'busybox' };
  const data = fs.readFile(path);
  if (data[0] === 0x23 && data[1] === 0x21) {
    const end = data.indexOf(10);
    const line = new TextDecoder().decode(data.subarray(2, end < 0 ? Math.min(data.length, 256) : end)).trim();
    const [interpreter = '', ...rest] = line.split(/[ \t]+/);
    return rest.length ? { kind: 'script', interpreter, arg: rest.join(' ') } : { kind: 'script', interpreter };
  }
  return containsMark(data) ? { kind: 'busybox' } : { kind: 'service' };
}

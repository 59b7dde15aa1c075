/** Applies a command's redirections to its standard streams (fds 0, 1 and 2). */
import type { GuestFs } from '../../fs/types.js';
import { FsError } from '../../fs/types.js';
import type { StdIo } from '../context.js';
import { InStream, NULL_OUT, type OutStream } from '../io.js';
import { resolvePath } from '../paths.js';
import type { Redirect } from './ast.js';

/** A redirection failed; the message is ash's (`can't create /x/y: nonexistent directory`). */
export class RedirectError extends Error {}

/** Appends every write to a guest file. */
class FileOut implements OutStream {
  constructor(
    private readonly fs: GuestFs,
    private readonly path: string,
  ) {}
  async write(data: Uint8Array | string): Promise<void> {
    this.fs.writeFile(this.path, data, { append: true });
  }
}

type Fds = [InStream, OutStream, OutStream];

/**
 * Applies redirections in order; `targets[i]` is the expanded target of `redirs[i]`.
 * Output files are created (or truncated) when applied, as open(2) would. @throws RedirectError
 */
export function applyRedirects(fs: GuestFs, cwd: string, io: StdIo, redirs: readonly Redirect[], targets: readonly string[]): StdIo {
  const fds: Fds = [io.stdin, io.stdout, io.stderr];
  redirs.forEach((r, i) => {
    const target = targets[i]!;
    if (r.fd > 2) throw new RedirectError(`${r.fd}: file descriptors above 2 are not supported by the vicsim guest`);
    if (r.op === '>&' || r.op === '<&') return duplicate(fds, r, target);
    if (r.op === '<' || r.op === '<>') {
      if (r.fd !== 0) throw new RedirectError(`${target}: input redirection of fd ${r.fd} is not supported by the vicsim guest`);
      fds[0] = openInput(fs, cwd, target, io);
    } else {
      if (r.fd === 0) throw new RedirectError(`${target}: output redirection of fd 0 is not supported by the vicsim guest`);
      fds[r.fd] = openOutput(fs, cwd, target, r.op === '>>', fds);
    }
  });
  return { stdin: fds[0], stdout: fds[1], stderr: fds[2] };
}

function duplicate(fds: Fds, r: Redirect, target: string): void {
  if (target === '-') {
    if (r.fd === 0) fds[0] = InStream.empty();
    else fds[r.fd as 1 | 2] = NULL_OUT;
    return;
  }
  const from = Number(target);
  if (!/^\d$/.test(target) || from > 2) throw new RedirectError(`${target}: bad file descriptor`);
  if (r.fd === 0 || from === 0) {
    if (r.fd === 0 && from === 0) return;
    throw new RedirectError(`${target}: duplicating between input and output is not supported by the vicsim guest`);
  }
  fds[r.fd as 1 | 2] = fds[from as 1 | 2];
}

function openInput(fs: GuestFs, cwd: string, target: string, io: StdIo): InStream {
  if (target === '/dev/null') return InStream.empty();
  if (target === '/dev/stdin') return io.stdin;
  try {
    return InStream.of(fs.readFile(resolvePath(cwd, target)));
  } catch (e) {
    if (e instanceof FsError) throw new RedirectError(`can't open ${target}: ${e.errno === 'ENOENT' ? 'no such file' : e.reason}`);
    throw e;
  }
}

function openOutput(fs: GuestFs, cwd: string, target: string, append: boolean, fds: Fds): OutStream {
  if (target === '/dev/null') return NULL_OUT;
  if (target === '/dev/stdout') return fds[1];
  if (target === '/dev/stderr') return fds[2];
  const path = resolvePath(cwd, target);
  try {
    if (fs.stat(path)?.kind === 'dir') throw new FsError('EISDIR', path);
    fs.writeFile(path, '', { append });
  } catch (e) {
    if (e instanceof FsError) throw new RedirectError(`can't create ${target}: ${e.errno === 'ENOENT' ? 'nonexistent directory' : e.reason}`);
    throw e;
  }
  return new FileOut(fs, path);
}

import { describe, expect, it } from 'vitest';
import { FileTree, FsError, MAX_SYMLINKS } from '../../../src/vch/fs/index.js';
import { dump, errnoOf, manualClock, text } from './helpers.js';

function tree() {
  const clock = manualClock();
  return { fs: new FileTree({ now: clock.now }), clock };
}

describe('FileTree', () => {
  it('creates, reads, appends and lists files with the injected clock', () => {
    const { fs, clock } = tree();
    fs.mkdir('/etc');
    clock.advance(5000);
    fs.writeFile('/etc/hosts', '127.0.0.1 localhost\n');
    fs.writeFile('/etc/hosts', '::1 localhost\n', { append: true });
    expect(text(fs, '/etc/hosts')).toBe('127.0.0.1 localhost\n::1 localhost\n');
    expect(fs.readdir('/etc')).toEqual(['hosts']);
    expect(fs.stat('/etc/hosts')).toMatchObject({ kind: 'file', mode: 0o644, size: 34, mtimeMs: clock.now(), uid: 0, gid: 0 });
    expect(fs.stat('/etc')?.mtimeMs).toBe(clock.now());
  });

  it('copies content in and out so callers cannot change stored bytes', () => {
    const { fs } = tree();
    const data = new Uint8Array([1, 2, 3]);
    fs.writeFile('/f', data);
    data[0] = 9;
    fs.readFile('/f')[1] = 9;
    expect([...fs.readFile('/f')]).toEqual([1, 2, 3]);
  });

  it('raises POSIX errors and changes nothing when a call fails', () => {
    const { fs } = tree();
    fs.mkdir('/d');
    fs.writeFile('/d/f', 'x');
    const before = dump(fs);
    expect(errnoOf(() => fs.readFile('/missing'))).toBe('ENOENT');
    expect(errnoOf(() => fs.readFile('/d'))).toBe('EISDIR');
    expect(errnoOf(() => fs.readdir('/d/f'))).toBe('ENOTDIR');
    expect(errnoOf(() => fs.writeFile('/d/f/g', 'x'))).toBe('ENOTDIR');
    expect(errnoOf(() => fs.mkdir('/d'))).toBe('EEXIST');
    expect(errnoOf(() => fs.mkdir('/a/b'))).toBe('ENOENT');
    expect(errnoOf(() => fs.remove('/d'))).toBe('ENOTEMPTY');
    expect(errnoOf(() => fs.readlink('/d/f'))).toBe('EINVAL');
    expect(errnoOf(() => fs.mkdir('/d/f/x', { recursive: true }))).toBe('EEXIST');
    expect(dump(fs)).toEqual(before);
  });

  it('words its errors as strerror does', () => {
    const { fs } = tree();
    const error = (() => {
      try {
        fs.readFile('/nope');
      } catch (e) {
        return e as FsError;
      }
    })()!;
    expect(error.message).toBe('/nope: No such file or directory');
    expect(error.reason).toBe('No such file or directory');
  });

  it('creates parents with mkdir -p and accepts an existing directory', () => {
    const { fs } = tree();
    fs.mkdir('/a/b/c', { recursive: true, mode: 0o700 });
    fs.mkdir('/a/b', { recursive: true });
    expect(fs.stat('/a/b/c')).toMatchObject({ kind: 'dir', mode: 0o700 });
  });

  it('renames files and trees with rename(2) rules', () => {
    const { fs } = tree();
    fs.mkdir('/a/b', { recursive: true });
    fs.writeFile('/a/b/f', 'x');
    fs.mkdir('/empty');
    fs.mkdir('/full');
    fs.writeFile('/full/g', 'y');
    expect(errnoOf(() => fs.rename('/a', '/a/b/inside'))).toBe('EINVAL');
    expect(errnoOf(() => fs.rename('/a', '/full'))).toBe('ENOTEMPTY');
    expect(errnoOf(() => fs.rename('/a/b/f', '/empty'))).toBe('EISDIR');
    expect(errnoOf(() => fs.rename('/a', '/full/g'))).toBe('ENOTDIR');
    fs.rename('/a', '/empty');
    expect(text(fs, '/empty/b/f')).toBe('x');
    fs.rename('/empty/b/f', '/full/g');
    expect(text(fs, '/full/g')).toBe('x');
    expect(fs.lstat('/a')).toBeUndefined();
  });

  it('follows relative and absolute symlinks, and .. from where the link led', () => {
    const { fs } = tree();
    fs.mkdir('/usr/lib/x', { recursive: true });
    fs.writeFile('/usr/lib/x/data', 'payload');
    fs.writeFile('/usr/top', 'top');
    fs.mkdir('/lib');
    fs.symlink('../usr/lib', '/lib/rel');
    fs.symlink('/usr/lib/x', '/abs');
    expect(text(fs, '/lib/rel/x/data')).toBe('payload');
    expect(text(fs, '/abs/data')).toBe('payload');
    expect(text(fs, '/abs/../../top')).toBe('top');
    expect(fs.realpath('/lib/rel/x/../x/data')).toBe('/usr/lib/x/data');
    expect(fs.lstat('/abs')).toMatchObject({ kind: 'symlink', linkTarget: '/usr/lib/x', size: 10 });
    expect(fs.stat('/abs')?.kind).toBe('dir');
  });

  it('writes through a dangling symlink to create its target', () => {
    const { fs } = tree();
    fs.symlink('target', '/link');
    expect(fs.stat('/link')).toBeUndefined();
    fs.writeFile('/link', 'made');
    expect(text(fs, '/target')).toBe('made');
    expect(fs.lstat('/link')?.kind).toBe('symlink');
  });

  it('stops at a symlink loop with ELOOP, and allows exactly 40 links in a chain', () => {
    const { fs } = tree();
    fs.symlink('/b', '/a');
    fs.symlink('/a', '/b');
    expect(errnoOf(() => fs.readFile('/a'))).toBe('ELOOP');
    expect(fs.stat('/a')).toBeUndefined();
    fs.writeFile('/end', 'ok');
    fs.symlink('/end', '/l0');
    for (let i = 1; i < MAX_SYMLINKS; i++) fs.symlink(`/l${i - 1}`, `/l${i}`);
    expect(text(fs, `/l${MAX_SYMLINKS - 1}`)).toBe('ok');
    fs.symlink(`/l${MAX_SYMLINKS - 1}`, `/l${MAX_SYMLINKS}`);
    expect(errnoOf(() => fs.readFile(`/l${MAX_SYMLINKS}`))).toBe('ELOOP');
  });

  it('removes a symlink, not its target', () => {
    const { fs } = tree();
    fs.mkdir('/d');
    fs.writeFile('/d/f', 'x');
    fs.symlink('/d', '/link');
    fs.remove('/link');
    expect(text(fs, '/d/f')).toBe('x');
  });

  it('keeps a snapshot unchanged while the original is written, and the reverse', () => {
    const { fs } = tree();
    fs.mkdir('/a/b', { recursive: true });
    fs.writeFile('/a/b/f', 'one');
    const copy = fs.snapshot();
    const before = dump(copy);
    fs.writeFile('/a/b/f', 'two');
    fs.remove('/a/b', { recursive: true });
    fs.chmod('/a', 0o700);
    expect(dump(copy)).toEqual(before);
    copy.writeFile('/a/new', 'x');
    expect(fs.lstat('/a/new')).toBeUndefined();
    expect(text(copy, '/a/b/f')).toBe('one');
  });

  it('sets metadata with chmod, utimes, chown and setMeta (the latter on a symlink itself)', () => {
    const { fs } = tree();
    fs.writeFile('/f', 'x');
    fs.symlink('/f', '/l');
    fs.chmod('/l', 0o4755);
    fs.utimes('/f', 42);
    fs.chown('/f', 1000, 100);
    fs.setMeta('/l', { mtimeMs: 7, uid: 5 });
    expect(fs.stat('/f')).toMatchObject({ mode: 0o4755, mtimeMs: 42, uid: 1000, gid: 100 });
    expect(fs.lstat('/l')).toMatchObject({ mtimeMs: 7, uid: 5, mode: 0o777 });
  });
});

import { describe, expect, it } from 'vitest';
import { FileTree, LayerStack, UnionFs, layerFromEntries } from '../../../src/vch/fs/index.js';
import { ImageArchiveError } from '../../../src/vch/archive/errors.js';
import { dir, dump, errnoOf, file, hardlink, manualClock, opaque, symlink, text, whiteout } from './helpers.js';

const base = layerFromEntries([
  dir('.'),
  dir('bin'),
  file('bin/busybox', 'BB', 0o755),
  symlink('bin/sh', 'busybox'),
  dir('etc'),
  file('etc/passwd', 'root:x:0:0\n'),
  file('etc/motd', 'hello'),
  dir('var/lib/app'),
  file('var/lib/app/old', 'old'),
  file('var/lib/app/keep', 'keep'),
]);
const app = layerFromEntries([
  whiteout('etc/motd'),
  file('etc/app.conf', 'conf'),
  opaque('var/lib/app'),
  file('var/lib/app/new', 'new'),
]);

function container(layers = [base, app]) {
  const clock = manualClock();
  return { fs: UnionFs.create(LayerStack.of(layers), { now: clock.now }), clock };
}

describe('layers', () => {
  it('count content bytes once per hardlinked file', () => {
    const layer = layerFromEntries([file('a', '12345'), hardlink('b', 'a'), file('c', 'xy')]);
    expect(layer.contentBytes).toBe(7);
  });

  it('resolve a hardlink to the same content as its target', () => {
    const fs = container([layerFromEntries([file('a', 'same'), hardlink('dir/b', 'a')])]).fs;
    expect(text(fs, '/dir/b')).toBe('same');
  });

  it('refuse a hardlink to nothing and an entry under a file', () => {
    expect(() => layerFromEntries([hardlink('b', 'missing')])).toThrow(ImageArchiveError);
    expect(() => layerFromEntries([file('a', 'x'), file('a/b', 'y')])).toThrow(ImageArchiveError);
  });

  it('are interned as stacks, so containers on one image share one index', () => {
    expect(LayerStack.of([base, app])).toBe(LayerStack.of([base, app]));
    expect(LayerStack.of([base])).toBe(LayerStack.EMPTY.push(base));
    expect(LayerStack.of([app, base])).not.toBe(LayerStack.of([base, app]));
  });
});

describe('UnionFs reads', () => {
  it('show upper layers over lower ones, honouring whiteouts and opaque directories', () => {
    const { fs } = container();
    expect(fs.readdir('/etc')).toEqual(['app.conf', 'passwd']);
    expect(fs.lstat('/etc/motd')).toBeUndefined();
    expect(fs.readdir('/var/lib/app')).toEqual(['new']);
    expect(text(fs, '/bin/sh')).toBe('BB');
    expect(fs.realpath('/bin/sh')).toBe('/bin/busybox');
  });

  it('let a whiteout hide only lower layers, never an entry of its own layer', () => {
    const layer = layerFromEntries([file('x', 'mine'), whiteout('x')]);
    const fs = container([layerFromEntries([file('x', 'below')]), layer]).fs;
    expect(text(fs, '/x')).toBe('mine');
  });

  it('let an upper file replace a lower directory and the reverse', () => {
    const upperLayer = layerFromEntries([file('etc', 'now a file'), dir('bin/busybox')]);
    const fs = container([base, upperLayer]).fs;
    expect(text(fs, '/etc')).toBe('now a file');
    expect(fs.readdir('/bin/busybox')).toEqual([]);
  });
});

describe('UnionFs writes', () => {
  it('copy a lower file up on write and never change the shared layers', () => {
    const { fs } = container();
    const image = dump(container().fs);
    fs.writeFile('/etc/passwd', 'app:x:1:1\n', { append: true });
    expect(text(fs, '/etc/passwd')).toBe('root:x:0:0\napp:x:1:1\n');
    expect(dump(container().fs)).toEqual(image);
  });

  it('record a whiteout when a lower file is removed, and drop it when the name is created again', () => {
    const { fs } = container();
    fs.remove('/etc/passwd');
    expect(fs.readdir('/etc')).toEqual(['app.conf']);
    expect(fs.upper.readdir('/etc')).toEqual(['.wh.passwd']);
    fs.writeFile('/etc/passwd', 'new');
    expect(text(fs, '/etc/passwd')).toBe('new');
    expect(fs.upper.readdir('/etc')).toEqual(['passwd']);
  });

  it('make a directory recreated over a removed lower directory opaque', () => {
    const { fs } = container();
    fs.remove('/bin', { recursive: true });
    fs.mkdir('/bin');
    expect(fs.readdir('/bin')).toEqual([]);
    expect(fs.upper.readdir('/bin')).toEqual(['.wh..wh..opq']);
    fs.writeFile('/bin/sh', 'mine');
    expect(fs.readdir('/bin')).toEqual(['sh']);
  });

  it('keep two containers on one image isolated from each other', () => {
    const a = container().fs;
    const b = container().fs;
    a.writeFile('/etc/passwd', 'changed');
    a.remove('/bin/sh');
    a.mkdir('/srv');
    expect(text(b, '/etc/passwd')).toBe('root:x:0:0\n');
    expect(b.lstat('/bin/sh')?.kind).toBe('symlink');
    expect(b.lstat('/srv')).toBeUndefined();
  });

  it('rename a lower directory by copying it up and whiting out the source', () => {
    const { fs } = container();
    fs.rename('/var/lib', '/srv');
    expect(fs.readdir('/srv/app')).toEqual(['new']);
    expect(fs.lstat('/var/lib')).toBeUndefined();
    expect(fs.upper.readdir('/var')).toEqual(['.wh.lib']);
  });

  it('keep parent directory times when copying up, as overlayfs does', () => {
    const { fs, clock } = container();
    const etc = fs.stat('/etc')!.mtimeMs;
    clock.advance(60_000);
    fs.writeFile('/etc/passwd', 'x');
    fs.chmod('/etc/app.conf', 0o600);
    expect(fs.stat('/etc')!.mtimeMs).toBe(etc);
    expect(fs.stat('/etc/passwd')!.mtimeMs).toBe(clock.now());
  });

  it('reserve whiteout names', () => {
    const { fs } = container();
    expect(errnoOf(() => fs.writeFile('/etc/.wh.passwd', 'x'))).toBe('EINVAL');
    expect(fs.lstat('/etc/.wh.motd')).toBeUndefined();
  });
});

describe('UnionFs mounts', () => {
  it('replace the mount point with the volume root and send writes to the volume', () => {
    const { fs, clock } = container();
    const volume = new FileTree({ now: clock.now });
    volume.writeFile('/seed', 'from volume');
    fs.mount('/var/lib/app', volume);
    expect(fs.readdir('/var/lib/app')).toEqual(['seed']);
    fs.writeFile('/var/lib/app/data', 'kept');
    fs.mkdir('/var/lib/app/sub');
    expect(text(volume, '/data')).toBe('kept');
    expect(volume.readdir('/')).toEqual(['data', 'seed', 'sub']);
    expect(fs.upper.lstat('/var/lib/app/data')).toBeUndefined();
  });

  it('create a missing mount point and refuse to remove or rename it', () => {
    const { fs, clock } = container();
    fs.mount('/data', new FileTree({ now: clock.now }));
    expect(fs.readdir('/')).toContain('data');
    expect(errnoOf(() => fs.remove('/data', { recursive: true }))).toBe('EINVAL');
    expect(errnoOf(() => fs.rename('/data', '/other'))).toBe('EINVAL');
    expect(errnoOf(() => fs.rename('/etc/passwd', '/data/passwd'))).toBe('EINVAL');
  });

  it('resolve a symlink inside a volume against the container root', () => {
    const { fs, clock } = container();
    const volume = new FileTree({ now: clock.now });
    volume.symlink('/etc/passwd', '/pw');
    fs.mount('/data', volume);
    expect(text(fs, '/data/pw')).toBe('root:x:0:0\n');
  });
});

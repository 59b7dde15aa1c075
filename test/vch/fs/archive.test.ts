import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLayerTar, writeLayerTar } from '../../../src/vch/archive/layer-tar.js';
import {
  ArchiveConflictError,
  FileTree,
  LayerStack,
  UnionFs,
  UnsafeArchivePathError,
  exportTar,
  extractTar,
  layerFromEntries,
  pathStat,
  tarPath,
} from '../../../src/vch/fs/index.js';
import { dir, dump, file, hardlink, manualClock, symlink, text } from './helpers.js';

const clock = manualClock(Date.UTC(2026, 0, 1, 12, 30, 15, 120));

function sample(): FileTree {
  const fs = new FileTree({ now: clock.now });
  fs.mkdir('/app/conf', { recursive: true });
  fs.writeFile('/app/run.sh', '#!/bin/sh\necho hi\n', { mode: 0o755 });
  fs.writeFile('/app/conf/a.yml', 'a: 1\n');
  fs.symlink('conf/a.yml', '/app/current');
  fs.chmod('/app/conf', 0o1777);
  return fs;
}

describe('pathStat', () => {
  it('gives Go FileModes, RFC 3339 times and the basename', () => {
    const fs = sample();
    expect(pathStat(fs, '/app/')).toEqual({ name: 'app', size: 4096, mode: 2147483648 + 0o755, mtime: '2026-01-01T12:30:15.12Z', linkTarget: '' });
    expect(pathStat(fs, '/app/conf').mode).toBe(2147483648 + 1048576 + 0o777);
    expect(pathStat(fs, '/app/run.sh')).toMatchObject({ name: 'run.sh', size: 18, mode: 0o755 });
  });

  it('describes a symlink itself with the path it resolves to', () => {
    const fs = sample();
    expect(pathStat(fs, '/app/current')).toMatchObject({ mode: 134217728 + 0o777, size: 10, linkTarget: '/app/conf/a.yml' });
    fs.symlink('gone', '/app/dangling');
    expect(pathStat(fs, '/app/dangling').linkTarget).toBe('/app/gone');
  });

  it('fails with ENOENT for a missing path', () => {
    expect(() => pathStat(sample(), '/nope')).toThrow('/nope: No such file or directory');
  });
});

describe('tarPath and extractTar', () => {
  it('tar a directory under its basename, as docker cp does', async () => {
    const entries = await readLayerTar(await tarPath(sample(), '/app'));
    expect(entries.map((e) => `${e.type} ${e.path}`)).toEqual(['dir app', 'dir app/conf', 'file app/conf/a.yml', 'symlink app/current', 'file app/run.sh']);
    const one = await readLayerTar(await tarPath(sample(), '/app/run.sh'));
    expect(one.map((e) => e.path)).toEqual(['run.sh']);
  });

  it('round-trip a tree into another filesystem unchanged', async () => {
    const source = sample();
    const target = new FileTree({ now: clock.now });
    target.mkdir('/dest');
    await extractTar(target, '/dest', await tarPath(source, '/app'));
    const strip = (tree: Record<string, string>, prefix: string) =>
      Object.fromEntries(Object.entries(tree).map(([k, v]) => [k.slice(prefix.length), v.replace(/t=(\d+)/, (_, t: string) => `t=${Math.floor(Number(t) / 1000)}`)]));
    expect(strip(dump(target, '/dest/app'), '/dest/app')).toEqual(strip(dump(source, '/app'), '/app'));
  });

  it('round-trip random trees through tarPath and extractTar', async () => {
    const name = fc.constantFrom('a', 'b', 'c');
    const op = fc.tuple(fc.array(name, { minLength: 1, maxLength: 3 }), fc.constantFrom('file', 'dir', 'link'), fc.string({ maxLength: 5 }));
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 12 }), async (ops) => {
        const source = new FileTree({ now: () => 5_000_000 });
        source.mkdir('/top');
        for (const [parts, kind, body] of ops) {
          const path = `/top/${parts.join('/')}`;
          try {
            if (kind === 'file') source.writeFile(path, body);
            else if (kind === 'dir') source.mkdir(path);
            else source.symlink(body || 'x', path);
          } catch {
            // occupied or missing parent: skip
          }
        }
        const target = new FileTree({ now: () => 9_000_000 });
        await extractTar(target, '/', await tarPath(source, '/top'));
        // GuestFs has no lutimes: an extracted symlink carries the extraction time.
        const linkTimeless = (tree: Record<string, string>) => Object.values(tree).map((v) => (v.startsWith('symlink') ? v.replace(/t=\d+/, '') : v));
        expect(linkTimeless(dump(target, '/top'))).toEqual(linkTimeless(dump(source, '/top')));
      }),
      { numRuns: 100 },
    );
  });

  it('reject a .. traversal, naming the path, and write nothing', async () => {
    const fs = sample();
    const before = dump(fs);
    const tar = await writeLayerTar([file('ok', 'fine'), file('sub/../../escape', 'bad')]);
    const error = await extractTar(fs, '/app', tar).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsafeArchivePathError);
    expect((error as Error).message).toContain('sub/../../escape');
    expect(dump(fs)).toEqual(before);
  });

  it('reject symlinks and hardlinks that climb out of the extraction directory', async () => {
    const fs = sample();
    await expect(extractTar(fs, '/app', await writeLayerTar([symlink('x', '../../etc')]))).rejects.toThrow(UnsafeArchivePathError);
    await expect(extractTar(fs, '/app', await writeLayerTar([hardlink('x', '../etc/passwd')]))).rejects.toThrow(UnsafeArchivePathError);
    await extractTar(fs, '/app', await writeLayerTar([symlink('abs', '/etc'), symlink('conf/up', '../run.sh')]));
    expect(text(fs, '/app/conf/up')).toContain('echo hi');
  });

  it('treat absolute member names as relative to the extraction directory', async () => {
    const fs = sample();
    const tar = await writeLayerTar([{ ...file('x', 'abs'), path: '/etc/x' }]);
    await extractTar(fs, '/app', tar);
    expect(text(fs, '/app/etc/x')).toBe('abs');
    expect(fs.lstat('/etc/x')).toBeUndefined();
  });

  it('refuse to replace a directory with a file under noOverwriteDirNonDir, and replace it otherwise', async () => {
    const fs = sample();
    const tar = await writeLayerTar([file('conf', 'flat')]);
    await expect(extractTar(fs, '/app', tar, { noOverwriteDirNonDir: true })).rejects.toThrow(ArchiveConflictError);
    expect(fs.stat('/app/conf')?.kind).toBe('dir');
    await extractTar(fs, '/app', tar);
    expect(text(fs, '/app/conf')).toBe('flat');
  });

  it('refuse an entry under an existing file before writing anything', async () => {
    const fs = sample();
    const before = dump(fs);
    const tar = await writeLayerTar([file('new', 'x'), file('run.sh/inner', 'y')]);
    await expect(extractTar(fs, '/app', tar)).rejects.toThrow(ArchiveConflictError);
    expect(dump(fs)).toEqual(before);
  });

  it('extract hardlinks as copies and create missing parents', async () => {
    const fs = sample();
    await extractTar(fs, '/app', await writeLayerTar([file('deep/one', 'same'), hardlink('two', 'deep/one')]));
    expect(text(fs, '/app/two')).toBe('same');
  });

  it('fail with ENOTDIR when the destination is a file', async () => {
    await expect(extractTar(sample(), '/app/run.sh', await writeLayerTar([file('x', 'y')]))).rejects.toThrow('Not a directory');
  });
});

describe('exportTar', () => {
  it('writes the whole container filesystem without its volumes', async () => {
    const union = UnionFs.create(LayerStack.of([layerFromEntries([dir('etc'), file('etc/os', 'sim')])]), { now: clock.now });
    union.writeFile('/note', 'mine');
    const volume = new FileTree({ now: clock.now });
    volume.writeFile('/secret', 'volume data');
    union.mount('/data', volume);
    const entries = await readLayerTar(await exportTar(union));
    expect(entries.map((e) => e.path)).toEqual(['data', 'etc', 'etc/os', 'note']);
  });
});

import { describe, expect, it } from 'vitest';
import { FileTree, LayerStack, UnionFs, changes, layerFromEntries, lowerSize, rootFsSize, upperSize } from '../../../src/vch/fs/index.js';
import { dir, file, manualClock, symlink } from './helpers.js';

const image = [
  layerFromEntries([dir('etc'), file('etc/passwd', 'root:x:0:0\n'), file('etc/hostname', 'sim'), dir('tmp'), dir('usr/bin'), file('usr/bin/tool', '0123456789')]),
  layerFromEntries([symlink('bin', 'usr/bin'), file('etc/app.conf', 'a=1')]),
];

function container() {
  const clock = manualClock();
  return UnionFs.create(LayerStack.of(image), { now: clock.now });
}

describe('changes (docker diff)', () => {
  it('is empty for a fresh container', () => {
    expect(changes(container())).toEqual([]);
  });

  it('lists an added file with its parent directory as modified', () => {
    const fs = container();
    fs.writeFile('/tmp/x', 'hi');
    expect(changes(fs)).toEqual([
      { Path: '/tmp', Kind: 0 },
      { Path: '/tmp/x', Kind: 1 },
    ]);
  });

  it('lists a modified file and a deleted one, parents first, in walk order', () => {
    const fs = container();
    fs.writeFile('/etc/passwd', 'app:x:1:1\n', { append: true });
    fs.remove('/etc/hostname');
    expect(changes(fs)).toEqual([
      { Path: '/etc', Kind: 0 },
      { Path: '/etc/hostname', Kind: 2 },
      { Path: '/etc/passwd', Kind: 0 },
    ]);
  });

  it('lists a new directory tree as added, and a deep change under image directories with each parent', () => {
    const fs = container();
    fs.mkdir('/srv/www', { recursive: true });
    fs.writeFile('/srv/www/index.html', '<h1/>');
    fs.writeFile('/usr/bin/tool', 'patched');
    expect(changes(fs)).toEqual([
      { Path: '/srv', Kind: 1 },
      { Path: '/srv/www', Kind: 1 },
      { Path: '/srv/www/index.html', Kind: 1 },
      { Path: '/usr', Kind: 0 },
      { Path: '/usr/bin', Kind: 0 },
      { Path: '/usr/bin/tool', Kind: 0 },
    ]);
  });

  it('shows a removed-and-recreated directory as modified, not as a deletion', () => {
    const fs = container();
    fs.remove('/usr', { recursive: true });
    fs.mkdir('/usr');
    expect(changes(fs)).toEqual([{ Path: '/usr', Kind: 0 }]);
  });

  it('leaves volume content out', () => {
    const fs = container();
    const volume = new FileTree({ now: () => 0 });
    fs.mount('/data', volume);
    fs.writeFile('/data/db', 'rows');
    expect(changes(fs)).toEqual([{ Path: '/data', Kind: 1 }]);
  });
});

describe('sizes', () => {
  it('count the RW layer (SizeRw), the image (its layers) and both (SizeRootFs)', () => {
    const fs = container();
    expect(lowerSize(fs)).toBe(11 + 3 + 10 + 3);
    expect(upperSize(fs)).toBe(0);
    fs.writeFile('/tmp/blob', new Uint8Array(100));
    fs.writeFile('/etc/hostname', 'longer-name');
    fs.remove('/usr/bin/tool');
    expect(upperSize(fs)).toBe(111);
    expect(rootFsSize(fs)).toBe(27 + 111);
  });
});

describe('the merged lower index', () => {
  it('is built once per directory and shared by every container on the stack', () => {
    const layers = Array.from({ length: 60 }, (_, i) => layerFromEntries([file(`etc/f${i}`, `${i}`)]));
    const stack = LayerStack.of(layers);
    const a = UnionFs.create(stack, { now: () => 0 });
    const b = UnionFs.create(LayerStack.of(layers), { now: () => 0 });
    expect(a.readdir('/etc')).toHaveLength(60);
    expect(b.lower.root.child('etc')).toBe(stack.root.child('etc'));
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatastoreFiles, type VirtualEntry } from '../../src/hypervisor/datastore-files.js';
import { InsufficientResourcesError, InvalidArgumentError, NotFoundError, VicsimError } from '../../src/sim/errors.js';
import { thrown } from './helpers.js';

/** A namespace whose projections render as `<render> of <owner>`. */
function namespace(capacityBytes = 1_000_000): DatastoreFiles {
  return new DatastoreFiles('DS', capacityBytes, (e) => `${e.render} of ${e.owner}`);
}

function projection(owner: string, size: number): VirtualEntry {
  return { kind: 'projection', owner, render: 'vmx', size };
}

function extent(owner: string, size: number): VirtualEntry {
  return { kind: 'extent', owner, render: '', size };
}

function sumOfFiles(files: DatastoreFiles): number {
  return files.files().reduce((s, f) => s + f.size, 0);
}

describe('stored files', () => {
  it('are written, read back, replaced and appended to, with their byte size counted', () => {
    const files = namespace();
    files.writeFile('vm/vmware.log', 'héllo\n');
    expect(files.readFile('vm/vmware.log')).toBe('héllo\n');
    expect(files.stat('vm/vmware.log')).toEqual({ path: 'vm/vmware.log', size: 7, kind: 'stored' });
    files.appendFile('vm/vmware.log', 'more\n');
    expect(files.readFile('vm/vmware.log')).toBe('héllo\nmore\n');
    files.writeFile('vm/vmware.log', 'x');
    expect(files.usage).toBe(1);
    files.writeFile('vm/nvram', new Uint8Array(10));
    expect(files.usage).toBe(11);
    expect(files.free).toBe(1_000_000 - 11);
  });

  it('are created with their folders, and appending creates a missing file', () => {
    const files = namespace();
    files.appendFile('a/b/c.log', 'x');
    expect(files.exists('a')).toBe(true);
    expect(files.exists('a/b')).toBe(true);
    expect(files.readdir('a')).toEqual(['b']);
  });

  it('are removed one by one, freeing their bytes', () => {
    const files = namespace();
    files.writeFile('vm/a.log', 'abc');
    files.writeFile('vm/b.log', 'de');
    files.rm('vm/a.log');
    expect(files.exists('vm/a.log')).toBe(false);
    expect(files.usage).toBe(2);
    expect(thrown(() => files.rm('vm/a.log'))).toBeInstanceOf(NotFoundError);
  });

  it('throw NotFoundError naming the datastore path when missing', () => {
    const files = namespace();
    const e = thrown(() => files.readFile('vm/none.log')) as NotFoundError;
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e.message).toContain('[DS] vm/none.log');
    expect(thrown(() => files.stat('vm/none.log'))).toBeInstanceOf(NotFoundError);
  });

  it('keep leading and trailing slashes out of their names', () => {
    const files = namespace();
    files.writeFile('/vm/a.log/', 'x');
    expect(files.files()).toEqual([{ path: 'vm/a.log', size: 1, kind: 'stored' }]);
  });
});

describe('projections and extents', () => {
  it('render a projection from the model when read, and list it with its recorded size', () => {
    const files = namespace();
    files.setVirtual('vm/vm.vmx', projection('vm-1', 42));
    expect(files.readFile('vm/vm.vmx')).toBe('vmx of vm-1');
    expect(files.stat('vm/vm.vmx')).toEqual({ path: 'vm/vm.vmx', size: 42, kind: 'projection' });
    expect(files.storedFiles()).toEqual({});
  });

  it('read an extent as empty and count its size as the thin allocation, resizing as it grows', () => {
    const files = namespace();
    files.setVirtual('vm/vm-flat.vmdk', extent('[DS] vm/vm.vmdk', 0));
    expect(files.readFile('vm/vm-flat.vmdk')).toBe('');
    files.resizeVirtual('vm/vm-flat.vmdk', 4096);
    expect(files.stat('vm/vm-flat.vmdk').size).toBe(4096);
    files.setVirtual('vm/vm-flat.vmdk', extent('[DS] vm/vm.vmdk', 100));
    expect(files.usage).toBe(100);
    expect(thrown(() => files.resizeVirtual('vm/none-flat.vmdk', 1))).toBeInstanceOf(NotFoundError);
  });

  it('make their folders exist and list in readdir next to stored files, sorted', () => {
    const files = namespace();
    files.setVirtual('vm/vm.vmx', projection('vm-1', 1));
    files.setVirtual('vm/disks/d-flat.vmdk', extent('d', 1));
    files.writeFile('vm/vmware.log', 'x');
    files.writeFile('other/x', 'y');
    expect(files.exists('vm')).toBe(true);
    expect(files.exists('vm/disks')).toBe(true);
    expect(files.readdir('vm')).toEqual(['disks', 'vm.vmx', 'vmware.log']);
    expect(files.readdir('')).toEqual(['other', 'vm']);
    expect(files.readdir('nothing')).toEqual([]);
    expect(files.files('vm').map((f) => f.path)).toEqual(['vm/disks/d-flat.vmdk', 'vm/vm.vmx', 'vm/vmware.log']);
  });

  it('disappear with their folder once the last one is removed', () => {
    const files = namespace();
    files.setVirtual('vm/vm.vmx', projection('vm-1', 5));
    files.rm('vm/vm.vmx');
    expect(files.exists('vm')).toBe(false);
    expect(files.readdir('')).toEqual([]);
    expect(files.usage).toBe(0);
  });
});

describe('rmdir', () => {
  it('removes a folder with everything under it, stored and virtual, and frees the space', () => {
    const files = namespace();
    files.writeFile('vm/vmware.log', 'abc');
    files.writeFile('vm/sub/deep.log', 'de');
    files.setVirtual('vm/vm.vmx', projection('vm-1', 10));
    files.setVirtual('vm/sub/d-flat.vmdk', extent('d', 20));
    files.writeFile('vm2/keep.log', 'keep');
    files.rmdir('vm');
    expect(files.exists('vm')).toBe(false);
    expect(files.exists('vm/sub')).toBe(false);
    expect(files.files().map((f) => f.path)).toEqual(['vm2/keep.log']);
    expect(files.usage).toBe(4);
  });

  it('does nothing for a folder that is not there', () => {
    const files = namespace();
    files.rmdir('absent');
    expect(files.usage).toBe(0);
  });
});

describe('space', () => {
  it('ensureSpace refuses beyond capacity with InsufficientResourcesFault naming the datastore and amounts', () => {
    const files = namespace(100);
    files.writeFile('a', 'x'.repeat(60));
    const e = thrown(() => files.ensureSpace(41, 'a disk')) as InsufficientResourcesError;
    expect(e).toBeInstanceOf(InsufficientResourcesError);
    expect(e.scope).toBe("datastore 'DS' for a disk");
    expect([e.resource, e.requested, e.available, e.unit]).toEqual(['disk', 41, 40, 'bytes']);
    expect(() => files.ensureSpace(40, 'a disk')).not.toThrow();
  });

  it('a write, append, entry or resize that does not fit changes nothing', () => {
    const files = namespace(100);
    files.writeFile('vm/a.log', 'x'.repeat(50));
    files.setVirtual('vm/d-flat.vmdk', extent('d', 40));
    const before = JSON.stringify([files.usage, files.files(), files.readFile('vm/a.log')]);
    const attempts: [string, () => void][] = [
      ['write', () => files.writeFile('vm/b.log', 'x'.repeat(11))],
      ['replace', () => files.writeFile('vm/a.log', 'x'.repeat(61))],
      ['append', () => files.appendFile('vm/a.log', 'x'.repeat(11))],
      ['entry', () => files.setVirtual('vm/vm.vmx', projection('vm-1', 11))],
      ['resize', () => files.resizeVirtual('vm/d-flat.vmdk', 51)],
    ];
    for (const [what, attempt] of attempts) {
      expect(thrown(attempt), what).toBeInstanceOf(InsufficientResourcesError);
      expect(JSON.stringify([files.usage, files.files(), files.readFile('vm/a.log')]), what).toBe(before);
    }
    expect(files.exists('vm/b.log')).toBe(false);
  });

  it('an entry that does not fit leaves no empty folder behind', () => {
    const files = namespace(100);
    expect(thrown(() => files.setVirtual('new/d-flat.vmdk', extent('d', 101)))).toBeInstanceOf(InsufficientResourcesError);
    expect(files.exists('new')).toBe(false);
    expect(files.readdir('')).toEqual([]);
  });

  it('shrinking a file always fits, even when the datastore is full', () => {
    const files = namespace(10);
    files.writeFile('a', 'x'.repeat(10));
    files.writeFile('a', 'x');
    expect(files.usage).toBe(1);
  });
});

describe('paths', () => {
  const invalid = ['', '/', '..', 'vm/../etc', './vm', 'vm//a', 'vm/.'];
  it.each(invalid)('%j is refused with InvalidArgumentError by every operation', (path) => {
    const files = namespace();
    const ops: (() => unknown)[] = [
      () => files.writeFile(path, 'x'),
      () => files.appendFile(path, 'x'),
      () => files.readFile(path),
      () => files.stat(path),
      () => files.exists(path),
      () => files.rm(path),
      () => files.setVirtual(path, extent('d', 1)),
    ];
    for (const op of ops) expect(thrown(op)).toBeInstanceOf(InvalidArgumentError);
    expect(files.usage).toBe(0);
  });

  it('name one thing each: a stored file is refused over a projection or extent, and over or under a folder’s place', () => {
    const files = namespace();
    files.setVirtual('vm/vm.vmx', projection('vm-1', 5));
    files.setVirtual('vm/disks/d-flat.vmdk', extent('d', 5));
    files.writeFile('vm/vmware.log', 'abc');
    const before = JSON.stringify([files.usage, files.files()]);
    const attempts: [string, () => void, RegExp][] = [
      ['over a projection', () => files.writeFile('vm/vm.vmx', 'x'), /\[DS\] vm\/vm.vmx is a projection/],
      ['appending to an extent', () => files.appendFile('vm/disks/d-flat.vmdk', 'x'), /\[DS\] vm\/disks\/d-flat.vmdk is a disk extent/],
      ['over a folder of entries', () => files.writeFile('vm/disks', 'x'), /\[DS\] vm\/disks is a folder/],
      ['over a folder of stored files', () => files.writeFile('vm', 'x'), /\[DS\] vm is a folder/],
      ['below a projection', () => files.writeFile('vm/vm.vmx/x', 'x'), /\[DS\] vm\/vm.vmx is a file/],
      ['below a stored file', () => files.writeFile('vm/vmware.log/x', 'x'), /stands where a folder is needed/],
    ];
    for (const [what, attempt, message] of attempts) {
      const e = thrown(attempt);
      expect(e, what).toBeInstanceOf(InvalidArgumentError);
      expect((e as Error).message, what).toMatch(message);
      expect(JSON.stringify([files.usage, files.files()]), what).toBe(before);
    }
  });

  it('of a folder are refused with a typed error when read or removed as a file', () => {
    const files = namespace();
    files.writeFile('vm/vmware.log', 'abc');
    expect(thrown(() => files.readFile('vm'))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => files.rm('vm'))).toBeInstanceOf(InvalidArgumentError);
    expect(files.readFile('vm/vmware.log')).toBe('abc');
  });

  it('dsPath writes the [datastore] path form', () => {
    expect(namespace().dsPath('vm/vm.vmx')).toBe('[DS] vm/vm.vmx');
  });
});

describe('the usage invariant', () => {
  type Action = { op: 'write' | 'append' | 'virtual' | 'rm' | 'rmdir'; dir: number; file: number; size: number };
  const action: fc.Arbitrary<Action> = fc.record({
    op: fc.constantFrom('write' as const, 'append' as const, 'virtual' as const, 'rm' as const, 'rmdir' as const),
    dir: fc.nat(2),
    file: fc.nat(3),
    size: fc.nat(400),
  });

  it('usage equals the sum of the files after any sequence of changes, and never exceeds capacity', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 40 }), (actions) => {
        const files = namespace(2000);
        for (const a of actions) {
          const dir = `d${a.dir}`;
          // stored and virtual files get distinct names: one path is one file
          const stored = `${dir}/f${a.file}.log`;
          const virtual = `${dir}/v${a.file}.vmdk`;
          try {
            if (a.op === 'write') files.writeFile(stored, 'x'.repeat(a.size));
            else if (a.op === 'append') files.appendFile(stored, 'y'.repeat(a.size));
            else if (a.op === 'virtual') files.setVirtual(virtual, extent(virtual, a.size));
            else if (a.op === 'rm') files.rm(a.size % 2 ? stored : virtual);
            else files.rmdir(dir);
          } catch (e) {
            if (!(e instanceof VicsimError)) throw e;
          }
          expect(files.usage).toBe(sumOfFiles(files));
          expect(files.usage).toBeLessThanOrEqual(2000);
        }
      }),
      { numRuns: 200 },
    );
  });
});

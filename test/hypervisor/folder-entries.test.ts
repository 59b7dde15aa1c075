import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VirtualEntry } from '../../src/hypervisor/datastore-files.js';
import { SMALL_FOLDER, folderDelete, folderEntries, folderGet, folderNames, folderOf, folderSet, folderSize, type FolderEntries } from '../../src/hypervisor/folder-entries.js';

const entry = (size: number): VirtualEntry => ({ kind: 'extent', owner: 'o', render: '', size });
const path = (n: number) => `vm/f${n}.vmdk`;

describe('folder entries', () => {
  it('behave as an insertion-ordered map through any sequence of sets and deletes, small or grown', () => {
    const op = fc.oneof(
      fc.record({ set: fc.integer({ min: 0, max: 3 * SMALL_FOLDER }), size: fc.nat(1000) }),
      fc.record({ del: fc.integer({ min: 0, max: 3 * SMALL_FOLDER }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 * SMALL_FOLDER }), fc.array(op, { maxLength: 60 }), (first, ops) => {
        const start = entry(0);
        const model = new Map<string, VirtualEntry>([[path(first), start]]);
        let folder: FolderEntries = folderOf(path(first), start);
        for (const o of ops) {
          if ('set' in o) {
            const e = entry(o.size);
            model.set(path(o.set), e);
            folder = folderSet(folder, path(o.set), e);
          } else {
            expect(folderDelete(folder, path(o.del))).toBe(model.delete(path(o.del)));
          }
          expect(folderSize(folder)).toBe(model.size);
        }
        expect(folderEntries(folder)).toEqual([...model]);
        expect(folderNames(folder, 'vm/'.length)).toEqual([...model.keys()].map((p) => p.slice(3)));
        for (let n = 0; n <= 3 * SMALL_FOLDER; n++) expect(folderGet(folder, path(n))).toBe(model.get(path(n)));
      }),
      { numRuns: 200 },
    );
  });

  it('find an entry by a path spelled by another string with the same text', () => {
    const e = entry(7);
    const folder = folderSet(folderOf('vm/a.vmx', entry(1)), ['vm', 'b.vmdk'].join('/'), e);
    expect(folderGet(folder, `vm/${'b'}.vmdk`)).toBe(e);
  });

  it('stay an array up to the small size, then become a map', () => {
    let folder: FolderEntries = folderOf(path(0), entry(0));
    for (let n = 1; n < SMALL_FOLDER; n++) folder = folderSet(folder, path(n), entry(n));
    expect(Array.isArray(folder)).toBe(true);
    folder = folderSet(folder, path(SMALL_FOLDER), entry(SMALL_FOLDER));
    expect(folder).toBeInstanceOf(Map);
    expect(folderSize(folder)).toBe(SMALL_FOLDER + 1);
  });

  it('behave as the same map when entries own their paths (a descriptor: its owner ends with its path), kept in the owner', () => {
    const owned = (n: number, size: number): VirtualEntry => ({ kind: 'projection', owner: `[ds] ${path(n)}`, render: 'descriptor', size });
    const op = fc.oneof(
      fc.record({ set: fc.integer({ min: 0, max: 2 * SMALL_FOLDER }), size: fc.nat(1000), owns: fc.boolean() }),
      fc.record({ del: fc.integer({ min: 0, max: 2 * SMALL_FOLDER }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const start = owned(0, 0);
        const model = new Map<string, VirtualEntry>([[path(0), start]]);
        let folder: FolderEntries = folderOf(path(0), start);
        expect(folder).toEqual([5, start]);
        for (const o of ops) {
          if ('set' in o) {
            const e = o.owns ? owned(o.set, o.size) : entry(o.size);
            model.set(path(o.set), e);
            folder = folderSet(folder, [path(o.set)].join(''), e);
          } else {
            expect(folderDelete(folder, path(o.del))).toBe(model.delete(path(o.del)));
          }
          expect(folderSize(folder)).toBe(model.size);
          expect(folderEntries(folder)).toEqual([...model]);
          expect(folderNames(folder, 'vm/'.length)).toEqual([...model.keys()].map((p) => p.slice(3)));
          for (let n = 0; n <= 2 * SMALL_FOLDER; n++) expect(folderGet(folder, path(n))).toBe(model.get(path(n)));
        }
      }),
      { numRuns: 200 },
    );
  });
});

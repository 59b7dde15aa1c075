import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDiskPath, diskStem, extentFileName, extentFileNameByteLength, extentPath, parentHint, parentHintByteLength, splitDiskPath } from '../../../src/hypervisor/vmdk/paths.js';

/** Descriptor paths as the model writes them: `[ds] dir/…/name.vmdk`, bare `name.vmdk`, absolute, non-ASCII. */
const segment = fc.oneof(fc.stringMatching(/^[a-zA-Z0-9_ é-]{1,6}$/), fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }).filter((s) => !s.includes('/')));
const diskPath = fc
  .tuple(fc.constantFrom('[datastore1] ', '[ds 2] ', '/vmfs/', ''), fc.array(segment, { maxLength: 3 }), segment)
  .map(([root, dirs, name]) => `${root}${dirs.map((d) => `${d}/`).join('')}${name}.vmdk`)
  .filter((p) => {
    try {
      checkDiskPath(p);
      return true;
    } catch {
      return false;
    }
  });
const kind = fc.constantFrom('flat' as const, 'sesparse' as const, 'delta' as const);

describe('disk path names', () => {
  it('name an extent next to its descriptor: directory, stem, kind (property)', () => {
    fc.assert(
      fc.property(diskPath, kind, (path, k) => {
        const { dir } = splitDiskPath(path);
        expect(extentFileName(path, k)).toBe(`${diskStem(path)}-${k}.vmdk`);
        expect(extentPath(path, k)).toBe(`${dir}${diskStem(path)}-${k}.vmdk`);
        expect(extentFileNameByteLength(path, k)).toBe(Buffer.byteLength(extentFileName(path, k)));
      }),
      { numRuns: 200 },
    );
  });

  it('hint a parent by file name in the same directory, by full path elsewhere (property)', () => {
    fc.assert(
      fc.property(diskPath, diskPath, (child, parent) => {
        const c = splitDiskPath(child);
        const p = splitDiskPath(parent);
        expect(parentHint(child, parent)).toBe(c.dir === p.dir ? p.file : parent);
        expect(parentHintByteLength(child, parent)).toBe(Buffer.byteLength(parentHint(child, parent)));
        const sibling = `${c.dir}${p.file}`;
        expect(parentHint(child, sibling)).toBe(p.file);
      }),
      { numRuns: 200 },
    );
  });

  it('writes the examples ESXi writes', () => {
    expect(extentPath('[datastore1] web/web.vmdk', 'sesparse')).toBe('[datastore1] web/web-sesparse.vmdk');
    expect(extentFileName('[datastore1] web/web_1.vmdk', 'flat')).toBe('web_1-flat.vmdk');
    expect(parentHint('[datastore1] web/web-000001.vmdk', '[datastore1] web/web.vmdk')).toBe('web.vmdk');
    expect(parentHint('[datastore1] c1/c1.vmdk', '[datastore1] t/t.vmdk')).toBe('[datastore1] t/t.vmdk');
    for (const odd of ['d/\ud800x.vmdk', 'd/x\udc00.vmdk', 'd/😀é.vmdk', 'd/\ud83d.vmdk']) {
      expect(parentHintByteLength('e/c.vmdk', odd)).toBe(Buffer.byteLength(odd));
      expect(parentHintByteLength('d/c.vmdk', odd)).toBe(Buffer.byteLength(odd.slice(2)));
      expect(extentFileNameByteLength(odd, 'sesparse')).toBe(Buffer.byteLength(extentFileName(odd, 'sesparse')));
    }
  });
});

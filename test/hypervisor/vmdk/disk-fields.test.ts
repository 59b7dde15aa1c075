import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DrawnContentId, drawnLongContentId } from '../../../src/hypervisor/vmdk/content-id.js';
import { formatCid } from '../../../src/hypervisor/vmdk/descriptor.js';
import { DiskShape, DiskShapes, VirtualDisk } from '../../../src/hypervisor/vmdk/disk.js';

const uint32 = fc.integer({ min: 0, max: 0xffffffff });
const BASE_SETTINGS = { createType: 'vmfs', adapterType: 'lsilogic', virtualHWVersion: 14, uuid: '60 00 C2 00 00 00 00 00-00 00 00 00 00 00' } as const;

function baseDisk(): VirtualDisk {
  return new VirtualDisk('[ds] b/b.vmdk', undefined, 0xffffffff, new DrawnContentId(1, 2, 3, 4), new DiskShape(1 << 30, 4096, 'seSparse', 0, BASE_SETTINGS), 'base');
}

describe('a virtual disk keeps its content id in its own fields', () => {
  it('reads back any drawn CID, parent CID and high words exactly as the content id it was given', () => {
    fc.assert(
      fc.property(uint32, uint32, uint32, uint32, uint32, (cid, parentCid, h0, h1, h2) => {
        const id = new DrawnContentId(cid, h0 | 0, h1 | 0, h2 | 0);
        const disk = new VirtualDisk('[ds] a/a.vmdk', '[ds] b/b.vmdk', parentCid, id, baseDisk().shape, 'layer');
        expect(disk.cid).toBe(cid);
        expect(disk.parentCid).toBe(parentCid);
        expect(disk.longContentId).toBe(id.longContentId);
        expect(disk.contentId.cid).toBe(cid);
        expect(disk.contentId.longContentId).toBe(id.longContentId);
        disk.parentCid = cid;
        expect(disk.parentCid).toBe(cid);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps a restored long content id as its text, and a newly drawn one replaces it', () => {
    fc.assert(
      fc.property(uint32, fc.string(), (cid, text) => {
        const disk = new VirtualDisk('[ds] a/a.vmdk', undefined, 0xffffffff, { cid, longContentId: text }, baseDisk().shape, 'base');
        expect(disk.cid).toBe(cid);
        expect(disk.longContentId).toBe(text);
        disk.contentId = new DrawnContentId(5, -1, 0, 7);
        expect(disk.longContentId).toBe(drawnLongContentId(5, -1, 0, 7));
        expect(disk.longContentId).toBe(`ffffffff00000000${formatCid(7)}${formatCid(5)}`);
      }),
      { numRuns: 100 },
    );
  });
});

describe('the deltas of a store share their extent shapes', () => {
  it('gives every delta of the same five figures the same shape, and a base its own', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(1 << 20, 1 << 30), fc.constantFrom(512, 4096), fc.constantFrom('seSparse' as const, 'vmfsSparse' as const), fc.constantFrom(0, 512)), { maxLength: 30 }), (figures) => {
        const shapes = new DiskShapes();
        const made = figures.map(([c, g, f, m]) => shapes.of(c, g, f, m, undefined));
        figures.forEach(([c, g, f, m], i) => {
          const shape = made[i]!;
          expect([shape.capacityBytes, shape.grainBytes, shape.format, shape.metadataBytes, shape.base]).toEqual([c, g, f, m, undefined]);
          expect(shapes.of(c, g, f, m, undefined)).toBe(shape);
        });
        expect(new Set(made).size).toBe(new Set(figures.map((f) => f.join())).size);
        expect(shapes.of(1 << 20, 512, 'seSparse', 0, BASE_SETTINGS)).not.toBe(shapes.of(1 << 20, 512, 'seSparse', 0, BASE_SETTINGS));
      }),
      { numRuns: 100 },
    );
  });
});

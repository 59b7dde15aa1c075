import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/sim/rng.js';
import { calibrate } from '../../../src/sim/calibration.js';
import { GiB, KiB } from '../../../src/sim/units.js';
import { ChainLimitError, DEFAULT_SPARSE_METADATA_BYTES, VmdkStore, parseDescriptor } from '../../../src/hypervisor/vmdk/index.js';
import { thrown } from '../helpers.js';

const SCRATCH = '[datastore1] VIC/4a1b/images/scratch/scratch.vmdk';
const LAYER = '[datastore1] VIC/4a1b/images/5d3e/5d3e.vmdk';

function store(seed = 1, calibration = calibrate().disk): VmdkStore {
  return new VmdkStore({ rng: Rng.seeded(seed), calibration });
}

describe('VmdkStore', () => {
  it('creates VIC’s 8 GiB thin scratch disk with nothing allocated and a VMFS descriptor', () => {
    const s = store();
    const info = s.createBase(SCRATCH, { capacityBytes: 8 * GiB });
    expect(info).toMatchObject({ allocatedBytes: 0, grainBytes: 4 * KiB, depth: 0, writable: true, extentPath: '[datastore1] VIC/4a1b/images/scratch/scratch-flat.vmdk' });
    const d = parseDescriptor(s.descriptorText(SCRATCH));
    expect(d).toMatchObject({ createType: 'vmfs', parentCid: 0xffffffff, cid: info.cid });
    expect(d.extents).toEqual([{ access: 'RW', sectors: 16777216, type: 'VMFS', fileName: 'scratch-flat.vmdk' }]);
    expect(d.ddb).toMatchObject({ thinProvisioned: '1', 'geometry.cylinders': '1044', adapterType: 'pvscsi' });
  });

  it('writes a layer as an SEsparse child that names its parent by full datastore path', () => {
    const s = store();
    s.createBase(SCRATCH, { capacityBytes: 8 * GiB });
    s.createDelta(LAYER, SCRATCH);
    const d = parseDescriptor(s.descriptorText(LAYER));
    expect(d).toMatchObject({ createType: 'seSparse', parentFileNameHint: SCRATCH, parentCid: s.info(SCRATCH).cid, ddb: { grain: '8' } });
    expect(d.extents).toEqual([{ access: 'RW', sectors: 16777216, type: 'SESPARSE', fileName: '5d3e-sesparse.vmdk' }]);
    expect(s.info(LAYER).allocatedBytes).toBe(DEFAULT_SPARSE_METADATA_BYTES);
  });

  it('writes vmfsSparse deltas with 512-byte grains, naming a parent in the same directory by file name', () => {
    const s = store();
    s.createBase('[ds] vm/vm.vmdk', { capacityBytes: 1 * GiB, format: 'vmfsSparse' });
    s.createDelta('[ds] vm/vm-000001.vmdk', '[ds] vm/vm.vmdk');
    const d = parseDescriptor(s.descriptorText('[ds] vm/vm-000001.vmdk'));
    expect(d).toMatchObject({ createType: 'vmfsSparse', parentFileNameHint: 'vm.vmdk' });
    expect(d.extents[0]).toMatchObject({ type: 'VMFSSPARSE', fileName: 'vm-000001-delta.vmdk' });
    s.write('[ds] vm/vm-000001.vmdk', 100, 1, 5);
    expect(s.info('[ds] vm/vm-000001.vmdk').allocatedGrains).toBe(1);
    expect(s.info('[ds] vm/vm-000001.vmdk').grainBytes).toBe(512);
  });

  it('counts thin usage as allocated grains times the grain size, a partial grain allocating the whole grain', () => {
    const s = store();
    s.createBase(SCRATCH, { capacityBytes: 8 * GiB });
    s.write(SCRATCH, 4096 * 10 + 1, 4096, 3);
    expect(s.info(SCRATCH).allocatedBytes).toBe(2 * 4096);
    s.write(SCRATCH, 4096 * 11, 4096, 4);
    expect(s.info(SCRATCH).allocatedBytes).toBe(2 * 4096);
    expect(s.totalAllocatedBytes()).toBe(2 * 4096);
  });

  it('draws a new CID on the first write only, from the injected random source', () => {
    const s = store();
    const created = s.createBase(SCRATCH, { capacityBytes: 1 * GiB }).cid;
    s.write(SCRATCH, 0, 512, 1);
    const written = s.info(SCRATCH).cid;
    s.write(SCRATCH, 512, 512, 2);
    expect(written).not.toBe(created);
    expect(s.info(SCRATCH).cid).toBe(written);
    const again = store();
    again.createBase(SCRATCH, { capacityBytes: 1 * GiB });
    again.write(SCRATCH, 0, 512, 1);
    expect(again.descriptorText(SCRATCH)).toBe(s.descriptorText(SCRATCH));
  });

  it('refuses writes to a disk that has children, so a parent is never written', () => {
    const s = store();
    s.createBase(SCRATCH, { capacityBytes: 1 * GiB });
    s.createDelta(LAYER, SCRATCH);
    const err = thrown(() => s.write(SCRATCH, 0, 1, 1));
    expect(err.code).toBe('InvalidState');
    expect(s.info(SCRATCH).writable).toBe(false);
  });

  it('refuses ranges outside the disk, bad tags, bad paths and taken paths', () => {
    const s = store();
    s.createBase(SCRATCH, { capacityBytes: 1 * GiB });
    expect(thrown(() => s.write(SCRATCH, GiB - 1, 2, 1)).code).toBe('InvalidArgument');
    expect(thrown(() => s.read(SCRATCH, 0, 0)).code).toBe('InvalidArgument');
    expect(thrown(() => s.write(SCRATCH, 0, 1, 2 ** 32)).code).toBe('InvalidArgument');
    expect(thrown(() => s.createBase('[ds] x.txt', { capacityBytes: GiB })).code).toBe('InvalidArgument');
    expect(thrown(() => s.createBase('[ds] x.vmdk', { capacityBytes: 1000 })).code).toBe('InvalidArgument');
    expect(thrown(() => s.createBase(SCRATCH, { capacityBytes: GiB })).code).toBe('DuplicateName');
    expect(thrown(() => s.createDelta(LAYER, '[ds] missing.vmdk')).code).toBe('ManagedObjectNotFound');
  });

  it('refuses to delete a disk others depend on, and to consolidate into a parent shared with siblings', () => {
    const s = store();
    s.createBase(SCRATCH, { capacityBytes: 1 * GiB });
    s.createDelta('[ds] a.vmdk', SCRATCH);
    s.createDelta('[ds] b.vmdk', SCRATCH);
    expect(thrown(() => s.remove(SCRATCH)).code).toBe('ResourceInUse');
    expect(thrown(() => s.consolidateIntoParent('[ds] a.vmdk')).code).toBe('ResourceInUse');
    expect(thrown(() => s.consolidateIntoParent(SCRATCH)).code).toBe('InvalidState');
    s.remove('[ds] b.vmdk');
    expect(thrown(() => s.consolidateParentIntoChild('[ds] a.vmdk')).code).toBe('InvalidState');
    expect(s.consolidateIntoParent('[ds] a.vmdk')).toEqual({ survivor: SCRATCH, removed: '[ds] a.vmdk', bytesFreed: DEFAULT_SPARSE_METADATA_BYTES, rewritten: [SCRATCH] });
    expect(s.info(SCRATCH).writable).toBe(true);
  });

  it('reports the bytes a consolidation frees: grains both disks held plus the removed extent’s metadata', () => {
    const s = store();
    s.createBase(SCRATCH, { capacityBytes: 1 * GiB });
    s.write(SCRATCH, 0, 8 * 4096, 1);
    s.createDelta(LAYER, SCRATCH);
    s.write(LAYER, 4 * 4096, 8 * 4096, 2);
    const result = s.consolidateIntoParent(LAYER);
    expect(result.bytesFreed).toBe(4 * 4096 + DEFAULT_SPARSE_METADATA_BYTES);
    expect(s.info(SCRATCH).allocatedBytes).toBe(12 * 4096);
    expect(s.read(SCRATCH, 0, 12 * 4096).map((r) => [r.length / 4096, r.tag])).toEqual([[4, 1], [8, 2]]);
  });

  it('allows 255 redo levels by default and refuses the 256th with TooManyRedoLevels', () => {
    const s = store();
    s.createBase('[ds] l0.vmdk', { capacityBytes: 1 * GiB });
    for (let i = 1; i <= 255; i++) s.createDelta(`[ds] l${i}.vmdk`, `[ds] l${i - 1}.vmdk`);
    expect(s.info('[ds] l255.vmdk').depth).toBe(255);
    const err = thrown(() => s.createDelta('[ds] l256.vmdk', '[ds] l255.vmdk'));
    expect(err).toBeInstanceOf(ChainLimitError);
    expect(err).toMatchObject({ code: 'TooManyRedoLevels', kind: 'redo', limit: 255 });
    expect(s.has('[ds] l256.vmdk')).toBe(false);
  });

  it('takes its chain limits from the calibration', () => {
    const s = store(1, calibrate({ disk: { maxRedoLevels: 2, maxSnapshotChain: 1 } }).disk);
    s.createBase('[ds] b.vmdk', { capacityBytes: GiB });
    s.createDelta('[ds] s1.vmdk', '[ds] b.vmdk', 'snapshot');
    expect(thrown(() => s.createDelta('[ds] s2.vmdk', '[ds] s1.vmdk', 'snapshot')).code).toBe('TooManySnapshotLevels');
    s.createDelta('[ds] l2.vmdk', '[ds] s1.vmdk');
    expect(thrown(() => s.createDelta('[ds] l3.vmdk', '[ds] l2.vmdk')).code).toBe('TooManyRedoLevels');
  });

  it('reads the nearest allocated grain through a 90-layer image chain', () => {
    const s = store();
    s.createBase('[ds] l0.vmdk', { capacityBytes: GiB });
    for (let i = 1; i <= 90; i++) {
      s.createDelta(`[ds] l${i}.vmdk`, `[ds] l${i - 1}.vmdk`);
      s.write(`[ds] l${i}.vmdk`, i * 4096, 4096, i);
      s.write(`[ds] l${i}.vmdk`, 0, 4096, i);
    }
    expect(s.readGrain('[ds] l90.vmdk', 0)).toBe(90);
    expect(s.readGrain('[ds] l90.vmdk', 45)).toBe(45);
    expect(s.readGrain('[ds] l44.vmdk', 45)).toBe(0);
    expect(s.chain('[ds] l90.vmdk')).toHaveLength(91);
  });

  it('lists a disk’s children in path order as deltas are added and removed after its info was read', () => {
    const s = store();
    s.createBase(SCRATCH, { capacityBytes: 1 * GiB });
    const delta = (n: string): string => `[datastore1] VIC/4a1b/containers/${n}/${n}.vmdk`;
    s.createDelta(delta('m'), SCRATCH);
    const before = s.info(SCRATCH).children;
    for (const n of ['z', 'a', 'q']) s.createDelta(delta(n), SCRATCH);
    expect(s.info(SCRATCH).children).toEqual(['a', 'm', 'q', 'z'].map(delta));
    s.remove(delta('m'));
    s.remove(delta('z'));
    expect(s.info(SCRATCH).children).toEqual(['a', 'q'].map(delta));
    expect(before).toEqual([delta('m')]);
  });
});

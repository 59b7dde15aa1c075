import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/sim/rng.js';
import { GiB } from '../../../src/sim/units.js';
import { DEFAULT_SPARSE_METADATA_BYTES, VmdkStore, nextDeltaPath, revertToSnapshot, takeSnapshot } from '../../../src/hypervisor/vmdk/index.js';
import { thrown } from '../helpers.js';

const DISK = '[datastore1] vm-7/vm-7.vmdk';

function vmDisk(): VmdkStore {
  const s = new VmdkStore({ rng: Rng.seeded(3) });
  s.createBase(DISK, { capacityBytes: GiB });
  return s;
}

describe('snapshots', () => {
  it('freeze the running disk and put a delta named as ESXi names it on top', () => {
    const s = vmDisk();
    const first = takeSnapshot(s, DISK);
    expect(first).toEqual({ snapshotDisk: DISK, top: '[datastore1] vm-7/vm-7-000001.vmdk' });
    const second = takeSnapshot(s, first.top);
    expect(second.top).toBe('[datastore1] vm-7/vm-7-000002.vmdk');
    expect(s.info(second.top)).toMatchObject({ purpose: 'snapshot', snapshotDepth: 2, parentPath: first.top });
    expect(s.info(DISK).writable).toBe(false);
  });

  it('keep what the VM wrote before the snapshot readable and unchanged by later writes', () => {
    const s = vmDisk();
    s.write(DISK, 0, 4096, 11);
    const { top } = takeSnapshot(s, DISK);
    s.write(top, 0, 4096, 22);
    expect(s.readGrain(DISK, 0)).toBe(11);
    expect(s.readGrain(top, 0)).toBe(22);
  });

  it('revert by discarding the running delta and starting a fresh one on the snapshot’s disk', () => {
    const s = vmDisk();
    s.write(DISK, 0, 4096, 11);
    const one = takeSnapshot(s, DISK);
    s.write(one.top, 0, 4096, 22);
    const two = takeSnapshot(s, one.top);
    s.write(two.top, 0, 8192, 33);
    const reverted = revertToSnapshot(s, two.top, DISK);
    expect(reverted.discarded).toBe(two.top);
    expect(reverted.bytesFreed).toBe(2 * 4096 + DEFAULT_SPARSE_METADATA_BYTES);
    expect(reverted.top).toBe(two.top); // the discarded delta's number is free again
    expect(s.has(one.top)).toBe(true);
    expect(s.info(reverted.top)).toMatchObject({ parentPath: DISK, allocatedGrains: 0, snapshotDepth: 1 });
    expect(s.readGrain(reverted.top, 0)).toBe(11);
  });

  it('allow 32 snapshots of one chain and refuse the 33rd with TooManySnapshotLevels', () => {
    const s = vmDisk();
    let top = DISK;
    for (let i = 0; i < 32; i++) top = takeSnapshot(s, top).top;
    expect(s.info(top).snapshotDepth).toBe(32);
    expect(thrown(() => takeSnapshot(s, top)).code).toBe('TooManySnapshotLevels');
  });

  it('refuse to snapshot a disk that is not the running top, or to revert to a disk outside the chain', () => {
    const s = vmDisk();
    const { top } = takeSnapshot(s, DISK);
    expect(thrown(() => takeSnapshot(s, DISK)).code).toBe('SnapshotFault');
    expect(thrown(() => revertToSnapshot(s, top, top)).code).toBe('InvalidArgument');
    s.createBase('[ds] other.vmdk', { capacityBytes: GiB });
    expect(thrown(() => revertToSnapshot(s, top, DISK, '[ds] other.vmdk')).code).toBe('DuplicateName');
    expect(s.has(top)).toBe(true);
  });

  it('name the next delta after the lowest free number, whatever delta the name starts from', () => {
    const s = vmDisk();
    s.createDelta('[datastore1] vm-7/vm-7-000001.vmdk', DISK);
    expect(nextDeltaPath(s, '[datastore1] vm-7/vm-7-000001.vmdk')).toBe('[datastore1] vm-7/vm-7-000002.vmdk');
    expect(nextDeltaPath(s, DISK)).toBe('[datastore1] vm-7/vm-7-000002.vmdk');
  });
});

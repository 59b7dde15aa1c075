import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/sim/rng.js';
import { GiB } from '../../../src/sim/units.js';
import { VmdkStore } from '../../../src/hypervisor/vmdk/index.js';
import type { SavedDisk, VmdkStoreState } from '../../../src/hypervisor/vmdk/index.js';
import type { VicsimError } from '../../../src/sim/errors.js';

const BASE = '[ds] img/scratch.vmdk';
const LAYER = '[ds] img/layer.vmdk';

function saved(): VmdkStoreState {
  const s = new VmdkStore({ rng: Rng.seeded(5) });
  s.createBase(BASE, { capacityBytes: GiB });
  s.write(BASE, 0, 3 * 4096, 8);
  s.createDelta(LAYER, BASE);
  s.write(LAYER, 4096, 100, 9);
  return s.toJSON();
}

function restoreError(state: VmdkStoreState): VicsimError {
  try {
    VmdkStore.restore(state, { rng: Rng.seeded(5) });
  } catch (err) {
    return err as VicsimError;
  }
  throw new Error('the state was restored');
}

function withLayer(state: VmdkStoreState, change: (disk: SavedDisk) => SavedDisk): VmdkStoreState {
  return { ...state, disks: state.disks.map((d) => (d.path === LAYER ? change(d) : d)) };
}

describe('saving and restoring disks', () => {
  it('restores a chain that reads and describes itself as before', () => {
    const state = saved();
    const restored = VmdkStore.restore(state, { rng: Rng.seeded(5) });
    expect(restored.readGrain(LAYER, 1)).not.toBe(0);
    expect(restored.readGrain(LAYER, 0)).toBe(8);
    expect(restored.toJSON()).toEqual(state);
  });

  it('refuses a child whose parent was modified since it was made, as ESXi does', () => {
    const state = withLayer(saved(), (d) => ({ ...d, descriptor: d.descriptor.replace(/parentCID=\w+/, 'parentCID=00000001') }));
    const err = restoreError(state);
    expect(err.code).toBe('RestoreError');
    expect(err.message).toContain('the parent virtual disk has been modified since the child was created');
  });

  it('refuses a child saved before its parent, a broken descriptor, malformed runs and an unknown version', () => {
    const state = saved();
    expect(restoreError({ ...state, disks: [...state.disks].reverse() }).message).toContain('was not restored before it');
    expect(restoreError(withLayer(state, (d) => ({ ...d, descriptor: d.descriptor.replace('CID=', 'CID=zz') }))).message).toContain('line 4');
    expect(restoreError(withLayer(state, (d) => ({ ...d, runs: [5, 2, 1] }))).message).toContain('grain run 0');
    expect(restoreError(withLayer(state, (d) => ({ ...d, runs: [0, 1] }))).message).toContain('triples');
    expect(restoreError({ ...state, version: 99 }).code).toBe('RestoreError');
  });
});

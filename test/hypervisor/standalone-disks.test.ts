import { describe, expect, it } from 'vitest';
import { checkDisksUnused, createStandaloneDisk, deleteStandaloneDisks, fillDisk } from '../../src/hypervisor/disks.js';
import { clusterPreset, restoreModel, saveModel } from '../../src/hypervisor/index.js';
import { InvalidStateError } from '../../src/sim/errors.js';
import { GiB, MiB } from '../../src/sim/units.js';

describe('stand-alone disks', () => {
  it('keeps stand-alone disks, folders and binary files across save and restore', () => {
    const { model, datastore } = clusterPreset({ hosts: 1 });
    const files = model.files(datastore.id);
    files.mkdir('images/empty', true);
    files.writeFile('images/blob.bin', new Uint8Array([0, 255, 128, 7]));
    const base = createStandaloneDisk(model, files.dsPath('images/base.vmdk'), { capacityBytes: GiB });
    const child = createStandaloneDisk(model, files.dsPath('images/child.vmdk'), { parent: base.path });
    fillDisk(model, child.path, MiB);
    const restored = restoreModel(JSON.parse(JSON.stringify(saveModel(model))));
    const again = restored.files(datastore.id);
    expect(again.isDirectory('images/empty')).toBe(true);
    expect([...again.readBytes('images/blob.bin')]).toEqual([0, 255, 128, 7]);
    expect([...restored.standaloneDisks].sort()).toEqual([base.path, child.path].sort());
    expect(restored.vmdks.info(child.path).allocatedBytes).toBe(model.vmdks.info(child.path).allocatedBytes);
    expect(again.usage).toBe(files.usage);
  });

  it('refuses to delete a parent alone, but deletes it together with its only delta', () => {
    const { model, datastore } = clusterPreset({ hosts: 1 });
    const files = model.files(datastore.id);
    files.mkdir('l');
    const used = files.usage;
    const base = createStandaloneDisk(model, files.dsPath('l/base.vmdk'), { capacityBytes: GiB });
    const child = createStandaloneDisk(model, files.dsPath('l/child.vmdk'), { parent: base.path });
    expect(() => checkDisksUnused(model, [base.path])).toThrow(InvalidStateError);
    checkDisksUnused(model, [base.path, child.path]);
    deleteStandaloneDisks(model, [base.path, child.path]);
    expect(model.vmdks.has(base.path) || model.vmdks.has(child.path)).toBe(false);
    expect(model.diskRefs.size).toBe(0);
    expect(files.usage).toBe(used);
  });
});

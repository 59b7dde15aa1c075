import { describe, expect, it } from 'vitest';
import { getDisk } from '../../src/hypervisor/disks.js';
import { createSnapshot, removeSnapshot, revertToSnapshot } from '../../src/hypervisor/snapshots.js';
import type { VirtualMachine } from '../../src/hypervisor/types.js';
import { cloneVM } from '../../src/hypervisor/vm-clone.js';
import { destroyVM, reconfigureVM } from '../../src/hypervisor/vm-config.js';
import { powerVM } from '../../src/hypervisor/vm-power.js';
import { ChainLimitError } from '../../src/hypervisor/vmdk/errors.js';
import { DuplicateNameError, InvalidArgumentError, InvalidPowerStateError, InvalidStateError } from '../../src/sim/errors.js';
import type { SnapshotId, VmId } from '../../src/sim/ids.js';
import { MiB } from '../../src/sim/units.js';
import { expectConsistent, fail, footprint, guestWrite, makeVm, runningVm, smallCluster, succeed, thrown, vmOf } from './helpers.js';

/** The datastore paths of a VM's disks, in device order. */
function disksOf(vm: VirtualMachine): string[] {
  return vm.config.devices.flatMap((d) => (d.type === 'disk' ? [d.fileName] : []));
}

/** Bytes of guest data a disk holds itself (allocated grains, metadata left out). */
function dataBytes(p: ReturnType<typeof smallCluster>, dsPath: string): number {
  const d = getDisk(p.model, dsPath);
  return d.allocatedGrains * d.grainBytes;
}

describe('a full clone', () => {
  it('copies the source’s data into new base disks of its own', () => {
    const p = smallCluster();
    const src = makeVm(p, { name: 'src', numCpu: 4, memoryMB: 4096, nics: [{ network: p.network.id }] });
    guestWrite(p.model, disksOf(src)[0]!, 5 * MiB);
    const id = succeed<VmId>(p.model, cloneVM(p.model, src.id, { name: 'copy', mode: 'full' }));
    const clone = vmOf(p.model, id);
    const [disk] = disksOf(clone);
    expect(disk).toBe('[DC0_DS0] copy/copy.vmdk');
    expect(getDisk(p.model, disk!)).toMatchObject({ parentPath: undefined, depth: 0 });
    expect(dataBytes(p, disk!)).toBe(5 * MiB);
    expect(clone.config).toMatchObject({ numCpu: 4, memoryMB: 4096 });
    expect(clone.config.devices.filter((d) => d.type === 'nic')).toHaveLength(1);
    expect(clone).toMatchObject({ powerState: 'poweredOff', provenance: { via: 'clone', mode: 'full', source: src.id } });
    expect(p.model.diskRefs.get(disksOf(src)[0]!)).toBe(1);
    expect(p.model.events.history().at(-1)).toMatchObject({ type: 'VmClonedEvent', vm: id, data: { source: src.id, mode: 'full' } });
    expectConsistent(p.model);
  });

  it('is powered on when asked to', () => {
    const p = smallCluster();
    const src = makeVm(p, { name: 'src' });
    const id = succeed<VmId>(p.model, cloneVM(p.model, src.id, { name: 'copy', mode: 'full', powerOn: true }));
    expect(vmOf(p.model, id).powerState).toBe('poweredOn');
    expectConsistent(p.model);
  });

  it('is refused at submit for a taken name or a bad mode, changing nothing', () => {
    const p = smallCluster();
    const src = makeVm(p, { name: 'src' });
    const before = footprint(p.model);
    expect(thrown(() => cloneVM(p.model, src.id, { name: 'src', mode: 'full' }))).toBeInstanceOf(DuplicateNameError);
    expect(thrown(() => cloneVM(p.model, src.id, { name: 'x', mode: 'sideways' as never }))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => cloneVM(p.model, src.id, { name: '', mode: 'full' }))).toBeInstanceOf(InvalidArgumentError);
    expect(footprint(p.model)).toBe(before);
  });
});

describe('a linked clone', () => {
  it('needs a snapshot of its source, failing with SnapshotFault and leaving nothing otherwise', () => {
    const p = smallCluster();
    const src = makeVm(p, { name: 'src' });
    const before = footprint(p.model);
    const e = fail(p.model, cloneVM(p.model, src.id, { name: 'linked', mode: 'linked' })) as InvalidStateError;
    expect(e).toBeInstanceOf(InvalidStateError);
    expect(e.code).toBe('SnapshotFault');
    expect(e.message).toContain('src');
    expect(footprint(p.model)).toBe(before);
  });

  it('puts a delta on the snapshot’s disks, sharing them with the source', () => {
    const p = smallCluster();
    const src = makeVm(p, { name: 'src' });
    guestWrite(p.model, disksOf(src)[0]!, 2 * MiB);
    const snap = succeed<SnapshotId>(p.model, createSnapshot(p.model, src.id, 's1'));
    const frozen = vmOf(p.model, src.id).snapshots.find((s) => s.id === snap)!.disks[0]!;
    const id = succeed<VmId>(p.model, cloneVM(p.model, src.id, { name: 'linked', mode: 'linked' }));
    const [top] = disksOf(vmOf(p.model, id));
    expect(getDisk(p.model, top!)).toMatchObject({ parentPath: frozen, depth: 1 });
    expect(dataBytes(p, top!)).toBe(0);
    expect(p.model.diskRefs.get(frozen)).toBe(3); // the source's running delta, its snapshot, the clone
    expect(vmOf(p.model, id).provenance).toEqual({ via: 'clone', mode: 'linked', source: src.id });
    expectConsistent(p.model);
  });

  it('branches from the snapshot it names', () => {
    const p = smallCluster();
    const src = makeVm(p, { name: 'src' });
    const s1 = succeed<SnapshotId>(p.model, createSnapshot(p.model, src.id, 's1'));
    succeed(p.model, createSnapshot(p.model, src.id, 's2'));
    const s1disk = vmOf(p.model, src.id).snapshots.find((s) => s.id === s1)!.disks[0]!;
    const id = succeed<VmId>(p.model, cloneVM(p.model, src.id, { name: 'old', mode: 'linked', snapshot: s1 }));
    expect(getDisk(p.model, disksOf(vmOf(p.model, id))[0]!).parentPath).toBe(s1disk);
    expect(thrown(() => cloneVM(p.model, src.id, { name: 'bad', mode: 'linked', snapshot: 'snapshot-999' }))).toBeInstanceOf(InvalidArgumentError);
  });

  it('keeps working when its source is destroyed: the links it uses stay, the source’s own files go', () => {
    const p = smallCluster();
    const src = makeVm(p, { name: 'src' });
    guestWrite(p.model, disksOf(src)[0]!, MiB);
    succeed(p.model, createSnapshot(p.model, src.id, 's1'));
    const id = succeed<VmId>(p.model, cloneVM(p.model, src.id, { name: 'linked', mode: 'linked' }));
    succeed(p.model, destroyVM(p.model, src.id));
    const files = p.model.files(p.datastore.id);
    expect(files.readdir('src')).toEqual(['src-flat.vmdk', 'src.vmdk']);
    expect(p.model.diskRefs.get('[DC0_DS0] src/src.vmdk')).toBe(1);
    succeed(p.model, powerVM(p.model, id, 'powerOn'));
    expectConsistent(p.model);
    succeed(p.model, powerVM(p.model, id, 'powerOff'));
    succeed(p.model, destroyVM(p.model, id));
    expect(files.exists('src')).toBe(false);
    expect(p.model.vmdks.paths()).toEqual([]);
    expectConsistent(p.model);
  });
});

describe('an instant clone', () => {
  it('needs a running source, failing with InvalidPowerState and leaving nothing otherwise', () => {
    const p = smallCluster();
    const src = makeVm(p, { name: 'src' });
    const before = footprint(p.model);
    const e = fail(p.model, cloneVM(p.model, src.id, { name: 'ic', mode: 'instant' })) as InvalidPowerStateError;
    expect(e).toBeInstanceOf(InvalidPowerStateError);
    expect([e.existing, e.requested]).toEqual(['poweredOff', 'poweredOn']);
    expect(footprint(p.model)).toBe(before);
  });

  it('is born running on its source’s host, and gives the source a new delta over the shared disk', () => {
    const p = smallCluster();
    const src = runningVm(p, { name: 'src', host: p.hosts[1]!.id });
    const [shared] = disksOf(src);
    const id = succeed<VmId>(p.model, cloneVM(p.model, src.id, { name: 'ic', mode: 'instant' }));
    const clone = vmOf(p.model, id);
    expect(clone).toMatchObject({ host: p.hosts[1]!.id, powerState: 'poweredOn', provenance: { via: 'clone', mode: 'instant', source: src.id } });
    const [srcTop] = disksOf(vmOf(p.model, src.id));
    expect(srcTop).toBe('[DC0_DS0] src/src-000001.vmdk');
    expect(getDisk(p.model, srcTop!).parentPath).toBe(shared);
    expect(getDisk(p.model, disksOf(clone)[0]!).parentPath).toBe(shared);
    expect(getDisk(p.model, shared!).writable).toBe(false);
    expect(vmOf(p.model, src.id).powerState).toBe('poweredOn');
    expect(p.model.events.history().map((e) => e.type)).toContain('VmInstantClonedEvent');
    expectConsistent(p.model);
  });

  it('may not be placed on another host', () => {
    const p = smallCluster();
    const src = runningVm(p, { name: 'src', host: p.hosts[0]!.id });
    const e = thrown(() => cloneVM(p.model, src.id, { name: 'ic', mode: 'instant', host: p.hosts[1]!.id }));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toContain(p.hosts[0]!.name);
  });

  it('of a source whose clone was refused by admission leaves the source and the model as they were', () => {
    const p = smallCluster();
    const src = runningVm(p, { name: 'src', host: p.hosts[0]!.id, memoryMB: 8192, memoryAllocation: { reservation: 8192 } });
    const before = footprint(p.model);
    expect(fail(p.model, cloneVM(p.model, src.id, { name: 'ic', mode: 'instant' })).code).toBe('InsufficientResourcesFault');
    expect(footprint(p.model)).toBe(before);
    expectConsistent(p.model);
  });
});

describe('snapshots', () => {
  it('put a snapshot delta on every disk and keep disk references right through create, revert and remove', () => {
    const p = smallCluster();
    const vm = makeVm(p, { name: 'vm', disks: [{ capacityBytes: 64 * MiB }, { capacityBytes: 32 * MiB }] });
    const base = disksOf(vm);
    const s1 = succeed<SnapshotId>(p.model, createSnapshot(p.model, vm.id, 's1', 'first'));
    expectConsistent(p.model);
    const after1 = vmOf(p.model, vm.id);
    expect(after1.snapshots[0]).toMatchObject({ id: s1, name: 's1', description: 'first', parent: undefined, disks: base, powerState: 'poweredOff' });
    expect(after1.currentSnapshot).toBe(s1);
    for (const [i, top] of disksOf(after1).entries()) expect(getDisk(p.model, top)).toMatchObject({ parentPath: base[i], purpose: 'snapshot' });
    const s2 = succeed<SnapshotId>(p.model, createSnapshot(p.model, vm.id, 's2'));
    expect(vmOf(p.model, vm.id).snapshots[1]!.parent).toBe(s1);
    succeed(p.model, revertToSnapshot(p.model, vm.id, s1));
    expect(vmOf(p.model, vm.id).currentSnapshot).toBe(s1);
    for (const [i, top] of disksOf(vmOf(p.model, vm.id)).entries()) expect(getDisk(p.model, top).parentPath).toBe(base[i]);
    expectConsistent(p.model);
    succeed(p.model, removeSnapshot(p.model, vm.id, s1));
    const left = vmOf(p.model, vm.id);
    expect(left.snapshots.map((s) => [s.id, s.parent])).toEqual([[s2, undefined]]);
    expect(left.currentSnapshot).toBeUndefined();
    expectConsistent(p.model);
    succeed(p.model, removeSnapshot(p.model, vm.id, s2));
    expect(vmOf(p.model, vm.id).snapshots).toEqual([]);
    expectConsistent(p.model);
  });

  it('refuse the 33rd snapshot in a chain and change nothing', () => {
    const p = smallCluster();
    const vm = makeVm(p, { name: 'vm' });
    for (let i = 1; i <= 32; i++) succeed(p.model, createSnapshot(p.model, vm.id, `s${i}`));
    const before = footprint(p.model);
    const e = fail(p.model, createSnapshot(p.model, vm.id, 's33'));
    expect(e).toBeInstanceOf(ChainLimitError);
    expect(e.code).toBe('TooManySnapshotLevels');
    expect(footprint(p.model)).toBe(before);
    expect(vmOf(p.model, vm.id).snapshots).toHaveLength(32);
    expectConsistent(p.model);
  });

  it('revert powers a running VM off and releases its reservations', () => {
    const p = smallCluster();
    const vm = runningVm(p, { name: 'vm', cpuAllocation: { reservation: 1000 } });
    const snap = succeed<SnapshotId>(p.model, createSnapshot(p.model, vm.id, 'live'));
    expect(vmOf(p.model, vm.id).snapshots[0]!.powerState).toBe('poweredOn');
    succeed(p.model, revertToSnapshot(p.model, vm.id, snap));
    expect(vmOf(p.model, vm.id).powerState).toBe('poweredOff');
    expect(p.model.accounting.used(p.rootPool.id)).toEqual({ cpu: 0, memory: 0 });
    const types = p.model.events.history().map((e) => e.type);
    expect(types.slice(-2)).toEqual(['VmPoweredOffEvent', 'VmSnapshotRevertedEvent']);
    expectConsistent(p.model);
  });

  it('revert drops a disk added after the snapshot and brings back one the snapshot holds', () => {
    const p = smallCluster();
    const vm = makeVm(p, { name: 'vm' });
    const s1 = succeed<SnapshotId>(p.model, createSnapshot(p.model, vm.id, 'one disk'));
    succeed(p.model, reconfigureVM(p.model, vm.id, { addDisks: [{ capacityBytes: 16 * MiB }] }));
    const added = disksOf(vmOf(p.model, vm.id))[1]!;
    const s2 = succeed<SnapshotId>(p.model, createSnapshot(p.model, vm.id, 'two disks'));
    succeed(p.model, revertToSnapshot(p.model, vm.id, s1));
    const reverted = vmOf(p.model, vm.id);
    expect(disksOf(reverted)).toHaveLength(1);
    expect(getDisk(p.model, disksOf(reverted)[0]!).parentPath).toBe(reverted.snapshots[0]!.disks[0]);
    expect(p.model.files(p.datastore.id).readFile('vm/vm.vmx')).not.toContain('scsi0:1.');
    expectConsistent(p.model);
    succeed(p.model, revertToSnapshot(p.model, vm.id, s2));
    const back = vmOf(p.model, vm.id);
    expect(disksOf(back).map((d) => getDisk(p.model, d).parentPath)).toEqual(back.snapshots[1]!.disks);
    expect(back.snapshots[1]!.disks[1]).toBe(added);
    expect(back.config.devices.filter((d) => d.type === 'disk').map((d) => d.capacityBytes)).toEqual([8 * 1024 * MiB, 16 * MiB]);
    expectConsistent(p.model);
  });

  it('refuse a bad snapshot name or an unknown snapshot at submit', () => {
    const p = smallCluster();
    const vm = makeVm(p, { name: 'vm' });
    expect(thrown(() => createSnapshot(p.model, vm.id, ''))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => createSnapshot(p.model, vm.id, 'x'.repeat(81)))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => revertToSnapshot(p.model, vm.id, 'snapshot-404'))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => removeSnapshot(p.model, vm.id, 'snapshot-404'))).toBeInstanceOf(InvalidArgumentError);
  });
});

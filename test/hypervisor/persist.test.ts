import { describe, expect, it } from 'vitest';
import { failHost } from '../../src/hypervisor/hosts.js';
import { addDatastore } from '../../src/hypervisor/inventory.js';
import type { VSphereModel } from '../../src/hypervisor/model.js';
import { SAVE_VERSION, restoreModel, saveModel } from '../../src/hypervisor/persist.js';
import { createPool } from '../../src/hypervisor/pools.js';
import type { Preset } from '../../src/hypervisor/presets.js';
import { createSnapshot } from '../../src/hypervisor/snapshots.js';
import { cloneVM } from '../../src/hypervisor/vm-clone.js';
import { createVM } from '../../src/hypervisor/vm-create.js';
import { powerVM } from '../../src/hypervisor/vm-power.js';
import { RestoreError } from '../../src/sim/errors.js';
import type { VmId } from '../../src/sim/ids.js';
import { GiB, MiB } from '../../src/sim/units.js';
import { expectConsistent, footprint, guestWrite, makeVm, runningVm, smallCluster, succeed, thrown, vmOf } from './helpers.js';

/** A model with a bit of everything: pools, running and suspended VMs, clones, snapshots, written disks, logs, a failed host. */
function busyModel(): Preset {
  const p = smallCluster({ hosts: 3 });
  const ds1 = addDatastore(p.model, p.datacenter.id, { name: 'DS1', capacityBytes: 200 * GiB, vmfsVersion: 5 });
  const pool = createPool(p.model, p.rootPool.id, 'web', { memory: { reservation: 4096, expandableReservation: true }, cpu: { reservation: 2000, limit: 8000 } });
  const web = runningVm(p, { name: 'web', pool: pool.id, memoryAllocation: { reservation: 1024 }, nics: [{ network: p.network.id }], serialLog: true });
  guestWrite(p.model, '[DC0_DS0] web/web.vmdk', 3 * MiB);
  p.model.files(p.datastore.id).writeFile('web/serial.log', 'booted\n');
  succeed(p.model, createSnapshot(p.model, web.id, 's1'));
  succeed(p.model, cloneVM(p.model, web.id, { name: 'web-linked', mode: 'linked' }));
  succeed(p.model, cloneVM(p.model, web.id, { name: 'web-instant', mode: 'instant' }));
  succeed(p.model, cloneVM(p.model, web.id, { name: 'web-full', mode: 'full', datastore: ds1.id }));
  const db = runningVm(p, { name: 'db', host: p.hosts[2]!.id, datastore: ds1.id });
  succeed(p.model, powerVM(p.model, db.id, 'suspend'));
  runningVm(p, { name: 'doomed', host: p.hosts[1]!.id });
  failHost(p.model, p.hosts[1]!.id);
  return p;
}

function roundTrip(model: VSphereModel): VSphereModel {
  return restoreModel(JSON.stringify(saveModel(model)));
}

describe('save and restore', () => {
  it('save → JSON → restore → save gives the identical document', () => {
    const { model } = busyModel();
    const saved = JSON.stringify(saveModel(model));
    const restored = restoreModel(saved);
    expect(JSON.stringify(saveModel(restored))).toBe(saved);
    // Guest memory contents are not saved (guest-memory.ts): everything else must be identical.
    expect(footprint(restored, { memory: false })).toBe(footprint(model, { memory: false }));
    expectConsistent(restored);
  });

  it('restores from the parsed object as well as from the string, without tying the copy to the original', () => {
    const { model } = busyModel();
    const before = JSON.stringify(saveModel(model));
    const restored = restoreModel(saveModel(model));
    const web = restored.vmByName('web')!;
    guestWrite(restored, vmOf(restored, web).config.devices.find((d) => d.type === 'disk')!.fileName, 2 * MiB, 10 * MiB);
    restored.files(vmOf(restored, web).datastore).appendFile('web/serial.log', 'more\n');
    expect(JSON.stringify(saveModel(model))).toBe(before);
  });

  it('rebuilds reservations, the .vmx files and the disk files from the records', () => {
    const { model } = busyModel();
    const restored = roundTrip(model);
    for (const p of model.registry.all('ResourcePool')) expect(restored.accounting.used(p.id)).toEqual(model.accounting.used(p.id));
    for (const h of model.registry.all('Host')) {
      expect(restored.accounting.hostUsed(h.id)).toEqual(model.accounting.hostUsed(h.id));
      // Memory contents are not saved: each running VM comes back with its boot footprint and overhead.
      const running = [...restored.vmsOnHost(h.id)].map((id) => vmOf(restored, id)).filter((v) => v.powerState === 'poweredOn');
      const expected = running.reduce((mb, v) => mb + restored.calibration.memory.bootTouchedMB + restored.overheadOf(v), 0);
      expect(restored.consumedMB(h.id)).toBeCloseTo(expected, 6);
    }
    const ds = model.registry.findByName('Datastore', 'DC0_DS0')!;
    expect(restored.files(ds.id).readFile('web/web.vmx')).toBe(model.files(ds.id).readFile('web/web.vmx'));
    expect(restored.files(ds.id).readFile('web/web.vmdk')).toBe(model.files(ds.id).readFile('web/web.vmdk'));
    expect(restored.files(ds.id).readFile('web/serial.log')).toBe('booted\n');
    expect(restored.clock.now()).toBe(model.clock.now());
  });

  it('gives a model that keeps working: VMs power on, new VMs get fresh ids, and the two models agree', () => {
    const p = busyModel();
    const restored = roundTrip(p.model);
    const off = [...restored.registry.all('VirtualMachine')].find((v) => v.powerState === 'poweredOff' && restored.registry.get('Host', v.host).state === 'connected')!.id;
    const ids = new Set<string>([...restored.registry.values()].map((o) => o.id));
    for (const m of [p.model, restored]) {
      succeed(m, powerVM(m, off, 'powerOn'));
      const id = succeed<VmId>(m, createVM(m, { name: 'fresh', pool: p.rootPool.id, disks: [{ capacityBytes: GiB }], nics: [{ network: p.network.id }] }));
      expect(ids.has(id)).toBe(false);
      succeed(m, powerVM(m, id, 'powerOn'));
      succeed(m, createSnapshot(m, id, 'snap'));
      expectConsistent(m);
    }
    // equal as data; the key order of a record may differ (a field undefined at save time comes back absent)
    expect(JSON.parse(JSON.stringify(saveModel(restored)))).toEqual(JSON.parse(JSON.stringify(saveModel(p.model))));
  });

  it('brings tasks that were queued or running back as errors, keeping the finished ones', () => {
    const p = smallCluster();
    const vm = makeVm(p, { name: 'vm' });
    const running = powerVM(p.model, vm.id, 'powerOn');
    const queued = powerVM(p.model, vm.id, 'powerOff');
    const restored = restoreModel(JSON.stringify(saveModel(p.model)));
    for (const t of [running, queued]) {
      expect(restored.tasks.info(t.id)).toMatchObject({ state: 'error', completeTime: p.model.clock.now(), error: { code: 'RestoreError' } });
      expect(restored.tasks.errorOf(t.id)).toBeInstanceOf(RestoreError);
    }
    expect(restored.tasks.list().filter((t) => t.state === 'success')).toHaveLength(1);
    expect(restored.tasks.busy).toBe(false);
    expect(vmOf(restored, vm.id).powerState).toBe('poweredOff');
    expect(restored.clock.pendingWork).toBe(0);
    p.model.clock.runUntilIdle();
  });
});

describe('a restore that fails', () => {
  /** A valid saved document, tampered with by `change`. */
  /** The saved document as plain mutable JSON. */
  type Doc = Record<string, unknown> & { objects: Record<string, unknown>[]; vmdks: { disks: unknown[] }; files: Record<string, unknown> };
  function tampered(change: (s: Doc) => void): string {
    const { model } = busyModel();
    const s = JSON.parse(JSON.stringify(saveModel(model))) as Doc;
    change(s);
    return JSON.stringify(s);
  }
  const vmRecord = (s: Doc, name: string) => s.objects.find((o) => o.kind === 'VirtualMachine' && o.name === name)!;

  const bad: [string, () => unknown][] = [
    ['text that is not JSON', () => '{"format": "vicsim-model", '],
    ['a JSON value that is not an object', () => '42'],
    ['null', () => null],
    ['another format', () => tampered((s) => (s.format = 'other'))],
    ['a newer version', () => tampered((s) => (s.version = SAVE_VERSION + 1))],
    ['a missing field', () => tampered((s) => delete (s as Partial<Doc>).objects)],
    ['a clock that is not a number', () => tampered((s) => (s.time = 'noon'))],
    ['an object saved twice', () => tampered((s) => s.objects.push(s.objects[0]!))],
    ['a disk saved twice', () => tampered((s) => s.vmdks.disks.push(s.vmdks.disks[0]!))],
    ['files of an unknown datastore', () => tampered((s) => (s.files['datastore-999'] = { 'x/y.log': 'z' }))],
    ['a VM on a host that does not exist', () => tampered((s) => (vmRecord(s, 'web').host = 'host-999'))],
    ['a VM in a pool that does not exist', () => tampered((s) => (vmRecord(s, 'web').pool = 'resgroup-999'))],
    ['a VM whose disk is not saved', () => tampered((s) => (s.vmdks.disks = s.vmdks.disks.filter((d) => !JSON.stringify(d).includes('web-linked/'))))],
  ];

  it.each(bad)('on %s throws RestoreError and leaves the current model untouched', (_, input) => {
    const p = busyModel();
    const before = JSON.stringify(saveModel(p.model));
    const footprintBefore = footprint(p.model);
    const e = thrown(() => restoreModel(input()));
    expect(e).toBeInstanceOf(RestoreError);
    expect((e as RestoreError).code).toBe('RestoreError');
    expect(JSON.stringify(saveModel(p.model))).toBe(before);
    expect(footprint(p.model)).toBe(footprintBefore);
  });

  it('names the unsupported version and the version it reads', () => {
    const e = thrown(() => restoreModel(tampered((s) => (s.version = 99)))) as RestoreError;
    expect(e.message).toContain('99');
    expect(e.message).toContain(String(SAVE_VERSION));
  });
});

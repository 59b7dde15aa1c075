/**
 * Byte-for-byte regression of the projected datastore files: the `.vmx` and VMDK descriptor text of
 * a few VMs and disks, their listed sizes, the task records and the event log, after a fixed
 * operation sequence (create, clone three ways, instant clones of a running and a frozen source,
 * snapshots, reconfigure, guest writes, relocation to another datastore, destroy). The fixture was
 * generated from the code before the clone path was optimised; regenerate it only on purpose, with
 * `UPDATE_FIXTURES=1 npx vitest run test/hypervisor/file-text-regression.test.ts`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VmdkStore, formatDescriptor } from '../../src/hypervisor/vmdk/index.js';
import { Rng } from '../../src/sim/rng.js';
import { addDatastore } from '../../src/hypervisor/inventory.js';
import { createSnapshot, removeSnapshot } from '../../src/hypervisor/snapshots.js';
import { cloneVM, freezeVM } from '../../src/hypervisor/vm-clone.js';
import { destroyVM, reconfigureVM, relocateVM } from '../../src/hypervisor/vm-config.js';
import { powerVM } from '../../src/hypervisor/vm-power.js';
import type { SnapshotId, VmId } from '../../src/sim/ids.js';
import { GiB, MiB } from '../../src/sim/units.js';
import { guestWrite, makeVm, runningVm, smallCluster, succeed, vmOf } from './helpers.js';

const FIXTURE = new URL('./fixtures/file-text.json', import.meta.url);

/** Every projected file of every datastore (path, listed size, text) plus sizes of the other entries. */
function snapshotFiles(model: ReturnType<typeof smallCluster>['model']): unknown {
  return [...model.registry.all('Datastore')].map((ds) => {
    const files = model.files(ds.id);
    return {
      datastore: ds.name,
      usage: files.usage,
      files: files.files().map((f) => ({ ...f, ...(f.kind === 'projection' ? { text: files.readFile(f.path) } : {}) })),
    };
  });
}

/** The fixed sequence; returns the states worth comparing after each phase. */
function scenario(): Record<string, unknown> {
  const p = smallCluster({ hosts: 2, seed: 7 });
  const { model } = p;
  const second = addDatastore(model, p.datacenter.id, { name: 'DC0_DS1', capacityBytes: 512 * GiB });
  const phases: Record<string, unknown> = {};
  const tpl = runningVm(p, {
    name: 'tpl-é',
    numCpu: 2,
    memoryMB: 1024,
    nics: [{ network: p.network.id }, { network: p.network.id }],
    cdromIso: '[DC0_DS0] iso/photon.iso',
    serialLog: true,
    annotation: 'line one\nline two',
    extraConfig: { 'guestinfo.a': 'x|y', 'guestinfo.b': 'plain' },
    disks: [{ capacityBytes: 8 * GiB }, { capacityBytes: 2 * GiB }],
  });
  guestWrite(model, tpl.config.devices.find((d) => d.type === 'disk')!.fileName, 3 * MiB);
  phases.created = snapshotFiles(model);
  const running = succeed<VmId>(model, cloneVM(model, tpl.id, { name: 'ic-running', mode: 'instant' }));
  freezeVM(model, tpl.id);
  const frozen: VmId[] = [];
  for (let i = 0; i < 3; i++) frozen.push(succeed<VmId>(model, cloneVM(model, tpl.id, { name: `ic-${i}`, mode: 'instant' })));
  phases.instant = snapshotFiles(model);
  const cold = makeVm(p, { name: 'cold', disks: [{ capacityBytes: 4 * GiB }] });
  const snap = succeed<SnapshotId>(model, createSnapshot(model, cold.id, 's1', 'first'));
  guestWrite(model, vmOf(model, cold.id).config.devices.find((d) => d.type === 'disk')!.fileName, MiB, 4 * MiB);
  succeed(model, cloneVM(model, cold.id, { name: 'linked', mode: 'linked', snapshot: snap }));
  succeed(model, cloneVM(model, cold.id, { name: 'full', mode: 'full', powerOn: true }));
  phases.clones = snapshotFiles(model);
  succeed(model, reconfigureVM(model, frozen[0]!, { annotation: 'changed', extraConfig: { 'guestinfo.b': '', 'guestinfo.c': 'q"z' }, addNics: [{ network: p.network.id }], addDisks: [{ capacityBytes: GiB }] }));
  succeed(model, reconfigureVM(model, cold.id, { name: 'cold-renamed', numCpu: 4, memoryMB: 3072, cpuAllocation: { reservation: 500 } }));
  succeed(model, removeSnapshot(model, cold.id, snap));
  succeed(model, relocateVM(model, cold.id, { datastore: second.id }));
  succeed(model, powerVM(model, frozen[1]!, 'powerOff'));
  succeed(model, destroyVM(model, frozen[1]!));
  phases.final = snapshotFiles(model);
  phases.tasks = model.tasks.list();
  phases.events = model.events.history();
  phases.running = running;
  return phases;
}

describe('the projected datastore files', () => {
  it('read back byte-identical to the fixture after a fixed operation sequence', () => {
    const actual = JSON.parse(JSON.stringify(scenario())) as Record<string, unknown>;
    if (process.env.UPDATE_FIXTURES === '1') writeFileSync(FIXTURE, JSON.stringify(actual, null, 1) + '\n');
    expect(existsSync(FIXTURE), 'fixture missing: generate it with UPDATE_FIXTURES=1').toBe(true);
    const expected = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;
    for (const phase of Object.keys(expected)) expect(actual[phase], phase).toEqual(expected[phase]);
  });

  it('list each projection at the byte length of the text it reads as', () => {
    const phases = scenario();
    for (const phase of ['created', 'instant', 'clones', 'final']) {
      for (const ds of phases[phase] as { files: { kind: string; size: number; text?: string }[] }[]) {
        for (const f of ds.files) if (f.kind === 'projection') expect(f.size).toBe(Buffer.byteLength(f.text!));
      }
    }
  });
});

describe('a disk descriptor rendered straight from the disk', () => {
  it('is the text formatDescriptor makes of its parsed form, for any base settings, format and chain', () => {
    const base = fc.record({
      sectors: fc.integer({ min: 1, max: 2 ** 34 }),
      format: fc.constantFrom('seSparse' as const, 'vmfsSparse' as const),
      createType: fc.constantFrom('vmfs' as const, 'monolithicFlat' as const),
      adapterType: fc.constantFrom('pvscsi', 'lsilogic', 'ide', 'buslogic'),
      virtualHWVersion: fc.integer({ min: 4, max: 21 }),
    });
    const name = fc.stringMatching(/^[a-zé0-9 _-]{1,12}$/);
    fc.assert(
      fc.property(base, fc.array(fc.tuple(name, fc.boolean()), { maxLength: 4 }), fc.boolean(), fc.integer({ min: 1, max: 1000 }), (b, deltas, write, seed) => {
        const store = new VmdkStore({ rng: Rng.seeded(seed) });
        let top = '[ds 1] vm/base.vmdk';
        store.createBase(top, { capacityBytes: b.sectors * 512, format: b.format, createType: b.createType, adapterType: b.adapterType, virtualHWVersion: b.virtualHWVersion });
        for (const [stem, sameFolder] of deltas) {
          const path = sameFolder ? `[ds 1] vm/${stem}.vmdk` : `[ds 2] other/${stem}.vmdk`;
          if (store.has(path)) continue;
          store.createDelta(path, top);
          top = path;
        }
        if (write) store.write(top, 0, 512, 9);
        for (const p of store.paths()) expect(store.descriptorText(p)).toBe(formatDescriptor(store.descriptor(p)));
      }),
      { numRuns: 200 },
    );
  });
});

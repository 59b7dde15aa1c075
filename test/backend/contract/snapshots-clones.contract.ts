/**
 * Contract: snapshots (create, revert, remove), linked clones from a snapshot, instant clones of a
 * running VM, and relocation between hosts and pools.
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../../src/backend/backend.js';
import { InvalidArgumentError, InvalidPowerStateError } from '../../../src/sim/errors.js';
import type { VmId } from '../../../src/sim/ids.js';
import { GiB } from '../../../src/sim/units.js';
import { failure, run, type ContractContext } from './fixture.js';

/** Registers the snapshot, clone and relocate cases. */
export function snapshotsClonesContract(c: ContractContext): void {
  const create = async (backend: Backend, extra: Partial<Parameters<Backend['createVM']>[0]> = {}): Promise<VmId> =>
    run(backend.createVM({ name: c.name('src'), pool: c.fixture().pool, numCpu: 1, memoryMB: 512, disks: [{ capacityBytes: GiB }], ...extra }));

  describe('snapshots', () => {
    it('creates a tree and reverts to an older snapshot, which becomes current', async () => {
      const { backend } = c.fixture();
      const id = await create(backend);
      const first = await run(backend.createSnapshot(id, 'first', 'before changes'));
      const second = await run(backend.createSnapshot(id, 'second'));
      const vm = await backend.vm(id);
      expect(vm.snapshots.map((s) => [s.id, s.name, s.parent])).toEqual([[first, 'first', undefined], [second, 'second', first]]);
      expect(vm.currentSnapshot).toBe(second);
      expect(vm.snapshots[0]!.createTime).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(await run(backend.revertToSnapshot(id, first))).toBe(first);
      expect((await backend.vm(id)).currentSnapshot).toBe(first);
    });

    it("removes a snapshot: its children move up to its parent, and the current one's parent becomes current", async () => {
      const { backend } = c.fixture();
      const id = await create(backend);
      const first = await run(backend.createSnapshot(id, 'first'));
      const second = await run(backend.createSnapshot(id, 'second'));
      const third = await run(backend.createSnapshot(id, 'third'));
      expect(await run(backend.removeSnapshot(id, third))).toBe(third);
      expect((await backend.vm(id)).currentSnapshot).toBe(second);
      expect(await run(backend.removeSnapshot(id, first))).toBe(first);
      const vm = await backend.vm(id);
      expect(vm.snapshots.map((s) => [s.id, s.parent])).toEqual([[second, undefined]]);
      expect(vm.currentSnapshot).toBe(second);
    });

    it.skipIf(c.has('removingCurrentRootSnapshotCrashes'))('removes the current snapshot at the root, leaving no current snapshot (vcsim deviation: removingCurrentRootSnapshotCrashes)', async () => {
      const { backend } = c.fixture();
      const id = await create(backend);
      const only = await run(backend.createSnapshot(id, 'only'));
      await run(backend.removeSnapshot(id, only));
      expect(await backend.vm(id)).toMatchObject({ snapshots: [], currentSnapshot: undefined });
    });

    it('leaves a running VM powered off after reverting to a disk-only snapshot (vcsim deviation: revertKeepsPowerState)', async () => {
      const { backend } = c.fixture();
      const id = await create(backend);
      const snapshot = await run(backend.createSnapshot(id, 'cold'));
      await run(backend.powerOnVM(id));
      await run(backend.revertToSnapshot(id, snapshot));
      expect((await backend.vm(id)).powerState).toBe(c.has('revertKeepsPowerState') ? 'poweredOn' : 'poweredOff');
    });

    it("refuses a snapshot that is not the VM's with InvalidArgument", async () => {
      const { backend } = c.fixture();
      const a = await create(backend);
      const b = await create(backend);
      const snapshot = await run(backend.createSnapshot(a, 'mine'));
      expect(await failure(backend.revertToSnapshot(b, snapshot))).toBeInstanceOf(InvalidArgumentError);
      expect(await failure(backend.removeSnapshot(b, snapshot))).toBeInstanceOf(InvalidArgumentError);
    });
  });

  describe('linked clones', () => {
    it("clones a snapshot's state into new files: disks added after the snapshot are not in the clone (vcsim deviations: cloneIgnoresSnapshot, cloneAliasesSourceDisks)", async () => {
      const { backend, pool } = c.fixture();
      const source = await create(backend);
      const snapshot = await run(backend.createSnapshot(source, 'base'));
      await run(backend.reconfigureVM(source, { addDisks: [{ capacityBytes: 2 * GiB }] }));
      const name = c.name('linked');
      const clone = await run(backend.cloneVM(source, { name, mode: 'linked', snapshot }));
      const vm = await backend.vm(clone);
      expect(vm).toMatchObject({ name, pool, powerState: 'poweredOff', numCpu: 1, memoryMB: 512 });
      expect(vm.disks.map((d) => d.capacityBytes)).toEqual(c.has('cloneIgnoresSnapshot') ? [GiB, 2 * GiB] : [GiB]);
      const sourceFiles = (await backend.vm(source)).disks.map((d) => d.fileName);
      if (c.has('cloneAliasesSourceDisks')) expect(vm.disks.every((d) => d.fileName !== '')).toBe(true);
      else for (const d of vm.disks) expect(sourceFiles).not.toContain(d.fileName);
    });

    it('powers the clone on on the host it names when asked (vcsim deviations: cloneIgnoresPowerOn, cloneIgnoresHost)', async () => {
      const { backend, hosts } = c.fixture();
      const source = await create(backend, { host: hosts[0]! });
      await run(backend.createSnapshot(source, 'base'));
      const clone = await run(backend.cloneVM(source, { name: c.name('linked-on'), mode: 'linked', host: hosts[1]!, powerOn: true }));
      const vm = await backend.vm(clone);
      expect(vm.powerState).toBe(c.has('cloneIgnoresPowerOn') ? 'poweredOff' : 'poweredOn');
      expect(vm.host).toBe(c.has('cloneIgnoresHost') ? hosts[0] : hosts[1]);
    });

    it('fails a linked clone of a VM without snapshots', async () => {
      const { backend } = c.fixture();
      const source = await create(backend);
      expect(await failure(backend.cloneVM(source, { name: c.name('orphan'), mode: 'linked' }))).toMatchObject({ code: 'SnapshotFault' });
    });
  });

  describe('instant clones', () => {
    it('forks a running VM into a running clone on the same host (vcsim deviation: instantCloneMissing)', async () => {
      const { backend, pool } = c.fixture();
      const source = await create(backend);
      await run(backend.powerOnVM(source));
      const name = c.name('instant');
      const task = await backend.cloneVM(source, { name, mode: 'instant' });
      expect(task.descriptionId).toBe(c.has('instantCloneMissing') ? c.options.instantCloneFallbackId : 'VirtualMachine.instantClone');
      const clone = await task.wait();
      const [vm, src] = [await backend.vm(clone), await backend.vm(source)];
      expect(vm).toMatchObject({ name, powerState: 'poweredOn', host: src.host, pool, numCpu: 1, memoryMB: 512 });
      expect(vm.disks.map((d) => d.capacityBytes)).toEqual([GiB]);
      expect(src.powerState).toBe('poweredOn');
      expect(await backend.task(task.id)).toMatchObject({ id: task.id, state: 'success', result: clone });
    });

    it('refuses an instant clone of a powered-off VM with InvalidPowerState', async () => {
      const { backend } = c.fixture();
      const source = await create(backend);
      const error = await failure(backend.cloneVM(source, { name: c.name('cold'), mode: 'instant' }));
      expect(error).toBeInstanceOf(InvalidPowerStateError);
      expect(error).toMatchObject({ existing: 'poweredOff' });
    });
  });

  describe('relocate', () => {
    it('moves a VM to another host and another pool, and listings follow it', async () => {
      const { backend, hosts, pool } = c.fixture();
      const id = await create(backend, { host: hosts[0]! });
      await run(backend.powerOnVM(id));
      await run(backend.relocateVM(id, { host: hosts[1]! }));
      expect((await backend.vm(id)).host).toBe(hosts[1]);
      expect((await backend.vms({ host: hosts[1]! })).map((v) => v.id)).toContain(id);
      expect((await backend.vms({ host: hosts[0]! })).map((v) => v.id)).not.toContain(id);
      const child = await backend.createResourcePool(pool, c.name('dest'));
      await run(backend.relocateVM(id, { pool: child.id }));
      expect((await backend.vm(id)).pool).toBe(child.id);
      expect((await backend.vms({ pool: child.id })).map((v) => v.id)).toEqual([id]);
      expect((await backend.vms({ pool })).map((v) => v.id)).not.toContain(id);
    });
  });
}

/**
 * Contract: resource pools (create, update, destroy), duplicate names, admission control, events
 * seen by a subscriber, and tasks in recentTasks with success and error.
 */
import { describe, expect, it } from 'vitest';
import type { Backend, BackendEvent } from '../../../src/backend/backend.js';
import { DuplicateNameError, InsufficientResourcesError, InvalidPowerStateError } from '../../../src/sim/errors.js';
import type { VmId } from '../../../src/sim/ids.js';
import { eventually, failure, run, type ContractContext } from './fixture.js';

/** Registers the pool, naming, admission, event and task cases. */
export function poolsEventsTasksContract(c: ContractContext): void {
  const create = async (backend: Backend, extra: Partial<Parameters<Backend['createVM']>[0]> = {}): Promise<VmId> =>
    run(backend.createVM({ name: c.name('vm'), pool: c.fixture().pool, numCpu: 1, memoryMB: 512, ...extra }));

  describe('resource pools', () => {
    it('creates a child pool with its allocations, updates it and renames it', async () => {
      const { backend, pool } = c.fixture();
      const name = c.name('pool');
      const child = await backend.createResourcePool(pool, name, { cpu: { reservation: 500, limit: 2000, expandableReservation: false }, memory: { limit: 1024, shares: 'high' } });
      const root = (await backend.resourcePools()).find((p) => p.id === pool)!;
      expect(child).toMatchObject({ name, parent: pool, cluster: root.cluster, cpu: { reservation: 500, limit: 2000, expandableReservation: false }, memory: { reservation: 0, limit: 1024, shares: { level: 'high' } } });
      expect(await backend.resourcePools({ cluster: root.cluster })).toContainEqual(child);
      const renamed = c.name('renamed');
      const updated = await backend.updateResourcePool(child.id, { name: renamed, cpu: { reservation: 600 } });
      expect(updated).toMatchObject({ id: child.id, name: renamed, cpu: { reservation: 600, limit: 2000 }, memory: { limit: 1024 } });
    });

    it('destroys a pool and moves its VMs to the parent', async () => {
      const { backend, pool } = c.fixture();
      const child = await backend.createResourcePool(pool, c.name('doomed'));
      const vm = await create(backend, { pool: child.id });
      expect(await run(backend.destroyResourcePool(child.id))).toBe(child.id);
      expect((await backend.resourcePools()).map((p) => p.id)).not.toContain(child.id);
      expect((await backend.vm(vm)).pool).toBe(pool);
    });
  });

  describe('duplicate names', () => {
    it('refuses a second pool of the same name under one parent, by creation or by rename (vcsim deviation: poolRenameUnchecked)', async () => {
      const { backend, pool } = c.fixture();
      const name = c.name('twin');
      await backend.createResourcePool(pool, name);
      await expect(backend.createResourcePool(pool, name)).rejects.toBeInstanceOf(DuplicateNameError);
      const other = await backend.createResourcePool(pool, c.name('other'));
      const renaming = backend.updateResourcePool(other.id, { name });
      if (c.has('poolRenameUnchecked')) expect((await renaming).name).toBe(name);
      else await expect(renaming).rejects.toMatchObject({ code: 'DuplicateName' });
    });

    it('refuses a second VM of the same name (vcsim deviation: duplicateVmNameAccepted)', async () => {
      const { backend, pool } = c.fixture();
      const name = c.name('twin-vm');
      await create(backend, { name });
      if (c.has('duplicateVmNameAccepted')) {
        await create(backend, { name });
        expect((await backend.vms({ pool })).filter((v) => v.name === name)).toHaveLength(2);
        return;
      }
      expect(await failure(backend.createVM({ name, pool }))).toBeInstanceOf(DuplicateNameError);
    });
  });

  describe('admission control', () => {
    it('refuses to power on a VM whose reservation the pool cannot hold (vcsim deviation: noAdmissionControl)', async () => {
      const { backend, pool } = c.fixture();
      const small = await backend.createResourcePool(pool, c.name('small'), { cpu: { reservation: 1000, limit: 1000, expandableReservation: false } });
      const vm = await create(backend, { pool: small.id, cpuAllocation: { reservation: 2000 } });
      if (c.has('noAdmissionControl')) {
        await run(backend.powerOnVM(vm));
        expect((await backend.vm(vm)).powerState).toBe('poweredOn');
        return;
      }
      expect(await failure(backend.powerOnVM(vm))).toBeInstanceOf(InsufficientResourcesError);
      expect((await backend.vm(vm)).powerState).toBe('poweredOff');
    });

    it('refuses a child pool reserving more than its fixed parent has (vcsim deviation: noAdmissionControl)', async () => {
      const { backend, pool } = c.fixture();
      const parent = await backend.createResourcePool(pool, c.name('fixed'), { memory: { reservation: 1024, limit: 1024, expandableReservation: false } });
      const asking = backend.createResourcePool(parent.id, c.name('greedy'), { memory: { reservation: 2048 } });
      if (c.has('noAdmissionControl')) {
        expect((await asking).memory.reservation).toBe(2048);
        return;
      }
      await expect(asking).rejects.toBeInstanceOf(InsufficientResourcesError);
    });
  });

  describe('events', () => {
    it('delivers the events of later operations to a subscriber, in key order, until it closes', async () => {
      const { backend } = c.fixture();
      const wait = c.options.eventWaitMs ?? 10_000;
      const first: BackendEvent[] = [];
      const second: BackendEvent[] = [];
      const early = await create(backend);
      const subscription = await backend.subscribeEvents((e) => first.push(e));
      const witness = await backend.subscribeEvents((e) => second.push(e));
      const vm = await create(backend);
      await run(backend.powerOnVM(vm));
      const seen = (list: BackendEvent[], type: string) => list.some((e) => e.type === type && e.vm === vm);
      await eventually(() => seen(first, 'VmCreatedEvent') && seen(first, 'VmPoweredOnEvent'), wait);
      expect(first.some((e) => e.vm === early)).toBe(false);
      expect(first.map((e) => e.key)).toEqual([...first.map((e) => e.key)].sort((a, b) => a - b));
      expect(first.every((e) => /^\d{4}-\d{2}-\d{2}T.*Z$/.test(e.createdTime) && e.message !== '')).toBe(true);
      subscription.close();
      const delivered = first.length;
      await run(backend.powerOffVM(vm));
      await eventually(() => seen(second, 'VmPoweredOffEvent'), wait);
      witness.close();
      expect(first).toHaveLength(delivered);
    });
  });

  describe('tasks', () => {
    it('records successful and failed tasks, readable by id and in recentTasks oldest first', async () => {
      const { backend } = c.fixture();
      const created = await backend.createVM({ name: c.name('tasked'), pool: c.fixture().pool, numCpu: 1, memoryMB: 512 });
      const vm = await created.wait();
      expect(created.descriptionId).toBe('Folder.createVm');
      const refused = await backend.powerOffVM(vm);
      await expect(refused.wait()).rejects.toBeInstanceOf(InvalidPowerStateError);
      expect(await backend.task(created.id)).toMatchObject({ id: created.id, state: 'success', result: vm, error: undefined });
      const failed = await backend.task(refused.id);
      expect(failed).toMatchObject({ id: refused.id, state: 'error', entity: vm, error: { code: 'InvalidPowerState' } });
      expect(failed.completeTime).toBeDefined();
      const recent = await backend.recentTasks();
      const ids = recent.map((t) => t.id);
      expect(ids).toContain(created.id);
      expect(ids.indexOf(created.id)).toBeLessThan(ids.indexOf(refused.id));
      expect(recent.map((t) => t.queueTime)).toEqual([...recent.map((t) => t.queueTime)].sort());
    });
  });
}

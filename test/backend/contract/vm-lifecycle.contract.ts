/**
 * Contract: inventory listing, CreateVM, power operations with InvalidPowerState for disallowed
 * transitions, reconfigure and destroy.
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../../src/backend/backend.js';
import { InvalidPowerStateError, NotFoundError } from '../../../src/sim/errors.js';
import type { VmId } from '../../../src/sim/ids.js';
import { GiB } from '../../../src/sim/units.js';
import { failure, run, type ContractContext } from './fixture.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

async function expectPowerRefused(started: ReturnType<Backend['powerOnVM']>, existing: string): Promise<void> {
  const error = await failure(started);
  expect(error).toBeInstanceOf(InvalidPowerStateError);
  expect(error).toMatchObject({ code: 'InvalidPowerState', existing });
}

async function powerState(backend: Backend, id: VmId): Promise<string> {
  return (await backend.vm(id)).powerState;
}

/** Registers the inventory and VM lifecycle cases. */
export function vmLifecycleContract(c: ContractContext): void {
  const create = async (extra: Partial<Parameters<Backend['createVM']>[0]> = {}): Promise<VmId> =>
    run(c.fixture().backend.createVM({ name: c.name('vm'), pool: c.fixture().pool, numCpu: 1, memoryMB: 512, ...extra }));

  describe('inventory', () => {
    it('lists datacenters, the cluster with its root pool, its hosts, datastores and networks', async () => {
      const { backend, pool, hosts, datastore, network } = c.fixture();
      expect((await backend.datacenters()).length).toBeGreaterThan(0);
      const cluster = (await backend.clusters()).find((cl) => cl.rootPool === pool);
      expect(cluster).toBeDefined();
      expect((await backend.datacenters()).map((d) => d.id)).toContain(cluster!.datacenter);
      const clusterHosts = await backend.hosts({ cluster: cluster!.id });
      expect(clusterHosts.map((h) => h.id)).toEqual(expect.arrayContaining([...hosts]));
      for (const h of clusterHosts) {
        expect(h).toMatchObject({ cluster: cluster!.id, state: 'connected' });
        expect(h.cpuCores * h.cpuMhzPerCore * h.memoryMB).toBeGreaterThan(0);
      }
      const root = (await backend.resourcePools({ cluster: cluster!.id })).find((p) => p.id === pool);
      expect(root).toMatchObject({ parent: undefined, cluster: cluster!.id });
      const ds = (await backend.datastores()).find((d) => d.id === datastore);
      expect(ds!.capacityBytes).toBeGreaterThanOrEqual(ds!.freeBytes);
      expect((await backend.networks()).map((n) => n.id)).toContain(network);
      expect((await backend.about()).apiVersion).not.toBe('');
    });
  });

  describe('createVM', () => {
    it('creates a powered-off VM of the asked size, disks, NIC and extraConfig in the pool', async () => {
      const { backend, pool, network, hosts } = c.fixture();
      const name = c.name('web');
      const task = await backend.createVM({ name, pool, numCpu: 2, memoryMB: 1024, disks: [{ capacityBytes: GiB }], nics: [{ network }], serialLog: true, extraConfig: { 'guestinfo.role': 'web' }, annotation: 'a container' });
      const id = await task.wait();
      const vm = await backend.vm(id);
      expect(vm).toMatchObject({ id, name, powerState: 'poweredOff', pool, numCpu: 2, memoryMB: 1024, annotation: 'a container', bootTime: undefined, template: false, snapshots: [] });
      expect(vm.extraConfig).toMatchObject({ 'guestinfo.role': 'web' });
      expect(vm.disks.map((d) => d.capacityBytes)).toEqual([GiB]);
      expect(vm.nics.map((n) => n.network)).toEqual([network]);
      expect(vm.vmxPath).toContain(`${name}.vmx`);
      expect((await backend.hosts()).map((h) => h.id)).toContain(vm.host);
      expect(hosts.length).toBeGreaterThan(1);
      expect((await backend.findVm(name))?.id).toBe(id);
      expect((await backend.vms({ pool })).map((v) => v.id)).toContain(id);
      expect((await backend.vms({ host: vm.host })).map((v) => v.id)).toContain(id);
      expect(await backend.findVm(c.name('absent'))).toBeUndefined();
    });

    it('places a VM on the host it names', async () => {
      const { backend, hosts } = c.fixture();
      const id = await create({ host: hosts[1]! });
      expect((await backend.vm(id)).host).toBe(hosts[1]);
    });

    it('rejects operations on an unknown pool or VM with ManagedObjectNotFound', async () => {
      const { backend } = c.fixture();
      expect(await failure(backend.createVM({ name: c.name('x'), pool: 'resgroup-999999' }))).toBeInstanceOf(NotFoundError);
      await expect(backend.vm('vm-999999')).rejects.toBeInstanceOf(NotFoundError);
      expect(await failure(backend.powerOnVM('vm-999999'))).toMatchObject({ code: 'ManagedObjectNotFound' });
    });
  });

  describe('power operations', () => {
    it('powers on, suspends, resumes, resets and powers off, with a boot time only while running', async () => {
      const { backend } = c.fixture();
      const id = await create();
      await run(backend.powerOnVM(id));
      const on = await backend.vm(id);
      expect(on.powerState).toBe('poweredOn');
      expect(on.bootTime).toMatch(ISO);
      await run(backend.suspendVM(id));
      expect(await powerState(backend, id)).toBe('suspended');
      await run(backend.powerOnVM(id));
      await run(backend.resetVM(id));
      expect(await powerState(backend, id)).toBe('poweredOn');
      await run(backend.powerOffVM(id));
      const off = await backend.vm(id);
      expect(off).toMatchObject({ powerState: 'poweredOff', bootTime: undefined });
    });

    it('reports the same power state alone (vmPowerState) as in the full record, through every state, and ManagedObjectNotFound for a VM that is gone', async () => {
      const { backend } = c.fixture();
      const id = await create();
      const seen: string[] = [];
      const both = async (): Promise<void> => {
        const alone = await backend.vmPowerState(id);
        expect(alone).toBe(await powerState(backend, id));
        seen.push(alone);
      };
      await both();
      await run(backend.powerOnVM(id));
      await both();
      await run(backend.suspendVM(id));
      await both();
      await run(backend.powerOnVM(id));
      await run(backend.powerOffVM(id));
      await both();
      expect(seen).toEqual(['poweredOff', 'poweredOn', 'suspended', 'poweredOff']);
      await run(backend.destroyVM(id));
      await expect(backend.vmPowerState(id)).rejects.toMatchObject({ code: 'ManagedObjectNotFound' });
    });

    it('refuses a transition to the state the VM is in with InvalidPowerState naming the existing state', async () => {
      const { backend } = c.fixture();
      const id = await create();
      await expectPowerRefused(backend.powerOffVM(id), 'poweredOff');
      await expectPowerRefused(backend.resetVM(id), 'poweredOff');
      await run(backend.powerOnVM(id));
      await expectPowerRefused(backend.powerOnVM(id), 'poweredOn');
      await run(backend.suspendVM(id));
      await expectPowerRefused(backend.suspendVM(id), 'suspended');
    });

    it('refuses suspending a powered-off VM and resetting a suspended one (vcsim deviation: powerTransitionsUnchecked)', async () => {
      const { backend } = c.fixture();
      const id = await create();
      if (c.has('powerTransitionsUnchecked')) {
        await run(backend.suspendVM(id));
        expect(await powerState(backend, id)).toBe('suspended');
        await run(backend.resetVM(id));
        expect(await powerState(backend, id)).toBe('poweredOn');
        return;
      }
      await expectPowerRefused(backend.suspendVM(id), 'poweredOff');
      await run(backend.powerOnVM(id));
      await run(backend.suspendVM(id));
      await expectPowerRefused(backend.resetVM(id), 'suspended');
    });
  });

  describe('reconfigure', () => {
    it('changes size, allocations, annotation and extraConfig (an empty value removes a key) and adds disks', async () => {
      const { backend } = c.fixture();
      const id = await create({ disks: [{ capacityBytes: GiB }], extraConfig: { 'guestinfo.keep': 'yes', 'guestinfo.drop': 'yes' } });
      const newName = c.name('renamed');
      await run(backend.reconfigureVM(id, { name: newName, numCpu: 2, memoryMB: 2048, annotation: 'resized', cpuAllocation: { reservation: 100, limit: 4000 }, memoryAllocation: { reservation: 256 }, extraConfig: { 'guestinfo.drop': '', 'guestinfo.new': '1' }, addDisks: [{ capacityBytes: 2 * GiB }] }));
      const vm = await backend.vm(id);
      expect(vm).toMatchObject({ name: newName, numCpu: 2, memoryMB: 2048, annotation: 'resized' });
      expect(vm.cpuAllocation).toMatchObject({ reservation: 100, limit: 4000 });
      expect(vm.memoryAllocation).toMatchObject({ reservation: 256, limit: -1 });
      expect(vm.extraConfig).toMatchObject({ 'guestinfo.keep': 'yes', 'guestinfo.new': '1' });
      expect(vm.extraConfig['guestinfo.drop']).toBeUndefined();
      expect(vm.disks.map((d) => d.capacityBytes)).toEqual([GiB, 2 * GiB]);
      expect(new Set(vm.disks.map((d) => d.fileName)).size).toBe(2);
    });
  });

  describe('destroy', () => {
    it('refuses a running VM, then deletes a powered-off one so that it is gone (ManagedObjectNotFound)', async () => {
      const { backend, pool } = c.fixture();
      const id = await create();
      await run(backend.powerOnVM(id));
      await expectPowerRefused(backend.destroyVM(id), 'poweredOn');
      await run(backend.powerOffVM(id));
      const name = (await backend.vm(id)).name;
      await run(backend.destroyVM(id));
      await expect(backend.vm(id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(backend.vm(id)).rejects.toMatchObject({ code: 'ManagedObjectNotFound' });
      expect(await backend.findVm(name)).toBeUndefined();
      expect((await backend.vms({ pool })).map((v) => v.id)).not.toContain(id);
      expect(await failure(backend.powerOnVM(id))).toBeInstanceOf(NotFoundError);
    });
  });
}

import { describe, expect, it } from 'vitest';
import { ModelBackend } from '../../src/backend/model/index.js';
import { addCluster, addHost, clusterPreset } from '../../src/hypervisor/index.js';
import { InvalidPowerStateError, NotFoundError } from '../../src/sim/errors.js';
import { modelViolations, runModelBased } from '../../src/testing/index.js';

function setup() {
  const p = clusterPreset({ hosts: 2, host: { cpuCores: 8, cpuMhzPerCore: 2000, memoryMB: 8192 } });
  return { preset: p, backend: new ModelBackend(p.model) };
}

describe('ModelBackend', () => {
  it('lists the preset inventory through the Backend interface', async () => {
    const { backend } = setup();
    expect((await backend.datacenters()).map((d) => d.name)).toEqual(['DC0']);
    expect((await backend.clusters()).map((c) => c.name)).toEqual(['DC0_C0']);
    expect((await backend.hosts()).map((h) => h.name)).toEqual(['DC0_C0_H0', 'DC0_C0_H1']);
    expect((await backend.datastores())[0]).toMatchObject({ name: 'DC0_DS0' });
    expect((await backend.resourcePools())[0]).toMatchObject({ name: 'Resources', parent: undefined });
  });

  it('lists a cluster’s hosts, in the order they were added, as the unfiltered list does', async () => {
    const { backend, preset } = setup();
    const other = addCluster(preset.model, preset.datacenter.id, 'DC0_C1');
    const spec = { cpuCores: 4, cpuMhzPerCore: 2000, memoryMB: 4096 };
    addHost(preset.model, other.id, { ...spec, name: 'DC0_C1_H0' });
    addHost(preset.model, preset.cluster.id, { ...spec, name: 'DC0_C0_H2' });
    addHost(preset.model, other.id, { ...spec, name: 'DC0_C1_H1' });
    await (await backend.createVM({ name: 'web', pool: preset.rootPool.id, memoryMB: 1024 })).wait();
    const all = await backend.hosts();
    for (const cluster of [preset.cluster.id, other.id]) expect(await backend.hosts({ cluster })).toEqual(all.filter((h) => h.cluster === cluster));
    expect((await backend.hosts({ cluster: other.id })).map((h) => h.name)).toEqual(['DC0_C1_H0', 'DC0_C1_H1']);
  });

  it('runs a VM lifecycle as tasks whose wait resolves with the result', async () => {
    const { backend, preset } = setup();
    const task = await backend.createVM({ name: 'web', pool: preset.rootPool.id, memoryMB: 1024, disks: [{ capacityBytes: 1 << 30 }] });
    const id = await task.wait();
    expect(await backend.task(task.id)).toMatchObject({ state: 'success', result: id, descriptionId: 'Folder.createVm' });
    await (await backend.powerOnVM(id)).wait();
    const vm = await backend.vm(id);
    expect(vm).toMatchObject({ name: 'web', powerState: 'poweredOn', memoryMB: 1024, vmxPath: '[DC0_DS0] web/web.vmx' });
    expect(vm.bootTime).toMatch(/^2026-01-01T00:00:00\.\d{3}Z$/);
    expect(await backend.findVm('web')).toMatchObject({ id });
  });

  it('rejects wait() with the typed error of a failed task', async () => {
    const { backend, preset } = setup();
    const id = await (await backend.createVM({ name: 'db', pool: preset.rootPool.id })).wait();
    const off = await backend.powerOffVM(id);
    await expect(off.wait()).rejects.toBeInstanceOf(InvalidPowerStateError);
    await expect(off.wait()).rejects.toMatchObject({ existing: 'poweredOff', code: 'InvalidPowerState' });
  });

  it('rejects at once for unknown objects', async () => {
    const { backend } = setup();
    await expect(backend.vm('vm-999')).rejects.toBeInstanceOf(NotFoundError);
    await expect(backend.powerOnVM('vm-999')).rejects.toMatchObject({ code: 'ManagedObjectNotFound' });
  });

  it('streams vCenter events to subscribers until they close', async () => {
    const { backend, preset } = setup();
    const seen: string[] = [];
    const sub = await backend.subscribeEvents((e) => seen.push(e.type));
    const id = await (await backend.createVM({ name: 'a', pool: preset.rootPool.id })).wait();
    sub.close();
    await (await backend.powerOnVM(id)).wait();
    expect(seen).toEqual(['VmCreatedEvent']);
  });

  it('agrees with the reference model over random command sequences (vicsim/testing)', async () => {
    await runModelBased(
      async () => {
        const { backend, preset } = setup();
        return { backend, pool: preset.rootPool.id };
      },
      {
        numRuns: 40,
        after: (r) => expect(modelViolations((r.backend as ModelBackend).model)).toEqual([]),
      },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { ModelBackend } from '../../../src/backend/model/index.js';
import { clusterPreset, createVM, freezeVM, powerVM } from '../../../src/hypervisor/index.js';
import type { VmId } from '../../../src/sim/ids.js';
import { GiB } from '../../../src/sim/units.js';

/** A cluster with a frozen template on its first host, and a backend over it. */
function frozenTemplate() {
  const p = clusterPreset({ hosts: 1, host: { cpuCores: 16, cpuMhzPerCore: 2400, memoryMB: 64 * 1024 } });
  const t = createVM(p.model, { name: 'template', pool: p.rootPool.id, host: p.hosts[0]!.id, disks: [{ capacityBytes: 8 * GiB }] });
  p.model.clock.runUntilIdle();
  const id = p.model.tasks.info(t.id).result as VmId;
  powerVM(p.model, id, 'powerOn');
  p.model.clock.runUntilIdle();
  freezeVM(p.model, id);
  return { model: p.model, template: id, backend: new ModelBackend(p.model) };
}

describe('ModelBackend task wait', () => {
  it('settles each queued clone with its own VM whatever order the waits come in', async () => {
    const { model, template, backend } = frozenTemplate();
    const tasks = [];
    for (const name of ['a', 'b', 'c']) tasks.push(await backend.cloneVM(template, { name, mode: 'instant' }));
    const last = await tasks[2]!.wait();
    const timeAfterLast = model.clock.now();
    const first = await tasks[0]!.wait();
    const second = await tasks[1]!.wait();
    expect([first, second, last].map((id) => model.registry.get('VirtualMachine', id).name)).toEqual(['a', 'b', 'c']);
    expect(model.clock.now()).toBe(timeAfterLast);
  });

  it('stops the clock at the waited task, leaving later ones queued', async () => {
    const { model, template, backend } = frozenTemplate();
    const first = await backend.cloneVM(template, { name: 'a', mode: 'instant' });
    const second = await backend.cloneVM(template, { name: 'b', mode: 'instant' });
    await first.wait();
    expect((await backend.task(second.id)).state).toBe('running');
    await second.wait();
    expect((await backend.task(second.id)).state).toBe('success');
  });

  it('still runs a task to completion after the backend was closed', async () => {
    const { model, template, backend } = frozenTemplate();
    const task = await backend.cloneVM(template, { name: 'a', mode: 'instant' });
    await backend.close();
    const id = await task.wait();
    expect(model.registry.get('VirtualMachine', id).name).toBe('a');
  });
});

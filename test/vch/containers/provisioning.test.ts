/**
 * Each provisioning mode (instant, linked, full, boot): the container VM lives in the VCH's pool as
 * `{name}-{shortid}` in VIC's folder `[ds] <id>/<id>.vmx`, its RW disk is a delta on the image's top layer, its power state follows the
 * docker state, and instant clones share memory with their template.
 */
import { describe, expect, it } from 'vitest';
import type { ProvisionMode } from '../../../src/vch/containers/provisioner.js';
import { LONG_SLEEP, rejection, vchWorld } from './world.js';

const MODES: readonly ProvisionMode[] = ['instant', 'linked', 'full', 'boot'];

describe.each(MODES)('provisioning mode %s', (mode) => {
  it("makes the container VM in the VCH's pool, named {name}-{shortid} in the folder <id>/, with a RW delta on the image's top layer", async () => {
    const w = await vchWorld({ mode });
    const id = await w.create({ Cmd: LONG_SLEEP }, 'web');
    const c = w.vch.parts.containers.index.get(id);
    const vm = await w.backend.vm(c.def.vm);
    expect(vm.name).toBe(`web-${id.slice(0, 12)}`);
    expect(vm.vmxPath).toBe(`[DC0_DS0] ${id}/${id}.vmx`);
    expect(vm.pool).toBe(w.vch.parts.pool.id);
    expect((await w.backend.vms({ pool: w.vch.parts.pool.id })).map((v) => v.id)).toContain(vm.id);
    const image = await w.vch.parts.images.acquireImage('busybox', 'probe');
    await w.vch.parts.images.releaseImage('probe');
    const rw = vm.disks.filter((d) => d.fileName.includes(`${id}/`));
    expect(rw).toHaveLength(1);
    const disk = await w.backend.virtualDisk(rw[0]!.fileName);
    expect(disk.parent).toBe(image.parentDisk);
    expect(vm.numCpu).toBe(2);
    expect(vm.memoryMB).toBe(2048);
  });

  it('keeps the VM power state in step with the docker state', async () => {
    const w = await vchWorld({ mode });
    const id = await w.create({ Cmd: LONG_SLEEP });
    const power = async () => (await w.backend.vm(w.vch.parts.containers.index.get(id).def.vm)).powerState;
    expect(await power()).toBe(mode === 'instant' ? 'poweredOn' : 'poweredOff');
    await w.run(w.vch.startContainer(id));
    expect(await power()).toBe('poweredOn');
    await w.run(w.vch.pauseContainer(id));
    expect(await power()).toBe('suspended');
    await w.run(w.vch.unpauseContainer(id));
    expect(await power()).toBe('poweredOn');
    await w.run(w.vch.stopContainer(id, {}));
    expect(await power()).toBe('poweredOff');
    await w.run(w.vch.startContainer(id));
    expect(await power()).toBe('poweredOn');
    await w.run(w.vch.killContainer(id));
    expect(await power()).toBe('poweredOff');
  });

  it('destroys the VM and its folder on rm, keeping the image layers', async () => {
    const w = await vchWorld({ mode });
    const id = await w.runContainer({ Cmd: ['sh', '-c', 'echo hi'] });
    await w.run((await w.vch.waitContainer(id, 'not-running'))());
    const c = w.vch.parts.containers.index.get(id);
    const rwPath = (await w.backend.vm(c.def.vm)).disks.find((d) => d.fileName.includes(`${id}/`))!.fileName;
    const parent = (await w.backend.virtualDisk(rwPath)).parent!;
    await w.run(w.vch.removeContainer(id, { force: false, volumes: false }));
    expect(await rejection(w.backend.vm(c.def.vm))).toBeDefined();
    expect(await rejection(w.backend.virtualDisk(rwPath))).toBeDefined();
    expect((await w.backend.listDatastore('[DC0_DS0]')).map((f) => f.name)).not.toContain(id);
    expect((await w.backend.virtualDisk(parent)).path).toBe(parent);
  });
});

describe('instant clones', () => {
  it('share memory with their running template and start without booting again', async () => {
    const w = await vchWorld({ mode: 'instant' });
    const id = await w.create({ Cmd: LONG_SLEEP });
    const vm = await w.backend.vm(w.vch.parts.containers.index.get(id).def.vm);
    expect(vm.memory?.sharedMB).toBeGreaterThan(0);
    const templates = await w.vch.parts.containers.provisioner.templates();
    const template = templates.find((t) => t.host === vm.host);
    expect(template?.powerState).toBe('poweredOn');
    const before = w.clock.now();
    await w.run(w.vch.startContainer(id));
    const linked = await vchWorld({ mode: 'linked' });
    const other = await linked.create({ Cmd: LONG_SLEEP });
    const linkedBefore = linked.clock.now();
    await linked.run(linked.vch.startContainer(other));
    expect(w.clock.now() - before).toBeLessThan(linked.clock.now() - linkedBefore);
  });

  it('spread over the hosts by free memory', async () => {
    const w = await vchWorld({ mode: 'instant' });
    const hosts = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const id = await w.runContainer({ Cmd: LONG_SLEEP });
      hosts.add((await w.backend.vm(w.vch.parts.containers.index.get(id).def.vm)).host);
    }
    expect(hosts.size).toBe(2);
  });
});

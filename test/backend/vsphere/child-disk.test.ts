/**
 * The child-disk fallback on vcsim (which has no CreateChildDisk_Task): deltas made by attaching a
 * disk with a parent backing to a helper VM and detaching it again, as VIC did with its appliance VM.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CHILD_DISK_FALLBACK, DISK_HELPER_VM_PREFIX, VSphereBackend } from '../../../src/backend/vsphere/index.js';
import { NotFoundError } from '../../../src/sim/errors.js';
import { useVcsim } from './vcsim.js';

const vcsim = useVcsim({ hostsPerCluster: 1, vmsPerCluster: 0 });
const opened: VSphereBackend[] = [];

async function connect(): Promise<VSphereBackend> {
  const backend = await new VSphereBackend({ url: vcsim().url }).connect();
  opened.push(backend);
  return backend;
}

afterEach(async () => {
  for (const backend of opened.splice(0)) await backend.close();
});

async function helpers(backend: VSphereBackend) {
  return (await backend.vms()).filter((v) => v.name.startsWith(DISK_HELPER_VM_PREFIX));
}

async function folderWithBase(backend: VSphereBackend, name: string): Promise<string> {
  const [datastore] = await backend.datastores();
  const dir = `[${datastore!.name}] ${name}-${process.pid}`;
  await backend.makeDirectory(dir, true);
  await (await backend.createVirtualDisk(`${dir}/base.vmdk`, { capacityBytes: 1 << 30 })).wait();
  return dir;
}

describe('stand-alone delta disks without CreateChildDisk_Task', () => {
  it('chains deltas on deltas through one powered-off helper VM that keeps no disk', async () => {
    const backend = await connect();
    const dir = await folderWithBase(backend, 'chain');
    let parent = `${dir}/base.vmdk`;
    for (const name of ['l1', 'l2', 'l3']) {
      const task = await backend.createVirtualDisk(`${dir}/${name}.vmdk`, { parent });
      expect(task.descriptionId).toBe(CHILD_DISK_FALLBACK);
      expect(await task.wait()).toMatchObject({ path: `${dir}/${name}.vmdk`, parent });
      parent = `${dir}/${name}.vmdk`;
    }
    const [helper, ...others] = await helpers(backend);
    expect(others).toEqual([]);
    expect(helper).toMatchObject({ powerState: 'poweredOff', disks: [] });
    expect((await backend.listDatastore(dir)).filter((e) => e.kind === 'disk').map((e) => e.name)).toEqual(['base.vmdk', 'l1.vmdk', 'l2.vmdk', 'l3.vmdk']);
  });

  it('makes deltas asked for at once, one after another on the helper, each with a task of its own', async () => {
    const backend = await connect();
    const dir = await folderWithBase(backend, 'parallel');
    const names = ['a', 'b', 'c', 'd'];
    const tasks = await Promise.all(names.map((n) => backend.createVirtualDisk(`${dir}/${n}.vmdk`, { parent: `${dir}/base.vmdk` })));
    const made = await Promise.all(tasks.map((t) => t.wait()));
    expect(made.map((d) => d.path)).toEqual(names.map((n) => `${dir}/${n}.vmdk`));
    expect(new Set(tasks.map((t) => t.id)).size).toBe(names.length);
    expect((await helpers(backend))[0]?.disks).toEqual([]);
  });

  it('refuses a delta on a parent that does not exist with ManagedObjectNotFound', async () => {
    const backend = await connect();
    const [datastore] = await backend.datastores();
    const dir = `[${datastore!.name}] missing-${process.pid}`;
    await backend.makeDirectory(dir, true);
    const attempt = backend.createVirtualDisk(`${dir}/child.vmdk`, { parent: `[${datastore!.name}] no-such-folder/base.vmdk` }).then((t) => t.wait());
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
  });

  it('destroys its helper VM on close', async () => {
    const backend = await connect();
    const dir = await folderWithBase(backend, 'close');
    await (await backend.createVirtualDisk(`${dir}/child.vmdk`, { parent: `${dir}/base.vmdk` })).wait();
    const [helper] = await helpers(backend);
    await backend.close();
    const observer = await connect();
    expect((await observer.vms()).map((v) => v.id)).not.toContain(helper!.id);
  });
});

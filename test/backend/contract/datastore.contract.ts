/**
 * Contract: datastore folders and files (MakeDirectory, SearchDatastore, /folder GET and PUT,
 * DeleteDatastoreFile), stand-alone disks (CreateVirtualDisk, child disks), VMs with a delta on a
 * stand-alone disk or an attached one, and refusing to delete a disk still in use.
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../../src/backend/backend.js';
import { InvalidStateError, NotFoundError, NotSupportedError } from '../../../src/sim/errors.js';
import { GiB } from '../../../src/sim/units.js';
import { failure, run, type ContractContext } from './fixture.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The `[name]` prefix of the fixture's datastore. */
async function datastorePrefix(backend: Backend, id: string): Promise<string> {
  const ds = (await backend.datastores()).find((d) => d.id === id);
  if (ds === undefined) throw new Error(`datastore ${id} not listed`);
  return `[${ds.name}]`;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('the operation succeeded'),
    (error: unknown) => error,
  );
}

/** Registers the datastore and stand-alone disk cases. */
export function datastoreContract(c: ContractContext): void {
  /** A new folder `[ds] <unique>` and the datastore prefix. */
  const folder = async (): Promise<{ backend: Backend; dir: string; ds: string }> => {
    const { backend, datastore } = c.fixture();
    const ds = await datastorePrefix(backend, datastore);
    const dir = `${ds} ${c.name('dir')}`;
    await backend.makeDirectory(dir);
    return { backend, dir, ds };
  };

  describe('datastore files', () => {
    it('makes folders, writes, lists, reads back and deletes a file, then the folder tree', async () => {
      const { backend, dir } = await folder();
      await backend.makeDirectory(`${dir}/sub/deeper`, true);
      await backend.writeDatastoreFile(`${dir}/hello.txt`, bytes('hello'));
      expect(new TextDecoder().decode(await backend.readDatastoreFile(`${dir}/hello.txt`))).toBe('hello');
      const listing = await backend.listDatastore(dir);
      expect(listing).toEqual(expect.arrayContaining([{ name: 'hello.txt', kind: 'file', size: 5 }, expect.objectContaining({ name: 'sub', kind: 'directory' })]));
      expect((await backend.listDatastore(`${dir}/sub`)).map((e) => e.name)).toEqual(['deeper']);
      await backend.writeDatastoreFile(`${dir}/hello.txt`, bytes('bye'));
      expect(new TextDecoder().decode(await backend.readDatastoreFile(`${dir}/hello.txt`))).toBe('bye');
      await run(backend.deleteDatastoreFile(`${dir}/hello.txt`));
      expect(await rejection(backend.readDatastoreFile(`${dir}/hello.txt`))).toBeInstanceOf(NotFoundError);
      await run(backend.deleteDatastoreFile(dir));
      expect(await rejection(backend.listDatastore(dir))).toBeInstanceOf(NotFoundError);
    });

    it('keeps binary content byte for byte', async () => {
      const { backend, dir } = await folder();
      const data = new Uint8Array(256).map((_, i) => i);
      await backend.writeDatastoreFile(`${dir}/all-bytes.bin`, data);
      expect([...(await backend.readDatastoreFile(`${dir}/all-bytes.bin`))]).toEqual([...data]);
    });

    it('answers a missing folder or file with ManagedObjectNotFound', async () => {
      const { backend, dir } = await folder();
      expect(await rejection(backend.makeDirectory(`${dir}/missing/child`))).toBeInstanceOf(NotFoundError);
      expect(await rejection(backend.listDatastore(`${dir}/missing`))).toBeInstanceOf(NotFoundError);
      expect(await rejection(backend.readDatastoreFile(`${dir}/missing.txt`))).toBeInstanceOf(NotFoundError);
      const write = await rejection(backend.writeDatastoreFile(`${dir}/missing/file.txt`, bytes('x')));
      expect(write).toBeInstanceOf(NotFoundError);
      expect((write as Error).message).toContain(`${dir}/missing`);
      expect(await failure(backend.deleteDatastoreFile(`${dir}/missing.txt`))).toBeInstanceOf(NotFoundError);
    });
  });

  describe('stand-alone disks', () => {
    it('creates a thin disk that lists as a disk and reports its facts', async () => {
      const { backend, dir } = await folder();
      const info = await run(backend.createVirtualDisk(`${dir}/layer.vmdk`, { capacityBytes: GiB }));
      expect(info).toMatchObject({ path: `${dir}/layer.vmdk`, capacityBytes: GiB, parent: undefined });
      expect(await backend.listDatastore(dir)).toEqual([expect.objectContaining({ name: 'layer.vmdk', kind: 'disk' })]);
      await run(backend.deleteDatastoreFile(`${dir}/layer.vmdk`));
      expect(await backend.listDatastore(dir)).toEqual([]);
    });

    it.skipIf(c.has('diskFilesEmpty'))('reads a disk back with its capacity (vcsim deviation: diskFilesEmpty)', async () => {
      const { backend, dir } = await folder();
      await run(backend.createVirtualDisk(`${dir}/layer.vmdk`, { capacityBytes: GiB }));
      expect(await backend.virtualDisk(`${dir}/layer.vmdk`)).toMatchObject({ path: `${dir}/layer.vmdk`, capacityBytes: GiB, parent: undefined });
    });

    it.skipIf(c.has('childDiskMissing'))('creates a delta on a stand-alone disk, and refuses to delete the parent while the delta needs it (vcsim deviation: childDiskMissing)', async () => {
      const { backend, dir } = await folder();
      await run(backend.createVirtualDisk(`${dir}/base.vmdk`, { capacityBytes: GiB }));
      const child = await run(backend.createVirtualDisk(`${dir}/child.vmdk`, { parent: `${dir}/base.vmdk` }));
      expect(child).toMatchObject({ path: `${dir}/child.vmdk`, capacityBytes: GiB, parent: `${dir}/base.vmdk` });
      expect(await backend.virtualDisk(`${dir}/child.vmdk`)).toMatchObject({ parent: `${dir}/base.vmdk` });
      const refused = await failure(backend.deleteDatastoreFile(`${dir}/base.vmdk`));
      expect(refused).toBeInstanceOf(InvalidStateError);
      expect(refused).toMatchObject({ code: 'ResourceInUse' });
      await run(backend.deleteDatastoreFile(`${dir}/child.vmdk`));
      await run(backend.deleteDatastoreFile(`${dir}/base.vmdk`));
    });

    it('answers a disk that is not there with ManagedObjectNotFound', async () => {
      const { backend, dir } = await folder();
      expect(await rejection(backend.virtualDisk(`${dir}/none.vmdk`))).toBeInstanceOf(NotFoundError);
    });

    it('fills a disk in the model; a live vCenter refuses with NotSupported', async () => {
      const { backend, dir } = await folder();
      const before = await run(backend.createVirtualDisk(`${dir}/data.vmdk`, { capacityBytes: GiB }));
      if (backend.kind === 'vsphere') {
        expect(await rejection(backend.fillVirtualDisk(`${dir}/data.vmdk`, 1 << 20))).toBeInstanceOf(NotSupportedError);
        return;
      }
      const after = await backend.fillVirtualDisk(`${dir}/data.vmdk`, 1 << 20);
      expect(after.allocatedBytes).toBeGreaterThanOrEqual(before.allocatedBytes + (1 << 20));
    });
  });

  describe('VM disks on stand-alone disks', () => {
    const createVm = (backend: Backend, disks: Parameters<Backend['createVM']>[0]['disks']): Promise<string> =>
      run(backend.createVM({ name: c.name('vm'), pool: c.fixture().pool, numCpu: 1, memoryMB: 256, disks })) as Promise<string>;

    it('gives a VM a delta in its own folder on an image disk, which cannot be deleted until the VM is gone', async () => {
      const { backend, dir } = await folder();
      const image = `${dir}/image.vmdk`;
      await run(backend.createVirtualDisk(image, { capacityBytes: GiB }));
      const id = await createVm(backend, [{ parent: image }]);
      const vm = await backend.vm(id as never);
      const folderName = /\] ([^/]+)\//.exec(vm.vmxPath)?.[1];
      expect(vm.disks.map((d) => d.fileName)).toEqual([`${vm.vmxPath.slice(0, vm.vmxPath.indexOf(']') + 1)} ${folderName}/${folderName}.vmdk`]);
      // With diskFilesEmpty the image's capacity cannot be read, so the delta device carries none.
      if (!c.has('diskFilesEmpty')) expect(vm.disks[0]!.capacityBytes).toBe(GiB);
      const refused = await failure(backend.deleteDatastoreFile(image));
      expect(refused).toBeInstanceOf(InvalidStateError);
      expect(refused).toMatchObject({ code: 'ResourceInUse' });
      expect((await backend.listDatastore(dir)).map((e) => e.name)).toEqual(['image.vmdk']);
      await run(backend.destroyVM(vm.id));
      await run(backend.deleteDatastoreFile(image));
      expect(await backend.listDatastore(dir)).toEqual([]);
    });

    it('attaches an existing disk without owning it: destroying the VM keeps it', async () => {
      const { backend, dir } = await folder();
      const volume = `${dir}/volume.vmdk`;
      await run(backend.createVirtualDisk(volume, { capacityBytes: GiB }));
      const id = await createVm(backend, [{ capacityBytes: GiB }, { existing: volume }]);
      const vm = await backend.vm(id as never);
      expect(vm.disks.map((d) => d.fileName)).toContain(volume);
      expect(await failure(backend.deleteDatastoreFile(volume))).toMatchObject({ code: 'ResourceInUse' });
      await run(backend.destroyVM(vm.id));
      expect((await backend.listDatastore(dir)).map((e) => e.name)).toEqual(['volume.vmdk']);
    });

    it('attaches and detaches a disk by reconfiguring, which keeps the attached disk on the datastore', async () => {
      const { backend, dir } = await folder();
      const volume = `${dir}/volume.vmdk`;
      await run(backend.createVirtualDisk(volume, { capacityBytes: GiB }));
      const id = (await createVm(backend, [])) as never;
      await run(backend.reconfigureVM(id, { addDisks: [{ existing: volume }] }));
      expect((await backend.vm(id)).disks.map((d) => d.fileName)).toEqual([volume]);
      await run(backend.reconfigureVM(id, { removeDisks: [volume] }));
      expect((await backend.vm(id)).disks).toEqual([]);
      expect((await backend.listDatastore(dir)).map((e) => e.name)).toEqual(['volume.vmdk']);
      await run(backend.deleteDatastoreFile(volume));
      await run(backend.destroyVM(id));
    });
  });
}

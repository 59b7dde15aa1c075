/** The image store's layout on a datastore: VIC's folders, disks, chains, manifests and cleanup. */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../../src/backend/backend.js';
import { chainIds, digestHex, type Digest } from '../../../src/vch/archive/image.js';
import { ImageStoreLayout, layerIdOf, SCRATCH_LAYER_ID } from '../../../src/vch/images/index.js';
import { GiB } from '../../../src/sim/units.js';
import { StorageFullError, modelStore, pull, VCH_UUID } from './fixture.js';

const decode = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

async function folders(backend: Backend, layout: ImageStoreLayout): Promise<string[]> {
  return (await backend.listDatastore(layout.imagesDir)).filter((e) => e.kind === 'directory').map((e) => e.name).sort();
}

describe('the image store on a datastore', () => {
  it('lays out a pulled image as VIC did: scratch base, one delta per layer chained bottom-up, tar and manifest beside each', async () => {
    const { store, backend, datastore } = await modelStore();
    await pull(store, 'redis');
    const layout = new ImageStoreLayout(datastore, VCH_UUID);
    const image = store.resolve('redis');
    const chain = chainIds(image.config.json.rootfs.diff_ids as Digest[]);
    expect(image.chainIds).toEqual(chain);
    expect(await folders(backend, layout)).toEqual([...chain.map(layerIdOf), SCRATCH_LAYER_ID].sort());
    const scratch = await backend.virtualDisk(`[${datastore}] VIC/${VCH_UUID}/images/scratch/scratch.vmdk`);
    expect(scratch).toMatchObject({ capacityBytes: 8 * GiB, parent: undefined });
    for (const [i, chainId] of chain.entries()) {
      const id = digestHex(chainId);
      const disk = await backend.virtualDisk(`[${datastore}] VIC/${VCH_UUID}/images/${id}/${id}.vmdk`);
      expect(disk.parent).toBe(i === 0 ? layout.scratchDisk : layout.diskOf(digestHex(chain[i - 1]!)));
      const manifest = JSON.parse(decode(await backend.readDatastoreFile(layout.manifestOf(id))));
      expect(manifest).toEqual({ chainId, diffId: image.config.json.rootfs.diff_ids[i], parent: chain[i - 1], size: store.layerSize(chainId) });
      expect((await backend.readDatastoreFile(layout.tarOf(id))).length).toBeGreaterThan(0);
      expect(disk.allocatedBytes).toBeGreaterThanOrEqual(Math.min(store.layerSize(chainId), 1));
    }
  });

  it('fills each layer disk with the layer size, so the datastore usage grows by the image size', async () => {
    const { store, backend } = await modelStore();
    const before = (await backend.datastores())[0]!.freeBytes;
    await pull(store, 'nginx');
    const after = (await backend.datastores())[0]!.freeBytes;
    expect(before - after).toBeGreaterThanOrEqual(store.imageSize(store.resolve('nginx')));
  });

  it('stores a base layer shared by two images once, and both chains start from that one disk', async () => {
    const { store, backend, datastore } = await modelStore();
    await pull(store, 'nginx');
    await pull(store, 'redis');
    const nginx = store.resolve('nginx');
    const redis = store.resolve('redis');
    expect(nginx.chainIds[0]).toBe(redis.chainIds[0]);
    const layout = new ImageStoreLayout(datastore, VCH_UUID);
    const all = new Set([...nginx.chainIds, ...redis.chainIds]);
    expect(await folders(backend, layout)).toHaveLength(all.size + 1);
    const redisSecond = await backend.virtualDisk(layout.diskOf(layerIdOf(redis.chainIds[1]!)));
    expect(redisSecond.parent).toBe(layout.diskOf(layerIdOf(nginx.chainIds[0]!)));
    expect(store.diskUsage().Images.find((i) => i.Id === redis.id)?.SharedSize).toBe(store.layerSize(redis.chainIds[0]!));
  });

  it('deletes incomplete layers on reopen and reloads the index with its tags', async () => {
    const { store, backend, datastore, reopen } = await modelStore();
    await pull(store, 'busybox');
    await store.tagImage('busybox', 'mine', 'v1');
    const layout = new ImageStoreLayout(datastore, VCH_UUID);
    const half = 'f'.repeat(64);
    await backend.makeDirectory(layout.dirOf(half));
    await (await backend.createVirtualDisk(layout.diskOf(half), { parent: layout.scratchDisk })).wait();
    const reopened = await reopen();
    expect(await folders(backend, layout)).not.toContain(half);
    expect((await reopened.inspectImage('mine:v1')).RepoTags).toEqual(['busybox:latest', 'mine:v1']);
    expect(reopened.resolve('busybox').id).toBe(store.resolve('busybox').id);
  });

  it('drops an image from the index on reopen when one of its layers lost its manifest', async () => {
    const { store, backend, datastore, reopen } = await modelStore();
    await pull(store, 'busybox');
    await pull(store, 'alpine');
    const layout = new ImageStoreLayout(datastore, VCH_UUID);
    await (await backend.deleteDatastoreFile(layout.manifestOf(layerIdOf(store.resolve('alpine').chainIds[0]!)))).wait();
    const reopened = await reopen();
    expect((await reopened.listImages({ filters: {} })).map((i) => i.RepoTags)).toEqual([['busybox:latest']]);
  });

  it('leaves nothing half-recorded when a layer cannot be stored: no image, no layer folders, no manifests', async () => {
    const { store, backend, datastore } = await modelStore();
    const layout = new ImageStoreLayout(datastore, VCH_UUID);
    let fills = 0;
    const original = backend.fillVirtualDisk.bind(backend);
    backend.fillVirtualDisk = async (path, bytes) => {
      if (++fills === 3) throw new StorageFullError(path);
      return original(path, bytes);
    };
    await expect(pull(store, 'redis')).rejects.toThrow(StorageFullError);
    expect(await folders(backend, layout)).toEqual([SCRATCH_LAYER_ID]);
    expect(await store.listImages({ filters: {} })).toEqual([]);
    backend.fillVirtualDisk = original;
    await pull(store, 'redis');
    expect(store.resolve('redis').chainIds.every((c) => store.layers().has(c))).toBe(true);
  });
});

/**
 * Pulls into the image store from a real registry (Debian's docker-registry) holding busybox built
 * from busybox-static — the registry tests' fixture (test/vch/registry/busybox-registry.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestHex } from '../../../src/vch/archive/image.js';
import { ImageStoreLayout } from '../../../src/vch/images/index.js';
import { RegistryClient } from '../../../src/vch/registry/pull.js';
import { busyboxRegistry, type BusyboxRegistry } from '../registry/busybox-registry.js';
import { modelStore, pull, VCH_UUID } from './fixture.js';

// The first start may install the peers with apt-get (scripts/registry/ensure.sh).
const HOOK_TIMEOUT = 300_000;

describe('pulling into the image store from a real registry', () => {
  let fixture: BusyboxRegistry | undefined;

  beforeAll(async () => {
    fixture = await busyboxRegistry('none');
  }, HOOK_TIMEOUT);

  afterAll(async () => {
    await fixture?.stop();
  });

  it('stores the pulled layer on the datastore, records tag and digest, and streams docker\'s progress', async () => {
    const { registry, busybox } = fixture!;
    const { store, backend, datastore } = await modelStore({ registryClient: new RegistryClient({ insecureRegistries: [registry.host] }) });
    const lines = await pull(store, `${registry.host}/library/busybox`);
    const { digest } = await registry.rawManifest('library/busybox', 'latest');
    expect(lines.map((l) => l.status)).toContain('Pull complete');
    expect(lines.at(-1)?.status).toBe(`Status: Downloaded newer image for ${registry.host}/library/busybox:latest`);
    const inspect = await store.inspectImage(`${registry.host}/library/busybox:latest`);
    expect(inspect.Id).toBe(busybox.config.digest);
    expect(inspect.RepoDigests).toEqual([`${registry.host}/library/busybox@${digest}`]);
    const layerTar = busybox.layers[0]!;
    const layout = new ImageStoreLayout(datastore, VCH_UUID);
    const id = digestHex(layerTar.diffId);
    expect(Buffer.compare(Buffer.from(await backend.readDatastoreFile(layout.tarOf(id))), Buffer.from(layerTar.tar))).toBe(0);
    expect((await backend.virtualDisk(layout.diskOf(id))).parent).toBe(layout.scratchDisk);
    expect(inspect.Size).toBe(layerTar.entries.reduce((sum, e) => sum + (e.type === 'file' ? e.size : 0), 0));
    const [tree] = await store.layerTrees(inspect.Id);
    expect(tree!.root.children.get('bin')).toBeDefined();
  });

  it('says "Already exists" and "Image is up to date" on a second pull, and pulls by digest', async () => {
    const { registry } = fixture!;
    const { store } = await modelStore({ registryClient: new RegistryClient({ insecureRegistries: [registry.host] }) });
    await pull(store, `${registry.host}/library/busybox`);
    const again = await pull(store, `${registry.host}/library/busybox`);
    expect(again.map((l) => l.status)).toContain('Already exists');
    expect(again.at(-1)?.status).toBe(`Status: Image is up to date for ${registry.host}/library/busybox:latest`);
    const { digest } = await registry.rawManifest('library/busybox', 'latest');
    await pull(store, `${registry.host}/library/busybox@${digest}`);
    expect(store.resolve(`${registry.host}/library/busybox@${digest}`).id).toBe(store.resolve(`${registry.host}/library/busybox`).id);
    expect(store.layers().size).toBe(1);
  });
});

/** The offline catalog: deterministic synthetic images, their files and defaults, and when pulls use it. */
import { describe, expect, it } from 'vitest';
import { readLayerTar } from '../../../src/vch/archive/layer-tar.js';
import { buildCatalogImage, OfflineCatalog, SYNTHETIC_COMMENT } from '../../../src/vch/images/index.js';
import { CATALOG_SPECS } from '../../../src/vch/images/catalog-images.js';
import { ManifestUnknownError, RegistryUnavailableError } from '../../../src/vch/registry/errors.js';
import { parseReference } from '../../../src/vch/registry/reference.js';
import { modelStore, pull } from './fixture.js';

/** busybox's id, fixed: a change here means every saved synthetic image changes id. */
const BUSYBOX_ID = 'sha256:5517f6e6c634e488ba6db794ac164f2c50489ebd96fc5107b97e7ac87c56a9f4';

async function files(name: string): Promise<Map<string, { type: string; linkname: string; text: string }>> {
  const built = await new OfflineCatalog().lookup(parseReference(name));
  const out = new Map<string, { type: string; linkname: string; text: string }>();
  for (const layer of built!.image.layers) {
    for (const e of await readLayerTar(layer.tar)) out.set(e.path, { type: e.type, linkname: e.linkname, text: Buffer.from(e.content ?? []).toString() });
  }
  return out;
}

describe('the offline catalog', () => {
  it('builds the same image ids on every run', async () => {
    const first = await Promise.all(CATALOG_SPECS.map(buildCatalogImage));
    const second = await Promise.all(CATALOG_SPECS.map(buildCatalogImage));
    expect(second.map((i) => i.image.config.digest)).toEqual(first.map((i) => i.image.config.digest));
    expect(second.map((i) => i.manifestDigest)).toEqual(first.map((i) => i.manifestDigest));
    expect(first[0]!.image.config.digest).toBe(BUSYBOX_ID);
    expect(new Set(first.map((i) => i.image.config.digest)).size).toBe(CATALOG_SPECS.length);
  });

  it('gives busybox a busybox binary with applet links, and the /etc files', async () => {
    const f = await files('busybox');
    expect(f.get('bin/busybox')?.text).toContain('BusyBox v1.36.1 (vicsim synthetic)');
    expect(f.get('bin/sh')).toMatchObject({ type: 'symlink', linkname: 'busybox' });
    expect(f.get('usr/bin/wget')).toMatchObject({ type: 'symlink', linkname: '/bin/busybox' });
    expect(f.get('etc/passwd')?.text).toMatch(/^root:x:0:0:root:\/root:\/bin\/sh$/m);
    for (const path of ['etc/group', 'etc/hostname', 'etc/os-release']) expect(f.has(path)).toBe(true);
  });

  it('gives service images their own program at its real path over a busybox base, and a script entrypoint that execs its arguments', async () => {
    const nginx = await files('nginx');
    expect(nginx.get('usr/sbin/nginx')?.text).toMatch(/^vicsim synthetic program: nginx/);
    expect(nginx.get('bin/sh')).toMatchObject({ type: 'symlink', linkname: 'busybox' });
    expect(nginx.get('docker-entrypoint.sh')?.text).toMatch(/^#!\/bin\/sh\n[\s\S]*exec "\$@"\n$/);
    const redis = await files('redis:7.2');
    expect(redis.get('usr/local/bin/redis-server')?.text).not.toContain('BusyBox');
    expect(redis.get('usr/local/bin/docker-entrypoint.sh')?.text).toContain('exec "$@"');
  });

  it('carries realistic layer counts, sizes and defaults, labelled synthetic with workload labels', async () => {
    const { store } = await modelStore();
    await pull(store, 'postgres');
    await pull(store, 'nginx:1.25');
    const pg = await store.inspectImage('postgres');
    expect(pg.RootFS.Layers).toHaveLength(15);
    expect(pg.Size).toBeGreaterThan(400e6);
    expect(pg.Comment).toBe(SYNTHETIC_COMMENT);
    expect(pg.Config).toMatchObject({ Entrypoint: ['docker-entrypoint.sh'], Cmd: ['postgres'], ExposedPorts: { '5432/tcp': {} }, StopSignal: 'SIGINT' });
    const nginx = await store.inspectImage('nginx:1.25');
    expect(nginx.Config.Labels).toMatchObject({ 'vicsim.synthetic': 'true', 'vicsim.workload.listen': '80/http', 'vicsim.workload.cpuMhz': '50' });
    const history = await store.imageHistory('nginx:1.25');
    expect(history[0]).toMatchObject({ Id: nginx.Id, Tags: ['nginx:1.25'], Size: 0, CreatedBy: 'CMD ["nginx" "-g" "daemon off;"]' });
    expect(history.filter((h) => h.Size > 0).reduce((sum, h) => sum + h.Size, 0)).toBe(nginx.Size);
  });

  it('serves a pull only when no registry answers, with the progress docker shows and "Already exists" for stored layers', async () => {
    const { store } = await modelStore();
    await pull(store, 'nginx');
    const lines = await pull(store, 'redis');
    const statuses = lines.map((l) => l.status);
    expect(statuses[0]).toBe('Pulling from library/redis');
    expect(statuses[1]).toBe('Already exists');
    expect(statuses.filter((s) => s === 'Pull complete')).toHaveLength(5);
    expect(statuses.at(-2)).toMatch(/^Digest: sha256:[0-9a-f]{64}$/);
    expect(statuses.at(-1)).toBe('Status: Downloaded newer image for redis:latest');
    expect(lines.find((l) => l.status === 'Downloading')?.progress).toMatch(/^\[=+>\s*\] /);
    expect((await pull(store, 'redis')).at(-1)?.status).toBe('Status: Image is up to date for redis:latest');
  });

  it('is not used when switched off, for images it does not hold, or when a live registry says the manifest is unknown', async () => {
    const off = await modelStore({ offlineCatalog: false });
    await expect(pull(off.store, 'busybox')).rejects.toBeInstanceOf(RegistryUnavailableError);
    const on = await modelStore();
    await expect(pull(on.store, 'busybox:0.1')).rejects.toBeInstanceOf(RegistryUnavailableError);
    await expect(pull(on.store, 'myreg.local:5000/busybox')).rejects.toBeInstanceOf(RegistryUnavailableError);
    const live = await modelStore({
      registryClient: {
        pull: async () => {
          throw new ManifestUnknownError('library/busybox', 'faketag', 'busybox:faketag');
        },
      },
    });
    await expect(pull(live.store, 'busybox:latest')).rejects.toThrow('Tag faketag not found in repository library/busybox');
  });
});

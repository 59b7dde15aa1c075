import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDockerArchive, splitRepoTag, writeDockerArchive } from '../../../src/vch/archive/docker-archive.js';
import { ImageArchiveError } from '../../../src/vch/archive/errors.js';
import { chainIds, digestHex, sha256Digest } from '../../../src/vch/archive/image.js';
import type { ArchiveImage } from '../../../src/vch/archive/image.js';
import { readLayerTar, writeLayerTar } from '../../../src/vch/archive/layer-tar.js';
import type { LayerEntry } from '../../../src/vch/archive/layer-tar.js';
import { RegistryClient } from '../../../src/vch/registry/pull.js';
import type { DownloadedLayer } from '../../../src/vch/registry/pull.js';
import { startRegistry } from '../registry/registry-server.js';
import type { LocalRegistry } from '../registry/registry-server.js';
import { buildBusyboxImage, buildImage, busyboxEntries, writeArchiveFile } from '../registry/test-images.js';

const run = promisify(execFile);

function member(path: string, content: string | Uint8Array): LayerEntry {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return { path, type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 0, size: bytes.length, linkname: '', content: bytes };
}

const ids = (images: readonly ArchiveImage[]): string[] => images.map((image) => image.config.digest);

describe('docker archives', () => {
  let busybox: ArchiveImage;
  let extended: ArchiveImage;

  beforeAll(async () => {
    busybox = await buildBusyboxImage();
    const extra: LayerEntry[] = [member('etc/motd', 'hello from a second layer\n')];
    extended = await buildImage([busyboxEntries(), extra], ['myreg.local:5000/tools/bb:v1', 'bb:latest'], ['sh', '-c', 'cat /etc/motd']);
  });

  it('load back what they save with identical image ids, tags and layers', async () => {
    const loaded = await readDockerArchive(await writeDockerArchive([busybox, extended]));
    expect(ids(loaded)).toEqual(ids([busybox, extended]));
    expect(loaded.map((image) => image.repoTags)).toEqual([['busybox:latest'], ['myreg.local:5000/tools/bb:v1', 'bb:latest']]);
    expect(loaded[1]!.layers.map((l) => l.diffId)).toEqual(extended.layers.map((l) => l.diffId));
    expect(Buffer.compare(Buffer.from(loaded[0]!.config.bytes), Buffer.from(busybox.config.bytes))).toBe(0);
  });

  it('write a shared layer once, in the legacy layout with VERSION, json and repositories', async () => {
    const members = new Map((await readLayerTar(await writeDockerArchive([busybox, extended]))).map((e) => [e.path, e]));
    expect([...members.keys()].filter((p) => p.endsWith('/layer.tar'))).toHaveLength(2);
    const manifest = JSON.parse(Buffer.from(members.get('manifest.json')!.content!).toString());
    expect(manifest[0]).toEqual({ Config: `${digestHex(busybox.config.digest)}.json`, RepoTags: ['busybox:latest'], Layers: [expect.stringMatching(/^[0-9a-f]{64}\/layer\.tar$/)] });
    expect(manifest[1].Layers[0]).toBe(manifest[0].Layers[0]);
    const top = manifest[1].Layers[1].split('/')[0];
    expect(JSON.parse(Buffer.from(members.get('repositories')!.content!).toString())).toEqual({
      busybox: { latest: manifest[0].Layers[0].split('/')[0] },
      'myreg.local:5000/tools/bb': { v1: top },
      bb: { latest: top },
    });
    expect(Buffer.from(members.get(`${top}/VERSION`)!.content!).toString()).toBe('1.0');
    expect(JSON.parse(Buffer.from(members.get(`${top}/json`)!.content!).toString())).toMatchObject({ id: top, parent: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it("read docker 25's OCI layout, gzip archives, gzip layers and symlinked layer copies", async () => {
    const layer = busybox.layers[0]!;
    const gzLayer = gzipSync(layer.tar);
    const configPath = `blobs/sha256/${digestHex(busybox.config.digest)}`;
    const layerPath = `blobs/sha256/${digestHex(sha256Digest(gzLayer))}`;
    const manifest = [
      { Config: configPath, RepoTags: ['busybox:latest'], Layers: [layerPath] },
      { Config: configPath, RepoTags: null, Layers: ['copy/layer.tar'] },
    ];
    const entries: LayerEntry[] = [
      member(configPath, busybox.config.bytes),
      member(layerPath, gzLayer),
      { path: 'copy/layer.tar', type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtime: 0, size: 0, linkname: `../${layerPath}` },
      member('manifest.json', JSON.stringify(manifest)),
    ];
    const loaded = await readDockerArchive(gzipSync(await writeLayerTar(entries)));
    expect(ids(loaded)).toEqual([busybox.config.digest, busybox.config.digest]);
    expect(loaded[1]!.repoTags).toEqual([]);
    expect(loaded[0]!.layers[0]!.diffId).toBe(layer.diffId);
  });

  it('refuse archives without manifest.json, with missing files or with layers that do not match the config', async () => {
    await expect(readDockerArchive(await writeLayerTar([member('repositories', '{}')]))).rejects.toThrow(/no manifest.json/);
    const missing = [member('manifest.json', JSON.stringify([{ Config: 'c.json', RepoTags: [], Layers: [] }]))];
    await expect(readDockerArchive(await writeLayerTar(missing))).rejects.toThrow('archive has no file c.json');
    const wrong = [
      member('c.json', busybox.config.bytes),
      member('l.tar', await writeLayerTar([member('other', 'x')])),
      member('manifest.json', JSON.stringify([{ Config: 'c.json', RepoTags: [], Layers: ['l.tar'] }])),
    ];
    await expect(readDockerArchive(await writeLayerTar(wrong))).rejects.toBeInstanceOf(ImageArchiveError);
    await expect(readDockerArchive(await writeLayerTar([member('manifest.json', '{"not":"a list"}')]))).rejects.toThrow(/not a list/);
  });

  it('compute chain ids and split familiar tags as docker does', () => {
    const [a, b] = [sha256Digest('a'), sha256Digest('b')];
    expect(chainIds([a, b])).toEqual([a, sha256Digest(`${a} ${b}`)]);
    expect(splitRepoTag('localhost:5000/bb')).toEqual({ repository: 'localhost:5000/bb', tagName: 'latest' });
    expect(splitRepoTag('localhost:5000/bb:v2')).toEqual({ repository: 'localhost:5000/bb', tagName: 'v2' });
  });
});

describe('docker archives and real peers', () => {
  let registry: LocalRegistry;
  let workDir: string;
  let busybox: ArchiveImage;

  beforeAll(async () => {
    registry = await startRegistry('none');
    workDir = mkdtempSync(join(tmpdir(), 'vicsim-archive-'));
    busybox = await buildBusyboxImage();
    await registry.push(await writeArchiveFile(workDir, 'busybox.tar', [busybox]), 'library/busybox:latest');
  }, 300_000);

  afterAll(async () => {
    await registry?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('load an archive skopeo wrote, with the image id the registry serves', async () => {
    const out = join(workDir, 'from-skopeo.tar');
    await run('skopeo', ['--insecure-policy', 'copy', '--quiet', '--src-tls-verify=false', `docker://${registry.host}/library/busybox:latest`, `docker-archive:${out}:busybox:latest`]);
    const [loaded] = await readDockerArchive(readFileSync(out));
    expect(loaded!.config.digest).toBe(busybox.config.digest);
    expect(loaded!.repoTags).toEqual(['docker.io/library/busybox:latest']);
  });

  it('are read by skopeo, shared layers included', async () => {
    const extended = await buildImage([busyboxEntries(), [member('etc/motd', 'hi\n')]], ['bb:latest'], ['sh']);
    const archive = await writeArchiveFile(workDir, 'two.tar', [busybox, extended]);
    await run('skopeo', ['--insecure-policy', 'copy', '--quiet', '--dest-tls-verify=false', `docker-archive:${archive}:bb:latest`, `docker://${registry.host}/test/bb:latest`]);
    const pulled = await new RegistryClient({ insecureRegistries: [registry.host] }).pull(`${registry.host}/test/bb`);
    expect(pulled.config.digest).toBe(extended.config.digest);
  });

  it('save a pulled image and load it back with the same image id', async () => {
    const pulled = await new RegistryClient({ insecureRegistries: [registry.host] }).pull(`${registry.host}/library/busybox`);
    const saved = await writeDockerArchive([{ repoTags: [pulled.reference.familiarString], config: pulled.config, layers: pulled.layers as DownloadedLayer[] }]);
    const [loaded] = await readDockerArchive(saved);
    expect(loaded!.config.digest).toBe(pulled.config.digest);
    expect(loaded!.repoTags).toEqual([`${registry.host}/library/busybox:latest`]);
  });
});

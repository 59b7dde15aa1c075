/**
 * Pulls from a real registry (Debian's docker-registry, distribution 2.8) that skopeo filled with a
 * busybox image built from /bin/busybox by the project's archive writer. See registry-server.ts.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveImage } from '../../../src/vch/archive/image.js';
import {
  ManifestUnknownError,
  RegistryNotWhitelistedError,
  RegistryUnavailableError,
  RepositoryNotFoundError,
} from '../../../src/vch/registry/errors.js';
import { MEDIA_TYPES } from '../../../src/vch/registry/manifest.js';
import type { PullProgressEvent } from '../../../src/vch/registry/progress.js';
import { RegistryClient } from '../../../src/vch/registry/pull.js';
import type { DownloadedLayer } from '../../../src/vch/registry/pull.js';
import type { LocalRegistry } from './registry-server.js';
import { buildBusyboxImage, buildImage, busyboxEntries, writeArchiveFile } from './test-images.js';
import { busyboxRegistry, type BusyboxRegistry } from './busybox-registry.js';

// The first start may install the peers with apt-get (scripts/registry/ensure.sh).
const HOOK_TIMEOUT = 300_000;

describe('pulling from a real registry without auth', () => {
  let fixture: BusyboxRegistry | undefined;
  let registry: LocalRegistry;
  let workDir: string;
  let busybox: ArchiveImage;
  let client: RegistryClient;

  beforeAll(async () => {
    fixture = await busyboxRegistry('none');
    ({ registry, workDir, busybox, client } = fixture);
  }, HOOK_TIMEOUT);

  afterAll(async () => {
    await fixture?.stop();
  });

  it('pulls by tag: same image id, gzip layer unpacked to the real busybox binary and its applet links', async () => {
    const pulled = await client.pull(`${registry.host}/library/busybox`);
    expect(pulled.reference.toString()).toBe(`${registry.host}/library/busybox:latest`);
    expect(pulled.config.digest).toBe(busybox.config.digest);
    expect(pulled.manifestDigest).toBe((await registry.rawManifest('library/busybox', 'latest')).digest);
    const layer = pulled.layers[0] as DownloadedLayer;
    expect(layer.kind).toBe('downloaded');
    expect(layer.mediaType).toBe('application/vnd.docker.image.rootfs.diff.tar.gzip');
    expect(layer.diffId).toBe(busybox.layers[0]!.diffId);
    const binary = layer.entries.find((e) => e.path === 'bin/busybox');
    expect(Buffer.compare(Buffer.from(binary!.content!), readFileSync('/bin/busybox'))).toBe(0);
    expect(layer.entries.find((e) => e.path === 'bin/sh')).toMatchObject({ type: 'symlink', linkname: 'busybox' });
    expect(JSON.parse(Buffer.from(pulled.config.bytes).toString()).config.Cmd).toEqual(['sh']);
  });

  it('pulls by digest and names the digest in the final status', async () => {
    const { digest } = await registry.rawManifest('library/busybox', 'latest');
    const events: PullProgressEvent[] = [];
    const pulled = await client.pull(`${registry.host}/library/busybox@${digest}`, { onProgress: (e) => events.push(e) });
    expect(pulled.config.digest).toBe(busybox.config.digest);
    expect(pulled.manifestDigest).toBe(digest);
    expect(events[0]).toEqual({ status: 'Pulling from library/busybox', id: digest });
    expect(events.at(-1)).toEqual({ status: `Status: Downloaded newer image for ${registry.host}/library/busybox@${digest}` });
  });

  it('emits the progress events docker streams, in order', async () => {
    const events: PullProgressEvent[] = [];
    const pulled = await client.pull(`${registry.host}/library/busybox:latest`, { onProgress: (e) => events.push(e) });
    const layerId = pulled.layers[0]!.digest.slice(7, 19);
    const statuses = events.map((e) => e.status).filter((status, i, all) => status !== 'Downloading' || all[i - 1] !== 'Downloading');
    expect(statuses).toEqual([
      'Pulling from library/busybox',
      'Pulling fs layer',
      'Downloading',
      'Verifying Checksum',
      'Download complete',
      'Extracting',
      'Extracting',
      'Pull complete',
      `Digest: ${pulled.manifestDigest}`,
      `Status: Downloaded newer image for ${registry.host}/library/busybox:latest`,
    ]);
    const downloads = events.filter((e) => e.status === 'Downloading').map((e) => e.progressDetail as { current: number; total: number });
    expect(downloads.map((d) => d.current)).toEqual([...downloads.map((d) => d.current)].sort((a, b) => a - b));
    expect(downloads.at(-1)).toEqual({ current: pulled.layers[0]!.size, total: pulled.layers[0]!.size });
    expect(events.filter((e) => e.id === layerId)).toHaveLength(events.length - 3);
  });

  it('downloads at most three layers at once and completes them bottom-up', async () => {
    const layers = [busyboxEntries(), ...[1, 2, 3].map((n) => [{ path: `f${n}`, type: 'file' as const, mode: 0o644, uid: 0, gid: 0, mtime: 0, size: 1, linkname: '', content: Buffer.from([n]) }])];
    const image = await buildImage(layers, ['four:latest'], ['sh']);
    await registry.push(await writeArchiveFile(workDir, 'four.tar', [image]), 'test/four:latest');
    const events: PullProgressEvent[] = [];
    const pulled = await client.pull(`${registry.host}/test/four`, { onProgress: (e) => events.push(e) });
    expect(pulled.config.digest).toBe(image.config.digest);
    const ids = pulled.layers.map((l) => l.digest.slice(7, 19));
    expect(events.filter((e) => e.status === 'Waiting').map((e) => e.id)).toEqual([ids[3]]);
    expect(events.filter((e) => e.status === 'Pull complete').map((e) => e.id)).toEqual(ids);
  });

  it('skips layers the caller already has and says when the image is up to date', async () => {
    const events: PullProgressEvent[] = [];
    const pulled = await client.pull(`${registry.host}/library/busybox`, {
      onProgress: (e) => events.push(e),
      layerExists: (diffId) => diffId === busybox.layers[0]!.diffId,
      imageExists: (id) => id === busybox.config.digest,
    });
    expect(pulled.layers[0]!.kind).toBe('existing');
    expect(events.map((e) => e.status)).toContain('Already exists');
    expect(events.map((e) => e.status)).not.toContain('Downloading');
    expect(events.at(-1)!.status).toBe(`Status: Image is up to date for ${registry.host}/library/busybox:latest`);
  });

  it('resolves a manifest list to linux/amd64, or to another platform when configured', async () => {
    const arm = await buildBusyboxImage('arm64');
    await registry.push(await writeArchiveFile(workDir, 'busybox-arm64.tar', [arm]), 'library/busybox:arm64');
    const amd = await registry.rawManifest('library/busybox', 'latest');
    const armManifest = await registry.rawManifest('library/busybox', 'arm64');
    const list = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.dockerManifestList,
      manifests: [
        { mediaType: armManifest.mediaType, digest: armManifest.digest, size: armManifest.bytes.length, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
        { mediaType: amd.mediaType, digest: amd.digest, size: amd.bytes.length, platform: { architecture: 'amd64', os: 'linux' } },
      ],
    };
    const listDigest = await registry.putManifest('library/busybox', 'multi', MEDIA_TYPES.dockerManifestList, JSON.stringify(list));
    const pulled = await client.pull(`${registry.host}/library/busybox:multi`);
    expect(pulled.config.digest).toBe(busybox.config.digest);
    expect(pulled.manifestDigest).toBe(listDigest);
    expect(pulled.imageManifestDigest).toBe(amd.digest);
    const armClient = new RegistryClient({ insecureRegistries: [registry.host], platform: { os: 'linux', architecture: 'arm64' } });
    expect((await armClient.pull(`${registry.host}/library/busybox:multi`)).config.digest).toBe(arm.config.digest);
  });

  it('pulls OCI manifests and OCI indexes', async () => {
    await registry.push(await writeArchiveFile(workDir, 'busybox-oci.tar', [busybox]), 'oci/busybox:latest', { format: 'oci' });
    const manifest = await registry.rawManifest('oci/busybox', 'latest');
    expect(manifest.mediaType).toBe(MEDIA_TYPES.ociManifest);
    // skopeo converts the config to OCI's media type, so the image id is the OCI config's digest.
    const pulled = await client.pull(`${registry.host}/oci/busybox`);
    expect(pulled.config.digest).toBe(JSON.parse(manifest.bytes.toString()).config.digest);
    expect(pulled.layers.map((l) => l.diffId)).toEqual(busybox.layers.map((l) => l.diffId));
    const index = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [{ mediaType: MEDIA_TYPES.ociManifest, digest: manifest.digest, size: manifest.bytes.length, platform: { architecture: 'amd64', os: 'linux' } }] };
    await registry.putManifest('oci/busybox', 'index', MEDIA_TYPES.ociIndex, JSON.stringify(index));
    expect((await client.pull(`${registry.host}/oci/busybox:index`)).imageManifestDigest).toBe(manifest.digest);
  });

  it("refuses a missing tag with VIC's words and a missing digest with docker's", async () => {
    await expect(client.pull(`${registry.host}/library/busybox:faketag`)).rejects.toThrow(
      new ManifestUnknownError('library/busybox', 'faketag', 'x').message,
    );
    expect(new ManifestUnknownError('library/busybox', 'faketag', 'x').message).toBe('Tag faketag not found in repository library/busybox');
    const missing = `sha256:${'0'.repeat(64)}`;
    await expect(client.pull(`${registry.host}/library/busybox@${missing}`)).rejects.toThrow(
      `manifest for ${registry.host}/library/busybox@${missing} not found: manifest unknown: manifest unknown`,
    );
  });

  it('refuses a repository the registry does not know as VIC does: its manifest is unknown', async () => {
    await expect(client.pull(`${registry.host}/library/fakebadimage`)).rejects.toThrow(
      'Tag latest not found in repository library/fakebadimage',
    );
  });

  it('refuses a registry outside the whitelist before contacting it', async () => {
    const events: PullProgressEvent[] = [];
    const guarded = new RegistryClient({ insecureRegistries: [], whitelist: ['myreg.local:5000'] });
    await expect(guarded.pull(`${registry.host}/library/busybox`, { onProgress: (e) => events.push(e) })).rejects.toThrow(
      new RegistryNotWhitelistedError(registry.host),
    );
    expect(events).toEqual([]);
  });

  it('talks HTTPS to a registry not configured as insecure', async () => {
    const strict = new RegistryClient();
    await expect(strict.pull(`${registry.host}/library/busybox`)).rejects.toBeInstanceOf(RegistryUnavailableError);
  });

  it('says the repository may require docker login when the registry denies it', () => {
    expect(new RepositoryNotFoundError('fakebadimage').message).toBe(
      "pull access denied for fakebadimage, repository does not exist or may require 'docker login'",
    );
  });
});

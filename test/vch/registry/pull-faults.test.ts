/**
 * Faults a well-behaved registry never shows, served by a tiny HTTP server on 127.0.0.1: corrupt
 * blobs, layers that unpack to the wrong diff_id, transient 503s and bodies cut short.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Digest } from '../../../src/vch/archive/image.js';
import { DigestMismatchError, RegistryResponseError, RegistryUnavailableError } from '../../../src/vch/registry/errors.js';
import { MEDIA_TYPES } from '../../../src/vch/registry/manifest.js';
import type { PullProgressEvent } from '../../../src/vch/registry/progress.js';
import { RegistryClient } from '../../../src/vch/registry/pull.js';
import { buildImage } from './test-images.js';

/** How the server misbehaves for the layer blob; counters go down as requests arrive. */
interface Faults {
  corruptLayer: boolean;
  unavailableTimes: number;
  cutTimes: number;
  notFound: boolean;
}

interface Served {
  layerDigest: string;
  badLayerDigest: string;
  configDigest: string;
  layerRequests: number;
}

async function serveImage(faults: Faults, wrongDiffId: boolean): Promise<{ server: Server; host: string; served: Served }> {
  const file = { path: 'hello', type: 'file' as const, mode: 0o644, uid: 0, gid: 0, mtime: 0, size: 5, linkname: '', content: Buffer.from('hello') };
  const image = await buildImage([[file]], [], ['sh']);
  const layer = gzipSync(image.layers[0]!.tar);
  const badLayer = Buffer.from(layer);
  badLayer[badLayer.length - 9] = badLayer[badLayer.length - 9]! ^ 0xff;
  const configJson = JSON.parse(Buffer.from(image.config.bytes).toString());
  if (wrongDiffId) configJson.rootfs.diff_ids = [sha256Digest('something else')];
  const config = Buffer.from(JSON.stringify(configJson));
  const served: Served = { layerDigest: sha256Digest(layer), badLayerDigest: sha256Digest(badLayer), configDigest: sha256Digest(config), layerRequests: 0 };
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.dockerManifest,
    config: { mediaType: MEDIA_TYPES.dockerConfig, digest: served.configDigest, size: config.length },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: served.layerDigest, size: layer.length }],
  });
  const server = createServer((request, response) => {
    const path = request.url ?? '';
    if (path.endsWith('/manifests/latest')) return void response.writeHead(200, { 'Content-Type': MEDIA_TYPES.dockerManifest }).end(manifest);
    if (path.endsWith(`/blobs/${served.configDigest}`)) return void response.writeHead(200).end(config);
    if (!path.endsWith(`/blobs/${served.layerDigest}`)) return void response.writeHead(404).end();
    served.layerRequests++;
    if (faults.notFound) return void response.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown to registry' }] }));
    if (faults.unavailableTimes-- > 0) return void response.writeHead(503).end();
    if (faults.cutTimes-- > 0) {
      response.writeHead(200, { 'Content-Length': String(layer.length) });
      response.write(layer.subarray(0, 10));
      return void setTimeout(() => response.socket?.destroy(), 20);
    }
    response.writeHead(200).end(faults.corruptLayer ? badLayer : layer);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  return { server, host: `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, served };
}

describe('pulling from a registry that misbehaves', () => {
  const faults: Faults = { corruptLayer: false, unavailableTimes: 0, cutTimes: 0, notFound: false };
  let good: Awaited<ReturnType<typeof serveImage>>;
  let wrongDiff: Awaited<ReturnType<typeof serveImage>>;
  const client = (host: string): RegistryClient => new RegistryClient({ insecureRegistries: [host], retryDelayMs: () => 10 });

  beforeAll(async () => {
    good = await serveImage(faults, false);
    wrongDiff = await serveImage({ corruptLayer: false, unavailableTimes: 0, cutTimes: 0, notFound: false }, true);
  });

  afterAll(() => {
    good?.server.close();
    wrongDiff?.server.close();
  });

  const reset = (change: Partial<Faults>): void => {
    Object.assign(faults, { corruptLayer: false, unavailableTimes: 0, cutTimes: 0, notFound: false }, change);
    good.served.layerRequests = 0;
  };

  it('refuses a layer whose bytes do not match its digest, naming both digests, without retrying', async () => {
    reset({ corruptLayer: true });
    const error = await client(good.host).pull(`${good.host}/test/hello`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect(error).toMatchObject({ expected: good.served.layerDigest, actual: good.served.badLayerDigest });
    expect((error as Error).message).toBe(`Failed to validate layer checksum. Expected ${good.served.layerDigest} got ${good.served.badLayerDigest}`);
    expect(good.served.layerRequests).toBe(1);
  });

  it('refuses a layer that unpacks to another diff_id than the config names', async () => {
    await expect(client(wrongDiff.host).pull(`${wrongDiff.host}/test/hello`)).rejects.toThrow(/^Failed to validate layer diff_id checksum\. Expected sha256:/);
  });

  it('retries a layer after transient 503s and cut bodies, telling the client it retries', async () => {
    reset({ unavailableTimes: 2, cutTimes: 2 });
    const events: PullProgressEvent[] = [];
    const pulled = await client(good.host).pull(`${good.host}/test/hello`, { onProgress: (e) => events.push(e) });
    expect(pulled.layers[0]!.digest).toBe(good.served.layerDigest);
    expect(good.served.layerRequests).toBe(5);
    expect(events.filter((e) => e.status.startsWith('Retrying in'))).toHaveLength(4);
  });

  it('gives up after five attempts', async () => {
    reset({ unavailableTimes: 10 });
    await expect(client(good.host).pull(`${good.host}/test/hello`)).rejects.toBeInstanceOf(RegistryResponseError);
    expect(good.served.layerRequests).toBe(5);
    reset({ cutTimes: 10 });
    await expect(client(good.host).pull(`${good.host}/test/hello`)).rejects.toBeInstanceOf(RegistryUnavailableError);
  });

  it('does not retry an answer that will not change', async () => {
    reset({ notFound: true });
    await expect(client(good.host).pull(`${good.host}/test/hello`)).rejects.toThrow('blob unknown: blob unknown to registry');
    expect(good.served.layerRequests).toBe(1);
  });

  it('stops when the caller aborts', async () => {
    reset({ unavailableTimes: 10 });
    const controller = new AbortController();
    const slow = new RegistryClient({ insecureRegistries: [good.host], retryDelayMs: () => 60_000 });
    const pull = slow.pull(`${good.host}/test/hello`, { signal: controller.signal, onProgress: (e) => e.status.startsWith('Retrying') && controller.abort(new Error('stopped')) });
    await expect(pull).rejects.toThrow('stopped');
  });
});

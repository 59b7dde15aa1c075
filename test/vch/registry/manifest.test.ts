import { describe, expect, it } from 'vitest';
import { UnsupportedManifestError } from '../../../src/vch/registry/errors.js';
import { ERROR_CODES } from '../../../src/sim/errors.js';
import * as registryErrors from '../../../src/vch/registry/errors.js';
import { MEDIA_TYPES, parseManifest, selectPlatform } from '../../../src/vch/registry/manifest.js';
import type { ManifestIndex } from '../../../src/vch/registry/manifest.js';
import { formatProgressBar, shortLayerId, toJsonMessage } from '../../../src/vch/registry/progress.js';

const D = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;
const bytes = (json: unknown): Buffer => Buffer.from(JSON.stringify(json));

const image = {
  schemaVersion: 2,
  mediaType: MEDIA_TYPES.dockerManifest,
  config: { mediaType: MEDIA_TYPES.dockerConfig, digest: D(1), size: 10 },
  layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: D(2), size: 20 }],
};

describe('manifests', () => {
  it('parses a schema 2 manifest into its config and layers', () => {
    const parsed = parseManifest(bytes(image), MEDIA_TYPES.dockerManifest);
    expect(parsed).toEqual({ kind: 'image', mediaType: MEDIA_TYPES.dockerManifest, config: image.config, layers: image.layers });
  });

  it('parses an OCI manifest without a mediaType field from its Content-Type or its shape', () => {
    const oci = { schemaVersion: 2, config: { ...image.config, mediaType: MEDIA_TYPES.ociConfig }, layers: [{ ...image.layers[0], mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }] };
    expect(parseManifest(bytes(oci), `${MEDIA_TYPES.ociManifest}; charset=utf-8`).mediaType).toBe(MEDIA_TYPES.ociManifest);
    expect(parseManifest(bytes(oci), 'application/json').mediaType).toBe(MEDIA_TYPES.ociManifest);
  });

  it('refuses schema 1, unknown media types and zstd layers', () => {
    expect(() => parseManifest(bytes({ schemaVersion: 1, fsLayers: [] }), 'application/vnd.docker.distribution.manifest.v1+prettyjws')).toThrow(UnsupportedManifestError);
    expect(() => parseManifest(bytes({ schemaVersion: 2, mediaType: 'application/x-other' }), null)).toThrow('unsupported manifest media type application/x-other');
    const zstd = { ...image, layers: [{ ...image.layers[0], mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' }] };
    expect(() => parseManifest(bytes(zstd), null)).toThrow('unsupported layer media type application/vnd.oci.image.layer.v1.tar+zstd');
    expect(() => parseManifest(Buffer.from('{'), null)).toThrow(UnsupportedManifestError);
  });

  it('picks linux/amd64 from a manifest list, skipping attestation entries', () => {
    const list = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: [
        { mediaType: MEDIA_TYPES.ociManifest, digest: D(3), size: 1, platform: { os: 'unknown', architecture: 'unknown' } },
        { mediaType: MEDIA_TYPES.ociManifest, digest: D(4), size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        { mediaType: MEDIA_TYPES.ociManifest, digest: D(5), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
      ],
    };
    const index = parseManifest(bytes(list), null) as ManifestIndex;
    expect(index.kind).toBe('index');
    expect(selectPlatform(index).digest).toBe(D(5));
    expect(selectPlatform(index, { os: 'linux', architecture: 'arm64', variant: 'v8' }).digest).toBe(D(4));
    expect(() => selectPlatform(index, { os: 'windows', architecture: 'amd64' })).toThrow('no matching manifest for windows/amd64 in the manifest list entries');
  });
});

describe('pull progress', () => {
  it("renders docker's progress bar", () => {
    expect(formatProgressBar(1024, 2048)).toBe(`[${'='.repeat(25)}>${' '.repeat(25)}]  1.024kB/2.048kB`);
    expect(formatProgressBar(2048, 2048)).toBe(`[${'='.repeat(50)}>]  2.048kB/2.048kB`);
    expect(formatProgressBar(0, 0)).toBe('');
    expect(formatProgressBar(1500, 0)).toBe('   1.5kB');
  });

  it('adds the bar to events with byte counts only', () => {
    expect(toJsonMessage({ status: 'Downloading', id: 'abc', progressDetail: { current: 1, total: 2 } }).progress).toContain('1B/2B');
    expect(toJsonMessage({ status: 'Pull complete', id: 'abc', progressDetail: {} })).toEqual({ status: 'Pull complete', id: 'abc', progressDetail: {} });
  });

  it('shortens layer digests to 12 hex digits', () => {
    expect(shortLayerId(`sha256:${'0123456789abcdef'.repeat(4)}`)).toBe('0123456789ab');
  });
});

describe('registry error classes', () => {
  it('use only codes registered in src/sim/errors.ts', () => {
    const classes = Object.values(registryErrors as Record<string, unknown>).filter(
      (value): value is new (...args: string[]) => { code: string } => typeof value === 'function' && value.prototype instanceof Error,
    );
    const codes = classes.map((errorClass) => new errorClass('a', 'b', 'c').code);
    expect(codes.length).toBeGreaterThan(5);
    expect(codes.filter((c) => !(ERROR_CODES as readonly string[]).includes(c))).toEqual([]);
  });
});

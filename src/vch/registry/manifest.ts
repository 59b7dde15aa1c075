/**
 * Image manifests of the Registry API v2: Docker schema 2 and OCI image manifests, Docker manifest
 * lists and OCI image indexes (resolved to one platform). Schema 1 is refused, as docker 28 does.
 */
import { UnsupportedManifestError } from './errors.js';

/** Media types this client sends in Accept and understands. */
export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
} as const;

/** The Accept header value of a manifest request, most preferred first. */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifest, MEDIA_TYPES.ociManifest].join(', ');

const SCHEMA1_TYPES = ['application/vnd.docker.distribution.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v1+prettyjws'];

/** Layer media types: uncompressed or gzip tars (docker's and OCI's, distributable or not). */
const LAYER_TYPES = new Set([
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
]);

/** A content descriptor: what a manifest says about a blob or a child manifest. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: Platform;
}

/** An OS/architecture pair, with the variant for ARM. */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** An image manifest: its config and layers. */
export interface ImageManifest {
  readonly kind: 'image';
  readonly mediaType: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
}

/** A manifest list or image index: one child manifest per platform. */
export interface ManifestIndex {
  readonly kind: 'index';
  readonly mediaType: string;
  readonly manifests: readonly Descriptor[];
}

/** The platform VIC's container VMs run. */
export const LINUX_AMD64: Platform = { os: 'linux', architecture: 'amd64' };

/**
 * Parses a manifest body. The media type comes from the Content-Type header, else from the body.
 * @throws UnsupportedManifestError for schema 1, unknown media types, malformed bodies and layers
 *   in a format this client cannot unpack (e.g. zstd).
 */
export function parseManifest(body: Uint8Array, contentType: string | null): ImageManifest | ManifestIndex {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(Buffer.from(body).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new UnsupportedManifestError('manifest is not valid JSON');
  }
  const headerType = contentType?.split(';')[0]?.trim() ?? '';
  const bodyType = typeof json.mediaType === 'string' ? json.mediaType : guessType(json);
  const effective = isKnownType(headerType) ? headerType : bodyType;
  if (SCHEMA1_TYPES.includes(effective) || json.schemaVersion === 1) {
    throw new UnsupportedManifestError('Docker Image manifest version 2, schema 1 is not supported; push the image again with a newer client');
  }
  if (effective === MEDIA_TYPES.dockerManifestList || effective === MEDIA_TYPES.ociIndex) {
    return { kind: 'index', mediaType: effective, manifests: descriptors(json.manifests, 'manifests') };
  }
  if (effective !== MEDIA_TYPES.dockerManifest && effective !== MEDIA_TYPES.ociManifest) {
    throw new UnsupportedManifestError(`unsupported manifest media type ${effective || '(none)'}`);
  }
  const [config] = descriptors([json.config], 'config');
  const layers = descriptors(json.layers, 'layers');
  for (const layer of layers) {
    if (!LAYER_TYPES.has(layer.mediaType)) throw new UnsupportedManifestError(`unsupported layer media type ${layer.mediaType}`);
  }
  return { kind: 'image', mediaType: effective, config: config!, layers };
}

function isKnownType(type: string): boolean {
  return (Object.values(MEDIA_TYPES) as string[]).includes(type) || SCHEMA1_TYPES.includes(type);
}

/** OCI allows manifests without mediaType: an index has `manifests`, an image has `config`. */
function guessType(json: Record<string, unknown>): string {
  if (Array.isArray(json.manifests)) return MEDIA_TYPES.ociIndex;
  return json.config ? MEDIA_TYPES.ociManifest : '';
}

function descriptors(list: unknown, field: string): Descriptor[] {
  if (!Array.isArray(list)) throw new UnsupportedManifestError(`manifest has no ${field} list`);
  return list.map((item: Partial<Descriptor> | null) => {
    if (typeof item?.digest !== 'string' || typeof item.size !== 'number' || typeof item.mediaType !== 'string') {
      throw new UnsupportedManifestError(`manifest ${field} entry lacks mediaType, digest or size`);
    }
    const platform = item.platform;
    return {
      mediaType: item.mediaType,
      digest: item.digest,
      size: item.size,
      ...(platform && typeof platform.os === 'string' && typeof platform.architecture === 'string' ? { platform } : {}),
    };
  });
}

/**
 * Picks the child manifest for `wanted` (os and architecture must match; a variant, when wanted,
 * must match too; entries for the "unknown" platform, i.e. attestations, are skipped). O(entries).
 * @throws UnsupportedManifestError in docker's words when none matches.
 */
export function selectPlatform(index: ManifestIndex, wanted: Platform = LINUX_AMD64): Descriptor {
  const match = index.manifests.find(
    (m) =>
      m.platform !== undefined &&
      m.platform.os === wanted.os &&
      m.platform.architecture === wanted.architecture &&
      (wanted.variant === undefined || m.platform.variant === wanted.variant),
  );
  if (!match) {
    const name = `${wanted.os}/${wanted.architecture}${wanted.variant ? `/${wanted.variant}` : ''}`;
    throw new UnsupportedManifestError(`no matching manifest for ${name} in the manifest list entries`);
  }
  return match;
}

/**
 * The image data that pulls produce, docker archives carry and the image store keeps: a config blob
 * (whose sha256 is the image id) and ordered layers, each an uncompressed tar with its entries.
 *
 * A layer keeps its raw tar bytes beside the parsed entries because the config names each layer by
 * the sha256 of exactly those bytes (its diff_id): re-serialising entries with another tar writer
 * would change the diff_id and so the image id, so saves write the stored bytes back verbatim.
 */
import { createHash } from 'node:crypto';
import { ImageArchiveError } from './errors.js';
import { readLayerTar } from './layer-tar.js';
import type { LayerEntry } from './layer-tar.js';

/** A content digest in OCI form, `sha256:` followed by 64 lowercase hex digits. */
export type Digest = `sha256:${string}`;

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

/** The fields of an image config this project reads; the rest travels untouched in `bytes`. */
export interface ImageConfigJson {
  readonly architecture?: string;
  readonly os?: string;
  readonly variant?: string;
  readonly created?: string;
  readonly config?: Record<string, unknown>;
  readonly rootfs: { readonly type: string; readonly diff_ids: readonly string[] };
  readonly history?: readonly Record<string, unknown>[];
  readonly [field: string]: unknown;
}

/** An image config blob: its exact bytes, their digest (the image id) and the parsed JSON. */
export interface ImageConfig {
  /** sha256 of `bytes`; docker's image id. */
  readonly digest: Digest;
  /** The config exactly as stored or received; never re-serialised. */
  readonly bytes: Uint8Array;
  readonly json: ImageConfigJson;
}

/** One filesystem layer: the uncompressed tar, its digest (diff_id) and its parsed entries. */
export interface ImageLayer {
  /** sha256 of `tar`. */
  readonly diffId: Digest;
  /** The uncompressed layer tar, byte for byte as received. */
  readonly tar: Uint8Array;
  /** The tar's entries in archive order (whiteouts `.wh.*` included as plain files). */
  readonly entries: readonly LayerEntry[];
}

/** An image as a docker archive holds it: tags, config and layers bottom-up. */
export interface ArchiveImage {
  /** Familiar references such as `busybox:latest` (docker save's RepoTags); may be empty. */
  readonly repoTags: readonly string[];
  readonly config: ImageConfig;
  /** Layers from the base up; `layers[i].diffId` equals `config.json.rootfs.diff_ids[i]`. */
  readonly layers: readonly ImageLayer[];
}

/** sha256 digest of `bytes` in `sha256:<hex>` form. O(n) in the byte count. */
export function sha256Digest(bytes: Uint8Array | string): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** True when `text` is a well-formed sha256 digest (lowercase hex). */
export function isDigest(text: string): text is Digest {
  return DIGEST_RE.test(text);
}

/** The 64 hex digits of a digest (the part after `sha256:`). Precondition: `isDigest(digest)`. */
export function digestHex(digest: Digest): string {
  return digest.slice('sha256:'.length);
}

/**
 * Chain ids of a layer stack, as docker's layer store computes them: the first is the first diff_id,
 * each next one is sha256 of "<previous chain id> <diff_id>". O(n) in the layer count.
 */
export function chainIds(diffIds: readonly Digest[]): Digest[] {
  const chain: Digest[] = [];
  for (const diffId of diffIds) {
    const previous = chain[chain.length - 1];
    chain.push(previous === undefined ? diffId : sha256Digest(`${previous} ${diffId}`));
  }
  return chain;
}

/**
 * Parses config bytes into an ImageConfig (digest computed from the bytes as given).
 * @throws ImageArchiveError when the bytes are not JSON or lack `rootfs.diff_ids`.
 */
export function parseImageConfig(bytes: Uint8Array): ImageConfig {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new ImageArchiveError(`image config is not valid JSON: ${(error as Error).message}`);
  }
  const rootfs = (json as { rootfs?: { diff_ids?: unknown } } | null)?.rootfs;
  const diffIds = rootfs?.diff_ids;
  if (!Array.isArray(diffIds) || !diffIds.every((d) => typeof d === 'string' && isDigest(d))) {
    throw new ImageArchiveError('image config has no valid rootfs.diff_ids');
  }
  return { digest: sha256Digest(bytes), bytes, json: json as ImageConfigJson };
}

/**
 * Builds an ImageLayer from uncompressed tar bytes: computes its diff_id and parses its entries.
 * O(n) in the tar size.
 * @throws ImageArchiveError when the bytes are not a tar archive.
 */
export async function layerFromTar(tar: Uint8Array): Promise<ImageLayer> {
  return { diffId: sha256Digest(tar), tar, entries: await readLayerTar(tar) };
}

/**
 * Checks that the layers match the config's diff_ids one for one, in order.
 * @throws ImageArchiveError naming the first layer whose diff_id differs, with both digests.
 */
export function checkLayersMatchConfig(config: ImageConfig, layers: readonly ImageLayer[]): void {
  const expected = config.json.rootfs.diff_ids;
  if (expected.length !== layers.length) {
    throw new ImageArchiveError(`image ${config.digest} lists ${expected.length} layers but ${layers.length} were given`);
  }
  layers.forEach((layer, i) => {
    if (layer.diffId !== expected[i]) {
      throw new ImageArchiveError(`layer ${i} of image ${config.digest} has diff_id ${layer.diffId}, the config expects ${expected[i]}`);
    }
  });
}

/**
 * The offline catalog: synthetic images for air-gapped simulation, built deterministically (fixed
 * mtimes and creation times, so the same ids on every run) as real layer tars and config blobs,
 * so they are stored, inspected, saved and loaded like pulled images. Each is marked synthetic:
 * label `vicsim.synthetic=true` and config comment "vicsim synthetic image" (inspect's Comment).
 * Its declared layer sizes travel in the label `vicsim.synthetic.layerSizes`, so a saved and
 * loaded copy reports the same sizes. The store serves a pull from here only when no registry
 * answers for the reference (see pull.ts).
 */
import type { ArchiveImage, Digest } from '../archive/image.js';
import { layerFromTar, parseImageConfig, sha256Digest } from '../archive/image.js';
import { writeLayerTar } from '../archive/layer-tar.js';
import { DEFAULT_DOMAIN, type ImageReference } from '../registry/reference.js';
import { EntryBuilder } from './catalog-files.js';
import { CATALOG_SPECS, type CatalogSpec } from './catalog-images.js';

/** Label marking a synthetic image. */
export const SYNTHETIC_LABEL = 'vicsim.synthetic';
/** Label carrying a synthetic image's declared layer sizes, comma-separated, bottom-up. */
export const LAYER_SIZES_LABEL = 'vicsim.synthetic.layerSizes';
/** The config comment of a synthetic image. */
export const SYNTHETIC_COMMENT = 'vicsim synthetic image';
/** Prefix of the labels the guest reads its workload profile from. */
export const WORKLOAD_LABEL_PREFIX = 'vicsim.workload.';

const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
const UNCOMPRESSED_LAYER = 'application/vnd.docker.image.rootfs.diff.tar';

/** A built catalog image. */
export interface CatalogImage {
  /** Config and layers (repoTags empty: the store tags what was pulled). */
  readonly image: ArchiveImage;
  /** Digest of its (uncompressed-layer schema 2) manifest: the RepoDigest a pull records. */
  readonly manifestDigest: Digest;
  /** Declared unpacked layer sizes, bottom-up. */
  readonly layerSizes: readonly number[];
}

/**
 * Declared layer sizes from an image's labels, when it carries them for every layer; else undefined
 * (the store then counts the bytes in its tars). O(layers).
 */
export function declaredLayerSizes(labels: Readonly<Record<string, string>>, layerCount: number): number[] | undefined {
  const text = labels[LAYER_SIZES_LABEL];
  if (text === undefined) return undefined;
  const sizes = text.split(',').map(Number);
  return sizes.length === layerCount && sizes.every((n) => Number.isSafeInteger(n) && n >= 0) ? sizes : undefined;
}

/** The catalog; images are built on first use and kept. */
export class OfflineCatalog {
  readonly #built = new Map<string, Promise<CatalogImage>>();

  /** Repository names it holds (under docker.io/library). */
  names(): string[] {
    return CATALOG_SPECS.map((spec) => spec.name);
  }

  /** Every `name:tag` it answers to. */
  references(): string[] {
    return CATALOG_SPECS.flatMap((spec) => spec.tags.map((tag) => `${spec.name}:${tag}`));
  }

  /**
   * The image a reference names: `docker.io/library/<name>` with one of its tags, or with its
   * manifest digest. O(layer bytes) on first build of an image, O(1) after.
   */
  async lookup(ref: ImageReference): Promise<CatalogImage | undefined> {
    if (ref.domain !== DEFAULT_DOMAIN || !ref.path.startsWith('library/')) return undefined;
    const spec = CATALOG_SPECS.find((s) => `library/${s.name}` === ref.path);
    if (!spec) return undefined;
    if (ref.digest === undefined) return spec.tags.includes(ref.tag ?? 'latest') ? this.#build(spec) : undefined;
    const built = await this.#build(spec);
    return built.manifestDigest === ref.digest ? built : undefined;
  }

  #build(spec: CatalogSpec): Promise<CatalogImage> {
    let built = this.#built.get(spec.name);
    if (!built) {
      built = buildCatalogImage(spec);
      this.#built.set(spec.name, built);
    }
    return built;
  }
}

/** Builds one catalog image: layer tars from its files, the config, the manifest digest. Deterministic. */
export async function buildCatalogImage(spec: CatalogSpec): Promise<CatalogImage> {
  const created = Date.parse(spec.created) / 1000;
  const layers = await Promise.all(spec.layers.map(async (layer) => layerFromTar(await writeLayerTar(layer.files(new EntryBuilder(layer.mtime ?? created))))));
  const layerSizes = spec.layers.map((layer) => layer.size);
  const config = parseImageConfig(Buffer.from(JSON.stringify(configJson(spec, layers.map((l) => l.diffId), layerSizes))));
  const manifest = {
    schemaVersion: 2,
    mediaType: DOCKER_MANIFEST,
    config: { mediaType: DOCKER_CONFIG, size: config.bytes.length, digest: config.digest },
    layers: layers.map((l) => ({ mediaType: UNCOMPRESSED_LAYER, size: l.tar.length, digest: l.diffId })),
  };
  return { image: { repoTags: [], config, layers }, manifestDigest: sha256Digest(JSON.stringify(manifest)), layerSizes };
}

function configJson(spec: CatalogSpec, diffIds: readonly Digest[], layerSizes: readonly number[]): Record<string, unknown> {
  const workload = spec.workload;
  const labels: Record<string, string> = {
    ...((spec.config.Labels as Record<string, string> | undefined) ?? {}),
    [SYNTHETIC_LABEL]: 'true',
    [LAYER_SIZES_LABEL]: layerSizes.join(','),
    ...(workload?.listen !== undefined ? { [`${WORKLOAD_LABEL_PREFIX}listen`]: workload.listen } : {}),
    ...(workload
      ? {
          [`${WORKLOAD_LABEL_PREFIX}cpuMhz`]: String(workload.cpuMhz),
          [`${WORKLOAD_LABEL_PREFIX}activeMemory`]: workload.activeMemory,
          [`${WORKLOAD_LABEL_PREFIX}dirtyRate`]: String(workload.dirtyRate),
        }
      : {}),
  };
  return {
    architecture: 'amd64',
    os: 'linux',
    created: spec.created,
    comment: SYNTHETIC_COMMENT,
    config: { ...spec.config, Labels: labels },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: [
      ...spec.layers.map((layer) => ({ created: spec.created, created_by: layer.createdBy, comment: SYNTHETIC_COMMENT })),
      ...spec.trailer.map((line) => ({ created: spec.created, created_by: line, empty_layer: true })),
    ],
  };
}

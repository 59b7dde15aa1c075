/**
 * Fetching an image for a pull: from its registry through the registry client, or — when no
 * registry answers for the reference (connection refused, DNS failure) and the offline catalog is
 * on — from the catalog, streaming the same progress lines docker shows. A registry that answers
 * with an error (manifest unknown, unauthorized …) is never second-guessed by the catalog.
 */
import type { Digest, ImageConfig, ImageLayer } from '../archive/image.js';
import type { RegistryAuth } from '../engine/engine.js';
import type { RegistryCredentials } from '../registry/auth.js';
import { RegistryUnavailableError } from '../registry/errors.js';
import { shortLayerId, type PullProgressEvent } from '../registry/progress.js';
import type { RegistryClient } from '../registry/pull.js';
import type { ImageReference } from '../registry/reference.js';
import { declaredLayerSizes, type CatalogImage, type OfflineCatalog } from './catalog.js';

/** An image fetched for recording: layers the store already has (by diff_id) are undefined. */
export interface FetchedImage {
  readonly reference: ImageReference;
  /** The digest the reference resolved to in its registry (recorded as a RepoDigest). */
  readonly manifestDigest: Digest;
  readonly config: ImageConfig;
  readonly layers: readonly (ImageLayer | undefined)[];
  /** Declared unpacked layer sizes (synthetic images), when the config carries them. */
  readonly layerSizes: readonly number[] | undefined;
  /** True when the catalog served it. */
  readonly synthetic: boolean;
}

/** What a fetch needs from the store and the caller. */
export interface FetchContext {
  readonly client: Pick<RegistryClient, 'pull'>;
  /** The catalog, or undefined when switched off. */
  readonly catalog: OfflineCatalog | undefined;
  /** True when a layer with this diff_id is stored (its download is skipped: "Already exists"). */
  layerExists(diffId: Digest): boolean;
  /** True when this image id is stored ("Image is up to date"). */
  imageExists(id: Digest): boolean;
  readonly emit: (event: PullProgressEvent) => void;
  readonly auth?: RegistryAuth;
  readonly signal?: AbortSignal;
}

/** Steps of "Downloading" progress a catalog layer shows (docker updates every 512 KiB; these are few and fixed). */
const CATALOG_PROGRESS_STEPS = 4;

/**
 * Fetches `ref` from its registry, falling back to the catalog as described in the module comment.
 * Network-bound; O(layer bytes) in memory.
 * @throws the registry client's errors (see RegistryClient.pull) when the registry answered, or
 *   when it did not and the catalog has no such image (RegistryUnavailableError).
 */
export async function fetchImage(ref: ImageReference, ctx: FetchContext): Promise<FetchedImage> {
  let progressed = false;
  const credentials = credentialsFromAuth(ctx.auth);
  try {
    const pulled = await ctx.client.pull(ref, {
      ...(credentials ? { credentials } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      onProgress: (event) => {
        progressed ||= event.id !== ref.tagOrDigest;
        ctx.emit(event);
      },
      layerExists: (diffId) => ctx.layerExists(diffId),
      imageExists: (id) => ctx.imageExists(id),
    });
    const layers = pulled.layers.map((layer) => (layer.kind === 'downloaded' ? layer : undefined));
    return { reference: ref, manifestDigest: pulled.manifestDigest, config: pulled.config, layers, layerSizes: sizesOf(pulled.config), synthetic: false };
  } catch (error) {
    if (!(error instanceof RegistryUnavailableError) || progressed || !ctx.catalog) throw error;
    const entry = await ctx.catalog.lookup(ref);
    if (!entry) throw error;
    return fromCatalog(ref, entry, ctx);
  }
}

/** Credentials of a client's X-Registry-Auth (or /auth body), or undefined when it carries none. */
export function credentialsFromAuth(auth: RegistryAuth | undefined): RegistryCredentials | undefined {
  if (auth?.registrytoken) return { kind: 'registry-token', registryToken: auth.registrytoken };
  if (auth?.identitytoken) return { kind: 'identity-token', username: auth.username ?? '', identityToken: auth.identitytoken };
  if (auth?.username) return { kind: 'password', username: auth.username, password: auth.password ?? '' };
  return undefined;
}

function sizesOf(config: ImageConfig): number[] | undefined {
  const labels = (config.json.config?.Labels as Record<string, string> | null | undefined) ?? {};
  return declaredLayerSizes(labels, config.json.rootfs.diff_ids.length);
}

/** Streams a pull's progress for a catalog image (after the registry's "Pulling from" line) and returns it. */
function fromCatalog(ref: ImageReference, entry: CatalogImage, ctx: FetchContext): FetchedImage {
  const { image, layerSizes } = entry;
  const present = image.layers.map((layer) => ctx.layerExists(layer.diffId));
  const ids = image.layers.map((layer) => shortLayerId(layer.diffId));
  image.layers.forEach((_, i) => ctx.emit({ status: present[i] ? 'Already exists' : 'Pulling fs layer', id: ids[i]!, progressDetail: {} }));
  image.layers.forEach((layer, i) => {
    if (present[i]) return;
    const id = ids[i]!;
    const total = Math.max(layerSizes[i] ?? 0, layer.tar.length);
    for (let step = 1; step <= CATALOG_PROGRESS_STEPS; step++) {
      ctx.emit({ status: 'Downloading', id, progressDetail: { current: Math.ceil((total * step) / CATALOG_PROGRESS_STEPS), total } });
    }
    ctx.emit({ status: 'Verifying Checksum', id, progressDetail: {} });
    ctx.emit({ status: 'Download complete', id, progressDetail: {} });
    ctx.emit({ status: 'Extracting', id, progressDetail: { current: Math.ceil(total / 2), total } });
    ctx.emit({ status: 'Extracting', id, progressDetail: { current: total, total } });
    ctx.emit({ status: 'Pull complete', id, progressDetail: {} });
  });
  ctx.emit({ status: `Digest: ${entry.manifestDigest}` });
  const upToDate = ctx.imageExists(image.config.digest);
  ctx.emit({ status: `Status: ${upToDate ? 'Image is up to date' : 'Downloaded newer image'} for ${ref.familiarString}` });
  return {
    reference: ref,
    manifestDigest: entry.manifestDigest,
    config: image.config,
    layers: image.layers.map((layer, i) => (present[i] ? undefined : layer)),
    layerSizes,
    synthetic: true,
  };
}

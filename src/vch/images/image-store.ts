/**
 * `ImageStore`: a VCH's images over the Backend only (no hypervisor imports). The core
 * (store-core.ts) keeps VIC's layer disks on a datastore, the index and the layer cache; this class
 * adds docker's operations with the engine's names, so the engine's ImageApi delegates one to one:
 * pullImage, listImages, inspectImage, imageHistory, tagImage, removeImage, pruneImages, saveImages,
 * loadImages, and diskUsage for `docker system df`. Containers use acquireImage / releaseImage.
 */
import { DEFAULT_CALIBRATION } from '../../sim/calibration.js';
import type { ArchiveImage, Digest } from '../archive/image.js';
import { layerFromTar } from '../archive/image.js';
import { readDockerArchive, writeDockerArchive } from '../archive/docker-archive.js';
import type { ImageHistoryItem, ImageInspect, ImageSummary } from '../engine/docker-types.js';
import type { Filters, PullProgressLine, RegistryAuth } from '../engine/engine.js';
import { BadParameterError } from '../engine/errors.js';
import { InvalidReferenceError } from '../registry/errors.js';
import { toJsonMessage } from '../registry/progress.js';
import { ImageReference, parseReference, referenceFromPullParameters } from '../registry/reference.js';
import { declaredLayerSizes } from './catalog.js';
import { deserializeIndex, ImageIndex, type ImageRecord } from './image-index.js';
import { checkScratchBytes, LayerStore } from './layer-store.js';
import { ImageStoreLayout } from './layout.js';
import { fetchImage } from './pull.js';
import { pruneImages, removeImage, type DeleteItem } from './removal.js';
import { ImageStoreCore, type ImageStoreOptions } from './store-core.js';
import { imageHistory, imageInspect, imageLabels, imageSummary, parseListFilters, visibleReferences } from './views.js';

/** `docker system df`'s image figures. */
export interface ImageDiskUsage {
  /** Bytes of every stored layer, each counted once. */
  readonly LayersSize: number;
  /** Each image with SharedSize (bytes of its layers other images also use) and Containers (users). */
  readonly Images: ImageSummary[];
}

/** A VCH's image store. Create with {@link ImageStore.open}. */
export class ImageStore extends ImageStoreCore {
  /**
   * Opens the store on its datastore: makes the images folder and the scratch disk when missing,
   * deletes incomplete layers, and reloads the index (dropping images whose layers are gone).
   * O(layers + images) datastore calls.
   * @throws InvalidArgumentError for a bad scratchBytes or layerCacheBytes; the backend's errors.
   */
  static async open(options: ImageStoreOptions): Promise<ImageStore> {
    const layout = new ImageStoreLayout(options.datastore, options.vchUuid);
    const layerStore = new LayerStore(options.backend, layout, checkScratchBytes(options.scratchBytes ?? DEFAULT_CALIBRATION.disk.vicScratchBytes));
    const { layers } = await layerStore.open();
    const index = (await layerStore.readIndex()).map(deserializeIndex).find((i) => i !== undefined) ?? new ImageIndex();
    for (const record of index.all()) if (!record.chainIds.every((c) => layers.has(c))) index.delete(record.id);
    const store = new ImageStore(layerStore, index, layers, options);
    await store.persist();
    return store;
  }

  /**
   * Pulls `fromImage[:tag]` (the Docker API's parameters), streaming docker's progress lines, and
   * records it: its tag (unless pulled by digest) and its RepoDigest. Nothing is recorded on failure.
   * @throws InvalidReferenceError before any line for a bad reference; the registry's errors (pull.ts);
   *   the backend's errors while storing layers.
   */
  async pullImage(fromImage: string, tag: string | undefined, opts: { readonly auth?: RegistryAuth; readonly onProgress: (line: PullProgressLine) => void; readonly signal?: AbortSignal }): Promise<void> {
    const ref = referenceFromPullParameters(fromImage, tag);
    const fetched = await fetchImage(ref, {
      client: this.client,
      catalog: this.catalog,
      layerExists: (diffId) => this.hasDiff(diffId),
      imageExists: (id) => this.index.byId(id) !== undefined,
      emit: (event) => opts.onProgress(toJsonMessage(event)),
      ...(opts.auth ? { auth: opts.auth } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const record = await this.record(fetched.config, fetched.layers, fetched.layerSizes);
    const time = this.clock.date().toISOString();
    if (ref.digest === undefined) this.index.setReference(ref, record.id, time);
    this.index.setReference(new ImageReference(ref.domain, ref.path, undefined, fetched.manifestDigest), record.id, time);
    await this.persist();
    this.emit('pull', ref.familiarString, { ...imageLabels(record), name: ref.familiarName });
  }

  /** `docker images`: rows newest first. O(images × refs). @throws BadParameterError, NoSuchObjectError (before/since). */
  async listImages(opts: { readonly filters: Filters }): Promise<ImageSummary[]> {
    const filter = parseListFilters(opts.filters, (ref) => this.resolve(ref));
    const rows: ImageSummary[] = [];
    for (const record of this.index.all()) {
      const refs = visibleReferences(record, filter);
      if (refs) rows.push(imageSummary(record, this.imageSize(record), refs));
    }
    return rows.sort((a, b) => b.Created - a.Created || a.Id.localeCompare(b.Id));
  }

  /** `docker image inspect`. @throws NoSuchObjectError. */
  async inspectImage(ref: string): Promise<ImageInspect> {
    const record = this.resolve(ref);
    const top = record.chainIds.at(-1);
    return imageInspect(record, this.imageSize(record), top === undefined ? undefined : this.layerDisk(top));
  }

  /** `docker history`. @throws NoSuchObjectError. */
  async imageHistory(ref: string): Promise<ImageHistoryItem[]> {
    const record = this.resolve(ref);
    return imageHistory(record, record.chainIds.map((c) => this.layerSize(c)));
  }

  /**
   * `docker tag`: points `repo[:tag]` at the image (moving it from another image, which keeps its id).
   * @throws NoSuchObjectError; BadParameterError for a bad or digest reference.
   */
  async tagImage(ref: string, repo: string, tag: string | undefined): Promise<void> {
    const record = this.resolve(ref);
    const target = tagReference(repo, tag);
    this.index.setReference(target, record.id, this.clock.date().toISOString());
    await this.persist();
    this.emit('tag', record.id, { ...imageLabels(record), name: target.familiarString });
  }

  /** `docker rmi` (see removal.ts). `noprune` has nothing to keep: pulled images have no parents. */
  removeImage(ref: string, opts: { readonly force: boolean; readonly noprune?: boolean }): Promise<DeleteItem[]> {
    return removeImage(this, ref, opts.force);
  }

  /** `docker image prune` (see removal.ts). */
  pruneImages(filters: Filters): Promise<{ ImagesDeleted: DeleteItem[]; SpaceReclaimed: number }> {
    return pruneImages(this, filters);
  }

  /**
   * `docker save`: one docker archive of the named images (layers stored once). A tag reference
   * saves that tag; an id saves the image untagged. O(layer bytes). @throws NoSuchObjectError.
   */
  async saveImages(refs: readonly string[]): Promise<Uint8Array> {
    const chosen = new Map<Digest, { record: ImageRecord; tags: Set<string> }>();
    for (const text of refs) {
      const record = this.resolve(text);
      const entry = chosen.get(record.id) ?? { record, tags: new Set<string>() };
      if (!ImageIndex.isIdReference(text, record) && parseReference(text).tag !== undefined) entry.tags.add(parseReference(text).familiarString);
      chosen.set(record.id, entry);
    }
    const images: ArchiveImage[] = [];
    for (const { record, tags } of chosen.values()) {
      const layers = await Promise.all(record.chainIds.map(async (c) => layerFromTar(await this.layerTar(c))));
      images.push({ repoTags: [...tags], config: record.config, layers });
      this.emit('save', record.id, { ...imageLabels(record), name: record.id });
    }
    return writeDockerArchive(images);
  }

  /**
   * `docker load`: records every image of a docker archive and its tags. Returns the lines docker
   * prints ("Loaded image: busybox:latest", "Loaded image ID: sha256:…", and the rename notice when a
   * tag moves). O(archive bytes). @throws ImageArchiveError for a malformed archive (nothing loaded).
   */
  async loadImages(tar: Uint8Array): Promise<string[]> {
    const lines: string[] = [];
    for (const image of await readDockerArchive(tar)) {
      const labels = (image.config.json.config?.Labels as Record<string, string> | null | undefined) ?? {};
      const record = await this.record(image.config, image.layers, declaredLayerSizes(labels, image.layers.length));
      for (const tag of image.repoTags) {
        const ref = parseReference(tag);
        const moved = this.index.setReference(ref, record.id, this.clock.date().toISOString());
        if (moved) lines.push(`The image ${ref.familiarString} already exists, renaming the old one with ID ${moved} to empty string`);
        lines.push(`Loaded image: ${ref.familiarString}`);
      }
      if (image.repoTags.length === 0) lines.push(`Loaded image ID: ${record.id}`);
      this.emit('load', record.id, { ...imageLabels(record), name: record.id });
    }
    await this.persist();
    return lines;
  }

  /** The image part of `docker system df`. O(images × layers). */
  diskUsage(): ImageDiskUsage {
    const usedBy = new Map<Digest, number>();
    for (const record of this.index.all()) for (const c of record.chainIds) usedBy.set(c, (usedBy.get(c) ?? 0) + 1);
    let layersSize = 0;
    for (const chainId of this.layers().keys()) layersSize += this.layerSize(chainId);
    const images = this.index.all().map((record) => ({
      ...imageSummary(record, this.imageSize(record)),
      SharedSize: record.chainIds.filter((c) => (usedBy.get(c) ?? 0) > 1).reduce((sum, c) => sum + this.layerSize(c), 0),
      Containers: this.users(record.id).length,
    }));
    return { LayersSize: layersSize, Images: images };
  }
}

/** The reference `docker tag` creates from the API's repo and tag parameters. @throws BadParameterError */
function tagReference(repo: string, tag: string | undefined): ImageReference {
  let target: ImageReference;
  try {
    target = tag === undefined || tag === '' ? parseReference(repo) : referenceFromPullParameters(repo, tag);
  } catch (error) {
    if (error instanceof InvalidReferenceError) throw new BadParameterError(error.reason);
    throw error;
  }
  if (target.digest !== undefined) throw new BadParameterError('refusing to create a tag with a digest reference');
  return target;
}

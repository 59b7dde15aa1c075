/**
 * The image store's core: its layers on the datastore (layer-store.ts), the image index
 * (image-index.ts), the layer file cache (layer-cache.ts), which containers hold which image, and
 * the two operations everything else is built from — recording an image (storing the layers it
 * lacks) and deleting one (with the layers nobody else uses). image-store.ts adds docker's
 * operations on top.
 */
import type { Backend } from '../../backend/backend.js';
import { Clock } from '../../sim/clock.js';
import { SystemError } from '../../sim/errors.js';
import type { Digest, ImageConfig, ImageLayer } from '../archive/image.js';
import { chainIds, sha256Digest } from '../archive/image.js';
import { readLayerTar } from '../archive/layer-tar.js';
import type { ContainerConfig, EventMessage } from '../engine/docker-types.js';
import { layerFromEntries, type LayerTree } from '../fs/layer-tree.js';
import { RegistryClient, type RegistryClientConfig } from '../registry/pull.js';
import { OfflineCatalog } from './catalog.js';
import type { ImageIndex, ImageRecord } from './image-index.js';
import { DEFAULT_LAYER_CACHE_BYTES, LayerCache, type LayerCacheStats } from './layer-cache.js';
import type { LayerStore, LayerRecord } from './layer-store.js';

/** How to open an image store. */
export interface ImageStoreOptions {
  readonly backend: Backend;
  /** Name of the datastore holding the image store. */
  readonly datastore: string;
  /** The VCH's uuid (the folder under VIC/). */
  readonly vchUuid: string;
  /** The VCH's registry settings: insecure registries, whitelist, platform, download tuning. */
  readonly registry?: RegistryClientConfig;
  /** Serve pulls from the offline catalog when no registry answers (default true). */
  readonly offlineCatalog?: boolean;
  /** Byte budget of unpinned parsed layers in memory (default 512 MiB). */
  readonly layerCacheBytes?: number;
  /** Capacity of the scratch base disk (default calibration disk.vicScratchBytes, 8 GiB). */
  readonly scratchBytes?: number;
  /** The VCH's clock, for tag times (default: a clock at its epoch). */
  readonly clock?: Clock;
  /** The client pulls go through (default: a RegistryClient with `registry`). */
  readonly registryClient?: Pick<RegistryClient, 'pull'>;
}

/** An image event in docker's EventMessage shape, before the VCH stamps its time. */
export type ImageEvent = Omit<EventMessage, 'time' | 'timeNano'>;

/** What a container gets from its image. */
export interface ImageRootfs {
  readonly imageId: Digest;
  /** The image's container config defaults (Cmd, Entrypoint, Env, WorkingDir, Labels, …). */
  readonly config: ContainerConfig;
  /** Its layers, bottom-up, for the container's UnionFs. */
  readonly layers: readonly LayerTree[];
  /** Datastore path of the disk the container's RW delta takes as parent (its top layer, or scratch). */
  readonly parentDisk: string;
}

/** A container using an image, as removal checks need it. */
export interface ImageUser {
  readonly containerId: string;
  readonly running: boolean;
}

/** The image store's state and bookkeeping (see the module comment); see ImageStore for the whole. */
export class ImageStoreCore {
  #client: Pick<RegistryClient, 'pull'>;
  readonly catalog: OfflineCatalog | undefined;
  readonly clock: Clock;
  readonly #layers: Map<Digest, LayerRecord>;
  readonly #cache: LayerCache<Digest, LayerTree>;
  readonly #writing = new Map<Digest, Promise<void>>();
  readonly #holders = new Map<string, { imageId: Digest; chainIds: readonly Digest[] }>();
  readonly #listeners = new Set<(event: ImageEvent) => void>();
  #isRunning: (containerId: string) => boolean = () => false;
  #persisting: Promise<void> = Promise.resolve();

  /** The client pulls go through. */
  get client(): Pick<RegistryClient, 'pull'> {
    return this.#client;
  }

  /** Pulls from now on follow these registry settings (vic-machine configure). */
  useRegistry(config: RegistryClientConfig): void {
    this.#client = new RegistryClient(config);
  }

  /** Precondition: `layers` is what `layerStore.open()` found and `index` holds only images whose layers are all there. */
  protected constructor(
    readonly layerStore: LayerStore,
    readonly index: ImageIndex,
    layers: Map<Digest, LayerRecord>,
    options: ImageStoreOptions,
  ) {
    this.#layers = layers;
    this.clock = options.clock ?? new Clock();
    this.#client = options.registryClient ?? new RegistryClient(options.registry ?? {});
    this.catalog = options.offlineCatalog === false ? undefined : new OfflineCatalog();
    this.#cache = new LayerCache(options.layerCacheBytes ?? DEFAULT_LAYER_CACHE_BYTES, async (chainId) => {
      const tar = await this.layerTar(chainId);
      return { value: layerFromEntries(await readLayerTar(tar)), size: Math.max(1, tar.length) };
    });
  }

  /** Calls `listener` for every image event; returns a function that stops it. */
  onEvent(listener: (event: ImageEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells the store how to learn whether a container is running (for rmi's conflicts; default: none is). */
  useContainerStates(isRunning: (containerId: string) => boolean): void {
    this.#isRunning = isRunning;
  }

  /** The image `ref` names. @throws NoSuchObjectError, BadParameterError (see ImageIndex.resolve). */
  resolve(ref: string): ImageRecord {
    return this.index.resolve(ref);
  }

  /** Every stored layer (chain id → record). */
  layers(): ReadonlyMap<Digest, LayerRecord> {
    return this.#layers;
  }

  /** Datastore path of a layer's disk. */
  layerDisk(chainId: Digest): string {
    return this.layerStore.diskPath(chainId);
  }

  /**
   * Pins an image's layers for a container and returns what its filesystem and disk need.
   * Precondition: `containerId` holds no image yet. @throws NoSuchObjectError for an unknown image.
   */
  async acquireImage(ref: string, containerId: string): Promise<ImageRootfs> {
    const record = this.resolve(ref);
    const held = { imageId: record.id, chainIds: record.chainIds };
    this.#holders.set(containerId, held);
    const pinned: Digest[] = [];
    try {
      const layers: LayerTree[] = [];
      for (const chainId of record.chainIds) {
        layers.push(await this.#cache.pin(chainId));
        pinned.push(chainId);
      }
      const top = record.chainIds.at(-1);
      return { imageId: record.id, config: (record.config.json.config ?? {}) as ContainerConfig, layers, parentDisk: top ? this.layerDisk(top) : this.layerStore.layout.scratchDisk };
    } catch (error) {
      pinned.forEach((c) => this.#cache.unpin(c));
      this.#holders.delete(containerId);
      throw error;
    }
  }

  /** Unpins what `containerId` acquired; layers of a deleted image then go too. No-op for an unknown container. */
  async releaseImage(containerId: string): Promise<void> {
    const held = this.#holders.get(containerId);
    if (!held) return;
    this.#holders.delete(containerId);
    held.chainIds.forEach((c) => this.#cache.unpin(c));
    if (!this.index.byId(held.imageId)) await this.#collect(held.chainIds);
  }

  /** An image's layers, bottom-up, without pinning (volume seeding, reading files). */
  async layerTrees(ref: string): Promise<LayerTree[]> {
    const record = this.resolve(ref);
    const trees: LayerTree[] = [];
    for (const chainId of record.chainIds) trees.push(await this.#cache.get(chainId));
    return trees;
  }

  /** The layer cache's figures. */
  cacheStats(): LayerCacheStats {
    return this.#cache.stats();
  }

  /** Containers holding the image, in acquisition order. O(holders). */
  users(imageId: Digest): ImageUser[] {
    return [...this.#holders].filter(([, h]) => h.imageId === imageId).map(([containerId]) => ({ containerId, running: this.#isRunning(containerId) }));
  }

  /** Unpacked bytes of a stored layer (0 when it is not stored). O(1). */
  layerSize(chainId: Digest): number {
    return this.#layers.get(chainId)?.size ?? 0;
  }

  /** Sum of an image's layer sizes (docker's Size). O(layers). */
  imageSize(record: ImageRecord): number {
    return record.chainIds.reduce((sum, c) => sum + this.layerSize(c), 0);
  }

  /** True when a layer with this diff_id is stored (on any parent). O(layers). */
  hasDiff(diffId: Digest): boolean {
    return this.#chainWithDiff(diffId) !== undefined;
  }

  /** A stored layer's tar, from the datastore. */
  layerTar(chainId: Digest): Promise<Uint8Array> {
    return this.layerStore.readTar(chainId);
  }

  /**
   * Stores the layers of an image it lacks — given (`layers[i]`) or copied from a stored layer with
   * the same diff_id — and adds the image to the index, untagged. On failure the layers written by
   * this call are deleted again, so nothing is left half-recorded. O(new layer bytes).
   * @param sizes declared unpacked sizes (synthetic images); else counted from the tars.
   * @throws the backend's errors (e.g. a full datastore); SystemError when a layer is neither given nor stored.
   */
  async record(config: ImageConfig, layers: readonly (ImageLayer | undefined)[], sizes: readonly number[] | undefined): Promise<ImageRecord> {
    const diffIds = config.json.rootfs.diff_ids as Digest[];
    const chain = chainIds(diffIds);
    const written: Digest[] = [];
    try {
      for (const [i, chainId] of chain.entries()) {
        if (await this.#ensureLayer(chainId, i === 0 ? undefined : chain[i - 1], diffIds[i]!, layers[i], sizes?.[i])) written.push(chainId);
      }
    } catch (error) {
      await this.#collect(written);
      throw error;
    }
    return this.index.add(config);
  }

  /** Removes an image from the index and deletes its layers nobody else uses; returns their chain ids, top-down. */
  async deleteImage(record: ImageRecord): Promise<Digest[]> {
    this.index.delete(record.id);
    return this.#collect(record.chainIds);
  }

  /** Writes the index file (writes are serialised; the last one wins). */
  persist(): Promise<void> {
    this.#persisting = this.#persisting.catch(() => undefined).then(() => this.layerStore.writeIndex(this.index.serialize()));
    return this.#persisting;
  }

  /** Reports an image event to the listeners. */
  emit(action: string, id: string, attributes: Record<string, string>): void {
    const event: ImageEvent = { Type: 'image', Action: action, Actor: { ID: id, Attributes: attributes }, scope: 'local', status: action, id };
    for (const listener of this.#listeners) listener(event);
  }

  /** Writes a layer unless stored (or being written); true when this call wrote it. */
  async #ensureLayer(chainId: Digest, parent: Digest | undefined, diffId: Digest, layer: ImageLayer | undefined, declared: number | undefined): Promise<boolean> {
    const pending = this.#writing.get(chainId);
    if (pending) await pending;
    if (this.#layers.has(chainId)) return false;
    const write = (async () => {
      const source = this.#chainWithDiff(diffId);
      const tar = layer?.tar ?? (source ? await this.layerTar(source) : undefined);
      if (!tar || sha256Digest(tar) !== diffId) throw new SystemError(`layer ${diffId} is neither given nor stored`);
      const size = declared ?? (layer ? unpackedSize(layer) : this.layerSize(source!));
      const record: LayerRecord = { chainId, diffId, parent, size };
      await this.layerStore.write(record, tar);
      this.#layers.set(chainId, record);
    })();
    this.#writing.set(chainId, write);
    try {
      await write;
      return true;
    } finally {
      this.#writing.delete(chainId);
    }
  }

  #chainWithDiff(diffId: Digest): Digest | undefined {
    for (const record of this.#layers.values()) if (record.diffId === diffId) return record.chainId;
    return undefined;
  }

  /** Deletes the given layers that no image and no container uses, top-down. Returns those deleted. */
  async #collect(candidates: readonly Digest[]): Promise<Digest[]> {
    const used = new Set<Digest>();
    for (const record of this.index.all()) record.chainIds.forEach((c) => used.add(c));
    for (const held of this.#holders.values()) held.chainIds.forEach((c) => used.add(c));
    const deleted: Digest[] = [];
    for (const chainId of [...candidates].reverse()) {
      if (used.has(chainId) || !this.#layers.has(chainId)) continue;
      await this.layerStore.delete(chainId);
      this.#layers.delete(chainId);
      this.#cache.forget(chainId);
      deleted.push(chainId);
    }
    return deleted;
  }
}

/** Bytes of regular-file content in a layer: what its disk is filled with. O(entries). */
export function unpackedSize(layer: ImageLayer): number {
  return layer.entries.reduce((sum, entry) => sum + (entry.type === 'file' ? entry.size : 0), 0);
}

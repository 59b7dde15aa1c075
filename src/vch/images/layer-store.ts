/**
 * The image store's datastore side, over the Backend only: the scratch base disk, one delta disk per
 * layer chained on the layer below, each layer's tar beside its disk, the `manifest` that marks a
 * layer complete, and the index file. A layer is written in this order — folder, delta disk, fill,
 * tar, manifest — so a layer without a manifest is one whose write did not finish; such folders are
 * deleted when the store opens, and at once when a write fails.
 */
import type { Backend } from '../../backend/backend.js';
import { InvalidArgumentError, NotSupportedError, type VicsimError } from '../../sim/errors.js';
import type { Digest } from '../archive/image.js';
import { isDigest } from '../archive/image.js';
import { ImageStoreLayout, SCRATCH_LAYER_ID, layerIdOf } from './layout.js';

/** What a stored layer is; also the content of its `manifest` file. */
export interface LayerRecord {
  /** The layer's chain id (its identity: the diff on top of its parent chain). */
  readonly chainId: Digest;
  /** sha256 of its uncompressed tar. */
  readonly diffId: Digest;
  /** Chain id of the layer below; undefined for a base layer (its disk's parent is scratch). */
  readonly parent: Digest | undefined;
  /** Unpacked bytes: what its disk was filled with and what docker reports as its size. */
  readonly size: number;
}

/** What opening the datastore side found. */
export interface OpenedLayers {
  /** Complete layers by chain id. */
  readonly layers: Map<Digest, LayerRecord>;
  /** Folders deleted because their layer was incomplete (or its parent was gone). */
  readonly removed: string[];
}

/** Error codes that mean "no such file or folder" from either backend. */
const NOT_FOUND_CODES = new Set(['ManagedObjectNotFound', 'FileNotFound', 'NotFound']);

/** True when `error` says a datastore file or folder does not exist. */
export function isNotFound(error: unknown): boolean {
  return NOT_FOUND_CODES.has((error as VicsimError | undefined)?.code ?? '');
}

/** Reads and writes layers and the index file of one image store. Not safe for two writers of one layer. */
export class LayerStore {
  /**
   * @param scratchBytes capacity of the scratch base disk (VIC: 8 GiB; calibration disk.vicScratchBytes).
   */
  constructor(
    readonly backend: Backend,
    readonly layout: ImageStoreLayout,
    readonly scratchBytes: number,
  ) {}

  /**
   * Makes the images folder and the scratch disk when missing, deletes incomplete layers, and
   * returns the complete ones. O(layer folders) datastore calls.
   */
  async open(): Promise<OpenedLayers> {
    await this.backend.makeDirectory(this.layout.imagesDir, true);
    await this.#ensureScratch();
    const layers = new Map<Digest, LayerRecord>();
    const removed: string[] = [];
    const entries = await this.backend.listDatastore(this.layout.imagesDir);
    for (const entry of entries) {
      if (entry.kind !== 'directory' || entry.name === SCRATCH_LAYER_ID) continue;
      const record = await this.#readManifest(entry.name);
      if (record && layerIdOf(record.chainId) === entry.name) layers.set(record.chainId, record);
      else removed.push(entry.name);
    }
    removed.push(...dropOrphans(layers).map(layerIdOf));
    for (const name of removed) await this.#deleteFolder(name);
    return { layers, removed };
  }

  /**
   * Writes a layer: a delta disk on its parent's (scratch for a base layer), filled with
   * `record.size` bytes, its tar, then its manifest. On any failure the folder is deleted and the
   * error rethrown: nothing is left half-recorded. Precondition: the parent layer is complete and
   * this layer is not stored. O(tar bytes) of datastore writes.
   */
  async write(record: LayerRecord, tar: Uint8Array): Promise<void> {
    const id = layerIdOf(record.chainId);
    const parentDisk = this.layout.diskOf(record.parent === undefined ? SCRATCH_LAYER_ID : layerIdOf(record.parent));
    try {
      await this.backend.makeDirectory(this.layout.dirOf(id));
      await (await this.backend.createVirtualDisk(this.layout.diskOf(id), { parent: parentDisk })).wait();
      if (record.size > 0) await this.#fill(this.layout.diskOf(id), record.size);
      await this.backend.writeDatastoreFile(this.layout.tarOf(id), tar);
      await this.backend.writeDatastoreFile(this.layout.manifestOf(id), Buffer.from(JSON.stringify(record)));
    } catch (error) {
      await this.#deleteFolder(id).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Grows a layer disk's allocation to the layer's unpacked size. A live vCenter has no call that
   * writes disk content (NotSupported): there the delta stays as the server made it, and the layer's
   * files are the tar beside it on the same datastore.
   */
  async #fill(disk: string, bytes: number): Promise<void> {
    try {
      await this.backend.fillVirtualDisk(disk, bytes);
    } catch (error) {
      if (!(error instanceof NotSupportedError)) throw error;
    }
  }

  /** The stored tar of a complete layer. @throws NotFound from the backend when it is missing. */
  readTar(chainId: Digest): Promise<Uint8Array> {
    return this.backend.readDatastoreFile(this.layout.tarOf(layerIdOf(chainId)));
  }

  /** Deletes a layer's folder (disk, tar, manifest). Precondition: no disk chains on it any more. */
  delete(chainId: Digest): Promise<void> {
    return this.#deleteFolder(layerIdOf(chainId));
  }

  /** The datastore path of a layer's disk (what a container's RW delta takes as its parent). */
  diskPath(chainId: Digest): string {
    return this.layout.diskOf(layerIdOf(chainId));
  }

  /** The bytes of the index file and of its temporary copy, in that order, those that exist (the caller takes the first that parses). */
  async readIndex(): Promise<Uint8Array[]> {
    const found: Uint8Array[] = [];
    for (const path of [this.layout.indexFile, this.layout.indexTempFile]) {
      try {
        found.push(await this.backend.readDatastoreFile(path));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    return found;
  }

  /** Writes the index atomically as the Backend allows: the temporary copy first, then the index. */
  async writeIndex(bytes: Uint8Array): Promise<void> {
    await this.backend.writeDatastoreFile(this.layout.indexTempFile, bytes);
    await this.backend.writeDatastoreFile(this.layout.indexFile, bytes);
  }

  async #ensureScratch(): Promise<void> {
    try {
      await this.backend.virtualDisk(this.layout.scratchDisk);
      return;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    await this.backend.makeDirectory(this.layout.dirOf(SCRATCH_LAYER_ID), true);
    await (await this.backend.createVirtualDisk(this.layout.scratchDisk, { capacityBytes: this.scratchBytes })).wait();
  }

  async #readManifest(layerId: string): Promise<LayerRecord | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = await this.backend.readDatastoreFile(this.layout.manifestOf(layerId));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    return parseLayerRecord(bytes);
  }

  async #deleteFolder(layerId: string): Promise<void> {
    await (await this.backend.deleteDatastoreFile(this.layout.dirOf(layerId))).wait();
  }
}

/** Parses a manifest file; undefined when it is not a valid layer record (treated as incomplete). */
function parseLayerRecord(bytes: Uint8Array): LayerRecord | undefined {
  try {
    const json = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<Record<keyof LayerRecord, unknown>>;
    const { chainId, diffId, parent, size } = json;
    if (typeof chainId !== 'string' || !isDigest(chainId) || typeof diffId !== 'string' || !isDigest(diffId)) return undefined;
    if (parent !== undefined && (typeof parent !== 'string' || !isDigest(parent))) return undefined;
    if (typeof size !== 'number' || !(size >= 0)) return undefined;
    return { chainId, diffId, parent, size };
  } catch {
    return undefined;
  }
}

/** Removes (and returns) layers whose parent chain is not complete, children after parents. O(layers × depth). */
function dropOrphans(layers: Map<Digest, LayerRecord>): Digest[] {
  const dropped: Digest[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (const [chainId, record] of layers) {
      if (record.parent !== undefined && !layers.has(record.parent)) {
        layers.delete(chainId);
        dropped.push(chainId);
        changed = true;
      }
    }
  }
  return dropped;
}

/** Returns `bytes` when it is a valid scratch disk size. @throws InvalidArgumentError otherwise. */
export function checkScratchBytes(bytes: number): number {
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new InvalidArgumentError('scratchBytes', `scratch disk size must be a positive number of bytes, got ${bytes}`);
  return bytes;
}

/**
 * Where an image store keeps things on a datastore, as VIC laid it out
 * (shared/reference/vic-behaviour.md, Images):
 *
 *   [ds] VIC/<vch-uuid>/images/scratch/scratch.vmdk            8 GiB thin base of every chain
 *   [ds] VIC/<vch-uuid>/images/<layerID>/<layerID>.vmdk        delta on the layer below
 *   [ds] VIC/<vch-uuid>/images/<layerID>/<layerID>.tar         the layer's tar, to re-read its files
 *   [ds] VIC/<vch-uuid>/images/<layerID>/manifest              written last: the layer is complete
 *   [ds] VIC/<vch-uuid>/image-index.json                       images, tags, digests and configs
 *
 * A layerID is the hex of the layer's chain id, so the same diff on another parent is another disk.
 */
import type { Digest } from '../archive/image.js';
import { digestHex } from '../archive/image.js';

/** The folder name of the base layer. */
export const SCRATCH_LAYER_ID = 'scratch';

/** Paths of one VCH's image store on one datastore. Pure; O(1) per path. */
export class ImageStoreLayout {
  /**
   * @param datastore the datastore's name (what goes between the brackets).
   * @param vchUuid the VCH's uuid; precondition: a non-empty folder name without "/".
   */
  constructor(
    readonly datastore: string,
    readonly vchUuid: string,
  ) {}

  /** `[ds] VIC/<uuid>`. */
  get vchDir(): string {
    return `[${this.datastore}] VIC/${this.vchUuid}`;
  }

  /** `[ds] VIC/<uuid>/images`. */
  get imagesDir(): string {
    return `${this.vchDir}/images`;
  }

  /** The scratch base disk. */
  get scratchDisk(): string {
    return this.diskOf(SCRATCH_LAYER_ID);
  }

  /** The image index file. */
  get indexFile(): string {
    return `${this.vchDir}/image-index.json`;
  }

  /** Where the index is written first, before it replaces {@link indexFile}. */
  get indexTempFile(): string {
    return `${this.indexFile}.tmp`;
  }

  /** The folder of a layer (or of scratch). */
  dirOf(layerId: string): string {
    return `${this.imagesDir}/${layerId}`;
  }

  /** The disk of a layer (or of scratch). */
  diskOf(layerId: string): string {
    return `${this.dirOf(layerId)}/${layerId}.vmdk`;
  }

  /** The stored tar of a layer. */
  tarOf(layerId: string): string {
    return `${this.dirOf(layerId)}/${layerId}.tar`;
  }

  /** The completion marker of a layer. */
  manifestOf(layerId: string): string {
    return `${this.dirOf(layerId)}/manifest`;
  }
}

/** The layerID (folder name) of a chain id: its 64 hex digits. */
export function layerIdOf(chainId: Digest): string {
  return digestHex(chainId);
}

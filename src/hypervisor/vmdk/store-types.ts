/**
 * The options, views and defaults of the VmdkStore, kept apart so the store's file holds only
 * its behaviour.
 */
import type { DiskCalibration } from '../../sim/calibration.js';
import type { Rng } from '../../sim/rng.js';
import type { DiskPurpose, SparseFormat } from './disk.js';

/**
 * Fixed metadata bytes of a sparse (delta) extent file: header, grain directory and first grain
 * tables. Estimate (not in shared/reference/calibration.md); overridable per store.
 */
export const DEFAULT_SPARSE_METADATA_BYTES = 64 * 1024;

/** A thin flat extent holds no metadata: its size is its allocated blocks. */
export const DEFAULT_FLAT_METADATA_BYTES = 0;

/** Default adapter type written into base descriptors: VIC's container VMs use paravirtual SCSI. */
export const DEFAULT_ADAPTER_TYPE = 'pvscsi';

/** Default ddb.virtualHWVersion of base descriptors (estimate: vmx-11, vSphere 6.0, VIC's floor). */
export const DEFAULT_VIRTUAL_HW_VERSION = 11;

/** What a store needs: randomness for CIDs and uuids, and the disk calibration. */
export interface VmdkStoreOptions {
  readonly rng: Rng;
  /** Grain sizes and chain limits; DEFAULT_CALIBRATION.disk when absent. */
  readonly calibration?: DiskCalibration;
  /** Default {@link DEFAULT_SPARSE_METADATA_BYTES}. */
  readonly sparseMetadataBytes?: number;
  /** Default {@link DEFAULT_FLAT_METADATA_BYTES}. */
  readonly flatMetadataBytes?: number;
}

/** A new base (thin, flat) disk. */
export interface CreateBaseOptions {
  /** Capacity in bytes: a positive multiple of 512. */
  readonly capacityBytes: number;
  /** Sparse format of the deltas that will sit on it, which sets the chain's grain. Default seSparse. */
  readonly format?: SparseFormat;
  /** Default `vmfs`. */
  readonly createType?: 'vmfs' | 'monolithicFlat';
  /** Default {@link DEFAULT_ADAPTER_TYPE}. */
  readonly adapterType?: string;
  /** Default {@link DEFAULT_VIRTUAL_HW_VERSION}. */
  readonly virtualHWVersion?: number;
}

/** A disk as seen from outside the store. */
export interface DiskInfo {
  readonly path: string;
  readonly parentPath: string | undefined;
  /** The extent file next to the descriptor. */
  readonly extentPath: string;
  readonly purpose: DiskPurpose;
  readonly format: SparseFormat;
  readonly capacityBytes: number;
  readonly grainBytes: number;
  readonly allocatedGrains: number;
  /** Bytes of the extent file: allocated grains × grain + fixed metadata. */
  readonly allocatedBytes: number;
  /** Delta disks below this one down to the base (0 for a base). */
  readonly depth: number;
  /** Snapshot deltas from the base up to this one. */
  readonly snapshotDepth: number;
  readonly children: readonly string[];
  /** False once the disk has children. */
  readonly writable: boolean;
  readonly cid: number;
}

/** A byte range of a read and the content found there. */
export interface ContentRun {
  readonly offset: number;
  readonly length: number;
  readonly tag: number;
  /** Whether some disk of the chain holds these grains (false: never written, reads as zeros). */
  readonly allocated: boolean;
}

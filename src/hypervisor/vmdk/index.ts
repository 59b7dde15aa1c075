/**
 * Virtual disks: VMDK descriptor text, grain maps held as extents, delta chains with copy-on-write
 * writes and cached read indexes, chain limits, consolidation and snapshots.
 */
export * from './errors.js';
export * from './descriptor.js';
export { parseDescriptor } from './descriptor-parse.js';
export { GrainMap } from './grain-map.js';
export type { GrainRun } from './grain-map.js';
export { MAX_CONTENT_TAG, ZERO_TAG, overwriteTag } from './content.js';
export type { BaseDiskSettings, DiskPurpose, RefBooking, SparseFormat } from './disk.js';
export * from './paths.js';
export * from './store-types.js';
export { VmdkStore } from './vmdk-store.js';
export type { ConsolidationResult } from './consolidation.js';
export * from './snapshot.js';
export { VMDK_STATE_VERSION } from './persistence.js';
export type { SavedDisk, VmdkStoreState } from './persistence.js';

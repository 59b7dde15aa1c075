/** The VCH's volumes: stores on datastores, one thin VMDK per volume, docker's volume API and container mounts. */
export { VolumeService, type PlannedMount, type VolumeServiceOptions } from './service.js';
export { VolumeCatalog, type VolumeSpec, type VolumeAction } from './catalog.js';
export { VolumeContents, type ContentPaths } from './contents.js';
export { VolumeRefs, type RecordedMount } from './refs.js';
export { VolumeStoreLayout } from './layout.js';
export { mountRequests, HOST_DIRECTORY_REFUSAL, type MountRequest } from './mount-spec.js';
export { listMatcher, pruneMatcher, type VolumeMatcher } from './filters.js';
export { decodeVolumeMetadata, encodeVolumeMetadata, volumeResource, createdAt, VOLUME_METADATA_VERSION, type VolumeRecord } from './metadata.js';
export {
  ANONYMOUS_LABEL,
  DEFAULT_STORE_LABEL,
  DEFAULT_VOLUME_CAPACITY_MB,
  MAX_VOLUME_CAPACITY_MB,
  VOLUME_DRIVER,
  checkVolumeDriver,
  checkVolumeName,
  checkVolumeOptions,
  parseCapacityMB,
  type CheckedVolumeOptions,
} from './options.js';

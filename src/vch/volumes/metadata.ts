/**
 * A volume's facts, and the JSON file that keeps them beside its disk so a reopened store knows
 * every volume again. The format carries a version; a file that does not read back is a RestoreError.
 */
import { RestoreError } from '../../sim/errors.js';
import type { VolumeResource } from '../engine/docker-types.js';
import { VOLUME_DRIVER } from './options.js';

/** Version of the metadata file format. */
export const VOLUME_METADATA_VERSION = 1;

/** One volume. */
export interface VolumeRecord {
  readonly name: string;
  /** Label of its volume store. */
  readonly store: string;
  /** Datastore path of its disk. */
  readonly diskPath: string;
  readonly capacityMB: number;
  readonly labels: Readonly<Record<string, string>>;
  /** Driver options as the client gave them. */
  readonly options: Readonly<Record<string, string>>;
  /** Creation time, ms since the epoch (simulated). */
  readonly createdMs: number;
  /** Made for a container without a name (`-v /data`, an image VOLUME). */
  readonly anonymous: boolean;
}

interface MetadataFile extends Omit<VolumeRecord, 'diskPath'> {
  readonly version: number;
  readonly driver: string;
}

/** The metadata file's bytes. O(labels + options). */
export function encodeVolumeMetadata(volume: VolumeRecord): Uint8Array {
  const { diskPath: _disk, ...rest } = volume;
  const file: MetadataFile = { version: VOLUME_METADATA_VERSION, driver: VOLUME_DRIVER, ...rest };
  return new TextEncoder().encode(`${JSON.stringify(file, null, 2)}\n`);
}

/**
 * Reads a metadata file back.
 * @param diskPath where the volume's disk is (not stored: it follows from the store's layout).
 * @throws RestoreError naming `source` when the bytes are not a metadata file of a known version.
 */
export function decodeVolumeMetadata(bytes: Uint8Array, diskPath: string, source: string): VolumeRecord {
  let file: Partial<MetadataFile>;
  try {
    file = JSON.parse(new TextDecoder().decode(bytes)) as Partial<MetadataFile>;
  } catch (e) {
    throw new RestoreError(`volume metadata ${source} is not JSON: ${(e as Error).message}`);
  }
  if (file.version !== VOLUME_METADATA_VERSION) throw new RestoreError(`volume metadata ${source} has version ${String(file.version)}, expected ${VOLUME_METADATA_VERSION}`);
  const { name, store, capacityMB, labels, options, createdMs, anonymous } = file;
  if (typeof name !== 'string' || typeof store !== 'string' || typeof capacityMB !== 'number' || typeof createdMs !== 'number' || typeof anonymous !== 'boolean') {
    throw new RestoreError(`volume metadata ${source} lacks a field (name, store, capacityMB, createdMs, anonymous)`);
  }
  return { name, store, diskPath, capacityMB, labels: stringMap(labels), options: stringMap(options), createdMs, anonymous };
}

function stringMap(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

/** RFC 3339 to the second, as docker writes CreatedAt. */
export function createdAt(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The docker view of a volume. `usage` fills UsageData (system df). O(labels + options). */
export function volumeResource(volume: VolumeRecord, usage?: { readonly size: number; readonly refCount: number }): VolumeResource {
  const resource: VolumeResource = {
    Name: volume.name,
    Driver: VOLUME_DRIVER,
    Mountpoint: volume.diskPath,
    CreatedAt: createdAt(volume.createdMs),
    Labels: { ...volume.labels },
    Options: { ...volume.options },
    Scope: 'local',
  };
  if (usage) resource.UsageData = { Size: usage.size, RefCount: usage.refCount };
  return resource;
}

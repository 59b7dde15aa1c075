/**
 * What `docker volume create` (and a container's missing named volume) may ask of a VCH, checked
 * as VIC checked it (shared/reference/vic-behaviour.md, Volumes): the `vsphere` driver (`local`
 * accepted as an alias), docker's volume names, and the two options VIC knew, `Capacity` and
 * `VolumeStore` (keys case-insensitive, as VIC lower-cased them), with VIC's messages word for word.
 */
import { parseBytes, MiB } from '../../sim/units.js';
import { BadParameterError } from '../engine/errors.js';

/** The one driver a VCH reports. */
export const VOLUME_DRIVER = 'vsphere';

/** Drivers accepted on create: VIC's own, and docker's default, which means the same here. */
const ACCEPTED_DRIVERS = new Set(['', VOLUME_DRIVER, 'local']);

/** The store anonymous volumes and volumes without a `VolumeStore` option go to. */
export const DEFAULT_STORE_LABEL = 'default';

/** Default capacity of a volume's disk, in MB (vic-behaviour.md, Volumes: 1024 MB). */
export const DEFAULT_VOLUME_CAPACITY_MB = 1024;

/**
 * Largest `Capacity` VIC accepted, in MB: it refused anything above Go's MaxInt32
 * ("Capacity value too large"). Estimate of VIC's check; the datastore limits real disks further.
 */
export const MAX_VOLUME_CAPACITY_MB = 2 ** 31 - 1;

/** The label docker (23+) puts on anonymous volumes; `volume prune` without `all` removes only these. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

/** Docker's local volume name rule. */
const VOLUME_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** A create request after validation. */
export interface CheckedVolumeOptions {
  /** Label of the volume store. */
  readonly store: string;
  readonly capacityMB: number;
  /** The options as the client sent them (docker echoes them in inspect). */
  readonly options: Readonly<Record<string, string>>;
}

/**
 * Checks a volume name as docker does. O(length).
 * @throws BadParameterError with docker's message.
 */
export function checkVolumeName(name: string): string {
  if (!VOLUME_NAME_RE.test(name)) {
    throw new BadParameterError(
      `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    );
  }
  return name;
}

/**
 * Checks a driver name; `''`/undefined, `vsphere` and `local` all mean the vsphere driver.
 * @throws BadParameterError naming a driver the VCH does not have.
 */
export function checkVolumeDriver(driver: string | undefined): typeof VOLUME_DRIVER {
  if (ACCEPTED_DRIVERS.has(driver ?? '')) return VOLUME_DRIVER;
  throw new BadParameterError(`error looking up volume plugin ${driver}: plugin "${driver}" not found`);
}

/**
 * Parses VIC's `Capacity` option: a whole number of MB, or a size with an MB/GB/TB suffix
 * (binary, as vSphere means them; docker's short forms m/g/t too). Rounds up to whole MB.
 * @throws BadParameterError "Invalid size" or "Capacity value too large".
 */
export function parseCapacityMB(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return checkCapacity(Number(trimmed));
  let bytes: number;
  try {
    bytes = parseBytes(trimmed, 'm');
  } catch {
    throw new BadParameterError('Invalid size');
  }
  if (!/[mgt]/i.test(trimmed)) throw new BadParameterError('Invalid size');
  return checkCapacity(Math.ceil(bytes / MiB));
}

function checkCapacity(mb: number): number {
  if (!Number.isFinite(mb) || mb > MAX_VOLUME_CAPACITY_MB) throw new BadParameterError('Capacity value too large');
  if (mb < 1) throw new BadParameterError('Invalid size');
  return mb;
}

/**
 * Checks driver options against the VCH's stores. O(options + stores).
 * @param stores labels of the VCH's volume stores.
 * @param defaultCapacityMB capacity when no `Capacity` is given.
 * @throws BadParameterError "X is not a supported option", "No volume store named (X) exists",
 *   "Invalid size", "Capacity value too large".
 */
export function checkVolumeOptions(
  driverOpts: Readonly<Record<string, string>> | null | undefined,
  stores: ReadonlySet<string>,
  defaultCapacityMB = DEFAULT_VOLUME_CAPACITY_MB,
): CheckedVolumeOptions {
  const options = { ...(driverOpts ?? {}) };
  let store = DEFAULT_STORE_LABEL;
  let capacityMB = defaultCapacityMB;
  for (const [key, value] of Object.entries(options)) {
    const lower = key.toLowerCase();
    if (lower === 'volumestore') store = value;
    else if (lower === 'capacity') capacityMB = parseCapacityMB(String(value));
    else throw new BadParameterError(`${key} is not a supported option`);
  }
  if (!stores.has(store)) throw new BadParameterError(`No volume store named (${store}) exists`);
  return { store, capacityMB, options };
}

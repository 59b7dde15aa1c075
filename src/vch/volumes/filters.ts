/**
 * Filters of `docker volume ls` (name, driver, label, dangling) and `docker volume prune` (label,
 * label!, all), with docker's messages for keys it does not know. Pure.
 */
import type { Filters } from '../engine/engine.js';
import { BadParameterError } from '../engine/errors.js';
import type { VolumeRecord } from './metadata.js';
import { ANONYMOUS_LABEL, VOLUME_DRIVER } from './options.js';

const LIST_KEYS = new Set(['name', 'driver', 'label', 'dangling']);
const PRUNE_KEYS = new Set(['label', 'label!', 'all']);
const TRUE_WORDS = new Set(['1', 'true', 'yes']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'none', '']);

function checkKeys(filters: Filters, allowed: ReadonlySet<string>): void {
  for (const key of Object.keys(filters)) if (!allowed.has(key)) throw new BadParameterError(`invalid filter '${key}'`);
}

function parseBool(key: string, value: string): boolean {
  const lower = value.toLowerCase();
  if (TRUE_WORDS.has(lower)) return true;
  if (FALSE_WORDS.has(lower)) return false;
  throw new BadParameterError(`invalid filter '${key}=${value}'`);
}

/** Whether a volume has a label `k` (any value) or `k=v`. O(1). */
function hasLabel(volume: VolumeRecord, spec: string): boolean {
  const eq = spec.indexOf('=');
  if (eq < 0) return spec in volume.labels;
  return volume.labels[spec.slice(0, eq)] === spec.slice(eq + 1);
}

/** A matcher for `volume ls`: every key must match (values of one key: any of them). */
export type VolumeMatcher = (volume: VolumeRecord, refCount: number) => boolean;

/**
 * Compiles `volume ls` filters. name: substring; driver: vsphere or local; label: `k` or `k=v`
 * (all must hold); dangling: no container references it. O(filter values) per volume.
 * @throws BadParameterError "invalid filter 'x'" for an unknown key or a dangling value that is no boolean.
 */
export function listMatcher(filters: Filters): VolumeMatcher {
  checkKeys(filters, LIST_KEYS);
  const names = filters.name ?? [];
  const drivers = filters.driver ?? [];
  const labels = filters.label ?? [];
  const dangling = (filters.dangling ?? []).map((v) => parseBool('dangling', v));
  return (volume, refCount) =>
    (names.length === 0 || names.some((n) => volume.name.includes(n))) &&
    (drivers.length === 0 || drivers.some((d) => d === VOLUME_DRIVER || d === 'local')) &&
    labels.every((l) => hasLabel(volume, l)) &&
    dangling.every((d) => d === (refCount === 0));
}

/**
 * Compiles `volume prune` filters: candidates are unreferenced volumes, anonymous ones only unless
 * `all=true` (docker 23+); `label` must all hold; `label!` must none hold. O(filter values) per volume.
 * @throws BadParameterError "invalid filter 'x'".
 */
export function pruneMatcher(filters: Filters): VolumeMatcher {
  checkKeys(filters, PRUNE_KEYS);
  const all = (filters.all ?? []).some((v) => parseBool('all', v));
  const labels = filters.label ?? [];
  const notLabels = filters['label!'] ?? [];
  return (volume, refCount) =>
    refCount === 0 &&
    (all || ANONYMOUS_LABEL in volume.labels) &&
    labels.every((l) => hasLabel(volume, l)) &&
    !notLabels.some((l) => hasLabel(volume, l));
}

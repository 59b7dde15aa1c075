/**
 * What docker shows of an image: `docker images` rows (with their filters), inspect, history and the
 * image part of `docker system df`, shaped as dockerd (API 1.47) shapes them. Sizes are unpacked
 * layer bytes (docker's DiffSize), which the store records per layer.
 */
import type { ContainerConfig, ImageHistoryItem, ImageInspect, ImageSummary } from '../engine/docker-types.js';
import type { Filters } from '../engine/engine.js';
import { BadParameterError } from '../engine/errors.js';
import type { ImageRecord } from './image-index.js';
import { familiar } from './image-index.js';
import { parseReference } from '../registry/reference.js';

/** Filter keys `docker images` accepts. */
const LIST_FILTERS = new Set(['dangling', 'label', 'before', 'since', 'reference', 'until']);

/** docker's zero time, for a config without `created`. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** An image's creation time in unix seconds (0 when the config has none). */
export function createdSeconds(record: ImageRecord): number {
  const ms = Date.parse(record.config.json.created ?? '');
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}

/** The image's labels (config.config.Labels). */
export function imageLabels(record: ImageRecord): Record<string, string> {
  return { ...((record.config.json.config?.Labels as Record<string, string> | null | undefined) ?? {}) };
}

/** True when the image has neither a tag nor a digest reference (`<none>:<none>`). */
export function isDangling(record: ImageRecord): boolean {
  return record.repoTags.length === 0 && record.repoDigests.length === 0;
}

/** A `GET /images/json` row. `size` is the sum of its layers' sizes. O(references). */
export function imageSummary(record: ImageRecord, size: number, refs: { readonly tags: readonly string[]; readonly digests: readonly string[] } = { tags: record.repoTags, digests: record.repoDigests }): ImageSummary {
  return {
    Id: record.id,
    ParentId: '',
    RepoTags: refs.tags.map(familiar),
    RepoDigests: refs.digests.map(familiar),
    Created: createdSeconds(record),
    Size: size,
    SharedSize: -1,
    Labels: imageLabels(record),
    Containers: -1,
  };
}

/** `GET /images/{name}/json`. `topDisk` is the datastore path of its top layer's disk. */
export function imageInspect(record: ImageRecord, size: number, topDisk: string | undefined): ImageInspect {
  const json = record.config.json;
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  return {
    Id: record.id,
    RepoTags: record.repoTags.map(familiar),
    RepoDigests: record.repoDigests.map(familiar),
    Parent: '',
    Comment: text(json.comment),
    Created: text(json.created) || ZERO_TIME,
    DockerVersion: text(json.docker_version),
    Author: text(json.author),
    Config: (json.config ?? {}) as ContainerConfig,
    Architecture: text(json.architecture),
    Os: text(json.os),
    Size: size,
    GraphDriver: { Name: 'vsphere', Data: topDisk === undefined ? {} : { TopLayerDisk: topDisk } },
    RootFS: { Type: json.rootfs.type, Layers: [...json.rootfs.diff_ids] },
    Metadata: { LastTagTime: record.lastTagTime ?? ZERO_TIME },
  };
}

/**
 * `GET /images/{name}/history`: one row per config history entry, newest first; a non-empty entry
 * carries the size of its layer. The newest row has the image id and tags, older ones `<missing>`
 * (dockerd does the same for pulled images, which have no parent). O(history).
 */
export function imageHistory(record: ImageRecord, layerSizes: readonly number[]): ImageHistoryItem[] {
  const rows: ImageHistoryItem[] = [];
  let layer = 0;
  for (const entry of record.config.json.history ?? []) {
    const empty = entry.empty_layer === true;
    const created = Date.parse(typeof entry.created === 'string' ? entry.created : '');
    rows.unshift({
      Id: '<missing>',
      Created: Number.isFinite(created) ? Math.floor(created / 1000) : 0,
      CreatedBy: typeof entry.created_by === 'string' ? entry.created_by : '',
      Tags: [],
      Size: empty ? 0 : (layerSizes[layer++] ?? 0),
      Comment: typeof entry.comment === 'string' ? entry.comment : '',
    });
  }
  const top = rows[0];
  if (top) rows[0] = { ...top, Id: record.id, Tags: record.repoTags.map(familiar) };
  return rows;
}

/** Filters of `docker images`, checked and with before/since resolved to creation times. */
export interface ImageListFilter {
  readonly dangling: boolean | undefined;
  readonly labels: readonly string[];
  readonly references: readonly string[];
  /** Only images created strictly before this (unix seconds). */
  readonly before: number | undefined;
  /** Only images created strictly after this (unix seconds). */
  readonly since: number | undefined;
}

/**
 * Checks `filters` and resolves before/since through `resolve` (which throws "No such image").
 * @throws BadParameterError "invalid filter 'x'" for an unknown key or a dangling value other than true/false.
 */
export function parseListFilters(filters: Filters, resolve: (ref: string) => ImageRecord): ImageListFilter {
  for (const key of Object.keys(filters)) if (!LIST_FILTERS.has(key)) throw new BadParameterError(`invalid filter '${key}'`);
  const dangling = filters.dangling?.[0];
  if (dangling !== undefined && dangling !== 'true' && dangling !== 'false') throw new BadParameterError(`invalid filter 'dangling=${dangling}'`);
  const newest = (key: 'before' | 'since'): number | undefined => {
    const refs = filters[key] ?? [];
    return refs.length === 0 ? undefined : Math.max(...refs.map((ref) => createdSeconds(resolve(ref))));
  };
  return {
    dangling: dangling === undefined ? undefined : dangling === 'true',
    labels: filters.label ?? [],
    references: filters.reference ?? [],
    before: newest('before'),
    since: newest('since'),
  };
}

/**
 * The references of `record` a list shows under `filter`, or undefined when the image is filtered
 * out. With reference patterns only matching references are shown (as dockerd does). O(refs × patterns).
 */
export function visibleReferences(record: ImageRecord, filter: ImageListFilter): { tags: string[]; digests: string[] } | undefined {
  if (filter.dangling !== undefined && isDangling(record) !== filter.dangling) return undefined;
  const created = createdSeconds(record);
  if (filter.before !== undefined && !(created < filter.before)) return undefined;
  if (filter.since !== undefined && !(created > filter.since)) return undefined;
  const labels = imageLabels(record);
  if (!filter.labels.every((l) => matchesLabel(labels, l))) return undefined;
  if (filter.references.length === 0) return { tags: record.repoTags, digests: record.repoDigests };
  const keep = (key: string): boolean => filter.references.some((pattern) => familiarMatch(pattern, key));
  const tags = record.repoTags.filter(keep);
  const digests = record.repoDigests.filter(keep);
  return tags.length + digests.length === 0 ? undefined : { tags, digests };
}

function matchesLabel(labels: Record<string, string>, filter: string): boolean {
  const eq = filter.indexOf('=');
  return eq === -1 ? filter in labels : labels[filter.slice(0, eq)] === filter.slice(eq + 1);
}

/** distribution/reference FamiliarMatch: the glob matches the familiar string or the familiar name. */
export function familiarMatch(pattern: string, key: string): boolean {
  const ref = parseReference(key);
  const glob = globToRegExp(pattern);
  return glob.test(ref.familiarString) || glob.test(ref.familiarName);
}

/** Go's path.Match as a regular expression: `*` and `?` never match "/", `[...]` classes, `\` escapes. */
function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\' && i + 1 < pattern.length) out += escapeRegExp(pattern[++i]!);
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) return /$^/;
      out += `[${pattern.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
      i = end;
    } else out += escapeRegExp(c);
  }
  return new RegExp(`^${out}$`);
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

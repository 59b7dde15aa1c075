/**
 * `docker network ls` and `docker network prune` filters over network records, with docker's
 * semantics: values of one key are alternatives (OR), except `label`, whose values must all match;
 * different keys must all match. Unknown keys and bad values are refused with docker's 400 messages.
 */
import { BadParameterError } from '../engine/errors.js';
import type { Filters } from '../engine/engine.js';
import type { NetworkRecord } from './network.js';

const LIST_KEYS = new Set(['name', 'id', 'driver', 'label', 'type', 'scope', 'dangling']);
const PRUNE_KEYS = new Set(['label', 'label!', 'until']);

/** What a filter needs to know besides the record. */
export interface FilterContext {
  /** Whether the network has containers attached (for `dangling`). */
  readonly inUse: (n: NetworkRecord) => boolean;
  /** Simulated now, ms since the epoch (for `until` durations). */
  readonly nowMs: number;
}

/** A predicate for `network ls` filters; throws 400 for an unknown key or value. O(values) a call. */
export function listFilter(filters: Filters, ctx: FilterContext): (n: NetworkRecord) => boolean {
  checkKeys(filters, LIST_KEYS);
  const name = filters.name ?? [];
  const id = filters.id ?? [];
  const driver = filters.driver ?? [];
  const type = filters.type ?? [];
  const scope = filters.scope ?? [];
  const dangling = (filters.dangling ?? []).map((v) => parseBool('dangling', v));
  for (const t of type) if (t !== 'custom' && t !== 'builtin') throw new BadParameterError(`invalid filter: 'type'='${t}'`);
  for (const s of scope) if (!['local', 'global', 'swarm'].includes(s)) throw new BadParameterError(`invalid filter: 'scope'='${s}'`);
  const labels = labelFilter(filters.label ?? []);
  return (n) =>
    anyOf(name, (v) => n.name.includes(v)) &&
    anyOf(id, (v) => n.id.startsWith(v)) &&
    anyOf(driver, (v) => n.driver === v) &&
    anyOf(type, (v) => (v === 'builtin') === n.predefined) &&
    anyOf(scope, (v) => v === 'local') &&
    anyOf(dangling, (v) => v === !ctx.inUse(n)) &&
    labels(n.labels);
}

/** A predicate for `network prune` filters (label, label!, until); throws 400 for others. */
export function pruneFilter(filters: Filters, ctx: FilterContext): (n: NetworkRecord) => boolean {
  checkKeys(filters, PRUNE_KEYS);
  const labels = labelFilter(filters.label ?? []);
  const notLabels = (filters['label!'] ?? []).map(parseLabel);
  const until = (filters.until ?? []).map((v) => parseUntil(v, ctx.nowMs));
  return (n) =>
    labels(n.labels) &&
    !notLabels.some((want) => labelMatches(n.labels, want)) &&
    until.every((limitMs) => n.createdMs < limitMs);
}

function checkKeys(filters: Filters, allowed: ReadonlySet<string>): void {
  for (const key of Object.keys(filters)) if (!allowed.has(key)) throw new BadParameterError(`invalid filter '${key}'`);
}

function anyOf<T>(values: readonly T[], test: (v: T) => boolean): boolean {
  return values.length === 0 || values.some(test);
}

function parseBool(key: string, v: string): boolean {
  const s = v.toLowerCase();
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  throw new BadParameterError(`invalid filter '${key}=${v}'`);
}

interface LabelWant {
  readonly key: string;
  readonly value: string | undefined;
}

function parseLabel(v: string): LabelWant {
  const eq = v.indexOf('=');
  return eq < 0 ? { key: v, value: undefined } : { key: v.slice(0, eq), value: v.slice(eq + 1) };
}

function labelMatches(labels: Readonly<Record<string, string>>, want: LabelWant): boolean {
  return Object.hasOwn(labels, want.key) && (want.value === undefined || labels[want.key] === want.value);
}

function labelFilter(values: readonly string[]): (labels: Readonly<Record<string, string>>) => boolean {
  const wants = values.map(parseLabel);
  return (labels) => wants.every((w) => labelMatches(labels, w));
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * `until`: unix seconds (optionally with a fraction), an RFC 3339 time, or a Go duration before now
 * ("24h", "1h30m"). Returns ms since the epoch.
 */
export function parseUntil(v: string, nowMs: number): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(v)) {
    let ms = 0;
    for (const m of v.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    return nowMs - ms;
  }
  const parsed = /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(parsed)) throw new BadParameterError(`failed to parse value as time or duration: "${v}"`);
  return parsed;
}

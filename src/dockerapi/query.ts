/**
 * Query parameters as dockerd reads them: booleans where "", 0, false, no and none are false;
 * integers that must parse; `filters` in both encodings. Unknown parameters are ignored.
 */
import type { Filters } from '../vch/engine/engine.js';
import { BadParameterError } from '../vch/engine/errors.js';

const FALSE_WORDS = new Set(['', '0', 'false', 'no', 'none']);

/** Typed access to a request's query string. */
export class Query {
  constructor(private readonly params: URLSearchParams) {}

  /** The first value of `name`, or undefined. */
  string(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }

  /** Every value of a repeated parameter (`names=a&names=b`). */
  all(name: string): string[] {
    return this.params.getAll(name);
  }

  /** A boolean (docker's BoolValue); `fallback` when absent. */
  bool(name: string, fallback = false): boolean {
    const v = this.params.get(name);
    if (v === null) return fallback;
    return !FALSE_WORDS.has(v.trim().toLowerCase());
  }

  /** An integer, or undefined when absent or empty; 400 when it does not parse. */
  int(name: string): number | undefined {
    const v = this.params.get(name);
    if (v === null || v.trim() === '') return undefined;
    if (!/^[+-]?\d+$/.test(v.trim())) throw new BadParameterError(`invalid value for ${name}: ${JSON.stringify(v)} is not an integer`);
    return Number(v);
  }

  /** Unix seconds with an optional fraction (`since`, `until`: "1700000000.123456789"); 400 if malformed. */
  seconds(name: string): number | undefined {
    const v = this.params.get(name);
    if (v === null || v.trim() === '') return undefined;
    if (!/^\d+(\.\d+)?$/.test(v.trim())) throw new BadParameterError(`invalid value for ${name}: ${JSON.stringify(v)} is not a unix timestamp`);
    return Number(v);
  }

  /** `filters` decoded with {@link parseFilters}. */
  filters(): Filters {
    return parseFilters(this.params.get('filters') ?? '');
  }
}

/**
 * Decodes docker's `filters` JSON in either encoding: `{"key":{"value":true}}` (the CLI) or
 * `{"key":["value"]}` (dockerode, the spec). Empty means no filters. 400 on anything else. O(size).
 */
export function parseFilters(text: string): Filters {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new BadParameterError(`invalid filters: ${(err as Error).message}`);
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new BadParameterError('invalid filters: expected a JSON object');
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    out[key] = filterValues(key, value);
  }
  return out;
}

function filterValues(key: string, value: unknown): string[] {
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.every(([, v]) => typeof v === 'boolean')) return entries.filter(([, v]) => v).map(([k]) => k);
  }
  throw new BadParameterError(`invalid filters: values of ${JSON.stringify(key)} must be a list of strings or a map of booleans`);
}

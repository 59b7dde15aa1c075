/**
 * Canonical JSON of a run result: object keys sorted, two-space indent, a final newline. Same
 * result → same bytes, whatever order the runner built its objects in.
 */
import { InvalidArgumentError } from '../../sim/errors.js';

/** `value` as canonical JSON. O(size). @throws InvalidArgumentError for a non-finite number or a value JSON cannot hold. */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value, '$'), null, 2)}\n`;
}

function sortKeys(value: unknown, path: string): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidArgumentError('result', `${path} is ${value}, which JSON cannot hold`);
    return value;
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v, i) => sortKeys(v, `${path}[${i}]`));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v, `${path}.${key}`);
    }
    return out;
  }
  throw new InvalidArgumentError('result', `${path} is a ${typeof value}, which JSON cannot hold`);
}

/**
 * Canonical JSON of a run result: object keys sorted, two-space indent, a final newline. Same
 * result → same bytes, whatever order the runner built its objects in. A month of samples on a
 * hundred hosts is several hundred MB of JSON, near V8's longest string, so the text is made and
 * written in pieces ({@link canonicalJsonChunks}, {@link writeCanonicalJson}), never as one string.
 */
import { open, rename, rm } from 'node:fs/promises';
import { InvalidArgumentError } from '../../sim/errors.js';

/** `value` as canonical JSON. O(size). @throws InvalidArgumentError for a non-finite number or a value JSON cannot hold. */
export function canonicalJson(value: unknown): string {
  return [...canonicalJsonChunks(value)].join('');
}

/**
 * Writes `value`'s canonical JSON to `path` in pieces of about 1 MB, through a temporary file
 * beside it renamed over `path` at the end: a value that fails part-way leaves `path` as it was.
 * Errors: as canonicalJson, and the file system's.
 */
export async function writeCanonicalJson(path: string, value: unknown): Promise<void> {
  const partial = `${path}.partial`;
  const file = await open(partial, 'w');
  try {
    let pending: string[] = [];
    let size = 0;
    for (const chunk of canonicalJsonChunks(value)) {
      pending.push(chunk);
      size += chunk.length;
      if (size < WRITE_CHUNK_CHARS) continue;
      await file.write(pending.join(''));
      [pending, size] = [[], 0];
    }
    await file.write(pending.join(''));
  } catch (err) {
    await file.close();
    await rm(partial, { force: true });
    throw err;
  }
  await file.close();
  await rename(partial, path);
}

/** Characters gathered before a write. */
const WRITE_CHUNK_CHARS = 1 << 20;

/**
 * The canonical JSON of `value` in pieces whose concatenation is `JSON.stringify` of it with keys
 * sorted and undefined properties left out, two-space indent, plus a final newline: the top-level
 * object's entries and the items of arrays are pieces of their own, each made by JSON.stringify and
 * indented to its depth (JSON text has no raw newline inside a string). O(size).
 * @throws InvalidArgumentError (as the pieces are drawn) naming the path of a non-finite number or
 * of a value JSON cannot hold.
 */
export function* canonicalJsonChunks(value: unknown): Generator<string> {
  yield* pieces(value, '$', '', true);
  yield '\n';
}

function* pieces(value: unknown, path: string, indent: string, top: boolean): Generator<string> {
  const inner = `${indent}  `;
  if (Array.isArray(value) && value.length > 0) {
    for (let i = 0; i < value.length; i++) yield `${i === 0 ? '[' : ','}\n${inner}${stringify(value[i], `${path}[${i}]`, inner)}`;
    yield `\n${indent}]`;
  } else if (top && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    // Keys in the order an object built in sorted order enumerates them (integer-like keys first), as sortKeys gives them.
    const ordered: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const k of Object.keys(value).sort()) if ((value as Record<string, unknown>)[k] !== undefined) ordered[k] = (value as Record<string, unknown>)[k];
    const entries = Object.entries(ordered);
    if (entries.length === 0) yield '{}';
    for (let i = 0; i < entries.length; i++) {
      const [key, v] = entries[i]!;
      yield `${i === 0 ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
      yield* pieces(v, `${path}.${key}`, inner, false);
    }
    if (entries.length > 0) yield `\n${indent}}`;
  } else {
    yield stringify(value, path, indent);
  }
}

/** `value` (keys sorted, numbers checked) as JSON.stringify(…, null, 2) writes it, each line after the first indented by `indent`. */
function stringify(value: unknown, path: string, indent: string): string {
  const text = JSON.stringify(sortKeys(value, path), null, 2);
  return indent === '' ? text : text.replace(/\n/g, `\n${indent}`);
}

function sortKeys(value: unknown, path: string): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidArgumentError('result', `${path} is ${value}, which JSON cannot hold`);
    return value;
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v, i) => sortKeys(v, `${path}[${i}]`));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>; // a key "__proto__" stays a key
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v, `${path}.${key}`);
    }
    return out;
  }
  throw new InvalidArgumentError('result', `${path} is a ${typeof value}, which JSON cannot hold`);
}

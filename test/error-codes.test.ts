/**
 * Every error code thrown anywhere in src is registered in ERROR_CODES, the list the Docker API's
 * error mapping (and its completeness test) works from.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/sim/errors.js';

const SRC = resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('error codes', () => {
  it('registers every code an error class passes to VicsimError', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(SRC)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/super\(\s*'([A-Za-z]+)'/g)) used.add(m[1]!);
      for (const m of text.matchAll(/new VicsimError\(\s*'([A-Za-z]+)'/g)) used.add(m[1]!);
      for (const m of text.matchAll(/new InvalidStateError\(\s*'([A-Za-z]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((c) => !(ERROR_CODES as readonly string[]).includes(c))).toEqual([]);
  });
});

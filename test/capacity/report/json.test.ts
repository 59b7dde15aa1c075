/** Canonical JSON is made and written in pieces that add up to JSON.stringify's text, keys sorted. */
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonChunks, writeCanonicalJson } from '../../../src/capacity/report/json.js';

/** JSON.stringify's text of `value` with object keys sorted at every level. */
function reference(value: unknown): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
  return `${JSON.stringify(sorted(value), null, 2)}\n`;
}

describe('canonical JSON', () => {
  it('is JSON.stringify with sorted keys and two-space indent, whatever the nesting', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const clean = JSON.parse(JSON.stringify(value)) as unknown; // -0 and the like as JSON has them
        expect(canonicalJson(clean)).toBe(reference(clean));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a key named __proto__ as a key, at the top and below', () => {
    const value = JSON.parse('{"__proto__": {"__proto__": 1, "a": 2}, "b": 3}') as unknown;
    expect(canonicalJson(value)).toBe(reference(value));
  });

  it('comes in one piece per top-level entry and per array item', () => {
    const chunks = [...canonicalJsonChunks({ b: [1, { y: 2, x: 1 }], a: 'z' })];
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    expect(chunks.join('')).toBe('{\n  "a": "z",\n  "b": [\n    1,\n    {\n      "x": 1,\n      "y": 2\n    }\n  ]\n}\n');
  });

  it('names the path of a number JSON cannot hold', () => {
    expect(() => canonicalJson({ samples: [{ tMs: 0 }, { tMs: Number.NaN }] })).toThrow('$.samples[1].tMs is NaN, which JSON cannot hold');
  });

  it('writes the same bytes to a file, and leaves an earlier file as it was when a value fails part-way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vicsim-json-'));
    const path = join(dir, 'report.json');
    const big = { samples: Array.from({ length: 30_000 }, (_, i) => ({ tMs: i * 300_000, hosts: [{ cpu: i / 7 }] })) };
    await writeCanonicalJson(path, big);
    expect(readFileSync(path, 'utf8')).toBe(canonicalJson(big));
    writeFileSync(path, 'earlier');
    const broken = { samples: [...big.samples, { tMs: Infinity }] };
    await expect(writeCanonicalJson(path, broken)).rejects.toThrow('$.samples[30000].tMs is Infinity');
    expect(readFileSync(path, 'utf8')).toBe('earlier');
    expect(existsSync(`${path}.partial`)).toBe(false);
  });
});

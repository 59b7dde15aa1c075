import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generatedName } from '../../../src/vch/containers/request.js';

const hexId = fc.stringMatching(/^[0-9a-f]{64}$/);

describe('generatedName', () => {
  it('gives adjective_scientist from the id, then a suffix, then the short id, as dockerd falls back', () => {
    const id = '5e08ec9df73028adfb84622ad4880a94b0c2612bb2cd7e347cf007506036c48f';
    const taken = new Set<string>();
    const next = (): string => {
      const name = generatedName(id, (n) => taken.has(n));
      taken.add(name);
      return name;
    };
    expect([next(), next(), next(), next()]).toEqual(['serene_lovelace', 'serene_lovelace_ec9d', '5e08ec9df730', id]);
  });

  it('never answers a name in use, whatever names are taken', () => {
    fc.assert(
      fc.property(fc.array(hexId, { minLength: 1, maxLength: 300 }), (ids) => {
        const taken = new Set<string>();
        for (const id of new Set(ids)) {
          const name = generatedName(id, (n) => taken.has(n));
          expect(taken.has(name)).toBe(false);
          taken.add(name);
        }
      }),
      { numRuns: 100 },
    );
  });
});

/** flatText gives exactly the text of the untagged template literal, whatever the values. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flatText } from '../../src/drs/flat-text.js';

describe('flatText', () => {
  it('gives the same text as the untagged template literal', () => {
    const value = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(undefined));
    fc.assert(
      fc.property(value, value, value, (a, b, c) => {
        expect(flatText`move ${a} from ${b} to ${c}; goodness ${(0.5).toFixed(4)}`).toBe(`move ${a} from ${b} to ${c}; goodness ${(0.5).toFixed(4)}`);
        expect(flatText`${a}${b}`).toBe(`${a}${b}`);
        expect(flatText`no values`).toBe('no values');
      }),
      { numRuns: 200 },
    );
  });
});

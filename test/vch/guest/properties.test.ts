/** Invariants of the guest shell over generated inputs. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { busyboxFs, sh } from './harness.js';

const safeWord = fc.stringMatching(/^[A-Za-z0-9_.,:@%+=-]{1,12}$/);
const anyText = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\t', '$', '"', "'", '\\', '*', '`', ';', '|', '&', '(', ')', '#', '~') , maxLength: 16 });

/** Quotes a string for sh with single quotes. */
function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

describe('shell invariants', () => {
  it('echo of safe words prints them joined by single spaces', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(safeWord, { minLength: 1, maxLength: 6 }), async (words) => {
        const r = await sh(`echo ${words.join('  ')}`);
        expect(r.stdout).toBe(words.join(' ') + '\n');
      }),
      { numRuns: 100 },
    );
  });

  it('single-quoting any text round-trips it through echo and through a variable', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, async (text) => {
        const r = await sh(`printf '%s' ${shQuote(text)}; V=${shQuote(text)}; printf '|%s' "$V"`);
        expect(r.stdout).toBe(`${text}|${text}`);
      }),
      { numRuns: 150 },
    );
  });

  it('cat | wc agrees with counting the file directly', async () => {
    const line = fc.stringMatching(/^[a-z ]{0,20}$/);
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 12 }), async (lines) => {
        const fs = busyboxFs();
        const text = lines.map((l) => l + '\n').join('');
        fs.writeFile('/tmp/in', text);
        const r = await sh('cat /tmp/in | cat | wc -l; cat /tmp/in | wc -w; wc -c < /tmp/in', { fs });
        const words = text.split(/\s+/).filter(Boolean).length;
        expect(r.stdout).toBe(`${lines.length}\n${words}\n${new TextEncoder().encode(text).length}\n`);
      }),
      { numRuns: 100 },
    );
  });

  it('arithmetic matches JavaScript integer arithmetic', async () => {
    const small = fc.integer({ min: -1000, max: 1000 });
    await fc.assert(
      fc.asyncProperty(small, small, fc.integer({ min: 1, max: 50 }), async (a, b, c) => {
        const r = await sh(`a=${a}; b=${b}; echo $(( a + b * c )) $(( (a - b) / c )) $(( a % c )) $(( a < b ))`, { env: [`c=${c}`] });
        expect(r.stdout).toBe(`${a + b * c} ${Math.trunc((a - b) / c)} ${a % c} ${a < b ? 1 : 0}\n`);
      }),
      { numRuns: 100 },
    );
  });

  it('sort output is a sorted permutation of its input', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.stringMatching(/^[a-z]{1,6}$/), { maxLength: 20 }), async (lines) => {
        const fs = busyboxFs();
        fs.writeFile('/tmp/in', lines.map((l) => l + '\n').join(''));
        const r = await sh('sort /tmp/in', { fs });
        expect(r.stdout).toBe([...lines].sort().map((l) => l + '\n').join(''));
      }),
      { numRuns: 100 },
    );
  });
});

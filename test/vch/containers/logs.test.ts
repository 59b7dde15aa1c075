/**
 * The container log's line arithmetic: `tail` counts lines however the output was chunked.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../src/vch/engine/engine.js';
import { lastLines } from '../../../src/vch/containers/logs.js';

const record = (text: string, i: number): LogRecord => ({ stream: 'stdout', timeNano: BigInt(i), data: Buffer.from(text) });
const text = (records: readonly LogRecord[]): string => records.map((r) => Buffer.from(r.data).toString()).join('');

/** The last n lines of `all`, a final line without newline included. */
function expectedTail(all: string, n: number): string {
  const lines = all.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  return lines.slice(Math.max(0, lines.length - n)).join('');
}

describe('lastLines', () => {
  it('cuts a record that holds several lines', () => {
    const records = ['a\nb\nc\n', 'd', 'e\n'].map(record);
    expect(text(lastLines(records, 1))).toBe('de\n');
    expect(text(lastLines(records, 2))).toBe('c\nde\n');
    expect(text(lastLines(records, 3))).toBe('b\nc\nde\n');
    expect(text(lastLines(records, 9))).toBe('a\nb\nc\nde\n');
    expect(lastLines(records, 0)).toEqual([]);
  });

  it('counts a final line without a newline', () => {
    expect(text(lastLines(['x\ny\n', 'partial'].map(record), 1))).toBe('partial');
    expect(text(lastLines(['x\ny\n', 'partial'].map(record), 2))).toBe('y\npartial');
  });

  it('returns the last n lines of the byte stream however it was chunked', () => {
    const chunk = fc.string({ unit: fc.constantFrom('a', 'b', '\n'), maxLength: 8 });
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 12 }), fc.integer({ min: 1, max: 10 }), (chunks, n) => {
        const records = chunks.map(record);
        const tail = lastLines(records, n);
        expect(text(tail)).toBe(expectedTail(chunks.join(''), n));
        for (const r of tail) expect(records.some((o) => o.timeNano === r.timeNano && o.stream === r.stream)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

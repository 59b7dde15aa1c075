/** Long series are drawn from their envelope: first, lowest, highest and last point of each bucket. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { envelopeIndices, MAX_DRAWN_POINTS } from '../../../src/capacity/report/envelope.js';
import { lineChart, stackedAreaChart } from '../../../src/capacity/report/svg.js';

describe('envelopeIndices', () => {
  it('keeps every point of a short series', () => {
    expect(envelopeIndices([3, 1, 2], 8)).toEqual([0, 1, 2]);
  });

  it('keeps, in order and at most max of them, the first, last, lowest and highest point of every bucket', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 600 }), fc.integer({ min: 4, max: 64 }), (ys, max) => {
        const drawn = envelopeIndices(ys, max);
        expect(drawn.length).toBeLessThanOrEqual(Math.min(ys.length, max));
        expect(drawn.every((i, k) => k === 0 || i > drawn[k - 1]!)).toBe(true);
        expect(drawn[0]).toBe(0);
        expect(drawn.at(-1)).toBe(ys.length - 1);
        if (ys.length <= max) return;
        const size = Math.ceil(ys.length / Math.floor(max / 4));
        for (let first = 0; first < ys.length; first += size) {
          const bucket = ys.slice(first, first + size);
          const kept = drawn.filter((i) => i >= first && i < first + size).map((i) => ys[i]!);
          expect(Math.min(...kept)).toBe(Math.min(...bucket));
          expect(Math.max(...kept)).toBe(Math.max(...bucket));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('charts of long series', () => {
  const n = 8640;
  const xs = Array.from({ length: n }, (_, i) => i * 300_000);
  const frame = { id: 'c', title: 'c', xLabel: 't', yLabel: 'y' };
  const vertices = (svg: string, tag: string): number[] => [...svg.matchAll(new RegExp(`<${tag} [^>]*points="([^"]*)"`, 'g'))].map((m) => m[1]!.split(' ').length);

  it('draw at most MAX_DRAWN_POINTS vertices per line and still say how many points the data has', () => {
    const svg = lineChart(frame, [{ name: 'y', color: '#000', points: xs.map((x, i) => [x, Math.sin(i / 50)] as [number, number]) }]);
    expect(svg).toContain(`data-points="${n}"`);
    expect(vertices(svg, 'polyline')[0]).toBeLessThanOrEqual(MAX_DRAWN_POINTS);
  });

  it('draw a stacked area from the same x values for every layer', () => {
    const svg = stackedAreaChart(frame, xs, [
      { name: 'a', color: '#000', values: xs.map((_, i) => 1 + (i % 7)) },
      { name: 'b', color: '#111', values: xs.map((_, i) => 2 + (i % 5)) },
    ]);
    const [a, b] = vertices(svg, 'polygon');
    expect(a).toBe(b);
    expect(a).toBeLessThanOrEqual(2 * MAX_DRAWN_POINTS);
  });
});

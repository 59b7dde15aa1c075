/**
 * Small SVG chart primitives drawn by hand, for a report that opens offline: line charts, stacked
 * area charts and histograms, with axes, ticks, a legend and machine-readable attributes
 * (`data-chart`, `data-points`, `data-series`) that tests count. Output is deterministic text.
 */
import { envelopeIndices } from './envelope.js';

/** Chart frame settings. */
export interface ChartFrame {
  /** Names the chart in `data-chart` (and the element id). */
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly width?: number;
  readonly height?: number;
  readonly formatX?: (x: number) => string;
  readonly formatY?: (y: number) => string;
  /** Tick values of the x axis for a data range; default {@link niceTicks}. */
  readonly ticksX?: (lo: number, hi: number) => number[];
}

/** A named line. */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
  /** Draw dashed (capacity lines). */
  readonly dashed?: boolean;
}

/** A vertical marker (an injected event). */
export interface Marker {
  readonly x: number;
  readonly label: string;
}

const MARGIN = { left: 64, right: 16, top: 34, bottom: 58 };

/** Escapes text for XML content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** About `count` round tick values covering [lo, hi] (steps of 1, 2 or 5 × 10^k). O(count). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

const TIME_STEPS_MS = [1, 5, 10, 15, 30].map((m) => m * 60_000).concat([1, 2, 3, 6, 12, 24, 48, 168].map((h) => h * 3_600_000));

/** Ticks for a time axis in ms at round steps (1 min … 1 week), about `count` of them. O(count). */
export function timeTicks(lo: number, hi: number, count = 8): number[] {
  const step = TIME_STEPS_MS.find((s) => (hi - lo) / s <= count) ?? Math.ceil((hi - lo) / count / 86_400_000) * 86_400_000;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) ticks.push(v);
  return ticks;
}

/** Formats a number compactly: 1234567 → "1.23M", 0.125 → "0.125". */
export function compactNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${round3(v / 1e9)}G`;
  if (a >= 1e6) return `${round3(v / 1e6)}M`;
  if (a >= 1e4) return `${round3(v / 1e3)}k`;
  return String(round3(v));
}

function round3(v: number): number {
  return Number(v.toPrecision(3));
}

/** Geometry of one chart: data bounds mapped onto the plot area. */
class Plot {
  readonly w: number;
  readonly h: number;
  constructor(
    readonly frame: ChartFrame,
    readonly x0: number,
    readonly x1: number,
    readonly y0: number,
    readonly y1: number,
  ) {
    this.w = frame.width ?? 720;
    this.h = frame.height ?? 260;
  }
  x(v: number): number {
    const span = this.x1 - this.x0 || 1;
    return round2(MARGIN.left + ((v - this.x0) / span) * (this.w - MARGIN.left - MARGIN.right));
  }
  y(v: number): number {
    const span = this.y1 - this.y0 || 1;
    return round2(this.h - MARGIN.bottom - ((v - this.y0) / span) * (this.h - MARGIN.top - MARGIN.bottom));
  }
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

function open(plot: Plot, kind: string, points: number, extra = ''): string {
  const f = plot.frame;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${escapeXml(f.id)}" data-chart="${escapeXml(f.id)}" data-kind="${kind}" data-points="${points}"${extra} ` +
    `viewBox="0 0 ${plot.w} ${plot.h}" width="${plot.w}" height="${plot.h}" role="img" aria-label="${escapeXml(f.title)}">` +
    `<title>${escapeXml(f.title)}</title><rect width="100%" height="100%" fill="#fff"/>` +
    `<text x="${MARGIN.left}" y="20" font-size="14" font-weight="bold">${escapeXml(f.title)}</text>`
  );
}

function axes(plot: Plot): string {
  const f = plot.frame;
  const fx = f.formatX ?? compactNumber;
  const fy = f.formatY ?? compactNumber;
  const bottom = plot.h - MARGIN.bottom;
  const parts: string[] = [];
  for (const t of niceTicks(plot.y0, plot.y1)) {
    const y = plot.y(t);
    parts.push(`<line x1="${MARGIN.left}" x2="${plot.w - MARGIN.right}" y1="${y}" y2="${y}" stroke="#e4e4e4"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y + 4}" font-size="11" text-anchor="end">${escapeXml(fy(t))}</text>`);
  }
  for (const t of (f.ticksX ?? ((lo: number, hi: number) => niceTicks(lo, hi, 8)))(plot.x0, plot.x1)) {
    const x = plot.x(t);
    parts.push(`<line x1="${x}" x2="${x}" y1="${bottom}" y2="${bottom + 4}" stroke="#444"/>`);
    parts.push(`<text x="${x}" y="${bottom + 16}" font-size="11" text-anchor="middle">${escapeXml(fx(t))}</text>`);
  }
  parts.push(`<line x1="${MARGIN.left}" x2="${plot.w - MARGIN.right}" y1="${bottom}" y2="${bottom}" stroke="#444"/>`);
  parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${bottom}" stroke="#444"/>`);
  parts.push(`<text x="${(MARGIN.left + plot.w - MARGIN.right) / 2}" y="${plot.h - 22}" font-size="12" text-anchor="middle">${escapeXml(f.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${(MARGIN.top + bottom) / 2}) rotate(-90)" font-size="12" text-anchor="middle">${escapeXml(f.yLabel)}</text>`);
  return parts.join('');
}

function legend(plot: Plot, entries: readonly { name: string; color: string }[]): string {
  let x = MARGIN.left;
  const y = plot.h - 6;
  return entries
    .map((e) => {
      const item = `<rect x="${x}" y="${y - 9}" width="10" height="10" fill="${e.color}"/><text x="${x + 14}" y="${y}" font-size="11">${escapeXml(e.name)}</text>`;
      x += 24 + e.name.length * 6.5;
      return item;
    })
    .join('');
}

function markers(plot: Plot, list: readonly Marker[]): string {
  return list
    .filter((m) => m.x >= plot.x0 && m.x <= plot.x1)
    .map((m) => {
      const x = plot.x(m.x);
      return `<g class="marker"><line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${plot.h - MARGIN.bottom}" stroke="#c0392b" stroke-dasharray="4 3"/><text x="${x + 3}" y="${MARGIN.top + 10}" font-size="10" fill="#c0392b">${escapeXml(m.label)}</text></g>`;
    })
    .join('');
}

/** [min, max] of `values`, or `empty` when there are none. O(n), no argument spreading. */
function extent(values: Iterable<number>, empty: [number, number]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return lo <= hi ? [lo, hi] : empty;
}

function bounds(values: Iterable<number>, floor = 0): [number, number] {
  let lo = floor;
  let hi = floor;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi > lo ? hi : lo + 1];
}

/**
 * A line chart of `series` (every series' points in x order), each drawn from at most
 * MAX_DRAWN_POINTS of its points (envelope.ts). data-points = points of the longest series. O(points).
 */
export function lineChart(frame: ChartFrame, series: readonly Series[], marks: readonly Marker[] = []): string {
  const [x0, x1] = extent(series.flatMap((s) => s.points.map((p) => p[0])), [0, 1]);
  const [y0, y1] = bounds(series.flatMap((s) => s.points.map((p) => p[1])));
  const plot = new Plot(frame, x0, x1 > x0 ? x1 : x0 + 1, y0, y1 * 1.05);
  const lines = series.map((s) => {
    const drawn = envelopeIndices(s.points.map((p) => p[1])).map((i) => s.points[i]!);
    return (
      `<polyline class="series" data-series="${escapeXml(s.name)}" data-points="${s.points.length}" fill="none" stroke="${s.color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="6 4"' : ''} ` +
      `points="${drawn.map(([x, y]) => `${plot.x(x)},${plot.y(y)}`).join(' ')}"/>`
    );
  });
  const longest = series.reduce((m, s) => Math.max(m, s.points.length), 0);
  return `${open(plot, 'line', longest)}${axes(plot)}${lines.join('')}${markers(plot, marks)}${legend(plot, series)}</svg>`;
}

/** A stacked layer: values aligned with the chart's x values. */
export interface Layer {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
}

/**
 * A stacked area chart: layers drawn bottom to top over `xs`, at the x values envelope.ts picks
 * from the stack's totals (all of them up to MAX_DRAWN_POINTS). data-points = xs.length. O(layers × xs).
 */
export function stackedAreaChart(frame: ChartFrame, xs: readonly number[], layers: readonly Layer[], marks: readonly Marker[] = []): string {
  const totals = xs.map((_, i) => layers.reduce((s, l) => s + (l.values[i] ?? 0), 0));
  const [, y1] = bounds(totals);
  const plot = new Plot(frame, xs[0] ?? 0, xs.length > 1 ? xs[xs.length - 1]! : (xs[0] ?? 0) + 1, 0, y1);
  const drawn = envelopeIndices(totals);
  const base = drawn.map(() => 0);
  const polys = layers.map((l) => {
    const lower = drawn.map((i, k) => `${plot.x(xs[i]!)},${plot.y(base[k]!)}`);
    drawn.forEach((i, k) => (base[k]! += l.values[i] ?? 0));
    const upper = drawn.map((i, k) => `${plot.x(xs[i]!)},${plot.y(base[k]!)}`);
    return `<polygon class="layer" data-series="${escapeXml(l.name)}" data-points="${xs.length}" fill="${l.color}" fill-opacity="0.85" stroke="none" points="${[...upper, ...lower.reverse()].join(' ')}"/>`;
  });
  return `${open(plot, 'stacked', xs.length)}${axes(plot)}${polys.join('')}${markers(plot, marks)}${legend(plot, layers)}</svg>`;
}

/** A histogram of `values` in `bins` equal-width bins; data-points = values.length, one rect per bin. O(values + bins). */
export function histogram(frame: ChartFrame, values: readonly number[], bins = 20, color = '#2e86c1'): string {
  const [lo, hiRaw] = extent(values, [0, 1]);
  const hi = hiRaw > lo ? hiRaw : lo + 1;
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
  const plot = new Plot(frame, lo, hi, 0, counts.reduce((m, c) => Math.max(m, c), 1) * 1.05);
  const rects = counts.map((c, i) => {
    const x = plot.x(lo + i * width);
    const w = Math.max(0, plot.x(lo + (i + 1) * width) - x - 1);
    const y = plot.y(c);
    return `<rect class="bar" data-count="${c}" x="${x}" y="${y}" width="${round2(w)}" height="${round2(plot.y(0) - y)}" fill="${color}"/>`;
  });
  return `${open(plot, 'histogram', values.length, ` data-bins="${bins}"`)}${axes(plot)}${rects.join('')}</svg>`;
}

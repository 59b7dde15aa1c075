/**
 * One SVG chart per sweep metric (drawn with report/svg.ts): the metric against one parameter,
 * one line per combination of the other parameters (named by their values; the title says which
 * parameters the lines stand for). The x parameter is the one with the most
 * values (the last such in grid order); its values are placed evenly in grid order and labelled
 * as written, so words (`instant`, `full`) and quantities (`30/h`) chart alike.
 */
import { lineChart, type Series } from '../report/svg.js';
import type { SweepPlan } from './definition.js';
import type { SweepMetric } from './metrics.js';
import type { SweepRow } from './table.js';

const PALETTE = ['#2e86c1', '#c0392b', '#27ae60', '#8e44ad', '#d35400', '#16a085', '#7f8c8d', '#f1c40f', '#2c3e50', '#e84393'];

/** The index of the axis charts use as x: the most values, ties to the later axis. Precondition: at least one axis. */
export function chartAxis(plan: SweepPlan): number {
  let best = 0;
  plan.axes.forEach((a, i) => {
    if (a.values.length >= plan.axes[best]!.values.length) best = i;
  });
  return best;
}

/** A chart for every metric, as `{ metric, svg }` in metric order. Points without a value are left out of their line. O(metrics × points). */
export function sweepCharts(plan: SweepPlan, rows: readonly SweepRow[], metrics: readonly SweepMetric[]): { readonly metric: SweepMetric; readonly svg: string }[] {
  const x = chartAxis(plan);
  const xAxis = plan.axes[x]!;
  const groups = seriesGroups(plan, rows, x);
  const lineAxes = plan.axes.filter((_, i) => i !== x).map((a) => a.path.text).join(', ');
  const formatX = (v: number): string => xAxis.labels[v] ?? '';
  const ticksX = (lo: number, hi: number): number[] => xAxis.labels.map((_, i) => i).filter((i) => i >= lo && i <= hi);
  return metrics.map((metric, m) => {
    const series: Series[] = groups.map((g, s) => ({
      name: g.name || metric.title,
      color: PALETTE[s % PALETTE.length]!,
      points: g.rows.flatMap((r) => {
        const v = r.values[m];
        return v === null || v === undefined ? [] : [[xAxis.labels.indexOf(r.settings[x]!), v] as const];
      }),
    }));
    const title = lineAxes ? `${metric.title}; lines: ${lineAxes}` : metric.title;
    const frame = { id: `sweep-${metric.id}`, title, xLabel: xAxis.path.text, yLabel: metric.unit, formatX, ticksX, width: chartWidth(series) };
    return { metric, svg: lineChart(frame, series) };
  });
}

/** Wide enough for svg.ts's one-row legend (24 px plus 6.5 px a character per entry), at least 720 px. */
function chartWidth(series: readonly Series[]): number {
  const legend = series.reduce((w, s) => w + 24 + s.name.length * 6.5, 64 + 16);
  return Math.max(720, Math.ceil(legend));
}

/** Rows grouped by the values of every axis but `x`, in grid order; each group named by those values (`full, 30/h`). */
function seriesGroups(plan: SweepPlan, rows: readonly SweepRow[], x: number): { name: string; rows: SweepRow[] }[] {
  const groups = new Map<string, { name: string; rows: SweepRow[] }>();
  for (const row of rows) {
    const name = plan.axes
      .flatMap((_, i) => (i === x ? [] : [row.settings[i]!]))
      .join(', ');
    const group = groups.get(name) ?? { name, rows: [] };
    group.rows.push(row);
    groups.set(name, group);
  }
  return [...groups.values()];
}

/**
 * A sweep's results as a table: one row per point (its parameter values, how it ended, each
 * metric) and the CSV and Markdown renderings of it. Deterministic text: the same outcomes give
 * the same bytes, whatever the number of workers or the order points finished in.
 */
import { markdownTable } from '../report/markdown.js';
import type { SweepPlan } from './definition.js';
import type { SweepMetric } from './metrics.js';
import type { PointOutcome } from './pool.js';

/** One row of the results table. */
export interface SweepRow {
  readonly point: number;
  /** The label of each axis' value at this point. */
  readonly settings: readonly string[];
  readonly status: PointOutcome['status'];
  /** One per metric; null where the point has no value (not finished, or none by definition). */
  readonly values: readonly (number | null)[];
}

/** The rows of the table, in point order. Precondition: `outcomes[i]` is point i's. O(points × metrics). */
export function sweepRows(plan: SweepPlan, outcomes: readonly PointOutcome[], metrics: readonly SweepMetric[]): SweepRow[] {
  return plan.points.map((p) => {
    const outcome = outcomes[p.index];
    const totals = outcome?.status === 'done' ? outcome.result.totals : undefined;
    return {
      point: p.index,
      settings: plan.axes.map((axis, a) => axis.labels[p.valueIndices[a]!]!),
      status: outcome?.status ?? 'interrupted',
      values: metrics.map((m) => (totals ? m.value(totals) : null)),
    };
  });
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The table as CSV (RFC 4180 quoting, `\n` line ends): point, each parameter path, status, each metric id; numbers at full precision, empty for none. */
export function sweepCsv(plan: SweepPlan, rows: readonly SweepRow[], metrics: readonly SweepMetric[]): string {
  const header = ['point', ...plan.axes.map((a) => a.path.text), 'status', ...metrics.map((m) => m.id)];
  const lines = rows.map((r) => [String(r.point), ...r.settings, r.status, ...r.values.map((v) => (v === null ? '' : String(v)))]);
  return `${[header, ...lines].map((fields) => fields.map(csvField).join(',')).join('\n')}\n`;
}

/** A number to three significant digits for reading (integers below 1,000 as they are). */
export function readable(value: number | null): string {
  if (value === null) return '–';
  if (Number.isInteger(value) && Math.abs(value) < 1000) return String(value);
  return String(Number(value.toPrecision(3)));
}

/**
 * The Markdown summary: the question, the grid, the results table (numbers to three significant
 * digits) and the charts as images (`charts/<metric>.svg`, relative to the file).
 */
export function sweepMarkdown(plan: SweepPlan, rows: readonly SweepRow[], metrics: readonly SweepMetric[]): string {
  const done = rows.filter((r) => r.status === 'done').length;
  const parts = [
    `# Capacity sweep: ${plan.name}`,
    ...(plan.description ? [plan.description.trim()] : []),
    '## Grid',
    plan.axes.map((a) => `- \`${a.path.text}\`: ${a.labels.map((l) => `\`${l}\``).join(', ')}`).join('\n'),
    `${plan.points.length} point(s); ${done} finished${done < rows.length ? ` (${rows.length - done} not: ${statusCounts(rows)})` : ''}.`,
    '## Results',
    markdownTable(['point', ...plan.axes.map((a) => a.path.text), 'status', ...metrics.map((m) => m.title)], rows.map((r) => [String(r.point), ...r.settings, r.status, ...r.values.map(readable)])),
    '## Charts',
    metrics.map((m) => `![${m.title}](charts/${m.id}.svg)`).join('\n\n'),
  ];
  return `${parts.join('\n\n')}\n`;
}

function statusCounts(rows: readonly SweepRow[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) if (r.status !== 'done') counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
}

/**
 * Writes a sweep's results into a folder: sweep.csv, sweep.md, sweep.json (every point's
 * parameters, status and run totals, canonical JSON) and charts/<metric>.svg.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeCanonicalJson } from '../report/json.js';
import { sweepCharts } from './charts.js';
import type { SweepPlan } from './definition.js';
import { sweepMetrics } from './metrics.js';
import type { PointOutcome } from './pool.js';
import { sweepCsv, sweepMarkdown, sweepRows } from './table.js';

/** Paths of the written files. */
export interface SweepFiles {
  readonly csv: string;
  readonly markdown: string;
  readonly json: string;
  /** One per metric, in metric order. */
  readonly charts: readonly string[];
}

/**
 * The sweep's machine-readable record: the grid, and per point its parameter values, how it
 * ended and, when it finished, the same `totals` its `vicsim plan` report.json holds.
 */
export function sweepRecord(plan: SweepPlan, outcomes: readonly PointOutcome[]): unknown {
  return {
    version: 1,
    name: plan.name,
    axes: plan.axes.map((a) => ({ path: a.path.text, values: a.values })),
    points: plan.points.map((p) => {
      const o = outcomes[p.index];
      const parameters = Object.fromEntries(plan.axes.map((a, i) => [a.path.text, a.values[p.valueIndices[i]!]]));
      if (o?.status === 'done') return { index: p.index, parameters, status: o.status, completed: o.result.completed, simulatedMs: o.result.simulatedMs, totals: o.result.totals };
      if (o?.status === 'failed') return { index: p.index, parameters, status: o.status, message: o.message };
      return { index: p.index, parameters, status: 'interrupted' };
    }),
  };
}

/**
 * Writes the results of `plan` into `outDir` (created if missing), replacing earlier files of the
 * same names. Precondition: `outcomes[i]` is point i's (as runPoints returns them). Same outcomes → same bytes.
 */
export async function writeSweep(plan: SweepPlan, outcomes: readonly PointOutcome[], outDir: string): Promise<SweepFiles> {
  const metrics = sweepMetrics(outcomes.flatMap((o) => (o.status === 'done' ? [o.result.totals] : [])));
  const rows = sweepRows(plan, outcomes, metrics);
  await mkdir(join(outDir, 'charts'), { recursive: true });
  const files = { csv: join(outDir, 'sweep.csv'), markdown: join(outDir, 'sweep.md'), json: join(outDir, 'sweep.json') };
  await writeFile(files.csv, sweepCsv(plan, rows, metrics));
  await writeFile(files.markdown, sweepMarkdown(plan, rows, metrics));
  await writeCanonicalJson(files.json, sweepRecord(plan, outcomes));
  const charts: string[] = [];
  for (const { metric, svg } of sweepCharts(plan, rows, metrics)) {
    const path = join(outDir, 'charts', `${metric.id}.svg`);
    await writeFile(path, `${svg}\n`);
    charts.push(path);
  }
  return { ...files, charts };
}

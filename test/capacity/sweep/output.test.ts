/** A sweep's table, CSV, Markdown and charts, from outcomes made by hand (no runs). */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CapacityTotals } from '../../../src/capacity/report/result.js';
import { chartAxis, sweepCharts } from '../../../src/capacity/sweep/charts.js';
import { parseSweep } from '../../../src/capacity/sweep/definition.js';
import { FIXED_METRICS, sweepMetrics } from '../../../src/capacity/sweep/metrics.js';
import type { PointOutcome } from '../../../src/capacity/sweep/pool.js';
import { readable, sweepCsv, sweepRows } from '../../../src/capacity/sweep/table.js';
import { writeSweep } from '../../../src/capacity/sweep/write.js';
import { fixtureResult } from '../report/fixture.js';

const plan = parseSweep(
  `name: grid
duration: 1h
clusters: [{ preset: cluster, hosts: 1 }]
profiles: [{ name: web }]
sweep:
  vchs: [[{ provisioning: instant }], [{ provisioning: full }]]
  arrivals: [[{ kind: poisson, profile: web, rate: 1/h }], [{ kind: poisson, profile: web, rate: 2/h }], [{ kind: poisson, profile: web, rate: "3/h" }]]
`,
  { source: 'grid.yaml' },
);
const base = fixtureResult().totals;

function totals(placed: number): CapacityTotals {
  return { ...base, placed };
}

/** Point i placed 10 × i; point 4 failed and point 5 was interrupted. */
const outcomes: PointOutcome[] = plan.points.map((p) => {
  if (p.index === 4) return { index: 4, status: 'failed', message: 'trace, "broken"' };
  if (p.index === 5) return { index: 5, status: 'interrupted' };
  return { index: p.index, status: 'done', result: { index: p.index, completed: true, simulatedMs: 3_600_000, totals: totals(10 * p.index), wallMs: 1 } };
});

describe('sweep output', () => {
  it('has one row per point with its parameter values, status and a value per metric', () => {
    const metrics = sweepMetrics([base]);
    expect(metrics.map((m) => m.id)).toEqual([...FIXED_METRICS.map((m) => m.id), ...base.headroom.map((h) => `headroom-${h.vch}-${h.profile}`.toLowerCase().replace(/_/g, '-')), ...base.failover.map((f) => `failover-${f.cluster.toLowerCase().replace(/_/g, '-')}`)]);
    const rows = sweepRows(plan, outcomes, metrics);
    expect(rows.map((r) => [r.point, r.status, r.values[0]])).toEqual([[0, 'done', 0], [1, 'done', 10], [2, 'done', 20], [3, 'done', 30], [4, 'failed', null], [5, 'interrupted', null]]);
    expect(rows[3]!.settings).toEqual(['[{"provisioning":"full"}]', '[{"kind":"poisson","profile":"web","rate":"1/h"}]']);
  });

  it('writes CSV with quoted fields where needed and empty cells for missing values', () => {
    const metrics = sweepMetrics([base]);
    const csv = sweepCsv(plan, sweepRows(plan, outcomes, metrics), metrics).split('\n');
    expect(csv[0]).toBe(['point', 'vchs', 'arrivals', 'status', ...metrics.map((m) => m.id)].join(','));
    expect(csv[1]!.startsWith('0,"[{""provisioning"":""instant""}]","[{""kind""')).toBe(true);
    expect(csv[5]).toMatch(/,failed,+$/);
    expect(csv).toHaveLength(plan.points.length + 2);
  });

  it('makes metric ids unique when two names read alike', () => {
    const twin = { ...base, headroom: [{ profile: 'b-c', vch: 'a', additional: 1, limitedBy: 'memory' as const }, { profile: 'c', vch: 'a-b', additional: 2, limitedBy: 'memory' as const }] };
    expect(sweepMetrics([twin]).map((m) => m.id).filter((id) => id.startsWith('headroom'))).toEqual(['headroom-a-b-c', 'headroom-a-b-c-2']);
  });

  it('charts each metric against the parameter with the most values, one line per value of the others', () => {
    expect(chartAxis(plan)).toBe(1);
    const metrics = sweepMetrics([base]);
    const charts = sweepCharts(plan, sweepRows(plan, outcomes, metrics), metrics);
    expect(charts).toHaveLength(metrics.length);
    const placed = charts[0]!.svg;
    expect(placed).toContain('data-chart="sweep-placed"');
    expect(placed.match(/<polyline class="series"[^>]*data-points="(\d+)"/g)).toHaveLength(2);
    expect([...placed.matchAll(/data-series="[^"]*" data-points="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([3, 1]);
  });

  it('writes sweep.csv, sweep.md, sweep.json and a chart per metric, the Markdown linking each chart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-out-'));
    const files = await writeSweep(plan, outcomes, dir);
    const md = readFileSync(files.markdown, 'utf8');
    expect(md).toMatch(/^# Capacity sweep: grid\n/);
    expect(md).toContain('6 point(s); 4 finished (2 not: 1 failed, 1 interrupted).');
    for (const chart of files.charts) expect(md).toContain(`(charts/${chart.split('/').pop()})`);
    const json = JSON.parse(readFileSync(files.json, 'utf8')) as { points: { status: string; totals?: CapacityTotals }[] };
    expect(json.points.map((p) => p.status)).toEqual(['done', 'done', 'done', 'done', 'failed', 'interrupted']);
    expect(json.points[2]!.totals!.placed).toBe(20);
  });

  it('shows numbers to three significant digits, small integers as they are', () => {
    expect([readable(7), readable(12345), readable(0.123456), readable(null)]).toEqual(['7', '12300', '0.123', '–']);
  });
});

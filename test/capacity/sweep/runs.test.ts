/**
 * Sweep points run on worker threads give what each point gives run alone: the same totals as
 * runScenario in this thread and as `vicsim plan` on the point's own scenario file, whatever the
 * number of workers; an abort keeps what finished.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/capacity/report/json.js';
import { runScenario } from '../../../src/capacity/runner/index.js';
import { parseSweep, pointDocument, readDocument } from '../../../src/capacity/sweep/definition.js';
import { runPoints, workerEntry, type PointOutcome } from '../../../src/capacity/sweep/pool.js';
import { writeSweep } from '../../../src/capacity/sweep/write.js';
import { runPlan } from '../../../src/cli/plan.js';

/** Four points, each well under a second: two small hosts, 20 simulated minutes. */
const SWEEP = `name: tiny
description: a tiny sweep
duration: 20m
sampleInterval: 5m
seed: 3
clusters: [{ preset: cluster, hosts: 2, host: { cores: 4, memory: 4g } }]
profiles: [{ name: web, memory: 512m, workingSet: 64m, dirtyRate: 4k/s, lifetime: { distribution: exponential, mean: 10m } }]
arrivals: [{ kind: poisson, profile: web, rate: 60/h }]
sweep:
  vchs.0.provisioning: [instant, full]
  arrivals.rate: [30/h, 120/h]
`.replace('profiles:', 'vchs: [{ name: default }]\nprofiles:');

const plan = parseSweep(SWEEP, { source: 'tiny.yaml' });
const scenarios = plan.points.map((p) => p.scenario);

let onTwoWorkers: Promise<PointOutcome[]> | undefined;
/** The sweep on two workers, run once and shared by the tests that only read it. */
function runOnTwoWorkers(): Promise<PointOutcome[]> {
  onTwoWorkers ??= runPoints(scenarios, { workers: 2 });
  return onTwoWorkers;
}

function totalsOf(outcomes: readonly PointOutcome[]): string[] {
  return outcomes.map((o) => {
    if (o.status !== 'done') throw new Error(`point ${o.index} ${o.status}`);
    return canonicalJson(o.result.totals);
  });
}

describe('sweep points on worker threads', () => {
  it('equal each point run alone in this thread, and come back in point order', async () => {
    const outcomes = await runOnTwoWorkers();
    expect(outcomes.map((o) => o.index)).toEqual([0, 1, 2, 3]);
    const alone = await Promise.all(scenarios.map(async (s) => canonicalJson((await runScenario(s)).totals)));
    expect(totalsOf(outcomes)).toEqual(alone);
    expect(new Set(alone).size).toBe(4);
  }, 60_000);

  it('equal vicsim plan on each point\'s own scenario file: the same JSON totals', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-plan-'));
    const outcomes = await runOnTwoWorkers();
    const { base } = readDocument(SWEEP, 'tiny.yaml');
    const quiet = { stdout: new PassThrough(), stderr: new PassThrough() };
    for (const p of plan.points) {
      const file = join(dir, `point-${p.index}.yaml`);
      writeFileSync(file, stringify(pointDocument(base, plan.axes, p.valueIndices)));
      expect(await runPlan(file, join(dir, `out-${p.index}`), quiet)).toBe(0);
      const report = JSON.parse(readFileSync(join(dir, `out-${p.index}`, 'report.json'), 'utf8')) as { totals: unknown };
      expect(canonicalJson(report.totals)).toBe(totalsOf(outcomes)[p.index]);
    }
  }, 60_000);

  it('write the same bytes on one worker as on two', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-workers-'));
    const files = [await writeSweep(plan, await runPoints(scenarios, { workers: 1 }), join(dir, 'one')), await writeSweep(plan, await runOnTwoWorkers(), join(dir, 'two'))];
    for (const kind of ['json', 'csv', 'markdown'] as const) {
      const texts = files.map((f) => readFileSync(f[kind], 'utf8'));
      expect(texts[1], kind).toBe(texts[0]);
    }
    expect(files[1]!.charts.map((c) => readFileSync(c, 'utf8'))).toEqual(files[0]!.charts.map((c) => readFileSync(c, 'utf8')));
  }, 90_000);

  it('stop every worker on abort, keeping the points that finished and marking the rest interrupted', async () => {
    const abort = new AbortController();
    const many = [...scenarios, ...scenarios, ...scenarios];
    const outcomes = await runPoints(many, { workers: 1, signal: abort.signal, onOutcome: () => abort.abort() });
    expect(outcomes).toHaveLength(many.length);
    expect(outcomes[0]!.status).toBe('done');
    expect(outcomes.slice(1).every((o) => o.status === 'interrupted')).toBe(true);
  }, 30_000);

  it('report a point whose run throws as failed and run the others', async () => {
    const broken = { ...scenarios[0]!, arrivals: [{ kind: 'trace' as const, vch: 'default', profile: 'web', file: 'missing.csv', resolvedPath: '/nonexistent/missing.csv', format: 'simple' as const, timeScale: 1, skipMs: 0, maxRecords: null, reorderWindow: 0 }] };
    const outcomes = await runPoints([broken, scenarios[0]!], { workers: 1 });
    expect(outcomes[0]).toMatchObject({ status: 'failed', message: expect.stringContaining('missing.csv') });
    expect(outcomes[1]!.status).toBe('done');
  }, 30_000);

  it('start built workers from worker.js with no flags, and source workers through tsx', () => {
    const built = workerEntry('file:///opt/vicsim/dist/capacity/sweep/pool.js');
    expect(String(built.source)).toBe('file:///opt/vicsim/dist/capacity/sweep/worker.js');
    expect(built.options).toEqual({});
    const source = workerEntry(new URL('../../../src/capacity/sweep/pool.ts', import.meta.url).href);
    expect(source.options).toEqual({ eval: true });
    expect(source.source).toMatch(/tsImport\(".*\/src\/capacity\/sweep\/worker\.ts"/);
  });
});

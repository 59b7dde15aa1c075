/**
 * Every shipped example scenario runs to completion and gives a valid report. Runs are cut to the
 * first part of each scenario (the full examples take minutes: see the runner's report).
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunResult } from '../../../src/capacity/report/totals.js';
import { runScenario } from '../../../src/capacity/runner/index.js';
import { loadScenarioFile } from '../../../src/capacity/scenario/load.js';
import { lastHosts } from '../../../src/capacity/report/host-series.js';

const DIR = resolve(import.meta.dirname, '../../../examples/scenarios');
const FILES = readdirSync(DIR).filter((f) => /\.(ya?ml|json)$/.test(f));
const FIRST_MS = 20 * 60_000;

describe('the example scenarios, run', () => {
  it.each(FILES)('%s runs its first 20 minutes to completion into a report that keeps every invariant', async (file) => {
    const r = await runScenario(await loadScenarioFile(join(DIR, file)), { durationMs: FIRST_MS });
    expect(r.completed).toBe(true);
    expect(r.simulatedMs).toBe(FIRST_MS);
    expect(checkRunResult(r)).toEqual([]);
    expect(r.totals.headroom.length).toBeGreaterThan(0);
    expect(r.totals.failover).toHaveLength(r.scenario.clusters.length);
  }, 120_000);

  it('instant-vs-full-density holds every container of both modes, more memory per full clone, and the full host first full', async () => {
    const r = await runScenario(await loadScenarioFile(join(DIR, 'instant-vs-full-density.yaml')), { durationMs: FIRST_MS });
    const last = lastHosts(r.hostSeries);
    expect(last.map((h) => h.containers)).toEqual([1000, 1000]);
    const [instant, full] = last.map((h) => h.memory.consumedMB);
    expect(full!).toBeGreaterThan(instant! * 1.5);
    expect(r.totals.headroom.map((h) => h.limitedBy)).toEqual(['vmsPerHost', 'memory']);
  }, 120_000);
});

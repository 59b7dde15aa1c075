/**
 * A regression check for speed work on the runner, the sampler and guest memory: a fixed scenario
 * (fixtures/regression-scenario.ts) gives exactly the totals, last sample and hosts at the last sample recorded in
 * fixtures/totals-regression.json. A change meant to be faster and nothing else keeps this green;
 * a change that alters the model's figures on purpose rewrites the fixture in the same commit.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/capacity/report/json.js';
import { lastHosts } from '../../../src/capacity/report/host-series.js';
import { runScenario } from '../../../src/capacity/runner/index.js';
import { parseScenario } from '../../../src/capacity/scenario/load.js';
import { REGRESSION_SCENARIO } from './fixtures/regression-scenario.js';

const RECORDED = readFileSync(resolve(import.meta.dirname, 'fixtures/totals-regression.json'), 'utf8');

describe('the totals of a fixed scenario', () => {
  it('equal the recorded ones byte for byte', async () => {
    const r = await runScenario(parseScenario(REGRESSION_SCENARIO));
    expect(canonicalJson({ totals: r.totals, lastSample: r.samples.at(-1), lastHosts: lastHosts(r.hostSeries) })).toBe(RECORDED);
  }, 60_000);
});

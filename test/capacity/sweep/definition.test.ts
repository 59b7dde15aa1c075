/** Reading a sweep: the sweep section and --vary axes, and every grid point validated with errors that name the offending path. */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweepFile, parseSweep, pointDocument, readDocument } from '../../../src/capacity/sweep/definition.js';
import { SweepError } from '../../../src/capacity/sweep/errors.js';
import { parseAxisSetting, type SweepAxis } from '../../../src/capacity/sweep/grid.js';

const BASE = `name: tiny
description: a tiny sweep
duration: 20m
sampleInterval: 5m
clusters: [{ preset: cluster, hosts: 2, host: { cores: 4, memory: 4g } }]
vchs: [{ name: default }]
profiles: [{ name: web, memory: 512m, workingSet: 64m, lifetime: forever }]
arrivals: [{ kind: poisson, profile: web, rate: 60/h }]
`;

const WITH_SECTION = `${BASE}sweep:
  vchs.provisioning: [instant, full]
  arrivals.0.rate: [30/h, 60/h, 120/h]
`;

function vary(...settings: string[]): SweepAxis[] {
  return settings.map((s) => parseAxisSetting(s) as SweepAxis);
}

function issuesOf(run: () => unknown): { path: string; message: string; line?: number }[] {
  try {
    run();
  } catch (e) {
    if (e instanceof SweepError) return [...e.issues];
    throw e;
  }
  throw new Error('expected a SweepError');
}

describe('a sweep definition', () => {
  it('expands its sweep section into validated scenarios, first parameter slowest', () => {
    const plan = parseSweep(WITH_SECTION, { source: 'tiny.yaml' });
    expect(plan.name).toBe('tiny');
    expect(plan.axes.map((a) => [a.path.text, a.labels])).toEqual([
      ['vchs.provisioning', ['instant', 'full']],
      ['arrivals.0.rate', ['30/h', '60/h', '120/h']],
    ]);
    expect(plan.points.map((p) => [p.scenario.vchs[0]!.provisioning, p.scenario.arrivals[0]!.kind === 'poisson' && p.scenario.arrivals[0]!.ratePerSec * 3600])).toEqual([
      ['instant', 30], ['instant', 60], ['instant', 120],
      ['full', 30], ['full', 60], ['full', 120],
    ]);
  });

  it('adds --vary axes after the file\'s, a --vary on the same path replacing the file\'s', () => {
    const plan = parseSweep(WITH_SECTION, { extraAxes: vary('arrivals.0.rate=10/h', 'seed=1,2') });
    expect(plan.axes.map((a) => a.path.text)).toEqual(['vchs.provisioning', 'arrivals.0.rate', 'seed']);
    expect(plan.points).toHaveLength(4);
    expect(plan.points.map((p) => p.scenario.seed)).toEqual([1, 2, 1, 2]);
  });

  it('sweeps a plain scenario given only --vary axes', () => {
    expect(parseSweep(BASE, { extraAxes: vary('clusters.0.hosts=1,2,3') }).points.map((p) => p.scenario.clusters[0]!.hosts.length)).toEqual([1, 2, 3]);
  });

  it('names the path and the point when a swept value is one the scenario refuses', () => {
    expect(issuesOf(() => parseSweep(BASE, { extraAxes: vary('vchs.provisioning=instant,fast') }))).toEqual([
      { path: 'vchs[0].provisioning', message: "expected 'instant' or 'linked' or 'full' or 'boot', got 'fast' (with vchs.provisioning=fast)" },
    ]);
    expect(issuesOf(() => parseSweep(BASE, { extraAxes: vary('arrivals.0.rate=2,4') }))).toEqual([
      { path: 'arrivals[0].rate', message: "expected a rate like '30/h' or '0.5/s', got 2 (with arrivals.0.rate=2)" },
      { path: 'arrivals[0].rate', message: "expected a rate like '30/h' or '0.5/s', got 4 (with arrivals.0.rate=4)" },
    ]);
  });

  it('names a misspelt key, and an index past the end of a list, before running anything', () => {
    expect(issuesOf(() => parseSweep(BASE, { extraAxes: vary('vchs.0.provisoning=full') }))).toEqual([{ path: 'vchs[0].provisoning', message: "unknown key 'provisoning'" }]);
    expect(issuesOf(() => parseSweep(BASE, { extraAxes: vary('vchs.3.provisioning=full') }))).toEqual([{ path: 'vchs[3]', message: 'no such element: vchs has 1 (parameter vchs.3.provisioning)' }]);
  });

  it('reports a problem of the scenario itself once, without a point', () => {
    expect(issuesOf(() => parseSweep(BASE.replace('hosts: 2', 'hosts: lots'), { extraAxes: vary('seed=1,2,3') }))).toEqual([{ path: 'clusters[0].hosts', message: "expected a whole number ≥ 1, got 'lots'" }]);
  });

  it('refuses a sweep with nothing to vary, and a sweep section that is not a mapping, with its line', () => {
    expect(issuesOf(() => parseSweep(BASE))).toEqual([{ path: 'sweep', message: "nothing to sweep: add a 'sweep:' section or --vary PATH=V1,V2" }]);
    expect(issuesOf(() => parseSweep(`${BASE}sweep: [a, b]\n`))).toEqual([{ path: 'sweep', message: 'expected a mapping of parameter paths to lists of values', line: 9 }]);
    expect(issuesOf(() => parseSweep(`${BASE}sweep:\n  seed: []\n`))).toEqual([{ path: 'sweep.seed', message: 'no values given', line: 10 }]);
  });

  it('writes each point\'s document as the scenario with the point\'s values in place', () => {
    const plan = parseSweep(WITH_SECTION);
    const { base } = readDocument(WITH_SECTION, 'tiny.yaml');
    const doc = pointDocument(base, plan.axes, plan.points[4]!.valueIndices);
    expect(doc).not.toHaveProperty('sweep');
    expect(doc.vchs).toEqual([{ name: 'default', provisioning: 'full' }]);
    expect(doc.arrivals).toEqual([{ kind: 'poisson', profile: 'web', rate: '60/h' }]);
  });
});

describe('the shipped example sweep', () => {
  it('clone-density-by-arrival-rate crosses instant and full clones with four arrival rates on the same hosts', async () => {
    const plan = await loadSweepFile(resolve(import.meta.dirname, '../../../examples/scenarios/sweeps/clone-density-by-arrival-rate.yaml'));
    expect(plan.name).toBe('clone-density-by-arrival-rate');
    expect(plan.description.length).toBeGreaterThan(40);
    expect(plan.points.map((p) => p.scenario.vchs[0]!.provisioning)).toEqual(['instant', 'instant', 'instant', 'instant', 'full', 'full', 'full', 'full']);
    expect(plan.points.map((p) => { const a = p.scenario.arrivals[0]!; return a.kind === 'poisson' ? Math.round(a.ratePerSec * 3600) : 0; })).toEqual([45, 90, 180, 360, 45, 90, 180, 360]);
    expect(new Set(plan.points.map((p) => JSON.stringify(p.scenario.clusters))).size).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../../src/capacity/errors.js';
import { parseScenario } from '../../../src/capacity/scenario/load.js';

function issuesOf(text: string, format: 'yaml' | 'json' = 'yaml'): string[] {
  try {
    parseScenario(text, { format, source: 'test.yaml' });
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).code).toBe('InvalidArgument');
    return (err as ScenarioError).issues.map((i) => `${i.path}: ${i.message}${i.line ? ` (line ${i.line})` : ''}`);
  }
  throw new Error('the scenario was accepted');
}

const VALID = `duration: 1h
clusters:
  - hosts: [{ name: a }]
profiles:
  - name: web
`;

describe('scenario validation errors', () => {
  it('point at the offending value with its path and line', () => {
    const text = `# capacity
duration: 1d
clusters:
  - name: prod
    hosts:
      - name: h0
        memory: 256g
      - name: h1
        memory: 256g
      - name: h2
        cores: 32

        coreSpeed: 2.4GHz
        memory: lots
profiles:
  - name: web
`;
    expect(issuesOf(text)).toEqual(["clusters[0].hosts[2].memory: expected a size like '256g', got 'lots' (line 14)"]);
  });

  it('lists every problem at once, in document order', () => {
    const text = `duration: soon
clusters:
  - preset: cluster
    hosts: 0
    colour: blue
profiles:
  - name: web
    cpus: 1.5
    lifetime: { distribution: weibull }
arrivals:
  - { kind: poisson, profile: web, rate: 30 }
`;
    expect(issuesOf(text)).toEqual([
      "duration: expected a duration like '30s', '5m' or '2h', got 'soon' (line 1)",
      'clusters[0].hosts: expected a whole number ≥ 1, got 0 (line 4)',
      "clusters[0].colour: unknown key 'colour' (line 5)",
      'profiles[0].cpus: expected a whole number ≥ 1, got 1.5 (line 8)',
      "profiles[0].lifetime.distribution: expected 'fixed' or 'exponential' or 'lognormal' or 'forever', got 'weibull' (line 9)",
      "arrivals[0].rate: expected a rate like '30/h' or '0.5/s', got 30 (line 11)",
    ]);
  });

  it('name missing required keys at the object that lacks them', () => {
    expect(issuesOf('clusters:\n  - hosts: [{}]\n')).toEqual(["duration: expected a duration like '30s', '5m' or '2h', got nothing (line 1)", 'profiles: required: expected array (line 1)']);
  });

  it('check names across the scenario: profiles, VCHs, clusters and hosts', () => {
    const text = `${VALID}vchs:
  - { name: v, cluster: nowhere }
arrivals:
  - { kind: schedule, profile: db, vch: w, batches: [{ at: 2h, count: 1 }] }
events:
  - { kind: hostFailure, at: 10m, host: b }
  - { kind: poolLimit, at: 10m, vch: v }
`;
    expect(issuesOf(text)).toEqual([
      "vchs[0].cluster: no cluster named 'nowhere' (clusters: DC0_C0) (line 7)",
      "arrivals[0].batches[0].at: after the end of the run (1h0m0s) (line 9)",
      "arrivals[0].profile: no profile named 'db' (profiles: web) (line 9)",
      "arrivals[0].vch: no VCH named 'w' (VCHs: v) (line 9)",
      "events[0].host: no host named 'b' (line 11)",
      'events[1]: a poolLimit event needs cpu, memory or both (line 12)',
    ]);
  });

  it('refuse duplicate names, including hosts a preset names', () => {
    const text = `duration: 1h
clusters:
  - { name: c, preset: cluster, hosts: 2 }
  - { name: d, hosts: [{ name: c_H1 }] }
profiles: [{ name: web }, { name: web }]
`;
    expect(issuesOf(text)).toEqual(["clusters[1].hosts[0].name: duplicate host name 'c_H1' (line 4)", "profiles[1].name: duplicate profile name 'web' (line 5)"]);
  });

  it('check values against each other: limits, working sets, HA failures, curves', () => {
    const text = `duration: 1h
clusters:
  - { preset: cluster, hosts: 2, ha: { enabled: true, hostFailures: 2 } }
vchs:
  - memory: { reservation: 8g, limit: 4g }
profiles:
  - name: web
    memory: 256m
    workingSet: 1g
    cpu: { curve: [{ at: 1h, demand: 1GHz }, { at: 30m, demand: 2GHz }], period: 10m }
`;
    expect(issuesOf(text)).toEqual([
      "clusters[0].ha.hostFailures: tolerating 2 host failure(s) leaves no host of the cluster's 2 (line 3)",
      'vchs[0].memory.limit: limit 4096 MB is below the reservation 8192 MB (line 5)',
      'profiles[0].memory: a container VM needs at least 512 MB, got 256 MB (line 8)',
      "profiles[0].workingSet: working set 1024 MB exceeds the profile's memory 256 MB (line 9)",
      'profiles[0].cpu.curve[0].at: the first point of a curve must be at 0 (line 10)',
      'profiles[0].cpu.curve[1].at: curve points must be in increasing time order (line 10)',
      'profiles[0].cpu.period: the period must be longer than the last point (1800000 ms) (line 10)',
    ]);
  });

  it('report a bad calibration override at its key', () => {
    expect(issuesOf(`${VALID}calibration:\n  latency: { instantCloneMs: fast }\n`)).toEqual(['calibration.latency.instantCloneMs: calibration latency.instantCloneMs must be a number, got string (line 7)']);
    expect(issuesOf(`${VALID}calibration:\n  weather: {}\n`)).toEqual(['calibration.weather: unknown calibration section weather (line 7)']);
  });

  it('give YAML syntax errors their line', () => {
    const [issue] = issuesOf('duration: 1h\nclusters: [\n  {hosts: 1\nprofiles: x\n');
    expect(issue).toMatch(/\(line \d\)$/);
    expect(issuesOf('duration: 1h\nduration: 2h\n')[0]).toMatch(/Map keys must be unique.*\(line 2\)/);
  });

  it('give JSON errors their line too, and reject text that is YAML but not JSON', () => {
    const json = JSON.stringify({ duration: '1h', clusters: [{ hosts: [{ memory: 'lots' }] }], profiles: [{ name: 'web' }] }, null, 2);
    expect(issuesOf(json, 'json')).toEqual(["clusters[0].hosts[0].memory: expected a size like '256g', got 'lots' (line 7)"]);
    expect(issuesOf(VALID, 'json')[0]).toMatch(/^: not valid JSON/);
  });
});

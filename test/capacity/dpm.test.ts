/** DPM in capacity runs: its scenario settings, and hosts put in standby and woken in the report. */
import { describe, expect, it } from 'vitest';
import type { ScenarioError } from '../../src/capacity/errors.js';
import { markdownReport } from '../../src/capacity/report/markdown.js';
import { checkRunResult } from '../../src/capacity/report/totals.js';
import { runScenario } from '../../src/capacity/runner/index.js';
import { parseScenario } from '../../src/capacity/scenario/load.js';
import { lastHosts } from '../../src/capacity/report/host-series.js';

/** Four 16-core / 32 GB hosts and `count` quiet containers from the start, DPM as given. */
function quietScenario(dpm: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    name: 'dpm',
    seed: 3,
    duration: '2h',
    sampleInterval: '10m',
    dpm,
    clusters: [{ preset: 'cluster', hosts: 4, host: { cores: 16, memory: '32g' } }],
    vchs: [{ name: 'v', provisioning: 'instant' }],
    profiles: [{ name: 'p', memory: '1g', cpus: 1, workingSet: '128m', cpu: '200MHz', lifetime: 'forever' }],
    arrivals: [{ kind: 'schedule', profile: 'p', batches: [{ at: '0s', count: 8 }] }],
    ...extra,
  });
}

function issuesOf(text: string): string[] {
  try {
    parseScenario(text);
  } catch (err) {
    return (err as ScenarioError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  return [];
}

describe('DPM scenario settings', () => {
  it('fills the 45–81% band, one host kept on and a 5-minute boot when DPM is on', () => {
    const scenario = parseScenario(quietScenario({ enabled: true }));
    expect(scenario.clusters[0]!.dpm).toEqual({ enabled: true, threshold: 3, lowUtilization: 0.45, highUtilization: 0.81, minHostsOn: 1, hostBootMs: 300_000 });
  });

  it('takes the band, hosts kept on and boot time from the file', () => {
    const scenario = parseScenario(quietScenario({ enabled: true, threshold: 5, low: '30%', high: 0.9, minHostsOn: 2, hostBootTime: '3m' }));
    expect(scenario.clusters[0]!.dpm).toEqual({ enabled: true, threshold: 5, lowUtilization: 0.3, highUtilization: 0.9, minHostsOn: 2, hostBootMs: 180_000 });
  });

  it('keeps only the switch and threshold of a DPM that is off', () => {
    expect(parseScenario(quietScenario({ enabled: false, threshold: 4 })).clusters[0]!.dpm).toEqual({ enabled: false, threshold: 4 });
  });

  it('refuses DPM without DRS and a band whose low end is not below its high end, at their paths', () => {
    expect(issuesOf(quietScenario({ enabled: true }, { drs: { enabled: false } }))).toEqual(['clusters[0].dpm.enabled: DPM needs DRS (it evacuates the hosts DPM puts in standby): enable DRS or switch DPM off']);
    expect(issuesOf(quietScenario({ enabled: true, low: 0.8, high: 0.5 }))).toEqual(['clusters[0].dpm.low: the DPM band needs 0 < low < high, got 0.8–0.5']);
  });
});

describe('DPM in a capacity run', () => {
  it('puts idle hosts in standby, counts hosts on and in standby per sample, and states the assumption', async () => {
    const result = await runScenario(parseScenario(quietScenario({ enabled: true, threshold: 5 })));
    expect(checkRunResult(result)).toEqual([]);
    expect(result.samples.every((s) => s.dpm !== undefined && s.dpm.hostsOn + s.dpm.hostsStandby === 4)).toBe(true);
    const last = result.samples[result.samples.length - 1]!;
    expect(last.dpm!.hostsStandby).toBeGreaterThanOrEqual(1);
    expect(lastHosts(result.hostSeries).filter((h) => h.state === 'standby')).toHaveLength(last.dpm!.hostsStandby);
    expect(result.totals.dpm).toMatchObject({ standbys: last.dpm!.hostsStandby, powerOns: 0, maxHostsStandby: last.dpm!.hostsStandby });
    expect(result.samples.slice(0, 4).every((s) => s.dpm!.hostsStandby === 0)).toBe(true);
    expect(result.assumptions.some((a) => /^DPM \(threshold 5\) puts a host in standby .* below 45%/.test(a))).toBe(true);
    expect(markdownReport(result)).toMatch(/\| DPM \| \d+ host\(s\) put in standby, 0 woken/);
  });

  it('leaves samples and totals without DPM figures when DPM is off', async () => {
    const result = await runScenario(parseScenario(quietScenario({ enabled: false }, { duration: '20m' })));
    expect(result.samples.some((s) => s.dpm !== undefined)).toBe(false);
    expect(result.totals.dpm).toBeUndefined();
  });
});

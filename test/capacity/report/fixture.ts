/**
 * A hand-made CapacityRunResult for the writer tests: 4 hosts of 64 GB / 16 × 2 GHz, 25 samples
 * an hour apart (each host every 2 hours in the host series), host H1 failing at 12 h with 3 HA restarts, 40 provisioning samples. The numbers
 * are chosen so the totals can be worked out by hand (see the test that checks them).
 */
import { parseScenario } from '../../../src/capacity/scenario/load.js';
import { scenarioAssumptions } from '../../../src/capacity/report/assumptions.js';
import { deriveTotals, noRefusals } from '../../../src/capacity/report/totals.js';
import type { CapacityRunResult, CapacitySample, HostInfo, HostSample, HostSeries } from '../../../src/capacity/report/result.js';
import { HostSeriesRecorder, sumHostSamples } from '../../../src/capacity/runner/host-series.js';

export const FIXTURE_SCENARIO = parseScenario(`
name: fixture
description: A hand-made run for the report tests.
duration: 1d
sampleInterval: 1h
clusters:
  - preset: cluster
    hosts: 4
    host: { cores: 16, coreSpeed: 2GHz, memory: 64g }
    ha: { enabled: true }
profiles:
  - { name: web, memory: 1g, cpus: 1 }
arrivals:
  - { kind: poisson, profile: web, rate: 10/h }
events:
  - { kind: hostFailure, at: 12h, host: DC0_C0_H1 }
`);

const HOUR = 3_600_000;
export const SAMPLE_COUNT = 25;

/** Host `h` at hour `i`: 10 containers per hour up to 40 per host, none on H1 after its failure. */
function hostPoint(h: number, i: number): HostSample {
  const failed = h === 1 && i >= 12;
  const containers = failed ? 0 : Math.min(40, 10 + i * 2 + (i >= 12 && h !== 1 ? 4 : 0));
  const capacityMB = 65_536;
  const overheadMB = containers * 30;
  const sharedByForkMB = containers > 0 ? 512 : 0;
  const privateMB = containers * 300;
  const freeMB = capacityMB - overheadMB - sharedByForkMB - privateMB;
  return {
    state: failed ? 'failed' : 'connected',
    containers,
    vcpus: containers,
    cpuDemandMHz: containers * 200 + (i % 6) * 100,
    cpuCapacityMHz: failed ? 0 : 32_000,
    memory: { capacityMB, consumedMB: capacityMB - freeMB, privateMB, sharedByForkMB, sharedByTpsMB: 0, zeroMB: containers * 100, overheadMB, freeMB, configuredMB: containers * 1024 },
  };
}

/** Every host at hour `i`. */
function hostSamples(i: number): HostSample[] {
  return [0, 1, 2, 3].map((h) => hostPoint(h, i));
}

function sample(i: number): CapacitySample {
  const hosts = hostSamples(i);
  const refused = noRefusals();
  if (i === 20) refused.noHostFits = 2;
  return {
    tMs: i * HOUR,
    running: hosts.reduce((s, h) => s + h.containers, 0),
    placed: i === 0 ? 40 : 8,
    refused,
    ...sumHostSamples(hosts, FIXTURE_HOSTS),
    imbalance: [i === 12 ? 0.31 : 0.02 + (i % 4) * 0.01],
    vmotions: i === 13 ? 5 : 0,
    vmotionMB: i === 13 ? 5 * 1024 : 0,
    haRestarts: i === 12 ? 3 : 0,
  };
}

export const FIXTURE_HOSTS: HostInfo[] = [0, 1, 2, 3].map((i) => ({ name: `DC0_C0_H${i}`, cluster: 'DC0_C0', cpuCores: 16, cpuMhzPerCore: 2000, memoryMB: 65_536 }));

/** Every host every 2 hours (the series' interval) and at the last sample. */
function hostSeries(): HostSeries {
  const recorder = new HostSeriesRecorder(FIXTURE_HOSTS.length, 2 * HOUR, 24 * HOUR);
  for (let i = 0; i < SAMPLE_COUNT; i++) recorder.offer(i * HOUR, hostSamples(i));
  return recorder.finish();
}

/** The fixture result; `completed` false makes it an interrupted run. */
export function fixtureResult(completed = true): CapacityRunResult {
  const samples = Array.from({ length: SAMPLE_COUNT }, (_, i) => sample(i));
  const haRestarts = [0, 1, 2].map((k) => ({ tMs: 12 * HOUR + 20_000 + k * 5000, container: `s0-${k}`, fromHost: 'DC0_C0_H1', toHost: `DC0_C0_H${k === 1 ? 2 : 0}`, latencyMs: 20_000 + k * 5000 }));
  const provisioning = Array.from({ length: 40 }, (_, k) => ({ tMs: k * 1_800_000, profile: 'web', mode: 'instant' as const, latencyMs: 100 + (k % 10) * 20 }));
  const records = { samples, haRestarts, provisioning };
  const facts = {
    headroom: [{ profile: 'web', vch: 'default', additional: 96, limitedBy: 'haAdmission' as const }],
    failover: [{ cluster: 'DC0_C0', hostFailures: 1, policy: 'slot' as const }],
  };
  return {
    version: 2,
    scenario: FIXTURE_SCENARIO,
    completed,
    simulatedMs: 24 * HOUR,
    hosts: FIXTURE_HOSTS,
    samples,
    hostSeries: hostSeries(),
    timeline: [{ tMs: 12 * HOUR, kind: 'hostFailure', target: 'DC0_C0_H1', detail: '30 VMs lost; 3 restarted by HA' }],
    haRestarts,
    provisioning,
    totals: deriveTotals(records, facts),
    assumptions: scenarioAssumptions(FIXTURE_SCENARIO),
  };
}

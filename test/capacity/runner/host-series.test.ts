import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostAt, hostsAt } from '../../../src/capacity/report/host-series.js';
import type { HostSample } from '../../../src/capacity/report/result.js';
import { checkRunResult } from '../../../src/capacity/report/totals.js';
import { HostSeriesRecorder, sumHostSamples } from '../../../src/capacity/runner/host-series.js';
import { runScenario } from '../../../src/capacity/runner/index.js';
import { parseScenario } from '../../../src/capacity/scenario/load.js';

/** A host point whose every figure is drawn from `n` (the memory stacks to 1,000 MB). */
function point(n: number): HostSample {
  const privateMB = n % 400;
  return {
    state: n % 3 === 0 ? 'failed' : 'connected',
    containers: n % 7,
    vcpus: n % 11,
    cpuDemandMHz: n * 1.5,
    cpuCapacityMHz: n % 3 === 0 ? 0 : 2000,
    memory: { capacityMB: 1000, consumedMB: privateMB + 50, privateMB, sharedByForkMB: 20, sharedByTpsMB: 0, zeroMB: n % 13, overheadMB: 30, freeMB: 950 - privateMB, configuredMB: n % 17 },
  };
}

describe('the host series recorder', () => {
  it('keeps exactly the instants on its interval and the last one, with every host as offered', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 10 }), fc.nat(30), (hosts, every, steps, lastStepMs, cutShortBy) => {
        const stepMs = 10;
        // A run of this length whose last sample falls at lastT (cut short when cutShortBy > 0).
        const lastT = (steps - 1) * stepMs + lastStepMs;
        const recorder = new HostSeriesRecorder(hosts, every * stepMs, lastT + cutShortBy * stepMs);
        const offered: [number, HostSample[]][] = [];
        for (let i = 0; i <= steps; i++) {
          // The last instant of a run may fall between two steps (a run cut short or a duration off the grid).
          const t = i === steps ? lastT : i * stepMs;
          const points = Array.from({ length: hosts }, (_, h) => point(i * 31 + h));
          offered.push([t, points]);
          recorder.offer(t, points);
        }
        const series = recorder.finish();
        const kept = offered.filter(([t], k) => t % (every * stepMs) === 0 || k === offered.length - 1);
        expect(series.tMs).toEqual(kept.map(([t]) => t));
        expect(series.intervalMs).toBe(every * stepMs);
        series.hosts.forEach((h, i) => kept.forEach(([, points], j) => expect(hostAt(h, j)).toEqual(points[i])));
        // Every column holds exactly the recorded instants: nothing left over from the room made up front.
        for (const h of series.hosts) for (const c of [h.state, h.containers, h.vcpus, h.cpuDemandMHz, h.cpuCapacityMHz, ...Object.values(h.memory)]) expect(c).toHaveLength(kept.length);
      }),
      { numRuns: 150 },
    );
  });

  it('sums hosts as a sample does: connected hosts with their cores and memory, and every figure of all hosts', () => {
    const points = [point(1), point(3), point(5)];
    const totals = sumHostSamples(points, [{ cpuCores: 8 }, { cpuCores: 16 }, { cpuCores: 32 }]);
    expect(totals.connected).toEqual({ hosts: 2, cpuCores: 40, memoryMB: 2000 });
    expect(totals.vcpus).toBe(1 + 3 + 5);
    expect(totals.cpuCapacityMHz).toBe(4000);
    expect(totals.memory.privateMB).toBe(1 + 3 + 5);
    expect(totals.memory.capacityMB).toBe(3000);
  });
});

const scenario = (hostSampleInterval: string) =>
  parseScenario(
    JSON.stringify({
      name: 'series',
      seed: 4,
      duration: '125m',
      sampleInterval: '10m',
      hostSampleInterval,
      clusters: [{ preset: 'cluster', hosts: 3, host: { cores: 16, memory: '32g' } }],
      vchs: [{ name: 'v', provisioning: 'instant' }],
      profiles: [{ name: 'p', memory: '1g', cpus: 1, workingSet: '128m', dirtyRate: '8k/s', cpu: '300MHz', lifetime: { distribution: 'exponential', mean: '40m' } }],
      arrivals: [{ kind: 'poisson', profile: 'p', rate: '90/h' }],
      events: [{ kind: 'hostFailure', at: '45m', host: 'DC0_C0_H2' }],
    }),
  );

describe('a run\'s host series', () => {
  it('at three sampling intervals equals the every-sample series at its instants, the last sample included', async () => {
    const fine = await runScenario(scenario('10m'));
    const coarse = await runScenario(scenario('30m'));
    expect(checkRunResult(fine)).toEqual([]);
    expect(checkRunResult(coarse)).toEqual([]);
    expect(fine.hostSeries.tMs).toEqual(fine.samples.map((s) => s.tMs));
    expect(coarse.hostSeries.tMs).toEqual([0, 1_800_000, 3_600_000, 5_400_000, 7_200_000, 7_500_000]);
    for (const t of coarse.hostSeries.tMs) expect(hostsAt(coarse.hostSeries, t)).toEqual(hostsAt(fine.hostSeries, t));
    // Each sample's figures are its hosts' summed.
    fine.samples.forEach((s) => {
      const hosts = hostsAt(fine.hostSeries, s.tMs)!;
      expect(s.vcpus).toBe(hosts.reduce((a, h) => a + h.vcpus, 0));
      expect(s.connected.hosts).toBe(hosts.filter((h) => h.state === 'connected').length);
    });
    expect(hostsAt(fine.hostSeries, 3_600_000)![2]).toMatchObject({ state: 'failed', containers: 0 });
  }, 60_000);
});

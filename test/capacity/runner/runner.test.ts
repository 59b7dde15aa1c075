/** The capacity runner: known answers, headroom against a brute-force oracle, determinism and interruption. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/capacity/report/json.js';
import { checkRunResult } from '../../../src/capacity/report/totals.js';
import { runScenario } from '../../../src/capacity/runner/index.js';
import { parseScenario } from '../../../src/capacity/scenario/load.js';
import { overheadMB } from '../../../src/sim/overhead.js';
import { maxPlaceable } from './oracle.js';
import { hostsAt, lastHosts } from '../../../src/capacity/report/host-series.js';

/** Hosts given as [cores, MHz per core, memory MB]. */
function reservedScenario(hosts: readonly [number, number, number][], opts: { count: number; cpuMHz: number; memoryMB: number; poolLimitMB?: number; drs?: boolean }): string {
  return JSON.stringify({
    name: 'reserved',
    seed: 4,
    duration: '10m',
    sampleInterval: '1m',
    drs: { enabled: opts.drs ?? false },
    clusters: [{ name: 'c', hosts: hosts.map(([cores, mhz, mem]) => ({ cores, coreSpeed: `${mhz}MHz`, memory: `${mem}m` })) }],
    vchs: [{ name: 'v', provisioning: 'boot', ...(opts.poolLimitMB ? { memory: { limit: `${opts.poolLimitMB}m` } } : {}) }],
    profiles: [{ name: 'p', memory: `${opts.memoryMB}m`, cpus: 1, workingSet: '32m', cpu: '100MHz', reservation: { cpu: `${opts.cpuMHz}MHz`, memory: `${opts.memoryMB}m` }, lifetime: 'forever' }],
    arrivals: [{ kind: 'schedule', profile: 'p', batches: [{ at: '0s', count: opts.count }] }],
  });
}

const instantScenario = (seed: number) =>
  parseScenario(
    JSON.stringify({
      name: 'instant',
      seed,
      duration: '2h',
      sampleInterval: '10m',
      clusters: [{ preset: 'cluster', hosts: 2, host: { cores: 16, memory: '32g' } }],
      vchs: [{ name: 'v', provisioning: 'instant' }],
      profiles: [{ name: 'p', memory: '1g', cpus: 1, workingSet: '128m', dirtyRate: '8k/s', cpu: '200MHz', lifetime: { distribution: 'exponential', mean: '30m' } }],
      arrivals: [{ kind: 'poisson', profile: 'p', rate: '60/h' }],
      events: [{ kind: 'hostFailure', at: '50m', host: 'DC0_C0_H1' }, { kind: 'recover', at: '70m', host: 'DC0_C0_H1' }],
    }),
  );

describe('runScenario', () => {
  it('gives the consolidation ratio and failover capacity one computes by hand', async () => {
    // 12 containers reserving 4 GB each on 4 hosts of 16 cores and 32 GB: 3 per host, 24 vCPUs on
    // 64 cores; their ~50 GB of reservations still fit on 2 hosts (64 GB) but not on 1 (32 GB): N+2.
    const r = await runScenario(parseScenario(reservedScenario([[16, 2000, 32768], [16, 2000, 32768], [16, 2000, 32768], [16, 2000, 32768]], { count: 12, cpuMHz: 0, memoryMB: 4096 })));
    expect(checkRunResult(r)).toEqual([]);
    expect(r.totals.placed).toBe(12);
    expect(r.totals.atPeak.containersPerHost).toBe(3);
    expect(r.totals.atPeak.vcpuPerPcpu).toBe(12 / 64);
    expect(r.totals.failover).toEqual([{ cluster: 'c', hostFailures: 2, policy: 'slot' }]);
    expect(lastHosts(r.hostSeries).map((h) => h.containers)).toEqual([3, 3, 3, 3]);
  });

  it('finds as much headroom as a brute-force placement oracle', async () => {
    const host = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.constantFrom(1000, 2000), fc.constantFrom(4096, 8192, 12288));
    await fc.assert(
      fc.asyncProperty(fc.array(host, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom(500, 1500), fc.constantFrom(1024, 3072), fc.option(fc.constantFrom(10_000, 16_000), { nil: undefined }), async (hosts, count, cpuMHz, memoryMB, poolLimitMB) => {
        const r = await runScenario(parseScenario(reservedScenario(hosts, { count, cpuMHz, memoryMB, poolLimitMB })));
        const need = { cpuMHz, memoryMB: memoryMB + Math.ceil(overheadMB(memoryMB, 1)) };
        // Where the run left its containers is fixed; the oracle places more on what is left.
        const running = lastHosts(r.hostSeries).map((h) => h.containers);
        const left = hosts.map(([cores, mhz, mem], i) => ({ cpuMHz: cores * mhz - running[i]! * need.cpuMHz, memoryMB: mem - running[i]! * need.memoryMB }));
        const poolLeft = poolLimitMB === undefined ? undefined : poolLimitMB - r.totals.placed * need.memoryMB;
        expect(r.totals.placed).toBeLessThanOrEqual(maxPlaceable(hosts.map(([cores, mhz, mem]) => ({ cpuMHz: cores * mhz, memoryMB: mem })), need, poolLimitMB));
        expect(r.totals.headroom).toHaveLength(1);
        expect(r.totals.headroom[0]!.additional).toBe(maxPlaceable(left, need, poolLeft));
      }),
      { numRuns: 40 },
    );
  });

  it('returns byte-identical results for the same seed, and different ones for another seed', async () => {
    const a = canonicalJson(await runScenario(instantScenario(9)));
    const b = canonicalJson(await runScenario(instantScenario(9)));
    const c = canonicalJson(await runScenario(instantScenario(10)));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('drives instant clones, departures and a host failure into a valid report', async () => {
    const r = await runScenario(instantScenario(9));
    expect(checkRunResult(r)).toEqual([]);
    expect(r.completed).toBe(true);
    expect(r.samples.map((s) => s.tMs)).toEqual(Array.from({ length: 13 }, (_, i) => i * 600_000));
    expect(r.totals.placed).toBeGreaterThan(60);
    expect(r.provisioning.every((p) => p.mode === 'instant' && p.latencyMs > 0)).toBe(true);
    expect(r.timeline.map((e) => [e.tMs, e.kind])).toEqual([[3_000_000, 'hostFailure'], [4_200_000, 'recover']]);
    expect(hostsAt(r.hostSeries, 3_600_000)![1]).toMatchObject({ state: 'failed', containers: 0, cpuCapacityMHz: 0 });
    expect(r.totals.atPeak.sharedByForkMB).toBeGreaterThan(0);
    expect(r.assumptions.some((a) => a.startsWith('DRS places new VMs and balances every 300 s'))).toBe(true);
  });

  it('lets HA restart the containers of a failed host on the survivor', async () => {
    const scenario = parseScenario(
      JSON.stringify({
        name: 'ha',
        seed: 9,
        duration: '2h',
        sampleInterval: '10m',
        clusters: [{ preset: 'cluster', hosts: 2, host: { cores: 16, memory: '32g' }, ha: { enabled: true } }],
        vchs: [{ name: 'v', provisioning: 'instant' }],
        profiles: [{ name: 'p', memory: '1g', cpus: 1, workingSet: '128m', dirtyRate: '8k/s', cpu: '200MHz', lifetime: 'forever' }],
        arrivals: [{ kind: 'poisson', profile: 'p', rate: '60/h' }],
        events: [{ kind: 'hostFailure', at: '50m', host: 'DC0_C0_H1' }],
      }),
    );
    const r = await runScenario(scenario);
    expect(checkRunResult(r)).toEqual([]);
    const failure = r.timeline.find((e) => e.kind === 'hostFailure')!;
    const restarted = Number(/HA restarts (\d+) container/.exec(failure.detail)![1]);
    expect(restarted).toBeGreaterThan(0);
    // HA restarts every VM of the host: the containers and the host's instant-clone template.
    expect(r.samples.reduce((n, s) => n + s.haRestarts, 0)).toBe(restarted + 1);
    expect(r.assumptions.some((a) => a.startsWith('HA restarts the VMs of a failed host'))).toBe(true);
    const after = r.samples.find((s) => s.tMs === 3_600_000)!;
    expect(hostsAt(r.hostSeries, 3_600_000)![1]).toMatchObject({ state: 'failed', containers: 0 });
    expect(after.running).toBeGreaterThanOrEqual(r.samples.find((s) => s.tMs === 3_000_000)!.running);
  });

  it('stops when its signal aborts and returns a valid partial report', async () => {
    const abort = new AbortController();
    const r = await runScenario(instantScenario(9), { signal: abort.signal, onProgress: (p) => p.simulatedMs >= 1_800_000 && abort.abort() });
    expect(r.completed).toBe(false);
    expect(r.simulatedMs).toBe(1_800_000);
    expect(r.samples).toHaveLength(4);
    expect(r.totals.headroom).toEqual([]);
    expect(checkRunResult(r)).toEqual([]);
  });

  it('runs only the requested part of a long scenario', async () => {
    const r = await runScenario(instantScenario(9), { durationMs: 1_200_000 });
    expect(r.scenario.durationMs).toBe(1_200_000);
    expect(r.simulatedMs).toBe(1_200_000);
    expect(r.samples).toHaveLength(3);
  });
});

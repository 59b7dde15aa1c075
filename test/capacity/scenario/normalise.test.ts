import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CALIBRATION } from '../../../src/sim/calibration.js';
import { Rng } from '../../../src/sim/rng.js';
import { cpuDemandAt, diurnalMultiplier, maxDiurnalMultiplier, sampleLifetimeMs } from '../../../src/capacity/scenario/evaluate.js';
import { parseScenario } from '../../../src/capacity/scenario/load.js';
import type { CpuDemand } from '../../../src/capacity/scenario/types.js';

const MINIMAL = `duration: 2h
clusters:
  - hosts: [{}]
profiles:
  - name: web
`;

describe('a normalised scenario', () => {
  it('fills every default of a minimal scenario', () => {
    const s = parseScenario(MINIMAL, { baseDir: '/scenarios' });
    expect(s).toEqual({
      name: 'scenario',
      description: '',
      seed: 1,
      durationMs: 7_200_000,
      sampleIntervalMs: 300_000,
      hostSampleIntervalMs: 300_000,
      clusters: [
        {
          name: 'DC0_C0',
          hosts: [{ name: 'DC0_C0_H0', cpuCores: 32, cpuMhzPerCore: 2400, memoryMB: 262_144 }],
          datastoreBytes: 16 * 1024 ** 4,
          drs: { enabled: true, migrationThreshold: 3, intervalMs: 300_000 },
          ha: { enabled: false, admission: { policy: 'slot', hostFailures: 1 } },
          dpm: { enabled: false, threshold: 3 },
        },
      ],
      vchs: [
        {
          name: 'default',
          cluster: 'DC0_C0',
          provisioning: 'instant',
          cpu: { reservation: 0, limit: -1, shares: { level: 'normal', shares: 4000 }, expandableReservation: true },
          memory: { reservation: 0, limit: -1, shares: { level: 'normal', shares: 163_840 }, expandableReservation: true },
          maxContainers: null,
        },
      ],
      profiles: [
        {
          name: 'web',
          memoryMB: 2048,
          cpus: 2,
          workingSetMB: 512,
          dirtyBytesPerSec: 0,
          locality: 0.9,
          zeroShare: 0,
          cpu: { kind: 'constant', mhz: 200 },
          lifetime: { kind: 'forever' },
          reservation: { cpuMHz: 0, memoryMB: 0 },
        },
      ],
      arrivals: [],
      events: [],
      calibrationOverrides: {},
      calibration: DEFAULT_CALIBRATION,
    });
  });

  it('samples each host at the smallest multiple of the sampling interval giving at most 500 points, or as written', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 24 * 60 }), fc.integer({ min: 1, max: 60 }), (durationMin, everyMin) => {
        fc.pre(everyMin <= durationMin);
        const s = parseScenario(`duration: ${durationMin}m\nsampleInterval: ${everyMin}m\nclusters:\n  - hosts: [{}]\nprofiles:\n  - name: web\n`);
        const k = s.hostSampleIntervalMs / s.sampleIntervalMs;
        const points = (m: number) => Math.ceil(durationMin / everyMin / m);
        expect(Number.isInteger(k) && k >= 1).toBe(true);
        expect(points(k)).toBeLessThanOrEqual(500);
        if (k > 1) expect(points(k - 1)).toBeGreaterThan(500);
      }),
      { numRuns: 200 },
    );
    expect(parseScenario(`duration: 30d\nclusters:\n  - hosts: [{}]\nprofiles:\n  - name: web\n`).hostSampleIntervalMs).toBe(18 * 300_000);
    expect(parseScenario(`duration: 30d\nhostSampleInterval: 5m\nclusters:\n  - hosts: [{}]\nprofiles:\n  - name: web\n`).hostSampleIntervalMs).toBe(300_000);
    expect(() => parseScenario(`duration: 1d\nhostSampleInterval: 7m\nclusters:\n  - hosts: [{}]\nprofiles:\n  - name: web\n`)).toThrow('hostSampleInterval: expected a multiple of the sampling interval (300000 ms), got 420000 ms');
  });

  it('expands a preset into hosts named as the hypervisor presets name them', () => {
    const s = parseScenario('duration: 1h\nclusters:\n  - { preset: cluster, hosts: 3, host: { cores: 8, coreSpeed: 3GHz, memory: 64g } }\nprofiles: [{ name: w }]\n');
    expect(s.clusters[0]!.hosts.map((h) => [h.name, h.cpuCores, h.cpuMhzPerCore, h.memoryMB])).toEqual([
      ['DC0_C0_H0', 8, 3000, 65_536],
      ['DC0_C0_H1', 8, 3000, 65_536],
      ['DC0_C0_H2', 8, 3000, 65_536],
    ]);
  });

  it('applies top-level DRS and HA settings to clusters that set none, and defaults the percentage reserve to failures ÷ hosts', () => {
    const s = parseScenario(`duration: 1h
drs: { migrationThreshold: 5 }
ha: { enabled: true, policy: percentage }
clusters:
  - { preset: cluster, hosts: 4 }
  - { preset: cluster, hosts: 2, drs: { enabled: false } }
profiles: [{ name: w }]
`);
    expect(s.clusters[0]!.drs.migrationThreshold).toBe(5);
    expect(s.clusters[1]!.drs).toEqual({ enabled: false, migrationThreshold: 3, intervalMs: 300_000 });
    expect(s.clusters[0]!.ha.admission).toEqual({ policy: 'percentage', cpuFraction: 0.25, memoryFraction: 0.25 });
    expect(s.clusters[1]!.ha.admission).toEqual({ policy: 'percentage', cpuFraction: 0.5, memoryFraction: 0.5 });
  });

  it('takes VM sizing defaults from the calibration, overrides included, and rounds memory up as VIC does', () => {
    const s = parseScenario(`${MINIMAL}  - { name: odd, memory: 1000m }\ncalibration:\n  vm: { defaultMemoryMB: 1024, defaultCpus: 1 }\n`);
    expect(s.profiles.map((p) => [p.name, p.memoryMB, p.cpus])).toEqual([
      ['web', 1024, 1],
      ['odd', 1024, 1],
    ]);
    expect(s.calibration.vm.defaultMemoryMB).toBe(1024);
    expect(s.calibrationOverrides).toEqual({ vm: { defaultMemoryMB: 1024, defaultCpus: 1 } });
  });

  it('reads JSON and YAML of the same scenario to the same result', () => {
    const doc = { duration: '1d', seed: 9, clusters: [{ preset: 'cluster', hosts: 2 }], profiles: [{ name: 'w', memory: '4g', lifetime: { distribution: 'exponential', mean: '2h' } }], arrivals: [{ kind: 'poisson', profile: 'w', rate: '30/h', diurnal: { sinusoid: { amplitude: 0.5, peakHour: 14 } } }] };
    expect(parseScenario(JSON.stringify(doc), { format: 'json' })).toEqual(parseScenario(JSON.stringify(doc)));
  });

  it('resolves trace paths against the scenario folder and sorts events by time', () => {
    const s = parseScenario(`${MINIMAL}arrivals:\n  - { kind: trace, profile: web, file: ../traces/t.csv, format: simple }\nevents:\n  - { kind: recover, at: 1h, host: DC0_C0_H0 }\n  - { kind: hostFailure, at: 30m, host: DC0_C0_H0 }\n`, { baseDir: '/x/scenarios' });
    expect(s.arrivals[0]).toMatchObject({ file: '../traces/t.csv', resolvedPath: '/x/traces/t.csv', timeScale: 1, skipMs: 0, maxRecords: null, reorderWindow: 0 });
    expect(s.events.map((e) => [e.kind, e.atMs])).toEqual([
      ['hostFailure', 1_800_000],
      ['recover', 3_600_000],
    ]);
  });

  it('converts any size written in MB to whole MB rounded up to the 128 MB granule', () => {
    fc.assert(
      fc.property(fc.integer({ min: 512, max: 1 << 20 }), fc.constantFrom('m', 'MB', 'MiB', ''), (mb, unit) => {
        const s = parseScenario(`duration: 1h\nclusters: [{ hosts: [{}] }]\nprofiles: [{ name: w, memory: '${mb}${unit}', workingSet: 1m }]\n`);
        expect(s.profiles[0]!.memoryMB).toBe(Math.ceil(mb / 128) * 128);
      }),
      { numRuns: 100 },
    );
  });
});

describe('scenario evaluation', () => {
  const curve: CpuDemand = { kind: 'curve', points: [{ atMs: 0, mhz: 100 }, { atMs: 1000, mhz: 300 }, { atMs: 3000, mhz: 200 }], periodMs: 4000, clock: 'container' };

  it('interpolates a CPU curve linearly and wraps a periodic one back to its start', () => {
    expect([0, 500, 1000, 2000, 3000, 3500, 4000, 4500].map((t) => cpuDemandAt(curve, t))).toEqual([100, 200, 300, 250, 200, 150, 100, 200]);
    expect(cpuDemandAt({ ...curve, periodMs: null }, 10_000)).toBe(200);
  });

  it('keeps CPU demand between the lowest and highest point of a curve', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (t) => {
        const v = cpuDemandAt(curve, t);
        expect(v).toBeGreaterThanOrEqual(100);
        expect(v).toBeLessThanOrEqual(300);
      }),
      { numRuns: 200 },
    );
  });

  it('gives diurnal multipliers by hour of day and bounds them by their maximum', () => {
    const hourly = { kind: 'hourly' as const, multipliers: Array.from({ length: 24 }, (_, h) => h / 10) };
    expect(diurnalMultiplier(hourly, 25 * 3_600_000 + 10)).toBe(0.1);
    const sinus = { kind: 'sinusoid' as const, amplitude: 0.5, peakHour: 14 };
    expect(diurnalMultiplier(sinus, 14 * 3_600_000)).toBeCloseTo(1.5);
    expect(diurnalMultiplier(sinus, 2 * 3_600_000)).toBeCloseTo(0.5);
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 * 86_400_000 }), (t) => diurnalMultiplier(sinus, t) <= maxDiurnalMultiplier(sinus) + 1e-12 && diurnalMultiplier(hourly, t) <= maxDiurnalMultiplier(hourly)), { numRuns: 200 });
  });

  it('draws lifetimes from the seed: same seed, same lifetimes; lognormal median near its parameter', () => {
    const dist = { kind: 'lognormal' as const, medianMs: 3_600_000, sigma: 1 };
    const draw = (seed: number) => {
      const rng = Rng.seeded(seed);
      return Array.from({ length: 2001 }, () => sampleLifetimeMs(dist, rng)!);
    };
    expect(draw(4)).toEqual(draw(4));
    const sorted = draw(4).sort((a, b) => a - b);
    expect(sorted[1000]! / 3_600_000).toBeGreaterThan(0.85);
    expect(sorted[1000]! / 3_600_000).toBeLessThan(1.15);
    expect(sampleLifetimeMs({ kind: 'forever' }, Rng.seeded(1))).toBeNull();
  });
});

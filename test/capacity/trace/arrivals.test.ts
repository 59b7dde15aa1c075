import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/capacity/scenario/load.js';
import { scenarioArrivals, type Arrival } from '../../../src/capacity/trace/arrivals.js';

async function all(it: AsyncIterable<Arrival>): Promise<Arrival[]> {
  const out: Arrival[] = [];
  for await (const a of it) out.push(a);
  return out;
}

const BASE = `clusters: [{ hosts: [{ coreSpeed: 2GHz }] }]
profiles:
  - { name: web, memory: 1g, workingSet: 256m, cpus: 1, lifetime: { distribution: exponential, mean: 1h } }
  - { name: db, memory: 8g, cpus: 4 }
`;

describe('scenario arrivals', () => {
  it('merge every stream in time order, ties by stream, and are the same for the same seed', async () => {
    const s = parseScenario(`duration: 10h\nseed: 5\n${BASE}arrivals:
  - { kind: poisson, profile: web, rate: 60/h }
  - { kind: schedule, profile: db, batches: [{ at: 2h, count: 3 }, { at: 0s, count: 2 }] }
`);
    const a = await all(scenarioArrivals(s));
    const b = await all(scenarioArrivals(s));
    expect(a).toEqual(b);
    for (let i = 1; i < a.length; i++) expect(a[i]!.atMs).toBeGreaterThanOrEqual(a[i - 1]!.atMs);
    expect(a.slice(0, 2).map((x) => x.id)).toEqual(['s1-0', 's1-1']);
    expect(a.filter((x) => x.stream === 1).map((x) => x.atMs)).toEqual([0, 0, 7_200_000, 7_200_000, 7_200_000]);
    expect(a.filter((x) => x.stream === 1).every((x) => x.lifetimeMs === null && x.profile.name === 'db')).toBe(true);
    const other = await all(scenarioArrivals({ ...s, seed: 6 }));
    expect(other.map((x) => x.atMs)).not.toEqual(a.map((x) => x.atMs));
  });

  it('arrive at the Poisson rate, shaped by the diurnal pattern', async () => {
    const hourly = Array.from({ length: 24 }, (_, h) => (h < 12 ? 0 : 2));
    const s = parseScenario(`duration: 10d\n${BASE}arrivals:\n  - { kind: poisson, profile: web, rate: 100/h, diurnal: { hourly: [${hourly.join(', ')}] } }\n`);
    const a = await all(scenarioArrivals(s));
    // Expected 10 days × 12 h × 200/h = 24,000 (standard deviation ≈ 155).
    expect(a.length).toBeGreaterThan(23_300);
    expect(a.length).toBeLessThan(24_700);
    expect(a.every((x) => (x.atMs % 86_400_000) / 3_600_000 >= 12)).toBe(true);
  });

  it('replay a trace with its sizes and CPU, shifted by skip, scaled by timeScale and cut at the end of the run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vicsim-arrivals-'));
    await writeFile(join(dir, 't.csv'), 'id,start,end,cpus,memory,avgCpu,profile\nold,10m,1h,,,,\na,1h,3h,2,4g,25,\nb,2h,,,,,db\nc,9h,10h,,,,\n');
    const s = parseScenario(`duration: 2h\n${BASE}arrivals:\n  - { kind: trace, profile: web, file: t.csv, format: simple, skip: 1h, timeScale: 0.5 }\n`, { baseDir: dir });
    const a = await all(scenarioArrivals(s));
    expect(a.map((x) => [x.id, x.atMs, x.lifetimeMs, x.profile.name])).toEqual([
      ['a', 0, 3_600_000, 'web'],
      ['b', 1_800_000, null, 'db'],
    ]);
    expect(a[0]!.profile).toMatchObject({ cpus: 2, memoryMB: 4096, workingSetMB: 1024, cpu: { kind: 'constant', mhz: 0.25 * 2 * 2000 } });
  });
});

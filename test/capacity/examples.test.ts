/** Every example scenario in examples/scenarios/ is valid and sets up the question it claims to answer. */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioAssumptions } from '../../src/capacity/report/assumptions.js';
import { loadScenarioFile } from '../../src/capacity/scenario/load.js';
import { diurnalMultiplier } from '../../src/capacity/scenario/evaluate.js';
import { scenarioArrivals } from '../../src/capacity/trace/arrivals.js';

const DIR = resolve(import.meta.dirname, '../../examples/scenarios');
const load = (name: string) => loadScenarioFile(join(DIR, name));

async function count(it: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of it) n++;
  return n;
}

describe('the example scenarios', () => {
  it.each(readdirSync(DIR).filter((f) => /\.(ya?ml|json)$/.test(f)))('%s loads, states its question and its assumptions', async (file) => {
    const s = await load(file);
    expect(s.name).toBe(file.replace(/\.(ya?ml|json)$/, ''));
    expect(s.description.length).toBeGreaterThan(40);
    expect(scenarioAssumptions(s).length).toBeGreaterThan(4);
  });

  it('instant-vs-full-density sends the same 1,000 requests to an instant-clone and a full-clone VCH on identical hosts', async () => {
    const s = await load('instant-vs-full-density.yaml');
    expect(s.clusters.map((c) => c.hosts)).toEqual([[{ ...s.clusters[0]!.hosts[0]!, name: 'instant_H0' }], [{ ...s.clusters[0]!.hosts[0]!, name: 'full_H0' }]]);
    expect(s.vchs.map((v) => [v.name, v.cluster, v.provisioning])).toEqual([
      ['vch-instant', 'instant', 'instant'],
      ['vch-full', 'full', 'full'],
    ]);
    expect(s.arrivals.map((a) => a.kind === 'schedule' && [a.vch, a.batches])).toEqual([
      ['vch-instant', [{ atMs: 0, count: 1000 }]],
      ['vch-full', [{ atMs: 0, count: 1000 }]],
    ]);
    expect(s.profiles[0]).toMatchObject({ memoryMB: 1024, workingSetMB: 256, lifetime: { kind: 'forever' } });
  });

  it('n-plus-1-headroom runs 4 hosts under HA slot admission tolerating one failure, with reservations that size the slot', async () => {
    const s = await load('n-plus-1-headroom.yaml');
    expect(s.clusters[0]!.hosts).toHaveLength(4);
    expect(s.clusters[0]!.ha).toEqual({ enabled: true, admission: { policy: 'slot', hostFailures: 1 } });
    expect(s.profiles[0]!.reservation).toEqual({ cpuMHz: 500, memoryMB: 2048 });
  });

  it('diurnal-drs peaks in the afternoon with DRS balancing every 5 minutes', async () => {
    const s = await load('diurnal-drs.yaml');
    expect(s.clusters[0]!.drs).toEqual({ enabled: true, migrationThreshold: 3, intervalMs: 300_000 });
    const stream = s.arrivals[0]!;
    if (stream.kind !== 'poisson') throw new Error('expected a Poisson stream');
    const byHour = Array.from({ length: 24 }, (_, h) => diurnalMultiplier(stream.diurnal, h * 3_600_000));
    expect(byHour.indexOf(Math.max(...byHour))).toBe(14);
  });

  it('host-failure-at-noon fails an existing host at 12:00 with HA on, and brings it back', async () => {
    const s = await load('host-failure-at-noon.yaml');
    expect(s.events).toEqual([
      { kind: 'hostFailure', atMs: 12 * 3_600_000, host: 'DC0_C0_H1' },
      { kind: 'recover', atMs: 14 * 3_600_000, host: 'DC0_C0_H1' },
    ]);
    expect(s.clusters[0]!.ha).toEqual({ enabled: true, admission: { policy: 'percentage', cpuFraction: 0.25, memoryFraction: 0.25 } });
  });

  it('azure-trace-replay replays the shipped sample trace', async () => {
    const s = await load('azure-trace-replay.yaml');
    const stream = s.arrivals[0]!;
    expect(stream.kind === 'trace' && existsSync(stream.resolvedPath)).toBe(true);
    expect(await count(scenarioArrivals(s))).toBe(300);
  });
});

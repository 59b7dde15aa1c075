import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/capacity/report/json.js';
import { htmlReport } from '../../../src/capacity/report/html.js';
import { markdownReport } from '../../../src/capacity/report/markdown.js';
import { checkRunResult, distribution } from '../../../src/capacity/report/totals.js';
import { writeReports } from '../../../src/capacity/report/write.js';
import { FIXTURE_HOSTS, SAMPLE_COUNT, fixtureResult } from './fixture.js';

describe('run totals', () => {
  it('match the values worked out by hand for the fixture', () => {
    const t = fixtureResult().totals;
    expect(t.placed).toBe(40 + 24 * 8);
    expect(t.peakRunning).toBe(128);
    expect(t.atPeak).toEqual({
      tMs: 11 * 3_600_000,
      containersPerHost: 32,
      vcpuPerPcpu: 2,
      configuredMB: 128 * 1024,
      consumedMB: 128 * 30 + 4 * 512 + 128 * 300,
      savedMB: 128 * 1024 - (128 * 300 + 4 * 512),
      sharedByForkMB: 4 * 512,
      sharedByTpsMB: 0,
      zeroMB: 128 * 100,
    });
    expect(t.refused.noHostFits).toBe(2);
    expect(t.capacityExhaustedAtMs).toBe(20 * 3_600_000);
    expect(t.vmotions).toEqual({ count: 5, movedGB: 5 });
    expect(t.haRestarts.count).toBe(3);
    expect(t.haRestarts.latencyMs.p50).toBe(25_000);
    expect(t.provisioningLatencyMs).toMatchObject({ count: 40, p50: 180, max: 280 });
    expect(t.maxImbalance).toBe(0.31);
  });

  it('use nearest-rank percentiles that lie within the values and keep their order', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }), (values) => {
        const d = distribution(values);
        expect(values).toContain(d.p50);
        expect(values).toContain(d.p99);
        expect(d.p50).toBeLessThanOrEqual(d.p95);
        expect(d.p95).toBeLessThanOrEqual(d.p99);
        expect(d.p99).toBeLessThanOrEqual(d.max);
      }),
      { numRuns: 150 },
    );
  });
});

describe('the run-result invariants', () => {
  it('hold for the hand-made result', () => {
    expect(checkRunResult(fixtureResult())).toEqual([]);
  });

  it('catch memory that does not stack to the host capacity', () => {
    const r = fixtureResult();
    const s = r.samples[3]!;
    const broken = { ...r, samples: [...r.samples.slice(0, 3), { ...s, memory: { ...s.memory, freeMB: 0 } }, ...r.samples.slice(4)] };
    expect(checkRunResult(broken).join('\n')).toMatch(/samples\[3\]\.memory: private \+ shared \+ overhead \+ free/);
    const h0 = r.hostSeries.hosts[0]!;
    const freeMB = h0.memory.freeMB.map((mb, j) => (j === 2 ? 0 : mb));
    const brokenHost = { ...r, hostSeries: { ...r.hostSeries, hosts: [{ ...h0, memory: { ...h0.memory, freeMB } }, ...r.hostSeries.hosts.slice(1)] } };
    expect(checkRunResult(brokenHost).join('\n')).toMatch(/hostSeries\.hosts\[0\]\.memory\[2\]: private \+ shared \+ overhead \+ free/);
  });

  it('catch samples out of time order, a host missing from the host series, a short column and a series not ending at the last sample', () => {
    const r = fixtureResult();
    const swapped = { ...r, samples: [r.samples[1]!, r.samples[0]!, ...r.samples.slice(2)] };
    expect(checkRunResult(swapped)[0]).toMatch(/samples\[1\]\.tMs 0 is not after 3600000/);
    const short = { ...r, hostSeries: { ...r.hostSeries, hosts: r.hostSeries.hosts.slice(1) } };
    expect(checkRunResult(short)).toEqual(['hostSeries.hosts has 3 entries for 4 hosts']);
    const h1 = r.hostSeries.hosts[1]!;
    const shortColumn = { ...r, hostSeries: { ...r.hostSeries, hosts: [r.hostSeries.hosts[0]!, { ...h1, vcpus: h1.vcpus.slice(1) }, ...r.hostSeries.hosts.slice(2)] } };
    expect(checkRunResult(shortColumn)).toEqual([`hostSeries.hosts[1].vcpus has ${h1.vcpus.length - 1} entries for ${h1.vcpus.length} instants`]);
    const notLast = { ...r, hostSeries: { ...r.hostSeries, tMs: r.hostSeries.tMs.map((t, j) => (j === r.hostSeries.tMs.length - 1 ? t - 1 : t)) } };
    expect(checkRunResult(notLast)).toEqual([`hostSeries.tMs[${r.hostSeries.tMs.length - 1}] ${24 * 3_600_000 - 1} is not a later sample's time`, 'hostSeries does not end at the last sample']);
  });
});

describe('the JSON report', () => {
  it('is the same bytes for the same result, with keys sorted at every level', () => {
    const a = canonicalJson(fixtureResult());
    expect(canonicalJson(fixtureResult())).toBe(a);
    const reordered = Object.fromEntries(Object.entries(fixtureResult()).reverse());
    expect(canonicalJson(reordered)).toBe(a);
    expect(a.indexOf('"assumptions"')).toBeLessThan(a.indexOf('"completed"'));
    expect(JSON.parse(a).samples).toHaveLength(SAMPLE_COUNT);
  });

  it('refuses numbers JSON cannot hold, naming where', () => {
    expect(() => canonicalJson({ totals: { ratio: Infinity } })).toThrow('$.totals.ratio is Infinity');
  });
});

describe('the Markdown report', () => {
  it('states the question, the results, headroom, failover capacity and the assumptions', () => {
    const md = markdownReport(fixtureResult());
    expect(md).toMatch(/^# Capacity report: fixture\n\nA hand-made run for the report tests\./);
    expect(md).toContain('| Containers per host (at peak) | 32 |');
    expect(md).toContain('| vCPU : pCPU (at peak) | 2 : 1 |');
    expect(md).toContain('| web | default | 96 | haAdmission |');
    expect(md).toContain('| DC0_C0 | N+1 | slot |');
    expect(md).toContain('| noHostFits | 2 |');
    expect(md).toContain('| 12h | hostFailure | DC0_C0_H1 | 30 VMs lost; 3 restarted by HA |');
    expect(md).toContain('- Cluster DC0_C0: 4 host(s) of 16 × 2 GHz cores, 64 GiB; DRS on (threshold 3, every 5m0s); HA on (slot policy, 1 host failure(s) tolerated); DPM off.');
  });

  it('says when a run was interrupted', () => {
    expect(markdownReport(fixtureResult(false))).toContain('(interrupted: partial report)');
  });
});

describe('the HTML report', () => {
  const html = htmlReport(fixtureResult());

  it('is self-contained: no scripts, no external links or images', () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)=["']?https?:/i);
  });

  it('draws every chart with one point per sample, a memory chart per host with a point per instant of its series, and a latency bar per bin', () => {
    const charts = [...html.matchAll(/<svg [^>]*data-chart="([^"]+)"[^>]*data-points="(\d+)"/g)].map((m) => [m[1], Number(m[2])]);
    expect(charts).toEqual([
      ['cpu-demand', SAMPLE_COUNT],
      ['memory-demand', SAMPLE_COUNT],
      ['running', SAMPLE_COUNT],
      ['imbalance', SAMPLE_COUNT],
      ['provisioning-latency', 40],
      ...FIXTURE_HOSTS.map((h) => [`host-memory-${h.name}`, (SAMPLE_COUNT + 1) / 2]),
    ]);
    expect(html.match(/<polygon class="layer"/g)).toHaveLength(FIXTURE_HOSTS.length * 5);
  });
});

describe('writeReports', () => {
  it('writes report.json, report.md and report.html whose contents match the writers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vicsim-report-'));
    const files = await writeReports(fixtureResult(), join(dir, 'out'));
    expect(await readFile(files.json, 'utf8')).toBe(canonicalJson(fixtureResult()));
    expect(await readFile(files.markdown, 'utf8')).toBe(markdownReport(fixtureResult()));
    expect(await readFile(files.html, 'utf8')).toBe(htmlReport(fixtureResult()));
  });
});

/**
 * The HTML report renders in headless Chromium (Debian package `chromium`) with its charts in the
 * DOM. Chromium runs as a child process (--dump-dom, --screenshot); no browser library is needed.
 * Without Chromium the test is skipped locally and fails in CI, so CI cannot pass without it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeReports } from '../../../src/capacity/report/write.js';
import { FIXTURE_HOSTS, SAMPLE_COUNT, fixtureResult } from './fixture.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--hide-scrollbars', '--no-first-run'];

function chromium(args: string[]): string {
  return execFileSync(CHROMIUM!, [...FLAGS, ...args], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
}

/** The `points` attribute of every polyline of the chart `id` in a DOM dump, as point counts. */
function polylinePointCounts(dom: string, id: string): number[] {
  const svg = new RegExp(`<svg[^>]*data-chart="${id}"[\\s\\S]*?</svg>`).exec(dom)?.[0] ?? '';
  return [...svg.matchAll(/<polyline[^>]*points="([^"]*)"/g)].map((m) => m[1]!.trim().split(/\s+/).length);
}

describe.skipIf(!CHROMIUM && !process.env.CI)('the HTML report in headless Chromium', () => {
  it('needs Chromium installed in CI (Debian package chromium)', () => {
    expect(CHROMIUM, 'install the Debian package chromium').toBeDefined();
  });

  it('renders every chart with the expected number of data points', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vicsim-html-'));
    const { html } = await writeReports(fixtureResult(), dir);
    const dom = chromium(['--dump-dom', pathToFileURL(html).href]);
    const charts = [...dom.matchAll(/<svg[^>]*data-chart="([^"]+)"/g)].map((m) => m[1]);
    expect(charts).toEqual(['cpu-demand', 'memory-demand', 'running', 'imbalance', 'provisioning-latency', ...FIXTURE_HOSTS.map((h) => `host-memory-${h.name}`)]);
    expect(polylinePointCounts(dom, 'cpu-demand')).toEqual([SAMPLE_COUNT, SAMPLE_COUNT]);
    expect(polylinePointCounts(dom, 'imbalance')).toEqual([SAMPLE_COUNT]);
    const bars = /<svg[^>]*data-chart="provisioning-latency"[\s\S]*?<\/svg>/.exec(dom)![0].match(/<rect class="bar" data-count="(\d+)"/g)!;
    expect(bars.reduce((s, b) => s + Number(/\d+/.exec(b)![0]), 0)).toBe(40);
  });

  it('paints a screenshot of the report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vicsim-html-'));
    const { html } = await writeReports(fixtureResult(), dir);
    const png = join(dir, 'report.png');
    chromium(['--window-size=1200,2400', `--screenshot=${png}`, pathToFileURL(html).href]);
    const header = (await readFile(png)).subarray(0, 8);
    expect(header.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(statSync(png).size).toBeGreaterThan(20_000);
  });
});

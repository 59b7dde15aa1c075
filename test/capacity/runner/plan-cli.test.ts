/** `vicsim plan`: reports written and a summary printed; scenario errors on stderr with exit code 2. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runPlan } from '../../../src/cli/plan.js';

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const text = (s: PassThrough) => () => (s.read() as Buffer | null)?.toString() ?? '';
  return { io: { stdout, stderr }, out: text(stdout), err: text(stderr) };
}

const SCENARIO = `
name: tiny
duration: 30m
sampleInterval: 5m
clusters: [{ preset: cluster, hosts: 2 }]
profiles: [{ name: web, memory: 1g, workingSet: 128m, lifetime: forever }]
arrivals: [{ kind: schedule, profile: web, batches: [{ at: 0s, count: 5 }] }]
`;

describe('vicsim plan', () => {
  it('writes report.json, report.md and report.html and prints a summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-'));
    writeFileSync(join(dir, 'tiny.yaml'), SCENARIO);
    const t = io();
    expect(await runPlan(join(dir, 'tiny.yaml'), join(dir, 'out'), t.io)).toBe(0);
    for (const f of ['report.json', 'report.md', 'report.html']) expect(existsSync(join(dir, 'out', f)), f).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')).totals.placed).toBe(5);
    expect(t.out()).toMatch(/tiny: completed .*\n  placed 5, refused none/);
  });

  it('reports an invalid scenario on stderr with its path and line, and exits with 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-'));
    writeFileSync(join(dir, 'bad.yaml'), SCENARIO.replace('hosts: 2', 'hosts: lots'));
    const t = io();
    expect(await runPlan(join(dir, 'bad.yaml'), join(dir, 'out'), t.io)).toBe(2);
    expect(t.err()).toMatch(/invalid scenario .*bad\.yaml:\n  clusters\[0\]\.hosts: .*\(line 5\)/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('exits with 2 when the scenario file does not exist', async () => {
    const t = io();
    expect(await runPlan('/nonexistent/scenario.yaml', '/tmp/never', t.io)).toBe(2);
    expect(t.err()).toMatch(/cannot read \/nonexistent\/scenario\.yaml/);
  });
});

/** `vicsim sweep`: the results written for a grid, usage and validation errors with exit code 2, and Ctrl-C writing what finished. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runSweepCommand } from '../../src/cli/sweep.js';

const SCENARIO = `name: tiny
description: a tiny sweep for the CLI tests
duration: 20m
sampleInterval: 5m
clusters: [{ preset: cluster, hosts: 2, host: { cores: 4, memory: 4g } }]
vchs: [{ name: default }]
profiles: [{ name: web, memory: 512m, workingSet: 64m, lifetime: forever }]
arrivals: [{ kind: poisson, profile: web, rate: 60/h }]
sweep:
  vchs.provisioning: [instant, full]
`;

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const text = (s: PassThrough) => () => (s.read() as Buffer | null)?.toString() ?? '';
  return { io: { stdout, stderr }, out: text(stdout), err: text(stderr) };
}

function scenarioFile(text = SCENARIO): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-cli-'));
  writeFileSync(join(dir, 'tiny.yaml'), text);
  return { dir, file: join(dir, 'tiny.yaml') };
}

describe('vicsim sweep', () => {
  it('runs the grid of the sweep section and --vary, and writes the table, the record and a chart per metric', async () => {
    const { dir, file } = scenarioFile();
    const t = io();
    expect(await runSweepCommand([file, '--vary', 'arrivals.0.rate=30/h,90/h', '--workers', '2', '--out', join(dir, 'out')], t.io)).toBe(0);
    const csv = readFileSync(join(dir, 'out', 'sweep.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^point,vchs\.provisioning,arrivals\.0\.rate,status,placed,/);
    expect(csv.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual(['0,instant,30/h,done', '1,instant,90/h,done', '2,full,30/h,done', '3,full,90/h,done']);
    expect(existsSync(join(dir, 'out', 'sweep.md'))).toBe(true);
    expect(existsSync(join(dir, 'out', 'charts', 'placed.svg'))).toBe(true);
    expect(t.out()).toMatch(/^tiny: 4 of 4 point\(s\) finished in [\d.]+ s on 2 worker\(s\)\nResults: .*sweep\.csv/);
    expect(t.err()).toMatch(/Sweeping tiny: 4 point\(s\) on 2 worker thread\(s\)\n {2}\[1\/4\] point \d \(vchs\.provisioning=\w+, arrivals\.0\.rate=\d+\/h\): placed \d+/);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('refuses a value the scenario does not accept, naming its path, with exit code 2 and nothing written', async () => {
    const { dir, file } = scenarioFile();
    const t = io();
    expect(await runSweepCommand([file, '--vary', 'vchs.provisioning=instant,fast', '--out', join(dir, 'out')], t.io)).toBe(2);
    expect(t.err()).toBe(`vicsim sweep: invalid sweep ${file}:\n  vchs[0].provisioning: expected 'instant' or 'linked' or 'full' or 'boot', got 'fast' (with vchs.provisioning=fast)\n`);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('refuses malformed --vary settings, a bad --workers, a missing file and unknown flags with exit code 2', async () => {
    const { file } = scenarioFile();
    const cases: [string[], RegExp][] = [
      [[file, '--vary', 'vchs..provisioning=full'], /invalid sweep --vary:\n {2}vchs\.\.provisioning: malformed segment ''/],
      [[file, '--workers', '0'], /--workers must be a whole number from 1 to 256, got '0'/],
      [[], /sweep needs one scenario file/],
      [['/nonexistent/sweep.yaml'], /cannot read the scenario: .*no such file/],
      [[file, '--bogus'], /Unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const t = io();
      expect(await runSweepCommand(args, t.io), args.join(' ')).toBe(2);
      expect(t.err()).toMatch(message);
    }
  });

  it('on Ctrl-C stops its workers, writes the points that finished and exits 0', async () => {
    const { dir, file } = scenarioFile(SCENARIO.replace('sweep:', 'sweep:\n  seed: [1, 2, 3, 4, 5, 6]'));
    const out = join(dir, 'out');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sweep', file, '--workers', '1', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise<void>((resolve, reject) => {
        let err = '';
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          if (err.includes('[1/12]')) resolve();
        });
        child.on('exit', () => reject(new Error(`sweep exited before its first point: ${err}`)));
      });
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stdout).toMatch(/^tiny: \d+ of 12 point\(s\) finished \(INTERRUPTED\)/);
      const statuses = readFileSync(join(out, 'sweep.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[3]);
      expect(statuses[0]).toBe('done');
      expect(statuses).toContain('interrupted');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

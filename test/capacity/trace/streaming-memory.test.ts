/**
 * Reading a trace streams: memory in use stays flat however long the file. A 200,000-line trace is
 * replayed through the whole arrival pipeline in a child process that measures the heap after
 * full garbage collections; the heap may not grow by more than a few MB, a fraction of the file.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSampleTrace } from '../../../src/capacity/trace/sample.js';

const LINES = 200_000;
/** Heap growth allowed over the whole read, MB. Holding the records would take well over 40 MB. */
const BOUND_MB = 4;

function probe(path: string, format: string): { arrivals: number; readings: number[] } {
  const script = resolve(import.meta.dirname, 'heap-probe.ts');
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, path, format], { encoding: 'utf8', cwd: resolve(import.meta.dirname, '../../..') });
  return JSON.parse(out) as { arrivals: number; readings: number[] };
}

describe.each(['simple', 'azure-vmtable'] as const)('streaming a %s trace of 200,000 lines', (format) => {
  it('keeps the heap within a bound that does not grow with the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vicsim-big-trace-'));
    const path = join(dir, `big-${format}.csv`);
    await writeSampleTrace(path, format, { seed: 99, count: LINES, spanMs: 30 * 86_400_000 });
    const fileMB = (await stat(path)).size / 2 ** 20;
    const { arrivals, readings } = probe(path, format);
    expect(arrivals).toBe(LINES);
    const growth = Math.max(...readings) - readings[0]!;
    expect(fileMB).toBeGreaterThan(10);
    expect(growth, `heap readings (MB): ${readings.map((r) => r.toFixed(1)).join(', ')}`).toBeLessThan(BOUND_MB);
  });
});

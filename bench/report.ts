/** Writes benchmark results to bench/results/latest.json and latest.md (a Markdown table). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

/** One measured figure. */
export interface BenchResult {
  readonly suite: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target: string;
  readonly samples: number;
  /** Relative margin of error, percent (benny). */
  readonly margin: number;
}

/** Writes both files into `dir` and returns the Markdown. */
export function writeReport(dir: string, results: readonly BenchResult[]): string {
  mkdirSync(dir, { recursive: true });
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  const date = new Date().toISOString();
  writeFileSync(join(dir, 'latest.json'), JSON.stringify({ date, machine, results }, null, 2) + '\n');
  const rows = results.map((r) => `| ${r.suite} | ${r.name} | ${r.value.toLocaleString('en-US')} ${r.unit} | ${r.target} | ${r.samples} | ±${r.margin.toFixed(1)}% |`);
  const md = [`# vicsim benchmarks`, '', `${date} — ${machine}`, '', '| suite | case | measured | target | samples | margin |', '|---|---|---|---|---|---|', ...rows, ''].join('\n');
  writeFileSync(join(dir, 'latest.md'), md);
  return md;
}

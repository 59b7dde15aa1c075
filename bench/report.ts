/**
 * Writes benchmark results to bench/results/latest.json and latest.md (a Markdown table). A run
 * of some suites replaces only those suites' rows: the other suites' rows of the previous
 * latest.json stay, in their places.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/**
 * Writes both files into `dir` and returns the Markdown. The rows of suites present in `results`
 * replace that suite's previous rows (at the place of its first one; a new suite goes last); the
 * rows of other suites are kept from the previous latest.json. O(previous rows + results).
 */
export function writeReport(dir: string, results: readonly BenchResult[]): string {
  mkdirSync(dir, { recursive: true });
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  const date = new Date().toISOString();
  const merged = mergeRows(previousRows(join(dir, 'latest.json')), results);
  writeFileSync(join(dir, 'latest.json'), JSON.stringify({ date, machine, results: merged }, null, 2) + '\n');
  const rows = merged.map((r) => `| ${r.suite} | ${r.name} | ${r.value.toLocaleString('en-US')} ${r.unit} | ${r.target} | ${r.samples} | ±${r.margin.toFixed(1)}% |`);
  const md = [`# vicsim benchmarks`, '', `${date} — ${machine}`, '', '| suite | case | measured | target | samples | margin |', '|---|---|---|---|---|---|', ...rows, ''].join('\n');
  writeFileSync(join(dir, 'latest.md'), md);
  return md;
}

/** The rows of a previous latest.json, or none when it is missing or unreadable. */
function previousRows(file: string): BenchResult[] {
  if (!existsSync(file)) return [];
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { results?: unknown };
    return Array.isArray(parsed.results) ? (parsed.results as BenchResult[]) : [];
  } catch {
    return [];
  }
}

/** `previous` with each suite of `fresh` replaced by its fresh rows (see {@link writeReport}). */
function mergeRows(previous: readonly BenchResult[], fresh: readonly BenchResult[]): BenchResult[] {
  const freshSuites = new Set(fresh.map((r) => r.suite));
  const out: BenchResult[] = [];
  const placed = new Set<string>();
  for (const row of previous) {
    if (!freshSuites.has(row.suite)) out.push(row);
    else if (!placed.has(row.suite)) {
      placed.add(row.suite);
      out.push(...fresh.filter((r) => r.suite === row.suite));
    }
  }
  for (const suite of freshSuites) if (!placed.has(suite)) out.push(...fresh.filter((r) => r.suite === suite));
  return out;
}

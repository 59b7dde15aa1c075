/**
 * Reader of vicsim's simple per-VM trace CSV, streaming. The first line is a header naming the
 * columns, in any order:
 *
 * | column  | required | meaning |
 * |---------|----------|---------|
 * | id      | yes      | the VM's id |
 * | start   | yes      | creation time: a duration from the trace start ('90s', '2h', or ms) |
 * | end     | no       | deletion time, same form; empty = outlives the trace |
 * | cpus    | no       | vCPUs |
 * | memory  | no       | configured memory: '2g', '512m' or MB |
 * | avgCpu  | no       | average CPU utilization, percent of the vCPUs ('35' or '35%') |
 * | maxCpu  | no       | maximum CPU utilization, percent |
 * | p95Cpu  | no       | 95th percentile CPU utilization, percent |
 * | profile | no       | the scenario profile this VM follows |
 *
 * An empty cell means "from the profile". Cells are plain: no quoting, no commas inside.
 */
import { TraceFormatError } from '../errors.js';
import { parseDuration, parseMegabytes } from '../../sim/units.js';
import { readLines } from './lines.js';
import type { TraceRecord } from './records.js';

/** The columns the simple format knows. */
export const SIMPLE_TRACE_COLUMNS = Object.freeze(['id', 'start', 'end', 'cpus', 'memory', 'avgCpu', 'maxCpu', 'p95Cpu', 'profile'] as const);
type Column = (typeof SIMPLE_TRACE_COLUMNS)[number];

/**
 * The VMs of a simple trace file, in file order; memory does not grow with the file.
 * @throws TraceFormatError for a missing or unknown header column or a malformed cell, with its line.
 */
export async function* readSimpleTrace(path: string): AsyncGenerator<TraceRecord> {
  let columns: Map<Column, number> | undefined;
  for await (const { text, line } of readLines(path)) {
    const cells = text.split(',').map((c) => c.trim());
    if (!columns) {
      columns = header(path, line, cells);
      continue;
    }
    if (cells.length !== columns.size) throw new TraceFormatError(path, line, `expected ${columns.size} cells as the header names, got ${cells.length}`);
    yield record(path, line, cells, columns);
  }
}

function header(path: string, line: number, cells: string[]): Map<Column, number> {
  const columns = new Map<Column, number>();
  cells.forEach((cell, i) => {
    if (!(SIMPLE_TRACE_COLUMNS as readonly string[]).includes(cell)) {
      throw new TraceFormatError(path, line, `unknown column '${cell}' (known: ${SIMPLE_TRACE_COLUMNS.join(', ')})`);
    }
    if (columns.has(cell as Column)) throw new TraceFormatError(path, line, `column '${cell}' appears twice`);
    columns.set(cell as Column, i);
  });
  for (const required of ['id', 'start'] as const) {
    if (!columns.has(required)) throw new TraceFormatError(path, line, `the header lacks the required column '${required}'`);
  }
  return columns;
}

function record(path: string, line: number, cells: string[], columns: Map<Column, number>): TraceRecord {
  const cell = (c: Column) => {
    const i = columns.get(c);
    return i === undefined ? '' : cells[i]!;
  };
  const parsed = <T>(c: Column, parse: (text: string) => T): T | null => {
    const text = cell(c);
    if (text === '') return null;
    try {
      return parse(text);
    } catch {
      throw new TraceFormatError(path, line, `${c}: cannot read '${text}'`);
    }
  };
  const id = cell('id');
  if (id === '') throw new TraceFormatError(path, line, 'id: a VM needs an id');
  const startMs = parsed('start', parseDuration);
  if (startMs === null) throw new TraceFormatError(path, line, 'start: a VM needs a start time');
  const endMs = parsed('end', parseDuration);
  if (endMs !== null && endMs < startMs) throw new TraceFormatError(path, line, `end ${cell('end')} is before start ${cell('start')}`);
  return {
    id,
    startMs,
    endMs,
    cpus: parsed('cpus', positiveInteger),
    memoryMB: parsed('memory', parseMegabytes),
    cpuAvgPercent: parsed('avgCpu', percent),
    cpuMaxPercent: parsed('maxCpu', percent),
    cpuP95Percent: parsed('p95Cpu', percent),
    profile: cell('profile') || null,
    category: null,
    line,
  };
}

function positiveInteger(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(text);
  return n;
}

function percent(text: string): number {
  const n = Number(text.endsWith('%') ? text.slice(0, -1) : text);
  if (!(n >= 0 && n <= 100)) throw new RangeError(text);
  return n;
}

/** Writes one record as a line of the simple format with every column, in SIMPLE_TRACE_COLUMNS order. */
export function simpleTraceLine(r: Omit<TraceRecord, 'line' | 'category'>): string {
  const opt = (v: number | string | null, suffix = '') => (v === null ? '' : `${v}${suffix}`);
  return [r.id, `${r.startMs / 1000}s`, r.endMs === null ? '' : `${r.endMs / 1000}s`, opt(r.cpus), opt(r.memoryMB), opt(r.cpuAvgPercent), opt(r.cpuMaxPercent), opt(r.cpuP95Percent), opt(r.profile)].join(',');
}

/**
 * Reader of the Azure Public Dataset's VM table (vmtable.csv, V1 2017 and V2 2019), streaming.
 *
 * Layout (AzurePublicDatasetV2.md and the dataset's own analysis notebook): no header, eleven
 * comma-separated columns in this order: vmid, subscriptionid, deploymentid, vmcreated, vmdeleted
 * (seconds from the start of the trace), maxcpu, avgcpu, p95maxcpu (percent utilization),
 * vmcategory (Delay-insensitive, Interactive, Unknown), vmcorecountbucket and vmmemorybucket.
 * A bucket is named by its upper bound ("4" holds 2 < cores ≤ 4; memory in GB: "2", "4", "8",
 * "32", "64") except the open top buckets ">24" cores and ">64" GB, which have no size: the
 * dataset's notebook counts them as 30 cores and 70 GB, and so do we unless told otherwise.
 */
import { TraceFormatError } from '../errors.js';
import { readLines } from './lines.js';
import type { TraceRecord } from './records.js';

/** The column names, in file order. */
export const AZURE_VMTABLE_COLUMNS = Object.freeze([
  'vmid',
  'subscriptionid',
  'deploymentid',
  'vmcreated',
  'vmdeleted',
  'maxcpu',
  'avgcpu',
  'p95maxcpu',
  'vmcategory',
  'vmcorecountbucket',
  'vmmemorybucket',
] as const);

/** Options of {@link readAzureVmTable}. */
export interface AzureVmTableOptions {
  /** vCPUs counted for an open bucket such as ">24" (default 30, as the dataset's notebook). */
  readonly openCoreBucketValue?: number;
  /** GB counted for an open bucket such as ">64" (default 70, as the dataset's notebook). */
  readonly openMemoryBucketGB?: number;
}

/**
 * The VMs of a vmtable file, in file order. Memory use does not grow with the file: one line at a
 * time. A header line (first field `vmid`) is skipped.
 * @throws TraceFormatError naming the line of a malformed record.
 */
export async function* readAzureVmTable(path: string, options: AzureVmTableOptions = {}): AsyncGenerator<TraceRecord> {
  const openCores = options.openCoreBucketValue ?? 30;
  const openMemoryGB = options.openMemoryBucketGB ?? 70;
  for await (const { text, line } of readLines(path)) {
    const fields = text.split(',');
    if (line === 1 && fields[0]?.trim().toLowerCase() === 'vmid') continue;
    if (fields.length !== AZURE_VMTABLE_COLUMNS.length) {
      throw new TraceFormatError(path, line, `expected ${AZURE_VMTABLE_COLUMNS.length} columns (${AZURE_VMTABLE_COLUMNS.join(',')}), got ${fields.length}`);
    }
    const field = (i: number) => fields[i]!.trim();
    const num = (i: number) => numberField(path, line, AZURE_VMTABLE_COLUMNS[i]!, field(i));
    const startMs = num(3) * 1000;
    const endMs = num(4) * 1000;
    if (endMs < startMs) throw new TraceFormatError(path, line, `vmdeleted ${field(4)} is before vmcreated ${field(3)}`);
    yield {
      id: field(0),
      startMs,
      endMs,
      cpus: bucket(path, line, 'vmcorecountbucket', field(9), openCores),
      memoryMB: bucket(path, line, 'vmmemorybucket', field(10), openMemoryGB) * 1024,
      cpuMaxPercent: num(5),
      cpuAvgPercent: num(6),
      cpuP95Percent: num(7),
      category: field(8) || null,
      profile: null,
      line,
    };
  }
}

function numberField(path: string, line: number, column: string, text: string): number {
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || value < 0) throw new TraceFormatError(path, line, `${column}: expected a number ≥ 0, got '${text}'`);
  return value;
}

/** A bucket's size: its label's number, or `open` for a ">N" label. */
function bucket(path: string, line: number, column: string, label: string, open: number): number {
  if (/^>\s*\d+(\.\d+)?$/.test(label)) return open;
  const value = Number(label);
  if (label === '' || !(value > 0)) throw new TraceFormatError(path, line, `${column}: expected a bucket such as '4' or '>24', got '${label}'`);
  return value;
}

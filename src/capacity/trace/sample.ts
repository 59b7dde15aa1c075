/**
 * A synthetic VM trace made by the project from a seed, in both formats it reads: the sample
 * shipped in examples/traces/ and the large files of the streaming tests. Nothing is downloaded.
 *
 * The shape follows what the Azure dataset's analysis shows in outline (estimates, not fitted):
 * arrivals peak in the afternoon, most VMs are small (2–4 cores), lifetimes are heavy-tailed
 * (lognormal, median 45 minutes), average CPU is low with a long tail.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { hash32, Rng } from '../../sim/rng.js';
import { AZURE_VMTABLE_COLUMNS } from './azure.js';
import type { TraceRecord } from './records.js';
import { SIMPLE_TRACE_COLUMNS, simpleTraceLine } from './simple.js';

/** Options of {@link sampleTrace}. */
export interface SampleTraceOptions {
  readonly seed: number;
  /** VMs to generate. */
  readonly count: number;
  /** Span of creation times, ms (default one day). */
  readonly spanMs?: number;
}

/** One synthetic VM with the Azure fields the simple format lacks. */
export interface SampleVm extends Omit<TraceRecord, 'line'> {
  readonly cpus: number;
  readonly memoryMB: number;
  readonly coreBucket: string;
  readonly memoryBucket: string;
}

const CORE_BUCKETS: readonly [string, number, number][] = [
  ['2', 2, 0.5],
  ['4', 4, 0.3],
  ['8', 8, 0.15],
  ['24', 24, 0.04],
  ['>24', 30, 0.01],
];
const CATEGORIES = ['Delay-insensitive', 'Interactive', 'Unknown'] as const;

/** The VMs in creation order, generated lazily: O(1) memory, same seed → same VMs. */
export function* sampleTrace(options: SampleTraceOptions): Generator<SampleVm> {
  const rng = Rng.seeded(options.seed);
  const spanMs = options.spanMs ?? 86_400_000;
  const meanGapMs = spanMs / options.count;
  let t = 0;
  for (let i = 0; i < options.count; i++) {
    // Diurnal: gaps are shorter around 15:00 (scale between 0.5× and 1.5× the mean).
    const hour = (t / 3_600_000) % 24;
    t += Math.round(rng.exponential(meanGapMs * (1 - 0.5 * Math.cos((2 * Math.PI * (hour - 15)) / 24))) / 1000) * 1000;
    const [coreBucket, cpus] = pickBucket(rng);
    const gbPerCore = rng.pick([1, 2, 4]);
    const memoryBucket = memoryBucketOf(cpus * gbPerCore);
    const lifetimeMs = Math.max(300_000, Math.round(Math.exp(Math.log(2_700_000) + rng.normal(0, 1.5)) / 1000) * 1000);
    const avg = round2(Math.min(100, Math.exp(Math.log(8) + rng.normal(0, 1))));
    const max = round2(Math.min(100, avg * (1.5 + 3 * rng.next())));
    yield {
      id: vmId(options.seed, i),
      startMs: t,
      endMs: t + lifetimeMs,
      cpus,
      memoryMB: memoryBucketGB(memoryBucket) * 1024,
      cpuAvgPercent: avg,
      cpuMaxPercent: max,
      cpuP95Percent: round2(avg + (max - avg) * 0.8),
      profile: null,
      category: rng.pick(CATEGORIES),
      coreBucket,
      memoryBucket,
    };
  }
}

function pickBucket(rng: Rng): [string, number] {
  let u = rng.next();
  for (const [label, cpus, p] of CORE_BUCKETS) {
    if (u < p) return [label, cpus];
    u -= p;
  }
  return ['2', 2];
}

function memoryBucketOf(gb: number): string {
  for (const b of [2, 4, 8, 32, 64]) if (gb <= b) return String(b);
  return '>64';
}

function memoryBucketGB(label: string): number {
  return label === '>64' ? 70 : Number(label);
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

/** A synthetic id shaped like the dataset's encrypted ids (base64 text). */
function vmId(seed: number, i: number): string {
  const words = [hash32(`${seed}:${i}:a`), hash32(`${seed}:${i}:b`), hash32(`${seed}:${i}:c`)];
  return Buffer.from(Int32Array.from(words).buffer).toString('base64');
}

/** A VM as a vmtable line (subscription and deployment ids derived from the VM id). */
export function vmtableLine(vm: SampleVm): string {
  const sub = vm.id.slice(0, 8);
  const dep = vm.id.slice(4, 12);
  const fields = [vm.id, sub, dep, vm.startMs / 1000, (vm.endMs ?? vm.startMs) / 1000, vm.cpuMaxPercent, vm.cpuAvgPercent, vm.cpuP95Percent, vm.category, vm.coreBucket, vm.memoryBucket];
  if (fields.length !== AZURE_VMTABLE_COLUMNS.length) throw new RangeError('vmtable line shape');
  return fields.join(',');
}

/**
 * Writes a sample trace to `path` in `format`, line by line with back-pressure (memory O(1) in
 * `count`). Same options → same bytes.
 */
export async function writeSampleTrace(path: string, format: 'azure-vmtable' | 'simple', options: SampleTraceOptions): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  if (format === 'simple') await write(`${SIMPLE_TRACE_COLUMNS.join(',')}\n`);
  for (const vm of sampleTrace(options)) await write(`${format === 'simple' ? simpleTraceLine(vm) : vmtableLine(vm)}\n`);
  out.end();
  await once(out, 'finish');
}

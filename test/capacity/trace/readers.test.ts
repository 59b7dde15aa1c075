import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TraceFormatError } from '../../../src/capacity/errors.js';
import { readAzureVmTable } from '../../../src/capacity/trace/azure.js';
import type { TraceRecord } from '../../../src/capacity/trace/records.js';
import { inStartOrder } from '../../../src/capacity/trace/reorder.js';
import { readSimpleTrace } from '../../../src/capacity/trace/simple.js';
import { SAMPLE_TRACES, writeSamples } from '../../../src/capacity/trace/write-samples.js';

const TRACES = resolve(import.meta.dirname, '../../../examples/traces');

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function file(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vicsim-trace-'));
  const path = join(dir, 't.csv');
  await writeFile(path, text);
  return path;
}

async function failure(it: AsyncIterable<unknown>): Promise<TraceFormatError> {
  try {
    await all(it);
  } catch (err) {
    expect(err).toBeInstanceOf(TraceFormatError);
    return err as TraceFormatError;
  }
  throw new Error('no error');
}

describe('the Azure vmtable reader', () => {
  it('reads the eleven columns in the dataset order, with seconds, percents and buckets', async () => {
    const path = await file('vmA,subA,depA,300,3900,91.7,12.5,80.1,Interactive,4,8\nvmB,subB,depB,600,1200,5,1,4,Unknown,>24,>64\n');
    const [a, b] = await all(readAzureVmTable(path));
    expect(a).toEqual({ id: 'vmA', startMs: 300_000, endMs: 3_900_000, cpus: 4, memoryMB: 8192, cpuMaxPercent: 91.7, cpuAvgPercent: 12.5, cpuP95Percent: 80.1, category: 'Interactive', profile: null, line: 1 });
    expect([b!.cpus, b!.memoryMB]).toEqual([30, 70 * 1024]);
    const [c] = await all(readAzureVmTable(path, { openCoreBucketValue: 32, openMemoryBucketGB: 128 }));
    expect(c!.cpus).toBe(4);
    expect((await all(readAzureVmTable(path, { openCoreBucketValue: 32, openMemoryBucketGB: 128 })))[1]).toMatchObject({ cpus: 32, memoryMB: 128 * 1024 });
  });

  it('skips a header line and blank lines, and accepts CRLF', async () => {
    const path = await file('vmid,subscriptionid,deploymentid,vmcreated,vmdeleted,maxcpu,avgcpu,p95maxcpu,vmcategory,vmcorecountbucket,vmmemorybucket\r\n\r\nvmA,s,d,0,60,1,1,1,Unknown,2,2\r\n');
    expect((await all(readAzureVmTable(path))).map((r) => [r.id, r.line])).toEqual([['vmA', 3]]);
  });

  it('names the file, line and column of a malformed record', async () => {
    const path = await file('vmA,s,d,0,60,1,1,1,Unknown,2,2\nvmB,s,d,x,60,1,1,1,Unknown,2,2\n');
    expect((await failure(readAzureVmTable(path))).message).toBe(`${path}:2: vmcreated: expected a number ≥ 0, got 'x'`);
    const short = await file('vmA,s,d,0,60\n');
    expect((await failure(readAzureVmTable(short))).message).toMatch(/:1: expected 11 columns \(vmid,subscriptionid,.*\), got 5$/);
    const bucket = await file('vmA,s,d,0,60,1,1,1,Unknown,lots,2\n');
    expect((await failure(readAzureVmTable(bucket))).message).toMatch(/:1: vmcorecountbucket: expected a bucket such as '4' or '>24', got 'lots'$/);
  });
});

describe('the simple trace reader', () => {
  it('reads columns in header order, with durations, sizes, percents and empty cells as null', async () => {
    const path = await file('start,id,memory,end,avgCpu,profile\n90s,a,2g,1h,35%,web\n2m,b,,,,\n');
    const [a, b] = await all(readSimpleTrace(path));
    expect(a).toEqual({ id: 'a', startMs: 90_000, endMs: 3_600_000, cpus: null, memoryMB: 2048, cpuAvgPercent: 35, cpuMaxPercent: null, cpuP95Percent: null, profile: 'web', category: null, line: 2 });
    expect(b).toMatchObject({ id: 'b', startMs: 120_000, endMs: null, memoryMB: null, profile: null });
  });

  it('refuses unknown, duplicate and missing header columns, and malformed cells, naming the line', async () => {
    expect((await failure(readSimpleTrace(await file('id,start,colour\n')))).message).toMatch(/:1: unknown column 'colour'/);
    expect((await failure(readSimpleTrace(await file('id,id,start\n')))).message).toMatch(/:1: column 'id' appears twice/);
    expect((await failure(readSimpleTrace(await file('id,end\n')))).message).toMatch(/:1: the header lacks the required column 'start'/);
    expect((await failure(readSimpleTrace(await file('id,start,cpus\na,1s,2\nb,2s,two\n')))).message).toMatch(/:3: cpus: cannot read 'two'/);
    expect((await failure(readSimpleTrace(await file('id,start,end\na,2h,1h\n')))).message).toMatch(/:2: end 1h is before start 2h/);
  });
});

describe('start ordering', () => {
  const rec = (id: string, startMs: number, line: number): TraceRecord => ({ id, startMs, endMs: null, cpus: null, memoryMB: null, cpuAvgPercent: null, cpuMaxPercent: null, cpuP95Percent: null, profile: null, category: null, line });
  async function* from(records: TraceRecord[]) {
    yield* records;
  }

  it('sorts records that arrive at most `window` late and refuses ones later than that', async () => {
    const records = [rec('a', 10, 1), rec('b', 30, 2), rec('c', 20, 3), rec('d', 40, 4)];
    expect((await all(inStartOrder(from(records), 1, 'f'))).map((r) => r.id)).toEqual(['a', 'c', 'b', 'd']);
    expect((await failure(inStartOrder(from(records), 0, 'f'))).message).toBe('f:3: starts at 20 ms, before a record already read (30 ms): sort the file by start time, or set reorderWindow');
  });
});

describe('the shipped sample traces', () => {
  it('are what the seeded generator writes, byte for byte', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vicsim-samples-'));
    await writeSamples(dir);
    for (const s of SAMPLE_TRACES) expect(await readFile(join(dir, s.file), 'utf8'), s.file).toBe(await readFile(join(TRACES, s.file), 'utf8'));
  });

  it('read back in start order with the sizes the generator chose', async () => {
    const vmtable = await all(inStartOrder(readAzureVmTable(join(TRACES, 'sample-vmtable.csv')), 0, 'vmtable'));
    const simple = await all(inStartOrder(readSimpleTrace(join(TRACES, 'sample-simple.csv')), 0, 'simple'));
    expect(vmtable).toHaveLength(300);
    expect(simple).toHaveLength(300);
    for (const r of [...vmtable, ...simple]) {
      expect([2, 4, 8, 24, 30]).toContain(r.cpus);
      expect(r.endMs! - r.startMs).toBeGreaterThanOrEqual(300_000);
    }
  });
});

describe('a trace file that cannot be read', () => {
  it('is a TraceFormatError naming the file and the system error', async () => {
    const missing = join(tmpdir(), 'vicsim-no-such-trace.csv');
    expect((await failure(readSimpleTrace(missing))).message).toBe(`${missing}:0: cannot read the file (ENOENT)`);
  });
});

/**
 * Writes the sample traces shipped in examples/traces/ (run from the repository root):
 *   node --import tsx src/capacity/trace/write-samples.ts [outDir]
 * The files are generated from SAMPLE_TRACES' seeds, so the same run writes the same bytes; a test
 * regenerates them and compares.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeSampleTrace, type SampleTraceOptions } from './sample.js';

/** The shipped samples: file name, format and generator options. */
export const SAMPLE_TRACES: readonly { readonly file: string; readonly format: 'azure-vmtable' | 'simple'; readonly options: SampleTraceOptions }[] = [
  { file: 'sample-vmtable.csv', format: 'azure-vmtable', options: { seed: 2019, count: 300 } },
  { file: 'sample-simple.csv', format: 'simple', options: { seed: 2017, count: 300 } },
];

/** Writes every sample into `outDir` (created if missing). */
export async function writeSamples(outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  for (const s of SAMPLE_TRACES) await writeSampleTrace(join(outDir, s.file), s.format, s.options);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await writeSamples(resolve(process.argv[2] ?? 'examples/traces'));
}

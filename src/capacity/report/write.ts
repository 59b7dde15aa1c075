/** Writes a run's three reports into a folder: report.json, report.md and report.html. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { htmlReport } from './html.js';
import { writeCanonicalJson } from './json.js';
import { markdownReport } from './markdown.js';
import type { CapacityRunResult } from './result.js';

/** Paths of the written reports. */
export interface ReportFiles {
  readonly json: string;
  readonly markdown: string;
  readonly html: string;
}

/** Writes the reports of `result` into `outDir` (created if missing), replacing earlier ones. Same result → same bytes. */
export async function writeReports(result: CapacityRunResult, outDir: string): Promise<ReportFiles> {
  await mkdir(outDir, { recursive: true });
  const files = { json: join(outDir, 'report.json'), markdown: join(outDir, 'report.md'), html: join(outDir, 'report.html') };
  await writeCanonicalJson(files.json, result);
  await writeFile(files.markdown, markdownReport(result));
  await writeFile(files.html, htmlReport(result));
  return files;
}

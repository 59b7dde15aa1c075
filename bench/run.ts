/**
 * `npm run bench [suite…]`: runs the benchmark suites (model, clone, density, chain, api, drs, backend, capacity; all by default) and
 * writes bench/results/latest.{json,md}.
 */
import { resolve } from 'node:path';
import { apiBench } from './api.bench.js';
import { backendBench } from './backend.bench.js';
import { capacityBench } from './capacity.bench.js';
import { chainBench } from './chain.bench.js';
import { cloneBench } from './clone.bench.js';
import { densityBench } from './density.bench.js';
import { drsBench } from './drs.bench.js';
import { modelBench } from './model.bench.js';
import { writeReport, type BenchResult } from './report.js';

const SUITES: Record<string, () => Promise<BenchResult[]> | BenchResult[]> = { model: modelBench, clone: cloneBench, density: densityBench, chain: chainBench, api: apiBench, drs: drsBench, backend: backendBench, capacity: capacityBench };
const wanted = process.argv.slice(2);
for (const w of wanted) if (!SUITES[w]) throw new Error(`unknown suite '${w}'; suites: ${Object.keys(SUITES).join(', ')}`);
const results: BenchResult[] = [];
for (const [name, suite] of Object.entries(SUITES)) if (wanted.length === 0 || wanted.includes(name)) results.push(...(await suite()));
process.stdout.write('\n' + writeReport(resolve(import.meta.dirname, 'results'), results) + '\n');

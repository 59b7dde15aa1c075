/** `npm run bench`: runs every benchmark suite and writes bench/results/latest.{json,md}. */
import { resolve } from 'node:path';
import { modelBench } from './model.bench.js';
import { writeReport } from './report.js';

const results = [...(await modelBench())];
process.stdout.write('\n' + writeReport(resolve(import.meta.dirname, 'results'), results) + '\n');

/**
 * Renders the charts of a capacity report into docs/images/, so the README can show them: runs a
 * shipped example scenario (by default n-plus-1-headroom, all of it: a simulated day in seconds)
 * with the same runner as `vicsim plan`, and writes each SVG chart of the HTML report as its own
 * file, named `<scenario>-<chart>.svg`; `--duration` runs only the start of the scenario.
 *
 *   npx tsx scripts/render-report-images.ts [SCENARIO] [--duration 6h] [--out docs/images]
 *
 * Output is deterministic (same scenario and duration, same bytes), so regenerated images only
 * change in git when the model or the charts change.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { htmlReport } from '../src/capacity/report/html.js';
import { runScenario } from '../src/capacity/runner/index.js';
import { loadScenarioFile } from '../src/capacity/scenario/load.js';
import { formatDuration, parseDuration } from '../src/sim/units.js';

const ROOT = resolve(import.meta.dirname, '..');
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { duration: { type: 'string' }, out: { type: 'string', default: join(ROOT, 'docs/images') } },
});
const scenarioPath = positionals[0] ?? join(ROOT, 'examples/scenarios/n-plus-1-headroom.yaml');
const durationMs = values.duration === undefined ? undefined : parseDuration(values.duration);

/** Every `<svg …data-chart="id"…>…</svg>` of an HTML report, with its chart id. */
function svgCharts(html: string): { id: string; svg: string }[] {
  return [...html.matchAll(/<svg\b[^>]*\bdata-chart="([^"]+)"[\s\S]*?<\/svg>/g)].map((m) => ({ id: m[1]!, svg: m[0] }));
}

function fileName(scenario: string, chart: string): string {
  return `${scenario}-${chart}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-') + '.svg';
}

const started = performance.now();
const scenario = await loadScenarioFile(scenarioPath);
const result = await runScenario(scenario, durationMs === undefined ? {} : { durationMs });
await mkdir(values.out, { recursive: true });
const written: string[] = [];
for (const { id, svg } of svgCharts(htmlReport(result))) {
  const path = join(values.out, fileName(scenario.name, id));
  await writeFile(path, `${svg}\n`);
  written.push(path);
}
process.stdout.write(
  `${scenario.name}: ${formatDuration(result.simulatedMs)} simulated in ${((performance.now() - started) / 1000).toFixed(1)} s; ${written.length} chart(s):\n${written.map((p) => `  ${p}`).join('\n')}\n`,
);

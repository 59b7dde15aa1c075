/**
 * `vicsim sweep SCENARIO [--vary PATH=V1,V2 …] [--workers N] --out DIR`: runs a capacity scenario at
 * every point of a grid of parameter values (from the file's `sweep:` section and the --vary flags),
 * on worker threads, and writes sweep.csv, sweep.md, sweep.json and charts/<metric>.svg into DIR.
 * Ctrl-C stops the workers and writes the points that finished.
 */
import { parseArgs } from 'node:util';
import { formatIssue } from '../capacity/errors.js';
import { formatSimTime } from '../capacity/report/summary.js';
import { loadSweepFile, settingsLabel, type SweepPlan } from '../capacity/sweep/definition.js';
import { SweepError } from '../capacity/sweep/errors.js';
import { parseAxisSetting, type SweepAxis } from '../capacity/sweep/grid.js';
import { isIssue } from '../capacity/sweep/paths.js';
import { defaultWorkerCount, runPoints, type PointOutcome } from '../capacity/sweep/pool.js';
import { readable } from '../capacity/sweep/table.js';
import { writeSweep } from '../capacity/sweep/write.js';
import { VicsimError } from '../sim/errors.js';
import { intFlag } from './flags.js';

/** sweep's lines of the `vicsim help` text. */
export const SWEEP_USAGE = `  sweep SCENARIO [--vary PATH=V1,V2,…]… [--workers N] --out DIR
             Run a scenario at every point of a parameter grid, in parallel, and write
             sweep.csv, sweep.md, sweep.json and charts/<metric>.svg into DIR (default ./sweep).
             The grid: the file's 'sweep:' section (PATH: [values]) and each --vary, e.g.
             --vary vchs.provisioning=instant,full --vary arrivals.0.rate=30/h,60/h
             (PATH is a dotted path into the scenario file; a key on a list sets every element)
             --workers N  worker threads (default: one per core); Ctrl-C writes what finished`;

/** Where `vicsim sweep` writes. */
export interface SweepIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

const PROCESS_IO: SweepIo = { stdout: process.stdout, stderr: process.stderr };

/**
 * Runs `vicsim sweep` with its arguments (after the word `sweep`). Returns the exit code: 0 when
 * every point finished or the sweep was interrupted (what finished is written), 1 when a point's
 * run failed (the others are written), 2 for bad flags or an invalid scenario or grid.
 */
export async function runSweepCommand(argv: readonly string[], io: SweepIo = PROCESS_IO): Promise<number> {
  let plan: SweepPlan;
  let workers: number;
  let outDir: string;
  try {
    const { positionals, values } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { out: { type: 'string' }, vary: { type: 'string', multiple: true }, workers: { type: 'string' } },
    });
    if (positionals.length !== 1) throw new VicsimError('InvalidArgument', 'sweep needs one scenario file: vicsim sweep SCENARIO [--vary PATH=V1,V2] --out DIR');
    workers = intFlag('workers', values.workers, defaultWorkerCount(), 1, 256);
    outDir = values.out ?? 'sweep';
    plan = await loadSweepFile(positionals[0]!, varyAxes(values.vary ?? []));
  } catch (e) {
    io.stderr.write(`vicsim sweep: ${usageMessage(e)}\n`);
    return 2;
  }
  const abort = new AbortController();
  const onInterrupt = (): void => abort.abort();
  process.once('SIGINT', onInterrupt);
  const started = performance.now();
  const used = Math.min(workers, plan.points.length);
  io.stderr.write(`Sweeping ${plan.name}: ${plan.points.length} point(s) on ${used} worker thread(s)\n`);
  let finished = 0;
  let outcomes: PointOutcome[];
  try {
    outcomes = await runPoints(
      plan.points.map((p) => p.scenario),
      { workers, signal: abort.signal, onOutcome: (o) => io.stderr.write(`  [${++finished}/${plan.points.length}] ${pointLine(plan, o)}\n`) },
    );
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  const files = await writeSweep(plan, outcomes, outDir);
  const done = outcomes.filter((o) => o.status === 'done').length;
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  const wallS = ((performance.now() - started) / 1000).toFixed(1);
  io.stdout.write(
    `${plan.name}: ${done} of ${plan.points.length} point(s) finished${abort.signal.aborted ? ' (INTERRUPTED)' : ''}${failed ? `, ${failed} failed` : ''} in ${wallS} s on ${used} worker(s)\n` +
      `Results: ${files.csv}, ${files.markdown}, ${files.json}, ${files.charts.length} chart(s) in ${outDir}/charts\n`,
  );
  return failed > 0 ? 1 : 0;
}

/** The --vary settings as axes; every malformed one reported at once. */
function varyAxes(settings: readonly string[]): SweepAxis[] {
  const parsed = settings.map(parseAxisSetting);
  const issues = parsed.filter(isIssue);
  if (issues.length > 0) throw new SweepError('--vary', issues);
  return parsed.filter((a): a is SweepAxis => !isIssue(a));
}

function usageMessage(e: unknown): string {
  if (e instanceof SweepError) return `invalid sweep ${e.source}:\n${e.issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`;
  if (e instanceof VicsimError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) return (e as Error).message;
  return `cannot read the scenario: ${e instanceof Error ? e.message : String(e)}`;
}

/** One progress line: the point, its parameters and its headline numbers (or why it has none). */
function pointLine(plan: SweepPlan, o: PointOutcome): string {
  const settings = settingsLabel(plan.axes, plan.points[o.index]!.valueIndices);
  if (o.status !== 'done') return `point ${o.index} (${settings}): ${o.status}${o.status === 'failed' ? `: ${o.message}` : ''}`;
  const t = o.result.totals;
  const refused = Object.values(t.refused).reduce((s, n) => s + n, 0);
  return `point ${o.index} (${settings}): placed ${t.placed}, refused ${refused}, peak ${t.peakRunning} (${readable(t.atPeak.containersPerHost)} per host) over ${formatSimTime(o.result.simulatedMs)}; ${(o.result.wallMs / 1000).toFixed(1)} s`;
}

/**
 * Reading a sweep: a scenario file, optionally with a `sweep:` section mapping parameter paths to
 * the values they take, plus parameters given on the command line. Every grid point becomes a
 * scenario validated as `vicsim plan` would validate it, so a value the scenario rejects is an
 * error naming its path before anything runs.
 *
 * ```yaml
 * name: density-by-rate
 * # … the scenario as usual …
 * sweep:
 *   vchs.provisioning: [instant, full]
 *   arrivals.0.rate: [60/h, 120/h, 240/h]
 * ```
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isMap, LineCounter, parseDocument, stringify } from 'yaml';
import { ScenarioError, type ScenarioIssue } from '../errors.js';
import { yamlLocator } from '../scenario/issues.js';
import { parseScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/types.js';
import { SweepError } from './errors.js';
import { expandGrid, makeAxis, overlappingAxes, type SweepAxis } from './grid.js';
import { isIssue, setAtPath, type SweepIssue } from './paths.js';

/** The key of a scenario file that holds its sweep parameters. */
export const SWEEP_SECTION = 'sweep';

/** One point of the grid. */
export interface SweepPoint {
  /** 0-based, in grid order (first axis slowest). */
  readonly index: number;
  /** The index into each axis' values. */
  readonly valueIndices: readonly number[];
  /** The scenario of this point, validated and normalised. */
  readonly scenario: Scenario;
}

/** A validated sweep, ready to run. */
export interface SweepPlan {
  /** The scenario's name (the file name when it has none). */
  readonly name: string;
  readonly description: string;
  readonly axes: readonly SweepAxis[];
  readonly points: readonly SweepPoint[];
}

/** Options of {@link parseSweep}. */
export interface ParseSweepOptions {
  /** Names the text in messages and gives the default scenario name (a file path); default 'sweep'. */
  readonly source?: string;
  /** Directory relative trace paths resolve against; default the current directory. */
  readonly baseDir?: string;
  /** Axes from the command line (after the file's; one on the same path replaces the file's). */
  readonly extraAxes?: readonly SweepAxis[];
}

/**
 * Parses a scenario with an optional sweep section into a plan of validated points.
 * Cost: one scenario validation per point. At least one axis is required.
 * @throws SweepError listing every problem (sweep section, paths, values the scenario rejects).
 */
export function parseSweep(text: string, options: ParseSweepOptions = {}): SweepPlan {
  const source = options.source ?? 'sweep';
  const { base, axes: fileAxes } = readDocument(text, source);
  const extra = options.extraAxes ?? [];
  const axes = [...fileAxes.filter((a) => !extra.some((e) => e.path.text === a.path.text)), ...extra];
  const issues: ScenarioIssue[] = overlappingAxes(axes);
  if (axes.length === 0) issues.push({ path: SWEEP_SECTION, message: `nothing to sweep: add a '${SWEEP_SECTION}:' section or --vary PATH=V1,V2` });
  for (const axis of axes) issues.push(...setAtPath(structuredClone(base), axis.path, axis.values[0]).map((i) => ({ path: i.path, message: `${i.message} (parameter ${axis.path.text})` })));
  if (issues.length > 0) throw new SweepError(source, issues);
  const points = pointScenarios(base, axes, source, options.baseDir ?? process.cwd());
  const first = points[0]!.scenario;
  return { name: first.name, description: first.description, axes, points };
}

/** Reads a sweep file (YAML, or JSON) with {@link parseSweep}; trace paths resolve against its folder. */
export async function loadSweepFile(path: string, extraAxes: readonly SweepAxis[] = []): Promise<SweepPlan> {
  const text = await readFile(path, 'utf8');
  return parseSweep(text, { source: path, baseDir: dirname(resolve(path)), extraAxes });
}

/**
 * The scenario document of one point: `base` with each axis' chosen value written in. Plain data;
 * stringified as YAML it is a scenario `vicsim plan` runs to the same result.
 * Precondition: the axes' paths were checked against `base` (parseSweep does).
 */
export function pointDocument(base: Record<string, unknown>, axes: readonly SweepAxis[], valueIndices: readonly number[]): Record<string, unknown> {
  const doc = structuredClone(base);
  axes.forEach((axis, a) => setAtPath(doc, axis.path, structuredClone(axis.values[valueIndices[a]!])));
  return doc;
}

/** The document without its sweep section, and the section's axes. */
export function readDocument(text: string, source: string): { base: Record<string, unknown>; axes: SweepAxis[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) throw new SweepError(source, doc.errors.map((e) => ({ path: '', message: e.message.split('\n')[0]!, line: lineCounter.linePos(e.pos[0]).line })));
  const locator = yamlLocator(doc, lineCounter);
  const js: unknown = doc.toJS({ maxAliasCount: 1000 }) ?? {};
  if (typeof js !== 'object' || js === null || Array.isArray(js)) throw new SweepError(source, [{ path: '', message: 'expected a scenario (a mapping of keys)' }]);
  const { [SWEEP_SECTION]: section, ...base } = js as Record<string, unknown>;
  if (section === undefined) return { base, axes: [] };
  const at = (path: (string | number)[], message: string): ScenarioIssue => {
    const line = locator.lineOf(path);
    return line === undefined ? { path: path.join('.'), message } : { path: path.join('.'), message, line };
  };
  if (!isMap(doc.get(SWEEP_SECTION, true))) throw new SweepError(source, [at([SWEEP_SECTION], 'expected a mapping of parameter paths to lists of values')]);
  const axes: SweepAxis[] = [];
  const issues: ScenarioIssue[] = [];
  for (const [key, values] of Object.entries(section as Record<string, unknown>)) {
    const axis = makeAxis(key, Array.isArray(values) ? values : [values]);
    if (isIssue(axis)) issues.push(at([SWEEP_SECTION, key], axis.message));
    else axes.push(axis);
  }
  if (issues.length > 0) throw new SweepError(source, issues);
  return { base, axes };
}

/** Validates every point's scenario; problems are gathered across points, each reported once. */
function pointScenarios(base: Record<string, unknown>, axes: readonly SweepAxis[], source: string, baseDir: string): SweepPoint[] {
  const grid = expandGrid(axes);
  const points: SweepPoint[] = [];
  const problems = new Map<string, { issue: SweepIssue; firstPoint: string; count: number }>();
  grid.forEach((valueIndices, index) => {
    const text = stringify(pointDocument(base, axes, valueIndices));
    try {
      points.push({ index, valueIndices, scenario: parseScenario(text, { source, baseDir }) });
    } catch (err) {
      if (!(err instanceof ScenarioError)) throw err;
      for (const issue of err.issues) {
        const key = `${issue.path}\n${issue.message}`;
        const seen = problems.get(key);
        if (seen) seen.count++;
        else problems.set(key, { issue: { path: issue.path, message: issue.message }, firstPoint: settingsLabel(axes, valueIndices), count: 1 });
      }
    }
  });
  if (problems.size > 0) {
    const issues = [...problems.values()].map(({ issue, firstPoint, count }) => (count === grid.length ? issue : { path: issue.path, message: `${issue.message} (with ${firstPoint})` }));
    throw new SweepError(source, issues);
  }
  return points;
}

/** `path=value` for each axis of a point, comma-separated: `vchs.provisioning=full, arrivals.0.rate=60/h`. */
export function settingsLabel(axes: readonly SweepAxis[], valueIndices: readonly number[]): string {
  return axes.map((axis, a) => `${axis.path.text}=${axis.labels[valueIndices[a]!]}`).join(', ');
}

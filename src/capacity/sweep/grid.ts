/**
 * The grid of a sweep: axes (a parameter path and the values it takes) and their cartesian
 * product. Values are YAML values, so an axis can set a word (`instant`), a number, a size with
 * its unit (`2g`), a rate (`30/h`) or a whole mapping (`{cores: 16, memory: 128g}`).
 */
import { parse as parseYaml } from 'yaml';
import { isIssue, parsePath, type ParameterPath, type SweepIssue } from './paths.js';

/** One swept parameter. */
export interface SweepAxis {
  readonly path: ParameterPath;
  /** At least one value, no two alike. */
  readonly values: readonly unknown[];
  /** Each value as shown in tables, charts and messages. */
  readonly labels: readonly string[];
}

/** A value as shown: scalars as they read in YAML, lists and mappings as JSON. */
export function valueLabel(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

/**
 * An axis from a path and its values, checked: the path parses, there is a value, no value is given
 * twice. O(values²) for the duplicate check on labels (values are few).
 */
export function makeAxis(pathText: string, values: readonly unknown[]): SweepAxis | SweepIssue {
  const path = parsePath(pathText);
  if (isIssue(path)) return path;
  if (values.length === 0) return { path: path.text, message: 'no values given' };
  const labels = values.map(valueLabel);
  const twice = labels.find((l, i) => labels.indexOf(l) !== i);
  if (twice !== undefined) return { path: path.text, message: `the value ${twice} is given twice` };
  return { path, values, labels };
}

/**
 * An axis from a command-line setting `PATH=V1,V2,…`. The values are read as a YAML flow list, so
 * `2,4,8` are numbers, `instant,full` words, and `{cores: 16},{cores: 32}` two mappings.
 */
export function parseAxisSetting(setting: string): SweepAxis | SweepIssue {
  const eq = setting.indexOf('=');
  if (eq < 0) return { path: setting, message: 'expected PATH=VALUE1,VALUE2,… (e.g. arrivals.0.rate=30/h,60/h)' };
  const pathText = setting.slice(0, eq);
  let values: unknown;
  try {
    values = parseYaml(`[${setting.slice(eq + 1)}]`);
  } catch (err) {
    return { path: pathText.trim(), message: `cannot read the values '${setting.slice(eq + 1)}': ${(err as Error).message.split('\n')[0]}` };
  }
  return makeAxis(pathText, values as unknown[]);
}

/**
 * Finds axes that would write the same place twice: one path a prefix of another (a `*` or a
 * key meeting a list matches any index). O(axes² × path length).
 */
export function overlappingAxes(axes: readonly SweepAxis[]): SweepIssue[] {
  const issues: SweepIssue[] = [];
  for (let j = 1; j < axes.length; j++) {
    for (let i = 0; i < j; i++) {
      if (prefixMatches(axes[i]!.path, axes[j]!.path) || prefixMatches(axes[j]!.path, axes[i]!.path)) {
        issues.push({ path: axes[j]!.path.text, message: `overlaps the parameter ${axes[i]!.path.text}: give each place one parameter` });
      }
    }
  }
  return issues;
}

function stepKey(step: ParameterPath['steps'][number]): string {
  if ('every' in step) return '*';
  if ('index' in step) return String(step.index);
  return step.key;
}

/** Whether `a`'s steps are a prefix of `b`'s, with `*` matching any index. Keys on lists are compared as written. */
function prefixMatches(a: ParameterPath, b: ParameterPath): boolean {
  if (a.steps.length > b.steps.length) return false;
  return a.steps.every((step, i) => {
    const x = stepKey(step);
    const y = stepKey(b.steps[i]!);
    return x === y || ((x === '*' || y === '*') && (/^\d+$/.test(x) || /^\d+$/.test(y) || x === y));
  });
}

/**
 * Every combination of the axes' values, as value indices per axis; the first axis varies slowest,
 * the last fastest (the order of a nested loop written top to bottom). O(product of sizes).
 */
export function expandGrid(axes: readonly SweepAxis[]): number[][] {
  let combos: number[][] = [[]];
  for (const axis of axes) combos = combos.flatMap((c) => axis.values.map((_, v) => [...c, v]));
  return combos;
}

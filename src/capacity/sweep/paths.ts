/**
 * Parameter paths of a sweep: where in a scenario document (as written, before validation) a swept
 * value goes. A path is dotted and may use the bracket form of scenario error messages:
 * `vchs.0.provisioning`, `vchs[0].provisioning`, `arrivals.rate`. A key that meets a list without
 * an index (`arrivals.rate`, or `arrivals.*.rate`) applies to every element of the list.
 */
import { formatPath } from '../scenario/issues.js';

/** One step of a path: a mapping key, a list index, or every element of a list. */
export type PathStep = { readonly key: string } | { readonly index: number } | { readonly every: true };

/** A parsed parameter path. */
export interface ParameterPath {
  /** The path as the user wrote it (table headers, messages). */
  readonly text: string;
  readonly steps: readonly PathStep[];
}

/** A problem with a path or a value; `path` is where, in the document's error form. */
export interface SweepIssue {
  readonly path: string;
  readonly message: string;
}

const SEGMENT_RE = /^([^.[\]]*)((?:\[(?:\d+|\*)\])*)$/;

/**
 * Parses `text` into steps. A numeric segment is an index when it meets a list and a key when it
 * meets a mapping (decided when the path is applied). O(length).
 * @returns the path, or an issue saying which segment is malformed.
 */
export function parsePath(text: string): ParameterPath | SweepIssue {
  const trimmed = text.trim();
  if (trimmed === '') return { path: text, message: 'empty parameter path' };
  const steps: PathStep[] = [];
  for (const segment of trimmed.split('.')) {
    const m = SEGMENT_RE.exec(segment);
    if (!m || (m[1] === '' && m[2] === '')) return { path: trimmed, message: `malformed segment '${segment}' (expected keys and indices like vchs.0.provisioning or vchs[0].provisioning)` };
    if (m[1] === '*') steps.push({ every: true });
    else if (m[1] !== '') steps.push({ key: m[1]! });
    for (const bracket of m[2]!.match(/\[(\d+|\*)\]/g) ?? []) {
      const inner = bracket.slice(1, -1);
      steps.push(inner === '*' ? { every: true } : { index: Number(inner) });
    }
  }
  return { text: trimmed, steps };
}

/** True when `value` is an issue rather than the path or axis asked for. */
export function isIssue<T extends object>(value: T | SweepIssue): value is SweepIssue {
  return 'message' in value;
}

type Doc = Record<string, unknown>;

function isMapping(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Writes `value` at `path` inside `doc` (mutated), on every element where the path broadcasts over
 * a list. Missing mappings on the way are created; a missing list element, or a step into a plain
 * value, is an issue. Values are stored as given (the caller clones per point). O(path × elements).
 * @returns the issues; empty when the value was written everywhere the path reaches.
 */
export function setAtPath(doc: Doc, path: ParameterPath, value: unknown): SweepIssue[] {
  const issues: SweepIssue[] = [];
  const visit = (node: unknown, depth: number, at: readonly (string | number)[]): void => {
    const step = path.steps[depth]!;
    const last = depth === path.steps.length - 1;
    if (Array.isArray(node)) {
      const index = indexOf(step);
      if (index === undefined && 'key' in step) {
        // A key meeting a list: the same step on every element.
        if (node.length === 0) issues.push({ path: formatPath(at), message: 'is an empty list: nothing to set' });
        node.forEach((element, i) => visit(element, depth, [...at, i]));
        return;
      }
      for (const i of listIndices(node, index, at, issues)) {
        if (last) node[i] = value;
        else visit(node[i], depth + 1, [...at, i]);
      }
      return;
    }
    if (!isMapping(node) || 'every' in step) {
      issues.push({ path: formatPath(at), message: `is ${describeValue(node)}, so it has no ${stepText(step)}` });
      return;
    }
    const key = 'key' in step ? step.key : String(step.index);
    if (last) {
      node[key] = value;
      return;
    }
    const next = path.steps[depth + 1]!;
    if (node[key] === undefined && 'key' in next && indexOf(next) === undefined) node[key] = {};
    visit(node[key], depth + 1, [...at, key]);
  };
  visit(doc, 0, []);
  return issues;
}

/** The list index a step names: an index step, or a key made of digits; undefined for others. */
function indexOf(step: PathStep): number | undefined {
  if ('index' in step) return step.index;
  if ('key' in step && /^\d+$/.test(step.key)) return Number(step.key);
  return undefined;
}

/** The indices of `list` that `index` selects (all when undefined, i.e. `*`); an issue when out of range. */
function listIndices(list: readonly unknown[], index: number | undefined, at: readonly (string | number)[], issues: SweepIssue[]): number[] {
  if (index === undefined) {
    if (list.length === 0) issues.push({ path: formatPath(at), message: 'is an empty list: nothing to set' });
    return list.map((_, i) => i);
  }
  if (index < list.length) return [index];
  issues.push({ path: formatPath([...at, index]), message: `no such element: ${formatPath(at)} has ${list.length}` });
  return [];
}

function stepText(step: PathStep): string {
  const index = indexOf(step);
  if (index !== undefined) return `element ${index}`;
  if ('key' in step) return `key '${step.key}'`;
  return 'elements';
}

function describeValue(value: unknown): string {
  if (value === undefined || value === null) return 'not set';
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  return `a plain value (${JSON.stringify(value)})`;
}

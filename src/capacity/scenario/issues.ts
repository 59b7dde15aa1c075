/**
 * Turns zod issues into {@link ScenarioIssue}s: a dotted path (`hosts[2].memory`), a message that
 * says what was expected and what was given, and the line of the offending value in the source.
 */
import type { z } from 'zod';
import { isMap, isPair, isScalar, type Document, type LineCounter } from 'yaml';
import type { ScenarioIssue } from '../errors.js';
import { shown } from './fields.js';

/** A path inside the document: object keys and array indices. */
export type DocPath = readonly (string | number)[];

/** Writes a path as `clusters[0].hosts[2].memory`. O(path length). */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  return out;
}

/** Finds the 1-based line of a path in a parsed YAML (or JSON) document. */
export interface LineLocator {
  /** The line of the value at `path`, or of its nearest ancestor that exists; `key` names a key of that value instead. */
  lineOf(path: DocPath, key?: string): number | undefined;
}

/** A locator over a `yaml` Document parsed with `lineCounter`. Cost O(depth × keys per level) a lookup. */
export function yamlLocator(doc: Document, lineCounter: LineCounter): LineLocator {
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  return {
    lineOf(path, key) {
      for (let depth = path.length; depth >= 0; depth--) {
        const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
        if (!node || typeof node !== 'object' || !('range' in node)) continue;
        if (key !== undefined && depth === path.length && isMap(node)) {
          const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
          if (pair && isScalar(pair.key)) return lineAt(pair.key.range?.[0]);
        }
        return lineAt((node as { range?: [number, number, number] | null }).range?.[0]);
      }
      return undefined;
    },
  };
}

/** Sorts issues by line, then path, so they read top to bottom. */
export function byLine(issues: ScenarioIssue[]): ScenarioIssue[] {
  return issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.path.localeCompare(b.path));
}

/** Converts zod issues into scenario issues, sorted by line (then path) so they read top to bottom. */
export function toScenarioIssues(issues: readonly z.core.$ZodIssue[], locator?: LineLocator): ScenarioIssue[] {
  const out: ScenarioIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push(located(locator, [...issue.path], `unknown key '${key}'`, key));
    } else out.push(located(locator, issue.path.map(keyOf), describe(issue)));
  }
  return byLine(out);
}

function keyOf(part: PropertyKey): string | number {
  return typeof part === 'number' ? part : String(part);
}

function located(locator: LineLocator | undefined, path: (string | number | symbol)[], message: string, key?: string): ScenarioIssue {
  const docPath = path.map(keyOf);
  const full = key === undefined ? docPath : [...docPath, key];
  const line = locator?.lineOf(docPath, key);
  return line === undefined ? { path: formatPath(full), message } : { path: formatPath(full), message, line };
}

function arrayLength(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, input: unknown): string {
  const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
  const count = Array.isArray(input) ? `, got ${input.length}` : '';
  if (issue.exact) return `expected exactly ${bound} item(s)${count}`;
  return `expected ${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} item(s)${count}`;
}

/** A message for one zod issue; `input` is present because parsing asks for reportInput. */
function describe(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined ? `required: expected ${issue.expected}` : `expected ${issue.expected}, got ${shown(input)}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => shown(v)).join(' or ')}, got ${shown(input)}`;
    case 'invalid_union':
      if ('discriminator' in issue && issue.discriminator) {
        const options = (issue as { options?: unknown[] }).options ?? [];
        const given = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[issue.discriminator] : input;
        return `expected ${options.map((o) => shown(o)).join(' or ')}, got ${shown(given)}`;
      }
      return issue.message;
    case 'too_small':
    case 'too_big':
      return issue.origin === 'array' ? arrayLength(issue, input) : issue.message;
    default:
      return issue.message;
  }
}

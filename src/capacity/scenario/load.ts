/**
 * Reading a scenario: YAML or JSON text → schema validation (zod) → normalisation. Every problem
 * is reported at once in a {@link ScenarioError}, each with its path and source line:
 * `clusters[0].hosts[2].memory: expected a size like '256g', got 'lots' (line 14)`.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ScenarioError, type ScenarioIssue } from '../errors.js';
import { byLine, toScenarioIssues, formatPath, yamlLocator, type LineLocator } from './issues.js';
import { normaliseScenario } from './normalise.js';
import { scenarioInput } from './schema.js';
import type { Scenario } from './types.js';

/** Options of {@link parseScenario}. */
export interface ParseScenarioOptions {
  /** 'yaml' (the default; accepts JSON too, as YAML 1.2 does) or 'json' (strict JSON). */
  readonly format?: 'yaml' | 'json';
  /** Names the text in messages (a file path); default 'scenario'. */
  readonly source?: string;
  /** Directory relative trace paths resolve against; default the current directory. */
  readonly baseDir?: string;
}

/**
 * Parses and validates a scenario from text. Pure apart from path resolution: trace files are
 * not opened here. O(text length).
 * @throws ScenarioError listing every problem, with lines.
 */
export function parseScenario(text: string, options: ParseScenarioOptions = {}): Scenario {
  const source = options.source ?? 'scenario';
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (options.format === 'json') checkJson(text, source);
  if (doc.errors.length > 0) {
    throw new ScenarioError(source, doc.errors.map((e) => ({ path: '', message: e.message.split('\n')[0]!, line: lineCounter.linePos(e.pos[0]).line })));
  }
  const locator = yamlLocator(doc, lineCounter);
  const parsed = scenarioInput.safeParse(doc.toJS({ maxAliasCount: 1000 }) ?? {}, { reportInput: true });
  if (!parsed.success) throw new ScenarioError(source, toScenarioIssues(parsed.error.issues, locator));
  const defaultName = source === 'scenario' ? 'scenario' : basename(source, extname(source));
  const result = normaliseScenario(parsed.data, { baseDir: options.baseDir ?? process.cwd(), defaultName });
  if (!result.ok) throw new ScenarioError(source, located(result.issues, locator));
  return result.scenario;
}

/** Reads a scenario file; `.json` files are strict JSON, anything else YAML. Trace paths resolve against the file's folder. */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  const text = await readFile(path, 'utf8');
  const format = extname(path).toLowerCase() === '.json' ? 'json' : 'yaml';
  return parseScenario(text, { format, source: path, baseDir: dirname(resolve(path)) });
}

function checkJson(text: string, source: string): void {
  try {
    JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(source, [{ path: '', message: `not valid JSON: ${(err as Error).message}` }]);
  }
}

function located(issues: readonly { path: readonly (string | number)[]; message: string }[], locator: LineLocator): ScenarioIssue[] {
  return byLine(
    issues.map((i) => {
      const line = locator.lineOf(i.path);
      return line === undefined ? { path: formatPath(i.path), message: i.message } : { path: formatPath(i.path), message: i.message, line };
    }),
  );
}

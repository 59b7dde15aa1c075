/**
 * Errors of the capacity layer. Both are invalid arguments (code `InvalidArgument`): a scenario or
 * a trace the user wrote is malformed. They carry where, so a tool can point at it.
 */
import { InvalidArgumentError } from '../sim/errors.js';

/** One problem in a scenario: the dotted path of the offending value and, for a file, its line. */
export interface ScenarioIssue {
  /** e.g. `clusters[0].hosts[2].memory`; '' for the whole document. */
  readonly path: string;
  readonly message: string;
  /** 1-based line in the source text, when known. */
  readonly line?: number;
}

/** Formats an issue as `path: message (line N)`. */
export function formatIssue(issue: ScenarioIssue): string {
  const where = issue.path ? `${issue.path}: ` : '';
  const line = issue.line !== undefined ? ` (line ${issue.line})` : '';
  return `${where}${issue.message}${line}`;
}

const SCENARIO_ARGUMENT = 'scenario';
const TRACE_ARGUMENT = 'trace';

/** A scenario failed validation; `issues` lists every problem found (at least one), in document order. */
export class ScenarioError extends InvalidArgumentError {
  constructor(
    readonly source: string,
    readonly issues: readonly ScenarioIssue[],
  ) {
    super(SCENARIO_ARGUMENT, `invalid scenario ${source}:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
  }
}

/** A trace file has a malformed line; names the file, the 1-based line and what is wrong. */
export class TraceFormatError extends InvalidArgumentError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(TRACE_ARGUMENT, `${file}:${line}: ${problem}`);
  }
}

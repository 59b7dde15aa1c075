/** The error of an invalid sweep: a malformed parameter, a value the scenario rejects, a bad sweep section. */
import { formatIssue, type ScenarioIssue } from '../errors.js';
import { InvalidArgumentError } from '../../sim/errors.js';

const SWEEP_ARGUMENT = 'sweep';

/**
 * A sweep failed validation (code `InvalidArgument`); `issues` lists every problem found, each
 * with the path of the offending parameter or scenario value and, when known, its line.
 */
export class SweepError extends InvalidArgumentError {
  constructor(
    readonly source: string,
    readonly issues: readonly ScenarioIssue[],
  ) {
    super(SWEEP_ARGUMENT, `invalid sweep ${source}:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
  }
}

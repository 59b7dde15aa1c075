/** Errors of the instant-clone layer. */
import { VicsimError } from '../sim/errors.js';

/**
 * A fork or freeze would give an image as many generations (redo-log levels) as vSphere refuses
 * (calibration `cloneGenerations.failAt`, 255). Code: the vim fault `TooManySnapshotLevels`.
 */
export class GenerationLimitError extends VicsimError {
  constructor(
    readonly image: number,
    readonly depth: number,
    readonly limit: number,
  ) {
    super('TooManySnapshotLevels', `memory image ${image} would reach ${depth} generations; the limit is below ${limit}`);
  }
}

/**
 * Typed errors of the virtual disk model. Everything else the model refuses is reported with the
 * shared errors of src/sim/errors.ts (InvalidArgument, ManagedObjectNotFound, DuplicateName,
 * InvalidState).
 */
import { VicsimError } from '../../sim/errors.js';

/**
 * A descriptor text could not be parsed. `line` is 1-based (0 when the problem is the text as a
 * whole, e.g. a missing required field) and `text` is that line as written.
 */
export class DescriptorParseError extends VicsimError {
  constructor(
    readonly line: number,
    readonly text: string,
    readonly reason: string,
  ) {
    super('InvalidVmdkDescriptor', line > 0 ? `invalid VMDK descriptor, line ${line} "${text}": ${reason}` : `invalid VMDK descriptor: ${reason}`);
  }
}

/** Which chain limit was reached: snapshots of one chain (vim TooManySnapshotLevels) or delta disks. */
export type ChainLimitKind = 'snapshot' | 'redo';

/**
 * A new delta disk would make a chain deeper than allowed: more than `limit` snapshot deltas
 * (calibration disk.maxSnapshotChain) or more than `limit` delta disks above the base
 * (calibration disk.maxRedoLevels). Nothing was created.
 */
export class ChainLimitError extends VicsimError {
  constructor(
    readonly kind: ChainLimitKind,
    readonly parentPath: string,
    readonly limit: number,
  ) {
    super(
      kind === 'snapshot' ? 'TooManySnapshotLevels' : 'TooManyRedoLevels',
      kind === 'snapshot'
        ? `cannot snapshot ${parentPath}: the chain already holds the maximum of ${limit} snapshot levels`
        : `cannot create a delta disk on ${parentPath}: the chain already holds the maximum of ${limit} redo levels`,
    );
  }
}

/**
 * The admin API's errors, and the one place that maps error codes to HTTP statuses:
 * 400 for bad flags (including a datastore or cluster a flag names that does not exist) and changes
 * that need a re-create, 404 for no such VCH, 409 for a name in use
 * or a reservation the cluster cannot admit; anything else is a 500.
 */
import { VicsimError } from '../../sim/errors.js';

/** No VCH has that name (code `NoSuchVch`). */
export class NoSuchVchError extends VicsimError {
  constructor(readonly vchName: string) {
    super('NoSuchVch', `no VCH named '${vchName}'`);
  }
}

/** A VCH with that name exists or is being made (code `VchNameInUse`). */
export class VchNameInUseError extends VicsimError {
  constructor(readonly vchName: string) {
    super('VchNameInUse', `a VCH named '${vchName}' already exists`);
  }
}

/** The request is not one the admin API knows (code `NoSuchRoute`). */
export class NoSuchRouteError extends VicsimError {
  constructor(
    readonly method: string,
    readonly path: string,
  ) {
    super('NoSuchRoute', `no admin API route ${method} ${path}`);
  }
}

const STATUS: Readonly<Record<string, number>> = {
  InvalidArgument: 400,
  VchNeedsRecreate: 400,
  NoSuchVch: 404,
  NoSuchRoute: 404,
  ManagedObjectNotFound: 400,
  VchNameInUse: 409,
  DuplicateName: 409,
  InsufficientResourcesFault: 409,
  ResourceInUse: 409,
};

/** The HTTP status for an error thrown by a handler. O(1). */
export function statusOf(error: unknown): number {
  return error instanceof VicsimError ? (STATUS[error.code] ?? 500) : 500;
}

/**
 * The one place where errors become HTTP answers. An EngineError carries docker's status; a typed
 * VicsimError from the model maps by its stable `code` (STATUS_BY_CODE); anything else is a bug and
 * answers 500 with its message. A test checks that every registered code is mapped.
 */
import { ERROR_CODES, VicsimError } from '../sim/errors.js';
import { EngineError } from '../vch/engine/errors.js';
import { FsError } from '../vch/fs/types.js';

/** 413: a request body beyond the configured limit (code `RequestBodyTooLarge`). */
export class RequestBodyTooLargeError extends EngineError {
  constructor(readonly limitBytes: number) {
    super('RequestBodyTooLarge', 413, `request body exceeds the limit of ${limitBytes} bytes`);
  }
}

/** HTTP status of each registered error code that is not an EngineError. */
export const STATUS_BY_CODE: Readonly<Record<(typeof ERROR_CODES)[number], number>> = {
  InvalidArgument: 400,
  ManagedObjectNotFound: 404,
  DuplicateName: 409,
  InvalidPowerState: 409,
  InvalidState: 409,
  InvalidHostState: 409,
  ResourceInUse: 409,
  SnapshotFault: 500,
  InsufficientResourcesFault: 500,
  RuleViolation: 409,
  NotSupported: 501,
  RestoreError: 500,
  SystemError: 500,
  InvalidVmdkDescriptor: 500,
  TooManySnapshotLevels: 500,
  TooManyRedoLevels: 500,
  InvalidLogin: 500,
  NotAuthenticated: 500,
  VimFault: 500,
  VimConnection: 500,
  VimCertificate: 500,
  InvalidImageArchive: 400,
  InvalidReferenceFormat: 400,
  RegistryNotWhitelisted: 403,
  RegistryUnauthorized: 401,
  RepositoryNotFound: 404,
  ManifestUnknown: 404,
  UnsupportedManifest: 400,
  DigestMismatch: 500,
  RegistryUnavailable: 500,
  RegistryError: 500,
  // Engine errors carry their own status; these entries agree with it.
  BadParameter: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NoSuchObject: 404,
  Conflict: 409,
  NotModified: 304,
  NotImplemented: 501,
  EngineSystemError: 500,
  RequestBodyTooLarge: 413,
  SwarmUnavailable: 503,
  // The guest: filesystem errors other than ENOENT/ENOSPC, archive refusals, processes that cannot start.
  FileSystemError: 400,
  UnsafeArchivePath: 400,
  ArchiveConflict: 400,
  ExecutableNotFound: 400,
  ExecPermissionDenied: 400,
  // The admin API's own errors never reach the Docker API; mapped for completeness.
  NoSuchVch: 404,
  VchNameInUse: 409,
  NoSuchRoute: 404,
  AdminUnreachable: 500,
  AdminRequestFailed: 500,
  VchNeedsRecreate: 400,
};

/** Status of each guest filesystem errno (docker cp, archive endpoints). */
const STATUS_BY_ERRNO: Readonly<Record<string, number>> = { ENOENT: 404, ENOSPC: 500 };

/** An error as the wire answers it. */
export interface HttpError {
  readonly status: number;
  readonly message: string;
  /** True for an unexpected error (a bug or an unmapped code): the server logs it once. */
  readonly unexpected: boolean;
}

/** Maps any thrown value to its HTTP status and docker's `{"message"}` text. Never throws. O(1). */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof EngineError) return { status: err.status, message: err.message, unexpected: false };
  if (err instanceof FsError) return { status: STATUS_BY_ERRNO[err.errno] ?? 400, message: err.message, unexpected: false };
  if (err instanceof VicsimError) {
    const status = (STATUS_BY_CODE as Record<string, number | undefined>)[err.code];
    return { status: status ?? 500, message: err.message, unexpected: status === undefined };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, message: message || 'internal error', unexpected: true };
}

/**
 * The typed error vocabulary of vicsim. Every layer throws these (or subclasses): each carries a
 * stable `code` and no transport status; the Docker API maps codes to HTTP statuses in one place.
 * Codes are vSphere fault names where one exists, so the live backend maps vim faults one to one.
 */

/** Base class of every error vicsim throws on purpose. */
export class VicsimError extends Error {
  /** Stable, documented error code (a vim fault name where one exists). */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = code;
    this.code = code;
  }
}

/** An argument is malformed or out of range; nothing was changed. */
export class InvalidArgumentError extends VicsimError {
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super('InvalidArgument', message);
  }
}

/** The named object does not exist (vim: ManagedObjectNotFound). */
export class NotFoundError extends VicsimError {
  constructor(
    readonly kind: string,
    readonly ref: string,
  ) {
    super('ManagedObjectNotFound', `${kind} ${ref} not found`);
  }
}

/** An object with that name already exists in the same scope (vim: DuplicateName). */
export class DuplicateNameError extends VicsimError {
  constructor(
    readonly kind: string,
    readonly objectName: string,
    readonly scope: string,
  ) {
    super('DuplicateName', `${kind} named "${objectName}" already exists in ${scope}`);
  }
}

/** A VM is not in a power state that allows the operation; carries both states. */
export class InvalidPowerStateError extends VicsimError {
  constructor(
    readonly vm: string,
    readonly operation: string,
    readonly existing: string,
    readonly requested?: string,
  ) {
    super(
      'InvalidPowerState',
      `cannot ${operation} ${vm}: it is ${existing}` + (requested ? ` (requested ${requested})` : ''),
    );
  }
}

/** An object is in a state that forbids the operation (vim: InvalidState / InvalidHostState). */
export class InvalidStateError extends VicsimError {
  constructor(
    code: 'InvalidState' | 'InvalidHostState' | 'ResourceInUse' | 'SnapshotFault',
    readonly ref: string,
    readonly existing: string,
    message: string,
  ) {
    super(code, message);
  }
}

/** Admission control refused a reservation; names the pool and the amounts involved. */
export class InsufficientResourcesError extends VicsimError {
  constructor(
    readonly scope: string,
    readonly resource: 'cpu' | 'memory' | 'disk' | 'vms',
    readonly requested: number,
    readonly available: number,
    readonly unit: 'MHz' | 'MB' | 'bytes' | 'VMs',
  ) {
    super(
      'InsufficientResourcesFault',
      `insufficient ${resource} resources in ${scope}: requested ${requested} ${unit}, available ${available} ${unit}`,
    );
  }
}

/** The operation is not possible on this backend or object (vim: NotSupported). */
export class NotSupportedError extends VicsimError {
  constructor(message: string) {
    super('NotSupported', message);
  }
}

/** Saved state could not be read back; the current model was left as it was. */
export class RestoreError extends VicsimError {
  constructor(message: string) {
    super('RestoreError', message);
  }
}

/** An unexpected failure inside an operation (vim: SystemError); the message says what. */
export class SystemError extends VicsimError {
  constructor(message: string) {
    super('SystemError', message);
  }
}

/** Every error code the project defines, for the mapping completeness test. */
export const ERROR_CODES = [
  'InvalidArgument',
  'ManagedObjectNotFound',
  'DuplicateName',
  'InvalidPowerState',
  'InvalidState',
  'InvalidHostState',
  'ResourceInUse',
  'SnapshotFault',
  'InsufficientResourcesFault',
  'RuleViolation',
  'NotSupported',
  'RestoreError',
  'SystemError',
  'InvalidVmdkDescriptor',
  'TooManySnapshotLevels',
  'TooManyRedoLevels',
  'InvalidLogin',
  'NotAuthenticated',
  'VimFault',
  'VimConnection',
  'VimCertificate',
  'InvalidImageArchive',
  'InvalidReferenceFormat',
  'RegistryNotWhitelisted',
  'RegistryUnauthorized',
  'RepositoryNotFound',
  'ManifestUnknown',
  'UnsupportedManifest',
  'DigestMismatch',
  'RegistryUnavailable',
  'RegistryError',
  // The container engine (vch/engine/errors.ts) and the Docker API: docker's statuses.
  'BadParameter',
  'Unauthorized',
  'Forbidden',
  'NoSuchObject',
  'Conflict',
  'NotModified',
  'NotImplemented',
  'EngineSystemError',
  'RequestBodyTooLarge',
  'SwarmUnavailable',
  // The guest: its filesystem, archives and process starts.
  'FileSystemError',
  'UnsafeArchivePath',
  'ArchiveConflict',
  'ExecutableNotFound',
  'ExecPermissionDenied',
  // The admin API of `vicsim serve` and `vicsim vch`.
  'NoSuchVch',
  'VchNameInUse',
  'NoSuchRoute',
  'AdminUnreachable',
  'AdminRequestFailed',
  'VchNeedsRecreate',
] as const;

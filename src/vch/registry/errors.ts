/**
 * Errors of the registry client, worded as docker and VIC word them (shared/reference/vic-behaviour.md,
 * VIC's lib/imagec and moby's distribution/errors.go). Each has a stable code and no HTTP status;
 * the Docker API maps codes to statuses in one place.
 */
import { VicsimError } from '../../sim/errors.js';

/**
 * An image reference does not parse (code `InvalidReferenceFormat`). The message carries VIC's
 * wording around docker's: `Error parsing reference: "X" is not a valid repository/tag: <reason>`.
 */
export class InvalidReferenceError extends VicsimError {
  constructor(
    readonly input: string,
    /** Docker's own message, e.g. "invalid reference format". */
    readonly reason: string,
  ) {
    super('InvalidReferenceFormat', `Error parsing reference: ${JSON.stringify(input)} is not a valid repository/tag: ${reason}`);
  }
}

/** The registry is not on the VCH's whitelist (code `RegistryNotWhitelisted`); VIC's wording. */
export class RegistryNotWhitelistedError extends VicsimError {
  constructor(readonly registry: string) {
    super('RegistryNotWhitelisted', `Access denied to unauthorized registry (${registry}) while VCH is in whitelist mode`);
  }
}

/**
 * The registry (or its token service) refused the credentials, or none were given where they are
 * required (code `RegistryUnauthorized`). The message is the registry's error in docker's rendering,
 * typically "unauthorized: authentication required".
 */
export class RegistryUnauthorizedError extends VicsimError {
  constructor(
    readonly registry: string,
    detail = 'unauthorized: authentication required',
  ) {
    super('RegistryUnauthorized', detail);
  }
}

/**
 * The repository does not exist, or these credentials may not pull it (code `RepositoryNotFound`):
 * the registry answered NAME_UNKNOWN, DENIED or an insufficient_scope challenge. Docker's and VIC's wording.
 */
export class RepositoryNotFoundError extends VicsimError {
  constructor(
    /** The familiar repository name, e.g. "fakebadimage" or "127.0.0.1:5000/nope". */
    readonly repository: string,
  ) {
    super('RepositoryNotFound', `pull access denied for ${repository}, repository does not exist or may require 'docker login'`);
  }
}

/**
 * The repository has no manifest for that tag or digest (code `ManifestUnknown`). By tag the
 * message is VIC's ("Tag faketag not found in repository library/busybox"); by digest docker's
 * ("manifest for busybox@sha256:… not found: manifest unknown: manifest unknown").
 */
export class ManifestUnknownError extends VicsimError {
  constructor(
    /** Repository path in the registry, e.g. "library/busybox". */
    readonly repository: string,
    readonly tagOrDigest: string,
    familiarReference: string,
  ) {
    super(
      'ManifestUnknown',
      tagOrDigest.startsWith('sha256:')
        ? `manifest for ${familiarReference} not found: manifest unknown: manifest unknown`
        : `Tag ${tagOrDigest} not found in repository ${repository}`,
    );
  }
}

/** The manifest is of a kind this client does not pull, or has no entry for the platform (code `UnsupportedManifest`). */
export class UnsupportedManifestError extends VicsimError {
  constructor(message: string) {
    super('UnsupportedManifest', message);
  }
}

/**
 * Content did not hash to the digest it was fetched by (code `DigestMismatch`); names both digests,
 * in VIC's wording ("Failed to validate layer checksum. Expected sha256:… got sha256:…"). Never retried.
 */
export class DigestMismatchError extends VicsimError {
  constructor(
    /** What was checked: "layer", "layer diff_id", "manifest" or "config". */
    readonly kind: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super('DigestMismatch', `Failed to validate ${kind} checksum. Expected ${expected} got ${actual}`);
  }
}

/**
 * The registry could not be reached or did not finish an answer (code `RegistryUnavailable`): DNS,
 * connection, TLS or a body cut short. Worded like Go's net errors, as docker prints them.
 */
export class RegistryUnavailableError extends VicsimError {
  constructor(
    readonly url: string,
    cause: string,
  ) {
    super('RegistryUnavailable', `Get "${url}": ${cause}`);
  }
}

/**
 * The registry answered with an error this client has no more specific class for (code
 * `RegistryError`), rendered as docker renders registry errors ("<code>: <message>").
 */
export class RegistryResponseError extends VicsimError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super('RegistryError', message);
  }
}

/** True for failures worth another attempt: unreachable registry, a cut body, 5xx or 429 answers. */
export function isTransientRegistryError(error: unknown): boolean {
  if (error instanceof RegistryUnavailableError) return true;
  return error instanceof RegistryResponseError && (error.status >= 500 || error.status === 429);
}

/**
 * API version negotiation as dockerd does it (shared/reference/docker-wire.md, "Versions"): paths may
 * carry a `/v1.NN` prefix; unversioned paths speak the newest version; a version outside
 * [MIN_API_VERSION, MAX_API_VERSION] is refused with docker's two 400 messages.
 */
import { BadParameterError } from '../vch/engine/errors.js';

/** The API version this server advertises (`Api-Version`, `/version` ApiVersion). */
export const MAX_API_VERSION = '1.47';

/** The oldest API version this server accepts (`/version` MinAPIVersion). */
export const MIN_API_VERSION = '1.24';

/**
 * Compares two dotted versions numerically ("1.9" < "1.24"); missing parts count as 0.
 * Returns a negative number, 0 or a positive number. O(parts).
 */
export function compareApiVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** A request path split into the API version it asked for and the route path. */
export interface VersionedPath {
  /** The version in the path, or MAX_API_VERSION for an unversioned path. */
  readonly version: string;
  /** The path without the `/vX.Y` prefix. */
  readonly path: string;
}

const VERSION_PREFIX = /^\/v(\d+(?:\.\d+)*)(\/.*)$/;

/** Versions already found in range (clients send one or two): at most this many are remembered. */
const ACCEPTED_CACHE_SIZE = 64;
const accepted = new Set<string>();

/**
 * Splits `/v1.44/containers/json` into version and path; an unversioned path gets MAX_API_VERSION.
 * Throws BadParameterError (400) with docker's wording for a version outside the supported range.
 * O(path length); the range check runs once per distinct accepted version (up to 64 remembered).
 */
export function negotiateVersion(pathname: string): VersionedPath {
  const m = VERSION_PREFIX.exec(pathname);
  if (!m) return { version: MAX_API_VERSION, path: pathname };
  const version = m[1]!;
  if (!accepted.has(version)) checkVersionRange(version);
  return { version, path: m[2]! };
}

/** Throws docker's 400 for a version outside [MIN_API_VERSION, MAX_API_VERSION]; remembers one inside. O(parts). */
function checkVersionRange(version: string): void {
  if (compareApiVersions(version, MAX_API_VERSION) > 0) {
    throw new BadParameterError(`client version ${version} is too new. Maximum supported API version is ${MAX_API_VERSION}`);
  }
  if (compareApiVersions(version, MIN_API_VERSION) < 0) {
    throw new BadParameterError(
      `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
    );
  }
  if (accepted.size < ACCEPTED_CACHE_SIZE) accepted.add(version);
}

/** Whether `version` is at least `min` (e.g. multiplexed content types from 1.42). */
export function versionAtLeast(version: string, min: string): boolean {
  return compareApiVersions(version, min) >= 0;
}

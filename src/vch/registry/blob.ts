/**
 * Fetching content-addressed things from a registry and checking them against their digests:
 * blobs (streamed, hashed as they arrive) and manifests.
 */
import { createHash } from 'node:crypto';
import type { Digest } from '../archive/image.js';
import { sha256Digest } from '../archive/image.js';
import { DigestMismatchError, RegistryUnavailableError, UnsupportedManifestError } from './errors.js';
import { MANIFEST_ACCEPT, parseManifest } from './manifest.js';
import type { ImageManifest, ManifestIndex } from './manifest.js';
import type { RegistrySession } from './session.js';

/** Largest manifest accepted, as docker limits them (moby distribution/manifest.go: 4 MiB). */
const MANIFEST_SIZE_LIMIT = 4 * 1024 * 1024;

/** Called as bytes arrive: bytes so far and the size the manifest promised. */
export type BytesListener = (current: number, total: number) => void;

/**
 * Downloads blob `digest` (`size` bytes expected) and verifies its sha256. O(size); holds the blob in memory.
 * @param kind what the blob is, for the mismatch message ("layer", "config").
 * @throws DigestMismatchError naming both digests (not worth retrying); RegistryUnavailableError when
 *   the body is cut short (worth retrying); the session's errors for the request itself.
 */
export async function fetchBlob(
  session: RegistrySession,
  digest: string,
  size: number,
  kind: string,
  onBytes?: BytesListener,
  signal?: AbortSignal,
): Promise<Buffer> {
  const response = await session.get(`blobs/${digest}`, {}, signal);
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let received = 0;
  try {
    for await (const chunk of response.body ?? []) {
      const view = chunk as Uint8Array;
      const bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
      hash.update(bytes);
      chunks.push(bytes);
      received += bytes.length;
      onBytes?.(received, size);
    }
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new RegistryUnavailableError(`${session.baseUrl}${session.target.repository}/blobs/${digest}`, `unexpected EOF after ${received} of ${size} bytes`);
  }
  const actual = `sha256:${hash.digest('hex')}`;
  if (actual !== digest) throw new DigestMismatchError(kind, digest, actual);
  return Buffer.concat(chunks, received);
}

/** A manifest as fetched: its bytes' digest and its parsed form. */
export interface FetchedManifest {
  readonly digest: Digest;
  readonly manifest: ImageManifest | ManifestIndex;
}

/**
 * Fetches the manifest a tag or digest names, with every media type this client understands in
 * Accept. When `reference` is a digest the body must hash to it.
 * @throws DigestMismatchError, UnsupportedManifestError (schema 1, unknown type, over 4 MiB), and the
 *   session's errors (ManifestUnknownError, RepositoryNotFoundError, …).
 */
export async function fetchManifest(session: RegistrySession, reference: string): Promise<FetchedManifest> {
  const response = await session.get(`manifests/${reference}`, { Accept: MANIFEST_ACCEPT });
  const body = Buffer.from(await response.arrayBuffer());
  if (body.length > MANIFEST_SIZE_LIMIT) throw new UnsupportedManifestError(`manifest is larger than ${MANIFEST_SIZE_LIMIT} bytes`);
  const digest = sha256Digest(body);
  if (reference.startsWith('sha256:') && digest !== reference) throw new DigestMismatchError('manifest', reference, digest);
  return { digest, manifest: parseManifest(body, response.headers.get('content-type')) };
}

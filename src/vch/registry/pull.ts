/**
 * Pulling an image from a registry (Registry HTTP API v2), as VIC's imagec does it: whitelist check,
 * manifest (a manifest list or OCI index resolved to linux/amd64), config, then the layers — at most
 * 3 downloads at once, each tried up to 5 times on transient failures, every blob checked against
 * its digest — unpacked in order (gunzip, diff_id check, tar parse). Progress events are emitted
 * as docker streams them (progress.ts).
 */
import type { Digest, ImageConfig, ImageLayer } from '../archive/image.js';
import { parseImageConfig } from '../archive/image.js';
import type { RegistryCredentials } from './auth.js';
import { fetchBlob, fetchManifest } from './blob.js';
import { UnsupportedManifestError } from './errors.js';
import { downloadLayers } from './layer-downloads.js';
import type { DownloadPolicy } from './layer-downloads.js';
import { LINUX_AMD64, selectPlatform } from './manifest.js';
import type { ImageManifest, Platform } from './manifest.js';
import type { ProgressListener, PullProgressEvent } from './progress.js';
import { parseReference } from './reference.js';
import type { ImageReference } from './reference.js';
import { checkRegistryAllowed, isInsecureRegistry } from './registry-policy.js';
import type { RegistryPolicy } from './registry-policy.js';
import { RegistrySession } from './session.js';

/** What the registry says about a layer, beside its content. */
export interface LayerDescriptorInfo {
  /** Digest of the blob as the registry stores it (usually gzip). */
  readonly digest: Digest;
  readonly diffId: Digest;
  /** Blob size in bytes, as the manifest gives it. */
  readonly size: number;
  readonly mediaType: string;
}

/** A layer that was downloaded and unpacked. */
export interface DownloadedLayer extends ImageLayer, LayerDescriptorInfo {
  readonly kind: 'downloaded';
}

/** A layer skipped because the caller already has its diff_id ("Already exists"). */
export interface ExistingLayer extends LayerDescriptorInfo {
  readonly kind: 'existing';
}

/** A layer of a pulled image. */
export type PulledLayer = DownloadedLayer | ExistingLayer;

/** The result of a pull: everything an image store needs to record the image. */
export interface PulledImage {
  /** The normalised reference pulled, e.g. docker.io/library/busybox:latest. */
  readonly reference: ImageReference;
  /** Digest of what the tag or digest named (a manifest list's own digest when it was one): the RepoDigest. */
  readonly manifestDigest: Digest;
  /** Digest of the image manifest for the chosen platform (equal to manifestDigest without a list). */
  readonly imageManifestDigest: Digest;
  /** The config; its digest is the image id. */
  readonly config: ImageConfig;
  /** Layers from the base up, one per `config.json.rootfs.diff_ids` entry. */
  readonly layers: readonly PulledLayer[];
}

/** A VCH's registry settings: the whitelist and insecure registries, and download tuning. */
export interface RegistryClientConfig extends RegistryPolicy, Partial<DownloadPolicy> {
  /** The platform to pick from manifest lists; linux/amd64 unless set. */
  readonly platform?: Platform;
}

/** One pull's inputs besides the reference. */
export interface PullRequest {
  /** Credentials, e.g. from decodeRegistryAuth(X-Registry-Auth). */
  readonly credentials?: RegistryCredentials;
  readonly onProgress?: ProgressListener;
  /** Aborts the pull (downloads in flight stop; the promise rejects with the abort reason). */
  readonly signal?: AbortSignal;
  /** True for layers the caller already stores: they are not downloaded ("Already exists"). */
  readonly layerExists?: (diffId: Digest) => boolean;
  /** True when the caller already has this image id: the final status says "Image is up to date". */
  readonly imageExists?: (imageId: Digest) => boolean;
}

/** Defaults from shared/reference/vic-behaviour.md (Images): 3 downloads at once, 5 attempts each. */
export const DEFAULT_DOWNLOAD_POLICY: DownloadPolicy = {
  maxConcurrentDownloads: 3,
  maxDownloadAttempts: 5,
  /** VIC's fetcher waits retries × 5 s before the next attempt (lib/fetcher; estimate for others). */
  retryDelayMs: (attempt) => attempt * 5000,
};

/** Pulls images for one VCH. Stateless between pulls; safe to use for concurrent pulls. */
export class RegistryClient {
  private readonly downloadPolicy: DownloadPolicy;

  constructor(private readonly config: RegistryClientConfig = {}) {
    this.downloadPolicy = {
      maxConcurrentDownloads: config.maxConcurrentDownloads ?? DEFAULT_DOWNLOAD_POLICY.maxConcurrentDownloads,
      maxDownloadAttempts: config.maxDownloadAttempts ?? DEFAULT_DOWNLOAD_POLICY.maxDownloadAttempts,
      retryDelayMs: config.retryDelayMs ?? DEFAULT_DOWNLOAD_POLICY.retryDelayMs,
    };
  }

  /**
   * Pulls `image` (text as `docker pull` takes it, or a parsed reference). Network time dominates;
   * CPU and memory are O(total layer bytes) (layers are held in memory, compressed and unpacked).
   * @throws InvalidReferenceError, RegistryNotWhitelistedError, RegistryUnauthorizedError,
   *   RepositoryNotFoundError, ManifestUnknownError, UnsupportedManifestError, DigestMismatchError,
   *   RegistryUnavailableError, RegistryResponseError, ImageArchiveError (a layer that is not a tar).
   */
  async pull(image: string | ImageReference, request: PullRequest = {}): Promise<PulledImage> {
    const reference = typeof image === 'string' ? parseReference(image) : image;
    checkRegistryAllowed(this.config, reference.domain);
    const emit = (event: PullProgressEvent): void => request.onProgress?.(event);
    const session = new RegistrySession(
      {
        host: reference.registryHost,
        repository: reference.path,
        familiarName: reference.familiarName,
        insecure: isInsecureRegistry(this.config, reference.domain),
        ...(request.credentials ? { credentials: request.credentials } : {}),
      },
      request.signal,
    );
    emit({ status: `Pulling from ${reference.path}`, id: reference.tagOrDigest });
    const { manifestDigest, imageManifestDigest, manifest } = await this.resolveManifest(session, reference);
    // fetchBlob verifies the bytes against the manifest's config digest, so config.digest equals it.
    const config = parseImageConfig(await fetchBlob(session, manifest.config.digest, manifest.config.size, 'config'));
    const diffIds = config.json.rootfs.diff_ids as Digest[];
    if (diffIds.length !== manifest.layers.length) {
      throw new UnsupportedManifestError(`manifest has ${manifest.layers.length} layers but the image config lists ${diffIds.length}`);
    }
    const layers = await downloadLayers(session, manifest.layers, diffIds, this.downloadPolicy, { ...request, emit });
    emit({ status: `Digest: ${manifestDigest}` });
    const upToDate = request.imageExists?.(config.digest) ?? false;
    emit({ status: `Status: ${upToDate ? 'Image is up to date' : 'Downloaded newer image'} for ${reference.familiarString}` });
    return { reference, manifestDigest, imageManifestDigest, config, layers };
  }

  private async resolveManifest(
    session: RegistrySession,
    reference: ImageReference,
  ): Promise<{ manifestDigest: Digest; imageManifestDigest: Digest; manifest: ImageManifest }> {
    const top = await fetchManifest(session, reference.tagOrDigest);
    if (top.manifest.kind === 'image') return { manifestDigest: top.digest, imageManifestDigest: top.digest, manifest: top.manifest };
    const chosen = selectPlatform(top.manifest, this.config.platform ?? LINUX_AMD64);
    const child = await fetchManifest(session, chosen.digest);
    if (child.manifest.kind !== 'image') throw new UnsupportedManifestError('a manifest list entry points to another manifest list');
    return { manifestDigest: top.digest, imageManifestDigest: child.digest, manifest: child.manifest };
  }
}

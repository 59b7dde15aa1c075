/**
 * The layer stage of a pull: downloads run a few at a time with retries; unpacking runs in layer
 * order as each download finishes (as docker's and VIC's pullers do), so "Pull complete" events
 * come bottom-up.
 */
import { maybeGunzip } from '../archive/docker-archive.js';
import type { Digest } from '../archive/image.js';
import { sha256Digest } from '../archive/image.js';
import { readLayerTar } from '../archive/layer-tar.js';
import { fetchBlob } from './blob.js';
import { DigestMismatchError, isTransientRegistryError } from './errors.js';
import type { Descriptor } from './manifest.js';
import { shortLayerId } from './progress.js';
import type { PullProgressEvent } from './progress.js';
import type { PulledLayer, PullRequest } from './pull.js';
import type { RegistrySession } from './session.js';

/** How layer downloads are run. */
export interface DownloadPolicy {
  /** Downloads in flight at once (≥ 1). */
  readonly maxConcurrentDownloads: number;
  /** Attempts per layer, the first included (≥ 1). */
  readonly maxDownloadAttempts: number;
  /** Wait before attempt `attempt + 1` after `attempt` failed, in milliseconds. */
  readonly retryDelayMs: (attempt: number) => number;
}

/** Bytes between two "Downloading" events (moby's progress reader updates every 512 KiB). */
const PROGRESS_STEP_BYTES = 512 * 1024;

interface LayerJob {
  readonly descriptor: Descriptor;
  readonly diffId: Digest;
  readonly id: string;
}

/**
 * Downloads and unpacks `layers` (bottom-up, `diffIds[i]` belonging to `layers[i]`). Layers the
 * request says exist are skipped. On the first failure the other downloads are aborted and the
 * error is thrown. O(total layer bytes) in memory and CPU.
 * @throws DigestMismatchError (blob digest or diff_id), ImageArchiveError (not a tar), and the
 *   session's errors once attempts are exhausted or at once when not transient.
 */
export async function downloadLayers(
  session: RegistrySession,
  layers: readonly Descriptor[],
  diffIds: readonly Digest[],
  policy: DownloadPolicy,
  request: PullRequest & { emit: (event: PullProgressEvent) => void },
): Promise<PulledLayer[]> {
  const { emit } = request;
  const jobs: LayerJob[] = layers.map((descriptor, i) => ({ descriptor, diffId: diffIds[i]!, id: shortLayerId(descriptor.digest) }));
  const present = jobs.map((job) => request.layerExists?.(job.diffId) ?? false);
  jobs.forEach((job, i) => emit({ status: present[i] ? 'Already exists' : 'Pulling fs layer', id: job.id, progressDetail: {} }));
  const pending = jobs.filter((_, i) => !present[i]);
  pending.slice(policy.maxConcurrentDownloads).forEach((job) => emit({ status: 'Waiting', id: job.id, progressDetail: {} }));
  const abort = new AbortController();
  const onOuterAbort = (): void => abort.abort(request.signal?.reason);
  request.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let firstFailure: unknown;
  const limit = limiter(policy.maxConcurrentDownloads);
  const downloads = new Map(pending.map((job) => [job, limit(() => downloadWithRetries(session, job, policy, emit, abort.signal))]));
  for (const download of downloads.values()) {
    download.catch((error: unknown) => {
      if (!abort.signal.aborted) firstFailure = error;
      abort.abort(error);
    });
  }
  try {
    const result: PulledLayer[] = [];
    for (const job of jobs) {
      const info = { digest: job.descriptor.digest as Digest, diffId: job.diffId, size: job.descriptor.size, mediaType: job.descriptor.mediaType };
      const download = downloads.get(job);
      if (download) result.push({ kind: 'downloaded', ...info, ...(await unpack(job, await download, emit)) });
      else result.push({ kind: 'existing', ...info });
    }
    return result;
  } catch (error) {
    throw firstFailure ?? error;
  } finally {
    request.signal?.removeEventListener('abort', onOuterAbort);
    abort.abort();
  }
}

async function unpack(job: LayerJob, blob: Buffer, emit: (event: PullProgressEvent) => void) {
  emit({ status: 'Extracting', id: job.id, progressDetail: { current: 0, total: blob.length } });
  const tar = maybeGunzip(blob, `layer ${job.descriptor.digest}`);
  const diffId = sha256Digest(tar);
  if (diffId !== job.diffId) throw new DigestMismatchError('layer diff_id', job.diffId, diffId);
  const entries = await readLayerTar(tar);
  emit({ status: 'Extracting', id: job.id, progressDetail: { current: blob.length, total: blob.length } });
  emit({ status: 'Pull complete', id: job.id, progressDetail: {} });
  return { diffId, tar, entries };
}

async function downloadWithRetries(
  session: RegistrySession,
  job: LayerJob,
  policy: DownloadPolicy,
  emit: (event: PullProgressEvent) => void,
  signal: AbortSignal,
): Promise<Buffer> {
  for (let attempt = 1; ; attempt++) {
    let lastReported = -1;
    const onBytes = (current: number, total: number): void => {
      if (current - lastReported < PROGRESS_STEP_BYTES && current < total && lastReported >= 0) return;
      lastReported = current;
      emit({ status: 'Downloading', id: job.id, progressDetail: { current, total } });
    };
    try {
      signal.throwIfAborted();
      const blob = await fetchBlob(session, job.descriptor.digest, job.descriptor.size, 'layer', onBytes, signal);
      emit({ status: 'Verifying Checksum', id: job.id, progressDetail: {} });
      emit({ status: 'Download complete', id: job.id, progressDetail: {} });
      return blob;
    } catch (error) {
      if (!isTransientRegistryError(error) || attempt >= policy.maxDownloadAttempts || signal.aborted) throw error;
      const delayMs = policy.retryDelayMs(attempt);
      emit({ status: `Retrying in ${Math.ceil(delayMs / 1000)} second${Math.ceil(delayMs / 1000) === 1 ? '' : 's'}`, id: job.id, progressDetail: {} });
      await sleep(delayMs, signal);
    }
  }
}

/** Runs at most `n` of the given tasks at once, in the order they were handed over. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: (() => void)[] = [];
  const next = (): void => {
    running--;
    queue.shift()?.();
  };
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      const start = (): void => {
        running++;
        task().then(resolve, reject).finally(next);
      };
      if (running < n) start();
      else queue.push(start);
    });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

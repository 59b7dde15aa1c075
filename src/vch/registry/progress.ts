/**
 * Pull progress as the Docker Engine API streams it (POST /images/create): one JSON object a line,
 * {"status","id","progressDetail","progress"} (shared/reference/docker-wire.md). A pull emits, in order:
 * "Pulling from <repo>" (id = tag or digest); per layer (id = 12 hex digits of its digest) "Pulling fs
 * layer", "Waiting" when queued behind the download limit, "Downloading" {current,total}, possibly
 * "Retrying in N seconds", "Verifying Checksum", "Download complete", "Extracting" {current,total},
 * "Pull complete" (or "Already exists"); then "Digest: sha256:…" and "Status: …".
 */
import { formatDecimalSize } from '../../sim/units.js';

/** Byte progress of one step. */
export interface ProgressDetail {
  readonly current: number;
  readonly total: number;
}

/** One progress event of a pull. */
export interface PullProgressEvent {
  readonly status: string;
  /** Layer short id, or the tag/digest for "Pulling from"; absent for "Digest:" and "Status:". */
  readonly id?: string;
  /** Present on layer events: byte counts for Downloading and Extracting, otherwise empty. */
  readonly progressDetail?: ProgressDetail | Record<string, never>;
}

/** Receives progress events; must not throw. */
export type ProgressListener = (event: PullProgressEvent) => void;

/** docker's JSONMessage for an event, with the rendered `progress` bar when there are byte counts. */
export interface DockerJsonMessage {
  readonly status: string;
  readonly id?: string;
  readonly progressDetail?: ProgressDetail | Record<string, never>;
  readonly progress?: string;
}

/** Width of docker's progress bar in characters (moby pkg/jsonmessage, at the daemon's width of 200). */
const BAR_WIDTH = 50;

/**
 * docker's progress text, e.g. "[==>          …] 1.024kB/2.048kB": the bar fills BAR_WIDTH × current/total
 * characters, sizes are decimal with 4 significant digits, the current size padded to 8.
 * An unknown total (≤ 0) prints the current size only.
 */
export function formatProgressBar(current: number, total: number): string {
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return formatDecimalSize(current).padStart(8);
  const filled = Math.min(BAR_WIDTH, Math.floor(Math.floor((current / total) * 100) / 2));
  const bar = `[${'='.repeat(filled)}>${' '.repeat(BAR_WIDTH - filled)}] `;
  return `${bar}${formatDecimalSize(current).padStart(8)}/${formatDecimalSize(total)}`;
}

/** Turns an event into the object docker writes on the wire. */
export function toJsonMessage(event: PullProgressEvent): DockerJsonMessage {
  const detail = event.progressDetail;
  if (detail && 'current' in detail) {
    return { ...event, progress: formatProgressBar(detail.current, detail.total) };
  }
  return { ...event };
}

/** The 12-hex-digit short id docker shows for a layer digest. */
export function shortLayerId(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

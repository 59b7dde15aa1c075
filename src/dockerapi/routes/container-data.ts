/** Routes that read from or write into a container: logs, stats, top, changes, export, archive (docker cp). */
import type { PathStat, StatsSample } from '../../vch/engine/docker-types.js';
import type { LogRecord } from '../../vch/engine/engine.js';
import { BadParameterError } from '../../vch/engine/errors.js';
import { encodeChunk, forEachUntil, MULTIPLEXED_STREAM, pause, RAW_STREAM, rfc3339NanoFixed } from '../streams.js';
import { route, type RequestContext, type Route } from '../router.js';
import { versionAtLeast } from '../version.js';
import { endSafely, sendBytes, sendEmpty, sendJson, startStream, writeSafely } from '../wire.js';

async function logs(ctx: RequestContext): Promise<void> {
  const q = ctx.query;
  const stdout = q.bool('stdout');
  const stderr = q.bool('stderr');
  if (!stdout && !stderr) throw new BadParameterError('Bad parameters: you must choose at least one stream');
  const tailText = q.string('tail') ?? 'all';
  if (tailText !== 'all' && tailText !== '' && !/^\d+$/.test(tailText)) throw new BadParameterError(`invalid value for tail: ${JSON.stringify(tailText)}`);
  const tail = tailText === 'all' || tailText === '' ? undefined : Number(tailText);
  const since = q.seconds('since');
  const until = q.seconds('until');
  const opts = { stdout, stderr, follow: q.bool('follow'), signal: ctx.signal, ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}), ...(tail !== undefined ? { tail } : {}) };
  const { tty, records } = await ctx.engine.containerLogs(ctx.params[0]!, opts);
  const timestamps = q.bool('timestamps');
  startStream(ctx.res, !tty && versionAtLeast(ctx.apiVersion, '1.42') ? MULTIPLEXED_STREAM : RAW_STREAM);
  await forEachUntil(records, ctx.signal, (record) => writeSafely(ctx.res, encodeChunk(tty, withTimestamp(record, timestamps))));
  endSafely(ctx.res);
}

function withTimestamp(record: LogRecord, timestamps: boolean): LogRecord {
  if (!timestamps) return record;
  const prefix = Buffer.from(rfc3339NanoFixed(record.timeNano) + ' ');
  return { ...record, data: Buffer.concat([prefix, record.data]) };
}

/**
 * Stats: `stream` (default true) sends a sample every interval with precpu_stats from the previous
 * one; `stream=0` sends one sample taken an interval after a first (so CPU % can be computed), and
 * `one-shot=1` with stream=0 sends a single sample at once, as dockerd does.
 */
async function stats(ctx: RequestContext): Promise<void> {
  const ref = ctx.params[0]!;
  const stream = ctx.query.bool('stream', true);
  let previous = await ctx.engine.containerStats(ref);
  if (!stream) {
    if (!ctx.query.bool('one-shot')) {
      await pause(ctx.limits.statsIntervalMs, ctx.signal);
      previous = withPrevious(await ctx.engine.containerStats(ref), previous);
    }
    sendJson(ctx.res, 200, previous);
    return;
  }
  startStream(ctx.res, 'application/json');
  writeSafely(ctx.res, JSON.stringify(previous) + '\n');
  while (!ctx.signal.aborted) {
    await pause(ctx.limits.statsIntervalMs, ctx.signal);
    if (ctx.signal.aborted) break;
    previous = withPrevious(await ctx.engine.containerStats(ref), previous);
    writeSafely(ctx.res, JSON.stringify(previous) + '\n');
  }
  endSafely(ctx.res);
}

function withPrevious(sample: StatsSample, previous: StatsSample): StatsSample {
  return { ...sample, preread: previous.read, precpu_stats: previous.cpu_stats };
}

/** The `path` query parameter of the archive routes (required). */
function archivePath(ctx: RequestContext): string {
  const path = ctx.query.string('path');
  if (!path) throw new BadParameterError('path is required');
  if (path.includes('\0')) throw new BadParameterError('path must not contain NUL bytes');
  return path;
}

/** The `X-Docker-Container-Path-Stat` header: base64 of the PathStat JSON. */
export function pathStatHeader(stat: PathStat): Record<string, string> {
  return { 'X-Docker-Container-Path-Stat': Buffer.from(JSON.stringify(stat)).toString('base64') };
}

async function statArchive(ctx: RequestContext): Promise<void> {
  const stat = await ctx.engine.statPath(ctx.params[0]!, archivePath(ctx));
  ctx.res.writeHead(200, { ...pathStatHeader(stat), 'Content-Length': 0 });
  ctx.res.end();
}

async function getArchive(ctx: RequestContext): Promise<void> {
  const { stat, tar } = await ctx.engine.getArchive(ctx.params[0]!, archivePath(ctx));
  sendBytes(ctx.res, 200, 'application/x-tar', tar, pathStatHeader(stat));
}

async function putArchive(ctx: RequestContext): Promise<void> {
  const path = archivePath(ctx);
  const tar = await ctx.bytes();
  const opts = { noOverwriteDirNonDir: ctx.query.bool('noOverwriteDirNonDir'), copyUIDGID: ctx.query.bool('copyUIDGID') };
  await ctx.engine.putArchive(ctx.params[0]!, path, tar, opts);
  sendEmpty(ctx.res, 200);
}

/** The container data routes. */
export const CONTAINER_DATA_ROUTES: readonly Route[] = [
  route('GET', '/containers/{id}/logs', logs),
  route('GET', '/containers/{id}/stats', stats),
  route('GET', '/containers/{id}/top', async (ctx) => sendJson(ctx.res, 200, await ctx.engine.containerTop(ctx.params[0]!, ctx.query.string('ps_args') || undefined))),
  route('GET', '/containers/{id}/changes', async (ctx) => sendJson(ctx.res, 200, await ctx.engine.containerChanges(ctx.params[0]!))),
  route('GET', '/containers/{id}/export', async (ctx) => sendBytes(ctx.res, 200, 'application/x-tar', await ctx.engine.exportContainer(ctx.params[0]!))),
  route('HEAD', '/containers/{id}/archive', statArchive),
  route('GET', '/containers/{id}/archive', getArchive),
  route('PUT', '/containers/{id}/archive', putArchive),
];

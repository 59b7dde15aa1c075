/**
 * The two-way stream routes (docker-wire.md "Hijack"): `POST /containers/{id}/attach` and
 * `POST /exec/{id}/start`, hijacked (101) or plain (200), plus exec create, inspect and resize.
 * The attach stream closes when the process's output ends, so `docker run` does not hang.
 */
import type { AttachedStreams } from '../../vch/engine/engine.js';
import { parseJsonBody } from '../body.js';
import { HIJACK_FIRST_FRAME_GAP_MS } from '../connection.js';
import { decodeExecCreate, decodeExecStart } from '../schemas.js';
import { encodeChunk, forEachUntil, MULTIPLEXED_STREAM, RAW_STREAM } from '../streams.js';
import { route, streamRoute, type BaseContext, type Route, type StreamConnection } from '../router.js';
import { versionAtLeast } from '../version.js';
import { sendEmpty, sendJson } from '../wire.js';
import { dimensions } from './containers.js';

/**
 * Streams a process's output to the connection (framed unless TTY; raw below API 1.42) and stdin
 * from it, until the output ends or the client goes; then ends the connection and detaches.
 * `firstFrameGapMs`: see {@link StreamConnection.begin}.
 */
export async function pumpStreams(ctx: BaseContext, conn: StreamConnection, streams: AttachedStreams, firstFrameGapMs = 0): Promise<void> {
  conn.begin(streams.tty || !versionAtLeast(ctx.apiVersion, '1.42') ? RAW_STREAM : MULTIPLEXED_STREAM, firstFrameGapMs);
  conn.onInput(
    (chunk) => streams.write(chunk),
    () => streams.endInput(),
  );
  const detach = (): void => streams.detach();
  ctx.signal.addEventListener('abort', detach, { once: true });
  try {
    await forEachUntil(streams.output, ctx.signal, (chunk) => conn.write(encodeChunk(streams.tty, chunk)));
  } finally {
    ctx.signal.removeEventListener('abort', detach);
    conn.end();
  }
}

async function attach(ctx: BaseContext, conn: StreamConnection): Promise<void> {
  const q = ctx.query;
  const opts = { stdin: q.bool('stdin'), stdout: q.bool('stdout'), stderr: q.bool('stderr'), logs: q.bool('logs'), stream: q.bool('stream') };
  const streams = await ctx.engine.attachContainer(ctx.params[0]!, opts);
  await pumpStreams(ctx, conn, streams);
}

async function execStart(ctx: BaseContext, conn: StreamConnection): Promise<void> {
  const body = decodeExecStart(parseJsonBody(conn.options, {}));
  const detach = body.Detach === true;
  const streams = await ctx.engine.startExec(ctx.params[0]!, { detach, ...(body.Tty !== undefined ? { tty: body.Tty } : {}) });
  if (!streams) {
    conn.begin('text/plain');
    conn.end();
    return;
  }
  await pumpStreams(ctx, conn, streams, HIJACK_FIRST_FRAME_GAP_MS);
}

/** Attach and exec routes. */
export const ATTACH_ROUTES: readonly Route[] = [
  streamRoute('POST', '/containers/{id}/attach', attach, false),
  streamRoute('POST', '/exec/{id}/start', execStart, true),
  route('POST', '/containers/{id}/exec', async (ctx) => sendJson(ctx.res, 201, await ctx.engine.createExec(ctx.params[0]!, decodeExecCreate(await ctx.json())))),
  route('GET', '/exec/{id}/json', async (ctx) => sendJson(ctx.res, 200, await ctx.engine.inspectExec(ctx.params[0]!))),
  route('POST', '/exec/{id}/resize', async (ctx) => {
    const { height, width } = dimensions(ctx);
    await ctx.engine.resizeExec(ctx.params[0]!, height, width);
    sendEmpty(ctx.res, 200);
  }),
];

/** Container lifecycle routes: create, list, inspect, start/stop/restart/kill, rm, rename, pause, wait, resize, prune. */
import type { WaitCondition } from '../../vch/engine/engine.js';
import { BadParameterError } from '../../vch/engine/errors.js';
import { decodeContainerCreate } from '../schemas.js';
import { route, type RequestContext, type Route } from '../router.js';
import { versionAtLeast } from '../version.js';
import { endSafely, sendEmpty, sendJson, startStream, writeSafely } from '../wire.js';

const CONTAINER_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const WAIT_CONDITIONS: readonly WaitCondition[] = ['not-running', 'next-exit', 'removed'];

async function create(ctx: RequestContext): Promise<void> {
  const name = ctx.query.string('name');
  if (name !== undefined && name !== '' && !CONTAINER_NAME.test(name)) {
    throw new BadParameterError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  const body = decodeContainerCreate(await ctx.json());
  sendJson(ctx.res, 201, await ctx.engine.createContainer(name || undefined, body));
}

async function list(ctx: RequestContext): Promise<void> {
  const q = ctx.query;
  const limit = q.int('limit');
  const opts = { all: q.bool('all'), size: q.bool('size'), filters: q.filters(), ...(limit !== undefined && limit > 0 ? { limit } : {}) };
  sendJson(ctx.res, 200, await ctx.engine.listContainers(opts));
}

/** `t` (seconds) and `signal` of stop and restart. */
function stopOptions(ctx: RequestContext): { timeoutSec?: number; signal?: string } {
  const timeoutSec = ctx.query.int('t');
  const signal = ctx.query.string('signal');
  return { ...(timeoutSec !== undefined ? { timeoutSec } : {}), ...(signal ? { signal } : {}) };
}

/**
 * `POST /containers/{id}/wait`: from API 1.30 the headers go out at once and the body at exit;
 * below, the condition is ignored (not-running) and the whole answer comes at exit, as in moby.
 */
async function wait(ctx: RequestContext): Promise<void> {
  const legacy = !versionAtLeast(ctx.apiVersion, '1.30');
  const raw = legacy ? '' : (ctx.query.string('condition') ?? '');
  if (raw !== '' && !WAIT_CONDITIONS.includes(raw as WaitCondition)) throw new BadParameterError(`invalid condition: ${JSON.stringify(raw)}`);
  const condition: WaitCondition = raw === '' ? 'not-running' : (raw as WaitCondition);
  const awaitExit = await ctx.engine.waitContainer(ctx.params[0]!, condition, ctx.signal);
  if (legacy) {
    const result = await awaitExit();
    sendJson(ctx.res, 200, { StatusCode: result.StatusCode });
    return;
  }
  startStream(ctx.res, 'application/json');
  try {
    const result = await awaitExit();
    writeSafely(ctx.res, JSON.stringify(result) + '\n');
  } catch (err) {
    if (!ctx.signal.aborted) writeSafely(ctx.res, JSON.stringify({ StatusCode: -1, Error: { Message: (err as Error).message } }) + '\n');
  }
  endSafely(ctx.res);
}

async function resize(ctx: RequestContext): Promise<void> {
  const { height, width } = dimensions(ctx);
  await ctx.engine.resizeContainer(ctx.params[0]!, height, width);
  sendEmpty(ctx.res, 200);
}

/** `h` and `w` of a resize, both required non-negative integers. */
export function dimensions(ctx: Pick<RequestContext, 'query'>): { height: number; width: number } {
  const height = ctx.query.int('h');
  const width = ctx.query.int('w');
  if (height === undefined || width === undefined || height < 0 || width < 0) throw new BadParameterError('resize needs non-negative integers h and w');
  return { height, width };
}

async function rename(ctx: RequestContext): Promise<void> {
  const name = ctx.query.string('name') ?? '';
  if (!CONTAINER_NAME.test(name)) throw new BadParameterError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  await ctx.engine.renameContainer(ctx.params[0]!, name);
  sendEmpty(ctx.res, 204);
}

async function prune(ctx: RequestContext): Promise<void> {
  const report = await ctx.engine.pruneContainers(ctx.query.filters());
  sendJson(ctx.res, 200, { ContainersDeleted: report.deleted, SpaceReclaimed: report.spaceReclaimed });
}

/** A route that calls one engine method on the container and answers 204. */
function action(path: string, call: (ctx: RequestContext, ref: string) => Promise<void>): Route {
  return route('POST', `/containers/{id}/${path}`, async (ctx) => {
    await call(ctx, ctx.params[0]!);
    sendEmpty(ctx.res, 204);
  });
}

/** The container lifecycle routes. */
export const CONTAINER_ROUTES: readonly Route[] = [
  route('POST', '/containers/create', create),
  route('GET', '/containers/json', list),
  route('POST', '/containers/prune', prune),
  route('GET', '/containers/{id}/json', async (ctx) => sendJson(ctx.res, 200, await ctx.engine.inspectContainer(ctx.params[0]!, { size: ctx.query.bool('size') }))),
  action('start', (ctx, ref) => ctx.engine.startContainer(ref)),
  action('stop', (ctx, ref) => ctx.engine.stopContainer(ref, stopOptions(ctx))),
  action('restart', (ctx, ref) => ctx.engine.restartContainer(ref, stopOptions(ctx))),
  action('kill', (ctx, ref) => ctx.engine.killContainer(ref, ctx.query.string('signal') || undefined)),
  action('pause', (ctx, ref) => ctx.engine.pauseContainer(ref)),
  action('unpause', (ctx, ref) => ctx.engine.unpauseContainer(ref)),
  route('POST', '/containers/{id}/rename', rename),
  route('POST', '/containers/{id}/wait', wait),
  route('POST', '/containers/{id}/resize', resize),
  route('DELETE', '/containers/{id}', async (ctx) => {
    await ctx.engine.removeContainer(ctx.params[0]!, { force: ctx.query.bool('force'), volumes: ctx.query.bool('v') });
    sendEmpty(ctx.res, 204);
  }),
];

/** System routes: _ping, version, info, system df, events, auth (docker-wire.md "Versions", "Events"). */
import type { SystemInfo } from '../../vch/engine/engine.js';
import { decodeAuth } from '../schemas.js';
import { forEachUntil } from '../streams.js';
import { route, type RequestContext, type Route } from '../router.js';
import { MAX_API_VERSION, MIN_API_VERSION } from '../version.js';
import { endSafely, sendJson, startStream, writeSafely } from '../wire.js';

const PING_HEADERS = {
  'Docker-Experimental': 'false',
  'Builder-Version': '1',
  Swarm: 'inactive',
  'Cache-Control': 'no-cache, no-store, must-revalidate',
  Pragma: 'no-cache',
};

async function ping(ctx: RequestContext): Promise<void> {
  ctx.res.writeHead(200, { ...PING_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 2 });
  ctx.res.end(ctx.req.method === 'HEAD' ? undefined : 'OK');
}

/** Adds the fields the CLI needs to a `/version` answer when the engine left them out. */
export function completeVersion(v: SystemInfo): SystemInfo {
  return { Os: 'linux', ApiVersion: MAX_API_VERSION, MinAPIVersion: MIN_API_VERSION, ...v };
}

/** Adds the fields the CLI needs to an `/info` answer when the engine left them out. */
export function completeInfo(info: SystemInfo): SystemInfo {
  const swarm = (info['Swarm'] ?? {}) as Record<string, unknown>;
  return { OSType: 'linux', ...info, Swarm: { LocalNodeState: 'inactive', ControlAvailable: false, ...swarm } };
}

async function events(ctx: RequestContext): Promise<void> {
  const since = ctx.query.seconds('since');
  const until = ctx.query.seconds('until');
  const filters = ctx.query.filters();
  const stream = ctx.engine.events({ since, until, filters, signal: ctx.signal });
  startStream(ctx.res, 'application/json');
  await forEachUntil(stream, ctx.signal, (event) => writeSafely(ctx.res, JSON.stringify(event) + '\n'));
  endSafely(ctx.res);
}

async function auth(ctx: RequestContext): Promise<void> {
  const credentials = decodeAuth(await ctx.json());
  sendJson(ctx.res, 200, await ctx.engine.login(credentials));
}

/** The system routes. */
export const SYSTEM_ROUTES: readonly Route[] = [
  route('GET', '/_ping', ping),
  route('HEAD', '/_ping', ping),
  route('GET', '/version', async (ctx) => sendJson(ctx.res, 200, completeVersion(await ctx.engine.version()))),
  route('GET', '/info', async (ctx) => sendJson(ctx.res, 200, completeInfo(await ctx.engine.info()))),
  route('GET', '/system/df', async (ctx) => sendJson(ctx.res, 200, { BuildCache: [], ...(await ctx.engine.diskUsage()) })),
  route('GET', '/events', events),
  route('POST', '/auth', auth),
];

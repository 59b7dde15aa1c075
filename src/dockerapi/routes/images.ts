/** Image routes: pull (progress stream), list, inspect, history, tag, rmi, save, load, prune. */
import type { PullProgressLine } from '../../vch/engine/engine.js';
import { BadParameterError } from '../../vch/engine/errors.js';
import { decodeRegistryAuth } from '../body.js';
import { toHttpError } from '../errors.js';
import { route, type RequestContext, type Route } from '../router.js';
import { endSafely, sendBytes, sendJson, startStream, writeSafely } from '../wire.js';
import { unsupported } from './unsupported.js';

/**
 * `POST /images/create?fromImage=&tag=`: 200 application/json progress lines. An error before the
 * first line answers with its status; after it, as an `errorDetail` line (the CLI prints it, exits 1).
 */
async function pull(ctx: RequestContext): Promise<void> {
  const fromImage = ctx.query.string('fromImage');
  if (ctx.query.string('fromSrc') !== undefined && !fromImage) throw unsupported('docker import', 'images are pulled from registries or loaded with docker load');
  if (!fromImage) throw new BadParameterError('fromImage is required');
  const auth = decodeRegistryAuth(ctx.req.headers['x-registry-auth']);
  const onProgress = (line: PullProgressLine): void => {
    startStream(ctx.res, 'application/json');
    writeSafely(ctx.res, JSON.stringify(line) + '\n');
  };
  try {
    await ctx.engine.pullImage(fromImage, ctx.query.string('tag') || undefined, { onProgress, signal: ctx.signal, ...(auth ? { auth } : {}) });
  } catch (err) {
    if (!ctx.res.headersSent) throw err;
    const { message } = toHttpError(err);
    writeSafely(ctx.res, JSON.stringify({ errorDetail: { message }, error: message }) + '\n');
  }
  startStream(ctx.res, 'application/json');
  endSafely(ctx.res);
}

async function list(ctx: RequestContext): Promise<void> {
  const q = ctx.query;
  sendJson(ctx.res, 200, await ctx.engine.listImages({ all: q.bool('all'), filters: q.filters(), digests: q.bool('digests') }));
}

async function tag(ctx: RequestContext): Promise<void> {
  const repo = ctx.query.string('repo');
  if (!repo) throw new BadParameterError('repo is required');
  await ctx.engine.tagImage(ctx.params[0]!, repo, ctx.query.string('tag') || undefined);
  ctx.res.writeHead(201, { 'Content-Length': 0 });
  ctx.res.end();
}

async function save(ctx: RequestContext, refs: string[]): Promise<void> {
  if (refs.length === 0) throw new BadParameterError('names is required');
  sendBytes(ctx.res, 200, 'application/x-tar', await ctx.engine.saveImages(refs));
}

/** `POST /images/load`: Content-Type exactly application/json, one `{"stream"}` line per loaded image. */
async function load(ctx: RequestContext): Promise<void> {
  const lines = await ctx.engine.loadImages(await ctx.bytes());
  const text = lines.map((l) => JSON.stringify({ stream: l.endsWith('\n') ? l : l + '\n' }) + '\n').join('');
  ctx.res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  ctx.res.end(text);
}

async function prune(ctx: RequestContext): Promise<void> {
  sendJson(ctx.res, 200, await ctx.engine.pruneImages(ctx.query.filters()));
}

/** The image routes; specific suffixes come before the catch-all `DELETE /images/{name*}`. */
export const IMAGE_ROUTES: readonly Route[] = [
  route('POST', '/images/create', pull),
  route('GET', '/images/json', list),
  route('POST', '/images/load', load),
  route('POST', '/images/prune', prune),
  route('GET', '/images/get', (ctx) => save(ctx, ctx.query.all('names'))),
  route('GET', '/images/{name*}/get', (ctx) => save(ctx, [ctx.params[0]!])),
  route('GET', '/images/{name*}/json', async (ctx) => sendJson(ctx.res, 200, await ctx.engine.inspectImage(ctx.params[0]!))),
  route('GET', '/images/{name*}/history', async (ctx) => sendJson(ctx.res, 200, await ctx.engine.imageHistory(ctx.params[0]!))),
  route('POST', '/images/{name*}/tag', tag),
  route('DELETE', '/images/{name*}', async (ctx) => sendJson(ctx.res, 200, await ctx.engine.removeImage(ctx.params[0]!, { force: ctx.query.bool('force'), noprune: ctx.query.bool('noprune') }))),
];

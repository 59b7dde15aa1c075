/** Network and volume routes. */
import { decodeNetworkConnect, decodeNetworkCreate, decodeNetworkDisconnect, decodeVolumeCreate } from '../schemas.js';
import { route, type RequestContext, type Route } from '../router.js';
import { sendEmpty, sendJson } from '../wire.js';

async function connect(ctx: RequestContext): Promise<void> {
  const body = decodeNetworkConnect(await ctx.json());
  await ctx.engine.connectNetwork(ctx.params[0]!, body.Container, body.EndpointConfig ?? undefined);
  sendEmpty(ctx.res, 200);
}

async function disconnect(ctx: RequestContext): Promise<void> {
  const body = decodeNetworkDisconnect(await ctx.json());
  await ctx.engine.disconnectNetwork(ctx.params[0]!, body.Container, body.Force === true);
  sendEmpty(ctx.res, 200);
}

/** The network routes. */
export const NETWORK_ROUTES: readonly Route[] = [
  route('GET', '/networks', async (ctx) => sendJson(ctx.res, 200, await ctx.engine.listNetworks(ctx.query.filters()))),
  route('POST', '/networks/create', async (ctx) => sendJson(ctx.res, 201, await ctx.engine.createNetwork(decodeNetworkCreate(await ctx.json())))),
  route('POST', '/networks/prune', async (ctx) => {
    const report = await ctx.engine.pruneNetworks(ctx.query.filters());
    sendJson(ctx.res, 200, { NetworksDeleted: report.deleted });
  }),
  route('GET', '/networks/{id}', async (ctx) => sendJson(ctx.res, 200, await ctx.engine.inspectNetwork(ctx.params[0]!))),
  route('DELETE', '/networks/{id}', async (ctx) => {
    await ctx.engine.removeNetwork(ctx.params[0]!);
    sendEmpty(ctx.res, 204);
  }),
  route('POST', '/networks/{id}/connect', connect),
  route('POST', '/networks/{id}/disconnect', disconnect),
];

/** The volume routes. */
export const VOLUME_ROUTES: readonly Route[] = [
  route('GET', '/volumes', async (ctx) => sendJson(ctx.res, 200, await ctx.engine.listVolumes(ctx.query.filters()))),
  route('POST', '/volumes/create', async (ctx) => sendJson(ctx.res, 201, await ctx.engine.createVolume(decodeVolumeCreate(await ctx.json({}))))),
  route('POST', '/volumes/prune', async (ctx) => {
    const report = await ctx.engine.pruneVolumes(ctx.query.filters());
    sendJson(ctx.res, 200, { VolumesDeleted: report.deleted, SpaceReclaimed: report.spaceReclaimed });
  }),
  route('GET', '/volumes/{name}', async (ctx) => sendJson(ctx.res, 200, await ctx.engine.inspectVolume(ctx.params[0]!))),
  route('DELETE', '/volumes/{name}', async (ctx) => {
    await ctx.engine.removeVolume(ctx.params[0]!, ctx.query.bool('force'));
    sendEmpty(ctx.res, 204);
  }),
];

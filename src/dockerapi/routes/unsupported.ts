/**
 * Endpoints the VCH deliberately does not serve. Each answers with the status dockerd uses for the
 * missing feature (501 Not Implemented; 503 for swarm, as a node outside a swarm answers) and a
 * message saying the VCH does not support it and why. `/build/prune` answers an empty report so
 * `docker system prune` works; plugin listing and lookup answer "none", so `docker inspect` falls through.
 */
import { EngineError, NoSuchObjectError, NotImplementedError } from '../../vch/engine/errors.js';
import { compilePattern, route, type Route } from '../router.js';
import { sendJson } from '../wire.js';

/** A 501 saying the VCH does not support `feature`, and why. */
export function unsupported(feature: string, reason: string): NotImplementedError {
  return new NotImplementedError(`vicsim VCH does not support ${feature}: ${reason}`);
}

/** 503: the VCH is not a swarm manager (code `SwarmUnavailable`). */
export class SwarmUnavailableError extends EngineError {
  constructor(feature: string) {
    super('SwarmUnavailable', 503, `vicsim VCH does not support ${feature}: a VCH is not a swarm manager and cannot join a swarm`);
  }
}

const NO_BUILD = 'a VCH runs containers as VMs and has no build engine';

/** [methods, path template, feature, reason] of each refused endpoint. */
const REFUSED: readonly [string[], string, string, string][] = [
  [['POST'], '/build', 'docker build', NO_BUILD],
  [['POST'], '/session', 'build sessions', NO_BUILD],
  [['GET', 'POST'], '/grpc', 'BuildKit', NO_BUILD],
  [['POST'], '/commit', 'docker commit', 'container filesystems are VM disks; build images elsewhere and pull them'],
  [['POST'], '/images/{name*}/push', 'docker push', 'images come from registries into the VCH image store and are not pushed back'],
  [['GET'], '/images/search', 'docker search', 'search your registry directly'],
  [['GET'], '/distribution/{name*}/json', 'registry distribution inspect', 'the VCH resolves references only when it pulls'],
  [['POST'], '/containers/{id}/update', 'docker update', 'a container VM is resized by recreating it'],
  [['GET'], '/containers/{id}/attach/ws', 'websocket attach', 'use the hijacked attach endpoint'],
  [['POST'], '/containers/{id}/checkpoints', 'checkpoints', 'container VMs are not checkpointed'],
  [['GET', 'POST', 'DELETE'], '/plugins/{name*}', 'plugins', 'the VCH has a fixed set of drivers (vsphere volumes, bridge networks)'],
  [['PUT'], '/volumes/{name}', 'cluster volumes', 'volumes live on VCH volume stores'],
];

const SWARM_PREFIXES = ['swarm', 'nodes', 'services', 'tasks', 'secrets', 'configs'];

function refusedRoutes(): Route[] {
  return REFUSED.flatMap(([methods, template, feature, reason]) =>
    methods.map((m) => ({ method: m, pattern: compilePattern(template), handle: async () => { throw unsupported(feature, reason); } })),
  );
}

function swarmRoutes(): Route[] {
  return SWARM_PREFIXES.flatMap((prefix) =>
    ['GET', 'POST', 'DELETE'].map((method) => ({
      method,
      pattern: new RegExp(`^/${prefix}(/.*)?$`),
      handle: async () => { throw new SwarmUnavailableError(`swarm mode (/${prefix})`); },
    })),
  );
}

/** The deliberately refused routes, and the few answered with an honest empty result. */
export const UNSUPPORTED_ROUTES: readonly Route[] = [
  route('POST', '/build/prune', async (ctx) => sendJson(ctx.res, 200, { CachesDeleted: [], SpaceReclaimed: 0 })),
  route('GET', '/plugins', async (ctx) => sendJson(ctx.res, 200, [])),
  route('GET', '/plugins/{name*}/json', async (ctx) => { throw new NoSuchObjectError(`plugin "${ctx.params[0]!}" not found`); }),
  ...refusedRoutes(),
  ...swarmRoutes(),
];

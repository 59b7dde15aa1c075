/**
 * The VCHs one `vicsim serve` runs on one backend, each behind its own Docker API listener:
 * create, list, describe, configure and delete (what the admin API exposes). VCHs share the
 * cluster and nothing else: each has its own pool, `[ds] VIC/<uuid>` folder, image store,
 * networks and containers.
 */
import type { Backend } from '../backend/backend.js';
import { createDockerApiServer, type DockerApiServer } from '../dockerapi/server.js';
import type { TlsSettings } from '../dockerapi/listeners.js';
import type { Clock } from '../sim/clock.js';
import { InvalidArgumentError } from '../sim/errors.js';
import type { Rng } from '../sim/rng.js';
import type { ContainerEngine } from '../vch/engine/engine.js';
import type { Vch } from '../vch/vch.js';
import { deleteVch, reconfigureVch, type VchChanges } from '../vch/vch-lifecycle.js';
import { createVch, mapContainerNetworks, planContainerNetworks } from '../vch/vch-setup.js';
import { restoreVch, saveVch } from '../vch/vch-state.js';
import { persistingEngine, type SavedServedVch, type StateSaver } from './state-dir.js';
import { checkVchSpec, type VchSpec } from '../vch/vch-spec.js';
import { VolumeStoreLayout } from '../vch/volumes/layout.js';
import { NoSuchVchError, VchNameInUseError } from './admin/errors.js';
import type { VchDeleteResponse, VchDescription } from './admin/types.js';

/** What the VCHs of one serve share. */
export interface VchSetDeps {
  readonly backend: Backend;
  readonly clock: Clock;
  /** Each VCH gets a fork of it named after the VCH. */
  readonly rng: Rng;
  readonly tls: TlsSettings | undefined;
  /** Where further VCHs' Docker API ports start when none is given (VIC: 2376); 0 = any free port. */
  readonly firstDockerPort: number;
  /** With `--state-dir`: saves after every change (docker calls that change something, and admin operations). */
  readonly saver?: StateSaver;
}

/** How many ports above `firstDockerPort` are tried before giving up. */
const PORT_SEARCH_SPAN = 200;

/** One served VCH. */
interface Entry {
  vch: Vch;
  readonly docker: DockerApiServer;
  readonly dockerPort: number;
  readonly socket: string | undefined;
}

/** An engine that forwards every call to the VCH `current()` returns (configure swaps it). */
function forwardingEngine(current: () => Vch): ContainerEngine {
  return new Proxy({} as ContainerEngine, {
    get(_target, key) {
      const vch = current();
      const member: unknown = Reflect.get(vch, key, vch);
      return typeof member === 'function' ? (member as (...a: unknown[]) => unknown).bind(vch) : member;
    },
  });
}

/** The named VCHs of one serve. Names are reserved while a create runs: of two creates with one name, one wins. */
export class VchSet {
  readonly #entries = new Map<string, Entry>();
  readonly #reserved = new Set<string>();
  readonly #generation = new Map<string, number>();

  constructor(readonly deps: VchSetDeps) {}

  /** The VCH named `name`. @throws NoSuchVchError. */
  vch(name: string): Vch {
    return this.#entry(name).vch;
  }

  /** Names, in creation order. */
  names(): string[] {
    return [...this.#entries.keys()];
  }

  #entry(name: string): Entry {
    const e = this.#entries.get(name);
    if (!e) throw new NoSuchVchError(name);
    return e;
  }

  /**
   * vic-machine create: resolves the compute resource and image store, builds the VCH and serves its
   * Docker API on `dockerPort` (default: the next free port from `firstDockerPort`) and `socket`.
   * Nothing is left behind when a step fails.
   * @throws VchNameInUseError, InvalidArgumentError (bad flags, port taken), the backend's errors.
   */
  async create(input: VchSpec, opts: { readonly dockerPort?: number; readonly socket?: string } = {}): Promise<VchDescription> {
    if (this.#entries.has(input.name) || this.#reserved.has(input.name)) throw new VchNameInUseError(input.name);
    this.#reserved.add(input.name);
    try {
      const spec = await this.#resolve(checkVchSpec(input));
      const generation = this.#generation.get(spec.name) ?? 0;
      this.#generation.set(spec.name, generation + 1);
      const rng = this.deps.rng.fork(generation === 0 ? `vch-${spec.name}` : `vch-${spec.name}-${generation}`);
      const vch = await createVch({ backend: this.deps.backend, clock: this.deps.clock, rng, endpointAddress: '127.0.0.1' }, spec);
      const entry = await this.#serve(vch, opts).catch(async (e: unknown) => {
        await deleteVch(vch, { force: false });
        throw e;
      });
      this.#entries.set(spec.name, entry);
      await this.deps.saver?.save();
      return this.describe(spec.name);
    } finally {
      this.#reserved.delete(input.name);
    }
  }

  /**
   * Fills in the compute resource (cluster name), image store (datastore name) and, when none is
   * given, a volume store of the VCH's own (`[ds] volumes/<name>`). @throws InvalidArgumentError.
   */
  async #resolve(spec: VchSpec): Promise<VchSpec> {
    const clusters = await this.deps.backend.clusters();
    const cluster = spec.computeResource === undefined ? clusters[0] : clusters.find((c) => c.name === spec.computeResource || c.id === spec.computeResource);
    if (!cluster) throw new InvalidArgumentError('compute-resource', `--compute-resource '${spec.computeResource}' names no cluster; clusters: ${clusters.map((c) => c.name).join(', ')}`);
    const stores = await this.deps.backend.datastores();
    const ds = spec.imageStore === undefined ? stores[0] : stores.find((d) => d.name === spec.imageStore || d.id === spec.imageStore);
    if (!ds) throw new InvalidArgumentError('image-store', `--image-store '${spec.imageStore}' names no datastore; datastores: ${stores.map((d) => d.name).join(', ')}`);
    for (const [label, path] of Object.entries(spec.volumeStores ?? {})) {
      const named = new VolumeStoreLayout(label, path).datastore;
      if (!stores.some((d) => d.name === named)) throw new InvalidArgumentError('volume-store', `--volume-store '${path}:${label}' names no datastore; datastores: ${stores.map((d) => d.name).join(', ')}`);
    }
    // Without a volume store each VCH gets its own default one, so VCHs do not see each other's volumes.
    const volumeStores = spec.volumeStores ?? { default: `[${ds.name}] volumes/${spec.name}` };
    return { ...spec, computeResource: cluster.name, imageStore: ds.name, volumeStores, provisioning: spec.provisioning ?? 'instant' };
  }

  async #serve(vch: Vch, opts: { readonly dockerPort?: number; readonly socket?: string }): Promise<Entry> {
    const entry: Entry = { vch, socket: opts.socket, ...(await this.#listen(vch.spec.name, opts.dockerPort)) };
    if (opts.socket !== undefined) {
      await entry.docker.listenUnix(opts.socket).catch(async (e: unknown) => {
        await entry.docker.close();
        throw e;
      });
    }
    return entry;
  }

  /** A Docker API server for the VCH `name`, listening on `port` or the first free one from `firstDockerPort`. */
  async #listen(name: string, port: number | undefined): Promise<{ docker: DockerApiServer; dockerPort: number }> {
    const first = port ?? this.deps.firstDockerPort;
    const last = port !== undefined || first === 0 ? first : Math.min(65535, first + PORT_SEARCH_SPAN);
    for (let p = first; p <= last; p++) {
      const engine = forwardingEngine(() => this.#entry(name).vch);
      const docker = createDockerApiServer(this.deps.saver ? persistingEngine(engine, this.deps.saver) : engine, { tls: this.deps.tls });
      try {
        return { docker, dockerPort: await docker.listenTcp(p, '127.0.0.1') };
      } catch (e) {
        await docker.close();
        if ((e as { code?: string }).code !== 'EADDRINUSE') throw e;
      }
    }
    throw new InvalidArgumentError('docker-port', port !== undefined ? `--docker-port ${port} is not available` : `no free Docker API port from ${first} to ${last}`);
  }

  /** Every VCH, in creation order. */
  async list(): Promise<VchDescription[]> {
    return Promise.all(this.names().map((n) => this.describe(n)));
  }

  /** One VCH's description. @throws NoSuchVchError. */
  async describe(name: string): Promise<VchDescription> {
    const { vch, dockerPort, socket } = this.#entry(name);
    const { parts } = vch;
    const pools = await parts.backend.resourcePools({ cluster: parts.cluster });
    const pool = pools.find((p) => p.id === parts.pool.id) ?? parts.pool;
    const all = parts.containers.index.all();
    return {
      name,
      id: parts.uuid,
      dockerHost: `tcp://127.0.0.1:${dockerPort}`,
      dockerPort,
      ...(socket !== undefined ? { socket } : {}),
      provisioning: vch.spec.provisioning ?? 'instant',
      cluster: { id: parts.cluster, name: vch.spec.computeResource ?? parts.cluster },
      folder: parts.images.layerStore.layout.vchDir,
      pool: { id: pool.id, name: pool.name, cpu: pool.cpu, memory: pool.memory },
      containers: { total: all.length, running: all.filter((c) => c.running).length, ...(vch.spec.containersLimit !== undefined ? { limit: vch.spec.containersLimit } : {}) },
      spec: vch.spec,
    };
  }

  /** vic-machine configure: only the given fields change. @throws NoSuchVchError, VchNeedsRecreateError, InvalidArgumentError, InsufficientResourcesError. */
  async configure(name: string, changes: VchChanges): Promise<VchDescription> {
    const entry = this.#entry(name);
    const { registry } = entry.vch.parts.networking;
    const added = changes.containerNetworks === undefined ? [] : await planContainerNetworks(this.deps.backend, registry, changes.containerNetworks);
    entry.vch = await reconfigureVch(entry.vch, changes);
    mapContainerNetworks(registry, added);
    await this.deps.saver?.save();
    return this.describe(name);
  }

  /**
   * vic-machine delete: stops serving the VCH, then removes its containers, templates, folder and
   * pool; volume stores only with `force`. @throws NoSuchVchError, the backend's errors.
   */
  async delete(name: string, force: boolean): Promise<VchDeleteResponse> {
    const entry = this.#entry(name);
    this.#entries.delete(name);
    await entry.docker.close();
    const report = await deleteVch(entry.vch, { force });
    await this.deps.saver?.save();
    return { name, ...report };
  }

  /**
   * Serves a VCH saved by {@link snapshot} again (after a restart of serve), on the port and socket
   * it had. `rng` is the restored VCH's new random stream (fresh, so new ids do not repeat old ones).
   */
  async restore(saved: SavedServedVch, rng: Rng): Promise<void> {
    const vch = await restoreVch({ backend: this.deps.backend, clock: this.deps.clock, rng, endpointAddress: '127.0.0.1' }, saved.vch);
    const entry = await this.#serve(vch, { dockerPort: saved.dockerPort, socket: saved.socket });
    this.#entries.set(vch.spec.name, entry);
  }

  /** Every VCH in its saved form, with where it listens. */
  async snapshot(): Promise<SavedServedVch[]> {
    const out: SavedServedVch[] = [];
    for (const e of this.#entries.values()) out.push({ dockerPort: e.dockerPort, socket: e.socket, vch: await saveVch(e.vch) });
    return out;
  }

  /** Closes every VCH's listeners (the VCHs stay in the model). */
  async close(): Promise<void> {
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    for (const e of entries) {
      await e.docker.close();
      await e.vch.close();
    }
  }
}

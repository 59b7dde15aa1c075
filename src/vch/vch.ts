/**
 * A Virtual Container Host: a resource pool, an image store, networks and containers-as-VMs behind
 * docker's API ({@link ContainerEngine}). Every method is a delegation to the part that holds the
 * rules; `createVch` (vch-setup.ts) builds one over any Backend.
 */
import type { Backend, ResourcePoolInfo } from '../backend/backend.js';
import type { ClusterId } from '../sim/ids.js';
import type { Container } from './containers/container.js';
import type { ExecService } from './containers/exec.js';
import type { Provisioner } from './containers/provisioner.js';
import type { ContainerRuntime } from './containers/runtime.js';
import type { ContainerService } from './containers/service.js';
import type { ContainerNetworking } from './container-networking.js';
import type * as T from './engine/docker-types.js';
import type * as E from './engine/engine.js';
import { ConflictError } from './engine/errors.js';
import type { EventLog } from './events.js';
import { changes, exportTar, extractTar, pathStat, tarPath, type UnionFs } from './fs/index.js';
import type { ImageStore } from './images/index.js';
import { credentialsFromAuth } from './images/pull.js';
import { loginToRegistry } from './registry/login.js';
import { containerStats } from './stats.js';
import { vchInfo, vchVersion } from './system-info.js';
import type { VchInfra } from './vch-setup.js';
import type { VchSpec } from './vch-spec.js';
import type { VolumeService } from './volumes/index.js';

/** The parts a VCH is made of (built by createVch). */
export interface VchParts {
  readonly backend: Backend;
  readonly spec: VchSpec;
  readonly uuid: string;
  readonly cluster: ClusterId;
  readonly pool: ResourcePoolInfo;
  readonly endpoint: string;
  readonly events: EventLog;
  readonly images: ImageStore;
  readonly networking: ContainerNetworking;
  readonly volumes: VolumeService;
  readonly containers: ContainerService;
  readonly runtime: ContainerRuntime;
  readonly execs: ExecService;
  readonly provisioner: Provisioner;
  /** What it stands on: pool, datastore, folder. */
  readonly infra: VchInfra;
}

/** A VCH: docker's engine over containers that are VMs. */
export class Vch implements E.ContainerEngine {
  constructor(readonly parts: VchParts) {}

  /** The VCH's definition. */
  get spec(): VchSpec {
    return this.parts.spec;
  }

  #c(ref: string): Container {
    return this.parts.containers.index.get(ref);
  }

  async createContainer(name: string | undefined, body: T.ContainerCreateRequest): Promise<{ Id: string; Warnings: string[] }> {
    return this.parts.containers.create(name, body);
  }
  async listContainers(opts: { readonly all: boolean; readonly limit?: number; readonly size: boolean; readonly filters: E.Filters }): Promise<T.ContainerSummary[]> {
    return this.parts.containers.list(opts);
  }
  async inspectContainer(ref: string): Promise<T.ContainerInspect> {
    return this.parts.containers.inspect(ref);
  }
  async startContainer(ref: string): Promise<void> {
    return this.parts.runtime.start(this.#c(ref));
  }
  async stopContainer(ref: string, opts: { readonly timeoutSec?: number; readonly signal?: string }): Promise<void> {
    return this.parts.runtime.stop(this.#c(ref), opts.timeoutSec, opts.signal);
  }
  async restartContainer(ref: string, opts: { readonly timeoutSec?: number; readonly signal?: string }): Promise<void> {
    const c = this.#c(ref);
    if (c.running || c.status === 'restarting') await this.parts.runtime.stop(c, opts.timeoutSec, opts.signal);
    await this.parts.runtime.start(c);
  }
  async killContainer(ref: string, signal?: string): Promise<void> {
    return this.parts.runtime.kill(this.#c(ref), signal);
  }
  async removeContainer(ref: string, opts: { readonly force: boolean; readonly volumes: boolean }): Promise<void> {
    await this.parts.containers.remove(ref, opts);
  }
  async renameContainer(ref: string, newName: string): Promise<void> {
    const c = this.#c(ref);
    this.parts.containers.rename(ref, newName);
    this.parts.networking.registry.renameContainer(c.id, c.name);
  }
  async pauseContainer(ref: string): Promise<void> {
    return this.parts.runtime.pause(this.#c(ref));
  }
  async unpauseContainer(ref: string): Promise<void> {
    return this.parts.runtime.unpause(this.#c(ref));
  }
  async waitContainer(ref: string, condition: E.WaitCondition): Promise<() => Promise<{ StatusCode: number; Error: { Message: string } | null }>> {
    return this.parts.containers.wait(ref, condition);
  }
  async attachContainer(ref: string, opts: E.AttachOptions): Promise<E.AttachedStreams> {
    return this.parts.containers.attach(ref, opts);
  }
  async resizeContainer(ref: string, height: number, width: number): Promise<void> {
    const c = this.#c(ref);
    if (!c.running) throw new ConflictError(`Container ${c.id} is not running`);
    this.parts.runtime.process(c)?.resize(height, width);
  }
  async containerLogs(ref: string, opts: E.LogsOptions): Promise<{ readonly tty: boolean; readonly records: AsyncIterable<E.LogRecord> }> {
    return this.parts.containers.logs(ref, opts);
  }
  async containerTop(ref: string): Promise<{ Titles: string[]; Processes: string[][] }> {
    const c = this.#c(ref);
    if (!c.running) throw new ConflictError(`Container ${c.id} is not running`);
    const rows = this.parts.runtime.launcher.processes(c.id);
    return { Titles: ['PID', 'USER', 'TIME', 'COMMAND'], Processes: rows.map((p) => [String(p.pid), p.user, cpuTime(p.cpuTimeMs), p.command]) };
  }
  async containerStats(ref: string): Promise<T.StatsSample> {
    const c = this.#c(ref);
    return containerStats(this.parts.backend, c, this.parts.events.clock, this.parts.runtime, this.parts.networking.mapper.traffic(c.id));
  }
  async containerChanges(ref: string): Promise<T.FilesystemChange[]> {
    return changes(this.#c(ref).fs as UnionFs);
  }
  async exportContainer(ref: string): Promise<Uint8Array> {
    return exportTar(this.#c(ref).fs);
  }
  async statPath(ref: string, path: string): Promise<T.PathStat> {
    return pathStat(this.#c(ref).fs, path);
  }
  async getArchive(ref: string, path: string): Promise<{ readonly stat: T.PathStat; readonly tar: Uint8Array }> {
    const fs = this.#c(ref).fs;
    const stat = pathStat(fs, path);
    return { stat, tar: await tarPath(fs, path) };
  }
  async putArchive(ref: string, path: string, tar: Uint8Array, opts: { readonly noOverwriteDirNonDir: boolean; readonly copyUIDGID: boolean }): Promise<void> {
    return extractTar(this.#c(ref).fs, path, tar, { noOverwriteDirNonDir: opts.noOverwriteDirNonDir });
  }
  async pruneContainers(filters: E.Filters): Promise<E.PruneReport> {
    const gone = this.parts.containers.list({ all: true, filters: { ...filters, status: ['exited', 'created', 'dead'] } });
    for (const c of gone) await this.removeContainer(c.Id, { force: false, volumes: false });
    return { deleted: gone.map((c) => c.Id), spaceReclaimed: 0 };
  }

  async createExec(ref: string, body: T.ExecCreateRequest): Promise<{ Id: string }> {
    return this.parts.execs.create(ref, body);
  }
  async startExec(id: string, opts: { readonly detach: boolean; readonly tty?: boolean }): Promise<E.AttachedStreams | undefined> {
    return this.parts.execs.start(id, opts);
  }
  async inspectExec(id: string): Promise<T.ExecInspect> {
    return this.parts.execs.inspect(id);
  }
  async resizeExec(id: string, height: number, width: number): Promise<void> {
    this.parts.execs.resize(id, height, width);
  }

  async pullImage(fromImage: string, tag: string | undefined, opts: { readonly auth?: E.RegistryAuth; readonly onProgress: (line: E.PullProgressLine) => void; readonly signal?: AbortSignal }): Promise<void> {
    return this.parts.images.pullImage(fromImage, tag, opts);
  }
  async listImages(opts: { readonly all: boolean; readonly filters: E.Filters; readonly digests: boolean }): Promise<T.ImageSummary[]> {
    return this.parts.images.listImages(opts);
  }
  async inspectImage(ref: string): Promise<T.ImageInspect> {
    return this.parts.images.inspectImage(ref);
  }
  async imageHistory(ref: string): Promise<T.ImageHistoryItem[]> {
    return this.parts.images.imageHistory(ref);
  }
  async tagImage(ref: string, repo: string, tag: string | undefined): Promise<void> {
    return this.parts.images.tagImage(ref, repo, tag);
  }
  async removeImage(ref: string, opts: { readonly force: boolean; readonly noprune: boolean }): Promise<({ Untagged: string } | { Deleted: string })[]> {
    return this.parts.images.removeImage(ref, opts);
  }
  async saveImages(refs: readonly string[]): Promise<Uint8Array> {
    return this.parts.images.saveImages(refs);
  }
  async loadImages(tar: Uint8Array): Promise<string[]> {
    return this.parts.images.loadImages(tar);
  }
  async pruneImages(filters: E.Filters): Promise<{ ImagesDeleted: ({ Untagged: string } | { Deleted: string })[]; SpaceReclaimed: number }> {
    return this.parts.images.pruneImages(filters);
  }
  /** docker login: checks the credentials against the registry under this VCH's registry settings (registry/login.ts); keeps nothing. */
  async login(auth: E.RegistryAuth): Promise<{ Status: string; IdentityToken?: string }> {
    const credentials = credentialsFromAuth(auth);
    return loginToRegistry({ serverAddress: auth.serveraddress, ...(credentials ? { credentials } : {}) }, { insecureRegistries: this.spec.insecureRegistries, whitelist: this.spec.whitelistRegistries });
  }

  async createNetwork(body: T.NetworkCreateRequest): Promise<{ Id: string; Warning: string }> {
    const r = this.parts.networking.registry.create(body);
    this.parts.events.emit({ Type: 'network', Action: 'create', id: r.Id, attributes: { name: body.Name, type: body.Driver ?? 'bridge' } });
    return r;
  }
  async listNetworks(filters: E.Filters): Promise<T.NetworkResource[]> {
    return this.parts.networking.registry.list(filters);
  }
  async inspectNetwork(ref: string): Promise<T.NetworkResource> {
    return this.parts.networking.registry.inspect(ref);
  }
  async removeNetwork(ref: string): Promise<void> {
    const n = this.parts.networking.registry.inspect(ref);
    this.parts.networking.registry.remove(ref);
    this.parts.events.emit({ Type: 'network', Action: 'destroy', id: n.Id, attributes: { name: n.Name, type: n.Driver } });
  }
  async connectNetwork(ref: string, container: string, endpoint: T.EndpointSettings | undefined): Promise<void> {
    const c = this.#c(container);
    this.parts.networking.registry.connect(ref, { id: c.id, name: c.name }, endpoint);
  }
  async disconnectNetwork(ref: string, container: string): Promise<void> {
    const c = this.#c(container);
    this.parts.networking.registry.disconnect(ref, c.id);
  }
  async pruneNetworks(filters: E.Filters): Promise<E.PruneReport> {
    return this.parts.networking.registry.prune(filters);
  }

  async createVolume(body: T.VolumeCreateRequest): Promise<T.VolumeResource> {
    return this.parts.volumes.createVolume(body);
  }
  async listVolumes(filters: E.Filters): Promise<{ Volumes: T.VolumeResource[]; Warnings: string[] }> {
    return this.parts.volumes.listVolumes(filters);
  }
  async inspectVolume(name: string): Promise<T.VolumeResource> {
    return this.parts.volumes.inspectVolume(name);
  }
  async removeVolume(name: string, force: boolean): Promise<void> {
    return this.parts.volumes.removeVolume(name, force);
  }
  async pruneVolumes(filters: E.Filters): Promise<E.PruneReport> {
    return this.parts.volumes.pruneVolumes(filters);
  }

  async info(): Promise<E.SystemInfo> {
    const all = this.parts.containers.index.all();
    const pool = (await this.parts.backend.resourcePools({ cluster: this.parts.cluster })).find((p) => p.id === this.parts.pool.id) ?? this.parts.pool;
    return vchInfo(this.parts.backend, {
      name: this.spec.name,
      id: this.parts.uuid,
      cluster: this.parts.cluster,
      pool,
      mode: this.spec.provisioning ?? 'instant',
      containers: {
        total: all.length,
        running: all.filter((c) => c.status === 'running').length,
        paused: all.filter((c) => c.status === 'paused').length,
        stopped: all.filter((c) => !c.running).length,
      },
      images: (await this.parts.images.listImages({ filters: {} })).length,
      volumeStores: Object.keys(this.spec.volumeStores ?? {}),
      containersLimit: this.spec.containersLimit,
      endpoint: this.parts.endpoint,
      insecureRegistries: this.spec.insecureRegistries ?? [],
      whitelistRegistries: this.spec.whitelistRegistries,
      now: this.parts.events.clock.date(),
    });
  }
  async version(): Promise<E.SystemInfo> {
    return vchVersion();
  }
  async diskUsage(): Promise<E.SystemInfo> {
    const images = this.parts.images.diskUsage();
    const containers = this.parts.containers.list({ all: true, filters: {} });
    return { ...images, Containers: containers, Volumes: await this.parts.volumes.diskUsage(), BuildCache: [] };
  }
  events(opts: { readonly since?: number; readonly until?: number; readonly filters: E.Filters; readonly signal?: AbortSignal }): AsyncIterable<T.EventMessage> {
    return this.parts.events.stream(opts);
  }

  /** Stops every container's listeners (the VMs stay as they are in the model). */
  async close(): Promise<void> {
    for (const c of this.parts.containers.index.all()) await this.parts.networking.down(c);
  }
}

function cpuTime(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * The container half of the engine: create (a VM per container, all or nothing), list, inspect,
 * start/stop/restart/kill/pause, remove, rename, wait, attach, logs, top and resize, over the
 * runtime and the VCH's images and networks.
 */
import type { VmId } from '../../sim/ids.js';
import type { Rng } from '../../sim/rng.js';
import type { ContainerConfig, ContainerCreateRequest, ContainerInspect, ContainerSummary, HostConfig } from '../engine/docker-types.js';
import type { AttachedStreams, AttachOptions, Filters, LogRecord, LogsOptions, OutputChunk, WaitCondition } from '../engine/engine.js';
import { BadParameterError, ConflictError, NoSuchObjectError } from '../engine/errors.js';
import type { EventLog } from '../events.js';
import type { UnionFs } from '../fs/union-fs.js';
import { Container, type ContainerDefinition } from './container.js';
import { ContainerIndex } from './index-by-name.js';
import { inspectContainer, summarizeContainer, type InspectContext } from './inspect.js';
import { ContainerLog } from './logs.js';
import type { Provisioner } from './provisioner.js';
import { checkWorkloadLabels, generatedName, hostConfigWithDefaults, matchesFilters, stripHostParts, workloadConfig } from './request.js';
import type { ContainerRuntime } from './runtime.js';
import type { ContainerImages, ContainerMount, ContainerNetworks, ContainerStorage, ContainerVolumes } from './seams.js';
import { checkContainerName, processPlan, restartRule, vmSize } from './spec.js';

/** The containers of one VCH. */
export class ContainerService {
  readonly index = new ContainerIndex<Container>();
  #maxContainers: number | undefined;
  /** Creates under way: they count against the container limit before they finish. */
  #creating = 0;
  readonly #removedListeners: ((c: Container) => void)[] = [];
  #createdMs = 0;

  constructor(
    readonly rng: Rng,
    readonly provisioner: Provisioner,
    readonly runtime: ContainerRuntime,
    readonly images: ContainerImages,
    readonly networks: ContainerNetworks,
    readonly volumes: ContainerVolumes,
    readonly storage: ContainerStorage,
    readonly events: EventLog,
    limits: { readonly maxContainers: number | undefined },
  ) {
    this.#maxContainers = limits.maxContainers;
  }

  /** Calls `listener` with each container once it is removed (its execs, caches). */
  onRemoved(listener: (c: Container) => void): void {
    this.#removedListeners.push(listener);
  }

  /** The VCH's container limit; undefined = no limit. */
  get containerLimit(): number | undefined {
    return this.#maxContainers;
  }

  /** Sets the VCH's container limit (vic-machine `--containers`); undefined = no limit. */
  setContainerLimit(max: number | undefined): void {
    this.#maxContainers = max;
  }

  /** A new 64-hex container id from the VCH's random stream. */
  #newId(): string {
    let id = '';
    while (id.length < 64) id += this.rng.int(0, 0xffffffff).toString(16).padStart(8, '0');
    return id;
  }

  /** docker create: reserves the name, resolves the image, makes the VM; nothing remains on failure. */
  async create(name: string | undefined, req: ContainerCreateRequest): Promise<{ Id: string; Warnings: string[] }> {
    if (!req || typeof req !== 'object') throw new BadParameterError('config cannot be empty in order to create a container');
    const id = this.#newId();
    const finalName = name === undefined || name === '' ? generatedName(id, (n) => this.index.find(n) !== undefined) : checkContainerName(name);
    if (this.#maxContainers !== undefined && this.index.size + this.#creating >= this.#maxContainers) {
      throw new ConflictError(`Container count exceeds limit ${this.#maxContainers}`);
    }
    this.index.reserveName(finalName, id);
    this.#creating++;
    try {
      return await this.#create(id, finalName, req);
    } catch (e) {
      this.index.releaseName(finalName, id);
      throw e;
    } finally {
      this.#creating--;
    }
  }

  async #create(id: string, name: string, req: ContainerCreateRequest): Promise<{ Id: string; Warnings: string[] }> {
    if (typeof req.Image !== 'string' || req.Image === '') throw new BadParameterError('No image specified');
    const hostConfig = hostConfigWithDefaults(req.HostConfig);
    const image = await this.images.acquire(req.Image, id);
    try {
      return await this.#createWithImage(id, name, req, hostConfig, image);
    } catch (e) {
      await this.images.release(id);
      throw e;
    }
  }

  async #createWithImage(
    id: string,
    name: string,
    req: ContainerCreateRequest,
    hostConfig: HostConfig,
    image: Awaited<ReturnType<ContainerImages['acquire']>>,
  ): Promise<{ Id: string; Warnings: string[] }> {
    const plan = processPlan(req, image.config);
    const size = vmSize(req);
    const restart = restartRule(hostConfig.RestartPolicy, hostConfig.AutoRemove === true);
    const config: ContainerConfig = {
      ...stripHostParts(req),
      Hostname: req.Hostname || id.slice(0, 12),
      Env: [...plan.env],
      Cmd: req.Cmd && req.Cmd.length > 0 ? req.Cmd : (req.Entrypoint ? [] : (image.config.Cmd ?? [])),
      Entrypoint: req.Entrypoint ?? image.config.Entrypoint ?? null,
      WorkingDir: req.WorkingDir || image.config.WorkingDir || '',
      Labels: { ...(image.config.Labels ?? {}), ...(req.Labels ?? {}) },
      ExposedPorts: { ...(image.config.ExposedPorts ?? {}), ...(req.ExposedPorts ?? {}) },
      Image: req.Image,
    };
    checkWorkloadLabels(config.Labels ?? {});
    const vmName = `${name}-${id.slice(0, 12)}`;
    const createdMs = Math.max(this.#createdMs, this.events.clock.date().getTime());
    this.#createdMs = createdMs;
    this.networks.plan(id, name, req);
    let vm;
    try {
      const mounts = await this.volumes.mountsFor(id, req, image.fs, image.config.Volumes);
      vm = await this.provisioner.create({ name: vmName, folder: id, size, imageTopLayer: image.topLayerPath, extraConfig: workloadConfig(config.Labels ?? {}), annotation: `docker container ${name} (${id})` });
      await this.#attach(vm, image.fs, mounts);
    } catch (e) {
      if (vm !== undefined) await this.provisioner.destroy(vm).catch(() => undefined);
      await this.volumes.release(id, true);
      this.networks.forget(id);
      throw e;
    }
    const logPath = this.storage.logPath(id);
    // Listed field by field (no spread of an intermediate object), in the order saved state has always had.
    const def: ContainerDefinition = {
      id,
      createdMs,
      request: req,
      config,
      hostConfig,
      imageId: image.imageId,
      plan,
      size,
      restart,
      autoRemove: hostConfig.AutoRemove === true,
      tty: req.Tty === true,
      openStdin: req.OpenStdin === true,
      stdinOnce: req.StdinOnce === true,
      vm,
      vmName,
      logPath,
    };
    const c = new Container(def, name, image.fs, new ContainerLog(this.storage.writeLog(logPath)));
    this.index.add(c);
    this.events.emit({ Type: 'container', Action: 'create', id, attributes: { image: req.Image ?? '', name, ...(config.Labels ?? {}) } });
    return { Id: id, Warnings: [] };
  }

  /** Attaches each volume's disk to the VM and mounts its files in the container's filesystem. */
  async #attach(vm: VmId, fs: UnionFs, mounts: readonly ContainerMount[]): Promise<void> {
    if (mounts.length === 0) return;
    await (await this.provisioner.backend.reconfigureVM(vm, { addDisks: mounts.map((m) => ({ existing: m.diskPath })) })).wait();
    for (const m of mounts) fs.mount(m.destination, m.fs);
  }

  /** Context the JSON encoders need. */
  context(c: Container): InspectContext {
    return { nowMs: this.events.clock.date().getTime(), ports: this.networks.ports(c), mounts: this.volumes.mountPoints(c.id), networks: this.networks.settings(c.id), imageName: c.def.config.Image ?? c.def.imageId, datastorePath: c.def.logPath };
  }

  /** docker inspect. */
  inspect(ref: string): ContainerInspect {
    const c = this.index.get(ref);
    return inspectContainer(c, this.context(c));
  }

  /** docker ps. */
  list(opts: { readonly all: boolean; readonly limit?: number; readonly filters: Filters }): ContainerSummary[] {
    let rows = this.index.all().filter((c) => (opts.all || c.running || c.status === 'restarting') && matchesFilters(c, opts.filters));
    rows = rows.reverse();
    if (opts.limit !== undefined && opts.limit > 0) rows = rows.slice(0, opts.limit);
    return rows.map((c) => summarizeContainer(c, this.context(c)));
  }

  /** docker rm. */
  async remove(ref: string, opts: { readonly force: boolean; readonly volumes: boolean }): Promise<void> {
    const c = this.index.get(ref);
    if (c.running || c.status === 'restarting') {
      if (!opts.force) throw new ConflictError(`You cannot remove a running container ${c.id}. Stop the container before attempting removal or force remove`);
      if (c.status === 'restarting') await this.runtime.stop(c, 0, 'KILL');
      else await this.runtime.kill(c, 'KILL');
    }
    await this.destroy(c, opts.volumes);
  }

  /** Destroys an exited container's VM and forgets it; `removeAnonymous` also deletes its anonymous volumes. */
  destroy(c: Container, removeAnonymous: boolean): Promise<void> {
    return this.runtime.serial(c, async () => {
      if (!this.index.find(c.id)) return;
      if (c.status === 'removing') return;
      c.status = 'removing';
      try {
        await this.provisioner.destroy(c.def.vm);
      } catch (e) {
        c.status = 'dead';
        throw e;
      }
      this.networks.forget(c.id);
      this.index.delete(c);
      this.runtime.forget(c);
      for (const listener of this.#removedListeners) listener(c);
      await this.images.release(c.id);
      await this.volumes.release(c.id, removeAnonymous);
      this.events.emit({ Type: 'container', Action: 'destroy', id: c.id, attributes: { image: c.def.config.Image ?? '', name: c.name } });
      c.notify('removed');
    });
  }

  /** docker rename. */
  rename(ref: string, newName: string): void {
    const c = this.index.get(ref);
    const name = checkContainerName(newName);
    if (name === c.name) throw new ConflictError(`Renaming a container with the same name as its current name`);
    const old = c.name;
    this.index.rename(c, name);
    this.events.emit({ Type: 'container', Action: 'rename', id: c.id, attributes: { name, oldName: `/${old}` } });
  }

  /** docker wait: validates at once; the returned function awaits the condition. */
  wait(ref: string, condition: WaitCondition): () => Promise<{ StatusCode: number; Error: { Message: string } | null }> {
    if (!['not-running', 'next-exit', 'removed'].includes(condition)) throw new BadParameterError(`invalid condition: "${condition}"`);
    const c = this.index.get(ref);
    if (condition === 'not-running' && !c.running && c.status !== 'restarting') {
      const answer = { StatusCode: c.exitCode, Error: c.error ? { Message: c.error } : null };
      return () => Promise.resolve(answer);
    }
    const done = new Promise<{ StatusCode: number; Error: { Message: string } | null }>((resolve) => c.waiters.add({ condition, resolve }));
    return () => done;
  }

  /** docker attach. */
  attach(ref: string, opts: AttachOptions): AttachedStreams {
    const c = this.index.get(ref);
    const want = (chunk: OutputChunk): boolean => (chunk.stream === 'stdout' ? opts.stdout : opts.stderr);
    const replay = opts.logs ? c.log.read({ stdout: opts.stdout, stderr: opts.stderr, follow: false }, false) : undefined;
    const fan = c.output;
    const live = opts.stream ? fan.subscribe() : undefined;
    const stdin = c.stdin;
    return {
      tty: c.def.tty,
      output: {
        async *[Symbol.asyncIterator]() {
          if (replay) for await (const r of replay) yield { stream: r.stream, data: r.data };
          if (live) for await (const chunk of live) if (want(chunk)) yield chunk;
        },
      },
      write: (data) => {
        if (opts.stdin && c.def.openStdin) stdin.write(data);
      },
      endInput: () => {
        // As dockerd: a client going away closes stdin only without a TTY (a TTY detach leaves the shell running).
        if (opts.stdin && c.def.stdinOnce && !c.def.tty) stdin.end();
      },
      detach: () => {
        if (live) fan.unsubscribe(live);
      },
    };
  }

  /** docker logs. */
  logs(ref: string, opts: LogsOptions): { readonly tty: boolean; readonly records: AsyncIterable<LogRecord> } {
    const c = this.index.get(ref);
    return { tty: c.def.tty, records: c.log.read(opts, c.running || c.status === 'restarting') };
  }
}

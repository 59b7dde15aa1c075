/**
 * THE TRANSPORT TEST DOUBLE: an in-memory ContainerEngine that is honest enough for wire tests
 * (containers run a tiny Cmd interpreter, process.ts; exit codes, logs, waits, execs, files for
 * docker cp). It is not the VCH and models no VMs: it exists so src/dockerapi can be tested over
 * real sockets with the real docker CLI and dockerode before and besides the real VCH.
 */
import type { ContainerCreateRequest, ContainerInspect, ContainerSummary, ExecCreateRequest, ExecInspect, FilesystemChange, PathStat, StatsSample } from '../../../src/vch/engine/docker-types.js';
import type { AttachedStreams, AttachOptions, ContainerEngine, Filters, LogRecord, LogsOptions, OutputChunk, PruneReport, WaitCondition } from '../../../src/vch/engine/engine.js';
import { BadParameterError, ConflictError, NoSuchObjectError, NotModifiedError } from '../../../src/vch/engine/errors.js';
import { FakeProcess } from './process.js';
import { AsyncQueue } from './queue.js';
import { readTar, ResourceEngine, sha, writeTar } from './resources.js';

interface Exit { StatusCode: number; Error: null }

class Container {
  state: 'created' | 'running' | 'exited' | 'paused' = 'created';
  exitCode = 0;
  readonly logs: LogRecord[] = [];
  readonly listeners = new Set<AsyncQueue<OutputChunk>>();
  readonly files = new Map<string, Buffer>();
  exitWaiters: ((e: Exit) => void)[] = [];
  removeWaiters: ((e: Exit) => void)[] = [];
  process: FakeProcess | undefined;
  pendingStdin: Uint8Array[] = [];
  stdinEnded = false;
  constructor(readonly id: string, public name: string, readonly body: ContainerCreateRequest, readonly created: string) {}
  get tty(): boolean { return this.body.Tty === true; }
}

/** The transport test double (see the file comment). */
export class TransportTestEngine extends ResourceEngine implements ContainerEngine {
  private readonly containers = new Map<string, Container>();
  private readonly execs = new Map<string, { containerId: string; body: ExecCreateRequest; exitCode: number | null; running: boolean }>();
  private seq = 0;

  private find(ref: string): Container {
    const name = ref.replace(/^\//, '');
    const c = this.containers.get(ref) ?? [...this.containers.values()].find((x) => x.name === name) ?? [...this.containers.values()].find((x) => ref.length >= 3 && x.id.startsWith(ref));
    if (!c) throw NoSuchObjectError.container(ref);
    return c;
  }

  protected override imageInUse(id: string): boolean {
    return [...this.containers.values()].some((c) => { try { return this.imageId(c.body.Image ?? '') === id; } catch { return false; } });
  }

  async createContainer(name: string | undefined, body: ContainerCreateRequest): Promise<{ Id: string; Warnings: string[] }> {
    this.imageId(body.Image ?? '');
    const id = sha(`container-${++this.seq}-${Date.now()}`);
    const finalName = (name ?? `c${this.seq}`).replace(/^\//, '');
    const clash = [...this.containers.values()].find((c) => c.name === finalName);
    if (clash) throw new ConflictError(`Conflict. The container name "/${finalName}" is already in use by container "${clash.id}". You have to remove (or rename) that container to be able to reuse that name.`);
    this.containers.set(id, new Container(id, finalName, body, new Date().toISOString()));
    this.emit('container', 'create', id, { image: body.Image ?? '', name: finalName });
    return { Id: id, Warnings: [] };
  }

  async listContainers(opts: { readonly all: boolean; readonly limit?: number; readonly filters: Filters }): Promise<ContainerSummary[]> {
    const all = [...this.containers.values()].filter((c) => opts.all || c.state === 'running' || c.state === 'paused');
    return all.slice(0, opts.limit ?? all.length).map((c) => ({
      Id: c.id, Names: [`/${c.name}`], Image: c.body.Image ?? '', ImageID: `sha256:${this.imageId(c.body.Image ?? '')}`, Command: (c.body.Cmd ?? []).join(' '), Created: Math.floor(Date.parse(c.created) / 1000),
      Ports: [], Labels: c.body.Labels ?? {}, State: c.state, Status: c.state === 'running' ? 'Up Less than a second' : `Exited (${c.exitCode}) Less than a second ago`,
      HostConfig: { NetworkMode: 'default' }, NetworkSettings: { Networks: {} }, Mounts: [],
    }));
  }

  async inspectContainer(ref: string): Promise<ContainerInspect> {
    const c = this.find(ref);
    const running = c.state === 'running' || c.state === 'paused';
    return {
      Id: c.id, Created: c.created, Path: c.body.Cmd?.[0] ?? '', Args: c.body.Cmd?.slice(1) ?? [], Image: `sha256:${this.imageId(c.body.Image ?? '')}`, Name: `/${c.name}`,
      State: { Status: c.state, Running: running, Paused: c.state === 'paused', Restarting: false, OOMKilled: false, Dead: false, Pid: running ? 1 : 0, ExitCode: c.exitCode, Error: '', StartedAt: c.created, FinishedAt: c.created },
      ResolvConfPath: '', HostnamePath: '', HostsPath: '', LogPath: '', RestartCount: 0, Driver: 'vsphere', Platform: 'linux', MountLabel: '', ProcessLabel: '', AppArmorProfile: '', ExecIDs: null,
      HostConfig: c.body.HostConfig ?? {}, GraphDriver: { Name: 'vsphere', Data: {} }, Mounts: [], Config: { ...c.body, HostConfig: undefined, NetworkingConfig: undefined },
      NetworkSettings: { Bridge: '', SandboxID: '', Ports: {}, SandboxKey: '', IPAddress: '172.16.0.2', IPPrefixLen: 16, Gateway: '172.16.0.1', MacAddress: '', Networks: {} },
    };
  }

  async startContainer(ref: string): Promise<void> {
    const c = this.find(ref);
    if (c.state === 'running' || c.state === 'paused') throw new NotModifiedError();
    c.state = 'running';
    c.process = new FakeProcess([...(c.body.Entrypoint ?? []), ...(c.body.Cmd ?? [])], {
      output: (chunk) => this.output(c, chunk),
      exit: (code) => this.exited(c, code),
    });
    for (const d of c.pendingStdin.splice(0)) c.process.write(d);
    if (c.stdinEnded) c.process.closeStdin();
    c.process.start();
    this.emit('container', 'start', c.id, { image: c.body.Image ?? '', name: c.name });
  }

  private output(c: Container, chunk: OutputChunk): void {
    const stored = c.tty ? { ...chunk, stream: 'stdout' as const } : chunk;
    c.logs.push({ ...stored, timeNano: BigInt(Date.now()) * 1_000_000n });
    for (const l of c.listeners) l.push(stored);
  }

  private exited(c: Container, code: number): void {
    c.state = 'exited';
    c.exitCode = code;
    for (const l of c.listeners) l.end();
    c.listeners.clear();
    this.emit('container', 'die', c.id, { image: c.body.Image ?? '', name: c.name, exitCode: String(code) });
    for (const w of c.exitWaiters.splice(0)) w({ StatusCode: code, Error: null });
    if (c.body.HostConfig?.AutoRemove) void this.removeContainer(c.id, { force: true });
  }

  async stopContainer(ref: string): Promise<void> {
    const c = this.find(ref);
    if (c.state !== 'running') throw new NotModifiedError();
    this.emit('container', 'kill', c.id, { name: c.name, signal: '15' });
    c.process?.kill(143);
    this.emit('container', 'stop', c.id, { name: c.name });
  }

  async restartContainer(ref: string): Promise<void> {
    const c = this.find(ref);
    if (c.state === 'running') c.process?.kill(143);
    await this.startContainer(c.id);
  }

  async killContainer(ref: string, signal?: string): Promise<void> {
    const c = this.find(ref);
    if (c.state !== 'running') throw new ConflictError(`Cannot kill container: ${ref}: Container ${c.id} is not running`);
    this.emit('container', 'kill', c.id, { name: c.name, signal: signal ?? 'KILL' });
    c.process?.kill(137);
  }

  async removeContainer(ref: string, opts: { readonly force: boolean }): Promise<void> {
    const c = this.find(ref);
    if (c.state === 'running' && !opts.force) throw new ConflictError(`You cannot remove a running container ${c.id}. Stop the container before attempting removal or force remove`);
    c.process?.kill();
    this.containers.delete(c.id);
    this.emit('container', 'destroy', c.id, { name: c.name });
    for (const w of c.removeWaiters.splice(0)) w({ StatusCode: c.exitCode, Error: null });
  }

  async renameContainer(ref: string, newName: string): Promise<void> {
    const c = this.find(ref);
    if ([...this.containers.values()].some((x) => x.name === newName.replace(/^\//, ''))) throw new ConflictError(`Conflict. The container name "/${newName}" is already in use`);
    c.name = newName.replace(/^\//, '');
  }

  async pauseContainer(ref: string): Promise<void> {
    const c = this.find(ref);
    if (c.state !== 'running') throw new ConflictError(`Container ${c.id} is not running`);
    c.state = 'paused';
  }

  async unpauseContainer(ref: string): Promise<void> {
    const c = this.find(ref);
    if (c.state !== 'paused') throw new ConflictError(`Container ${c.id} is not paused`);
    c.state = 'running';
  }

  async waitContainer(ref: string, condition: WaitCondition, signal?: AbortSignal): Promise<() => Promise<Exit>> {
    const c = this.find(ref);
    return () => new Promise<Exit>((resolve, reject) => {
      signal?.addEventListener('abort', () => reject(new Error('wait abandoned')), { once: true });
      if (condition === 'removed') c.removeWaiters.push(resolve);
      else if (condition === 'not-running' && c.state !== 'running' && c.state !== 'paused') resolve({ StatusCode: c.exitCode, Error: null });
      else c.exitWaiters.push(resolve);
    });
  }

  async attachContainer(ref: string, opts: AttachOptions): Promise<AttachedStreams> {
    const c = this.find(ref);
    const output = new AsyncQueue<OutputChunk>();
    const wanted = (chunk: OutputChunk): boolean => (chunk.stream === 'stdout' ? opts.stdout : opts.stderr);
    const filtered = { push: (chunk: OutputChunk) => wanted(chunk) && output.push(chunk), end: () => output.end() } as unknown as AsyncQueue<OutputChunk>;
    if (opts.logs) for (const r of c.logs) filtered.push(r);
    if (opts.stream && c.state !== 'exited') c.listeners.add(filtered);
    else output.end();
    return {
      tty: c.tty,
      output,
      write: (data) => (opts.stdin ? (c.process && c.state === 'running' ? c.process.write(data) : c.pendingStdin.push(data)) : undefined),
      endInput: () => {
        if (!opts.stdin || !c.body.StdinOnce) return;
        if (c.process) c.process.closeStdin();
        else c.stdinEnded = true;
      },
      detach: () => {
        c.listeners.delete(filtered);
        output.end();
      },
    };
  }

  async resizeContainer(ref: string): Promise<void> {
    this.find(ref);
  }

  async containerLogs(ref: string, opts: LogsOptions): Promise<{ tty: boolean; records: AsyncIterable<LogRecord> }> {
    const c = this.find(ref);
    const wanted = (r: OutputChunk): boolean => (r.stream === 'stdout' ? opts.stdout : opts.stderr);
    const past = c.logs.filter((r) => wanted(r) && (opts.since === undefined || Number(r.timeNano) >= opts.since * 1e9));
    const records = new AsyncQueue<LogRecord>();
    for (const r of opts.tail !== undefined ? past.slice(Math.max(0, past.length - opts.tail)) : past) records.push(r);
    if (opts.follow && c.state === 'running') {
      const relay = { push: (chunk: OutputChunk) => wanted(chunk) && records.push({ ...chunk, timeNano: BigInt(Date.now()) * 1_000_000n }), end: () => records.end() } as unknown as AsyncQueue<OutputChunk>;
      c.listeners.add(relay);
      opts.signal?.addEventListener('abort', () => { c.listeners.delete(relay); records.end(); }, { once: true });
    } else records.end();
    return { tty: c.tty, records };
  }

  async containerTop(ref: string): Promise<{ Titles: string[]; Processes: string[][] }> {
    const c = this.find(ref);
    if (c.state !== 'running') throw new ConflictError(`Container ${c.id} is not running`);
    return { Titles: ['PID', 'CMD'], Processes: [['1', (c.body.Cmd ?? []).join(' ')]] };
  }

  async containerStats(ref: string): Promise<StatsSample> {
    const c = this.find(ref);
    const usage = Date.now() * 1000;
    const cpu = { cpu_usage: { total_usage: usage, percpu_usage: [usage], usage_in_kernelmode: 0, usage_in_usermode: usage }, system_cpu_usage: usage * 4, online_cpus: 1, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } };
    const zero = { ...cpu, cpu_usage: { ...cpu.cpu_usage, total_usage: 0, percpu_usage: [] }, system_cpu_usage: 0 };
    return { read: new Date().toISOString(), preread: '0001-01-01T00:00:00Z', name: `/${c.name}`, id: c.id, num_procs: 0, pids_stats: { current: 1 }, cpu_stats: cpu, precpu_stats: zero, memory_stats: { usage: 1 << 20, limit: 2 * 2 ** 30, stats: { inactive_file: 0 } }, networks: { eth0: { rx_bytes: 0, tx_bytes: 0, rx_packets: 0, tx_packets: 0, rx_errors: 0, tx_errors: 0, rx_dropped: 0, tx_dropped: 0 } }, blkio_stats: { io_service_bytes_recursive: [] }, storage_stats: {} };
  }

  async containerChanges(ref: string): Promise<FilesystemChange[]> {
    return [...this.find(ref).files.keys()].map((Path) => ({ Path, Kind: 1 as const }));
  }

  async exportContainer(ref: string): Promise<Uint8Array> {
    return writeTar(Object.fromEntries([...this.find(ref).files].map(([p, b]) => [p.slice(1), b])));
  }

  async statPath(ref: string, path: string): Promise<PathStat> {
    const c = this.find(ref);
    if (path.split('/').includes('..')) throw new BadParameterError(`path ${path} escapes the container's root`);
    const clean = path.replace(/\/+$/, '') || '/';
    const file = c.files.get(clean);
    if (file) return { name: clean.split('/').pop()!, size: file.length, mode: 0o644, mtime: new Date().toISOString(), linkTarget: '' };
    if (clean === '/' || clean === '/tmp' || [...c.files.keys()].some((p) => p.startsWith(clean + '/'))) return { name: clean.split('/').pop() || '/', size: 4096, mode: 2147483648 + 0o755, mtime: new Date().toISOString(), linkTarget: '' };
    throw new NoSuchObjectError(`Could not find the file ${path} in container ${ref}`);
  }

  async getArchive(ref: string, path: string): Promise<{ stat: PathStat; tar: Uint8Array }> {
    const stat = await this.statPath(ref, path);
    const c = this.find(ref);
    const clean = path.replace(/\/+$/, '');
    const entries = [...c.files].filter(([p]) => p === clean || p.startsWith(clean + '/')).map(([p, b]) => [p.slice(clean.length - stat.name.length), b] as const);
    return { stat, tar: await writeTar(Object.fromEntries(entries)) };
  }

  async putArchive(ref: string, path: string, tarBytes: Uint8Array): Promise<void> {
    const stat = await this.statPath(ref, path);
    if (stat.mode < 2147483648) throw new BadParameterError(`extraction point is not a directory: ${path}`);
    const files = await readTar(tarBytes).catch((e: Error) => { throw new BadParameterError(`invalid tar: ${e.message}`); });
    for (const [name, content] of files) {
      if (name.split('/').includes('..')) throw new BadParameterError(`tar entry ${name} escapes ${path}`);
      this.find(ref).files.set(`${path.replace(/\/+$/, '')}/${name}`.replace(/^\/\//, '/'), content);
    }
  }

  async pruneContainers(): Promise<PruneReport> {
    const stopped = [...this.containers.values()].filter((c) => c.state === 'exited' || c.state === 'created');
    for (const c of stopped) await this.removeContainer(c.id, { force: true });
    return { deleted: stopped.map((c) => c.id), spaceReclaimed: 0 };
  }

  async createExec(ref: string, body: ExecCreateRequest): Promise<{ Id: string }> {
    const c = this.find(ref);
    if (c.state !== 'running') throw new ConflictError(`Container ${c.id} is not running`);
    const id = sha(`exec-${++this.seq}`);
    this.execs.set(id, { containerId: c.id, body, exitCode: null, running: false });
    return { Id: id };
  }

  async startExec(id: string, opts: { readonly detach: boolean }): Promise<AttachedStreams | undefined> {
    const e = this.execs.get(id);
    if (!e) throw NoSuchObjectError.exec(id);
    if (e.running || e.exitCode !== null) throw new ConflictError(`Error: Exec command ${id} has already run`);
    e.running = true;
    const output = new AsyncQueue<OutputChunk>();
    const proc = new FakeProcess(e.body.Cmd, { output: (chunk) => output.push(chunk), exit: (code) => { e.exitCode = code; e.running = false; output.end(); } });
    proc.start();
    if (opts.detach) return undefined;
    return { tty: e.body.Tty === true, output, write: (d) => proc.write(d), endInput: () => proc.closeStdin(), detach: () => output.end() };
  }

  async inspectExec(id: string): Promise<ExecInspect> {
    const e = this.execs.get(id);
    if (!e) throw NoSuchObjectError.exec(id);
    return { ID: id, Running: e.running, ExitCode: e.exitCode, ProcessConfig: { tty: e.body.Tty === true, entrypoint: e.body.Cmd[0]!, arguments: e.body.Cmd.slice(1), privileged: false }, OpenStdin: e.body.AttachStdin === true, OpenStderr: true, OpenStdout: true, CanRemove: false, ContainerID: e.containerId, DetachKeys: '', Pid: 0 };
  }

  async resizeExec(id: string): Promise<void> {
    if (!this.execs.has(id)) throw NoSuchObjectError.exec(id);
  }
}

/**
 * docker exec: another process in a running container's guest, with its own streams and exit code
 * (VIC reconfigured the VM for each exec; here the tether starts it directly).
 */
import type { Rng } from '../../sim/rng.js';
import type { ExecCreateRequest, ExecInspect } from '../engine/docker-types.js';
import type { AttachedStreams, OutputChunk } from '../engine/engine.js';
import { BadParameterError, ConflictError, NoSuchObjectError } from '../engine/errors.js';
import type { EventLog } from '../events.js';
import type { Container } from './container.js';
import type { ContainerIndex } from './index-by-name.js';
import type { LaunchedProcess, Launcher } from './launcher.js';
import { mergeEnv } from './spec.js';
import { FanOut, InputPipe } from './streams.js';

interface ExecRecord {
  readonly id: string;
  readonly container: Container;
  readonly req: ExecCreateRequest;
  process: LaunchedProcess | undefined;
  exitCode: number | null;
  running: boolean;
  readonly stdin: InputPipe;
  readonly output: FanOut<OutputChunk>;
}

/** Exec sessions of a VCH's containers. */
export class ExecService {
  readonly #execs = new Map<string, ExecRecord>();

  constructor(
    readonly rng: Rng,
    readonly index: ContainerIndex<Container>,
    readonly launcher: Launcher,
    readonly events: EventLog,
  ) {}

  /** docker exec (create). @throws ConflictError when the container is not running. */
  create(ref: string, req: ExecCreateRequest): { Id: string } {
    const c = this.index.get(ref);
    if (!Array.isArray(req.Cmd) || req.Cmd.length === 0 || req.Cmd.some((a) => typeof a !== 'string')) throw new BadParameterError('No exec command specified');
    if (c.status === 'paused') throw new ConflictError(`Container ${c.id} is paused, unpause the container before exec`);
    if (c.status !== 'running') throw new ConflictError(`Container ${c.id} is not running`);
    let id = '';
    while (id.length < 64) id += this.rng.int(0, 0xffffffff).toString(16).padStart(8, '0');
    this.#execs.set(id, { id, container: c, req, process: undefined, exitCode: null, running: false, stdin: new InputPipe(), output: new FanOut() });
    c.execIds.add(id);
    this.events.emit({ Type: 'container', Action: `exec_create: ${req.Cmd.join(' ')}`, id: c.id, attributes: { name: c.name, execID: id } });
    return { Id: id };
  }

  #get(id: string): ExecRecord {
    const e = this.#execs.get(id);
    if (!e) throw NoSuchObjectError.exec(id);
    return e;
  }

  /** Starts an exec; streams unless detached. A missing executable ends it with 126/127 and the message on stderr. */
  start(id: string, opts: { readonly detach: boolean }): AttachedStreams | undefined {
    const e = this.#get(id);
    if (e.running || e.exitCode !== null) throw new ConflictError(`Exec command ${id} has already run`);
    const c = e.container;
    if (c.status !== 'running') throw new ConflictError(`Container ${c.id} is not running`);
    const live = opts.detach ? undefined : e.output.subscribe();
    e.running = true;
    this.events.emit({ Type: 'container', Action: `exec_start: ${e.req.Cmd.join(' ')}`, id: c.id, attributes: { name: c.name, execID: id } });
    this.#launch(e);
    if (!live) return undefined;
    return {
      tty: e.req.Tty === true,
      output: live,
      write: (data) => {
        if (e.req.AttachStdin) e.stdin.write(data);
      },
      endInput: () => e.stdin.end(),
      detach: () => e.output.unsubscribe(live),
    };
  }

  #launch(e: ExecRecord): void {
    const c = e.container;
    const tty = e.req.Tty === true;
    if (!e.req.AttachStdin) e.stdin.end();
    try {
      e.process = this.launcher.launch({
        guest: c.id,
        argv: e.req.Cmd,
        env: mergeEnv([...c.def.plan.env, `HOSTNAME=${c.def.config.Hostname ?? c.id.slice(0, 12)}`], e.req.Env ?? []),
        cwd: e.req.WorkingDir || c.def.plan.workingDir,
        user: e.req.User || c.def.plan.user,
        hostname: c.def.config.Hostname ?? c.id.slice(0, 12),
        tty,
        fs: c.fs,
        stdin: e.stdin,
        stdout: (data) => e.output.push({ stream: 'stdout', data }),
        stderr: (data) => e.output.push({ stream: tty ? 'stdout' : 'stderr', data }),
        labels: {},
      });
    } catch (err) {
      const failure = this.launcher.launchFailure(err);
      if (!failure) throw err;
      e.output.push({ stream: tty ? 'stdout' : 'stderr', data: Buffer.from(`OCI runtime exec failed: ${failure.message}\r\n`) });
      this.#finish(e, failure.exitCode);
      return;
    }
    const process = e.process;
    // The container's main process ending ends its execs (SIGKILL, 137), as the VM powers off.
    const unregister = c.onRunEnd(() => process.signal('KILL'));
    void process.exited.then((exit) => {
      unregister();
      this.#finish(e, exit.code);
    });
  }

  #finish(e: ExecRecord, code: number): void {
    e.exitCode = code;
    e.running = false;
    e.output.end();
    this.events.emit({ Type: 'container', Action: 'exec_die', id: e.container.id, attributes: { name: e.container.name, execID: e.id, exitCode: String(code) } });
  }

  /** docker exec inspect. */
  inspect(id: string): ExecInspect {
    const e = this.#get(id);
    return {
      ID: e.id,
      Running: e.running,
      ExitCode: e.exitCode,
      ProcessConfig: { tty: e.req.Tty === true, entrypoint: e.req.Cmd[0]!, arguments: e.req.Cmd.slice(1), privileged: e.req.Privileged === true, user: e.req.User ?? '' },
      OpenStdin: e.req.AttachStdin === true,
      OpenStderr: e.req.AttachStderr === true,
      OpenStdout: e.req.AttachStdout === true,
      CanRemove: false,
      ContainerID: e.container.id,
      DetachKeys: e.req.DetachKeys ?? '',
      Pid: e.process?.pid ?? 0,
    };
  }

  /** Resizes an exec's TTY. */
  resize(id: string, rows: number, cols: number): void {
    const e = this.#get(id);
    e.process?.resize(rows, cols);
  }

  /** Processes of running execs in a container, for top. */
  running(c: Container): { readonly pid: number; readonly cmd: string }[] {
    return [...this.#execs.values()].filter((e) => e.container === c && e.running && e.process).map((e) => ({ pid: e.process!.pid, cmd: e.req.Cmd.join(' ') }));
  }

  /** Forgets a removed container's execs. */
  forget(c: Container): void {
    for (const id of c.execIds) this.#execs.delete(id);
  }
}

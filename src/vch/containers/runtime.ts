/**
 * Running containers: start (power on, network, launch the main process in the guest), exit
 * (log flushed, attached clients closed, ports released, VM powered off, waiters answered, restart
 * policy or auto-remove applied), stop (signal, grace period on the simulated clock, SIGKILL),
 * kill, pause and unpause. Each container's operations are serialised, so a `start` right after an
 * exit waits for the VM to be off.
 */
import type { Clock, Timer } from '../../sim/clock.js';
import { BadParameterError, ConflictError, EngineSystemError, NotModifiedError } from '../engine/errors.js';
import type { EventLog } from '../events.js';
import type { Container } from './container.js';
import type { PublishedPort } from './inspect.js';
import type { LaunchedProcess, Launcher, LaunchFailure } from './launcher.js';
import type { Provisioner } from './provisioner.js';
import { requireTransition } from './state.js';

/** Network plumbing of a container's run: addresses and published ports. */
export interface RunNetworking {
  /** Gives the container its addresses and publishes its ports; all or nothing. */
  up(c: Container): Promise<void>;
  /** Releases what `up` took. Never throws. */
  down(c: Container): Promise<void>;
  /** Ports published now. */
  ports(c: Container): PublishedPort[];
}

/** Docker's restart back-off: 100 ms doubling, capped at 1 minute. */
const RESTART_BASE_MS = 100;
const RESTART_MAX_MS = 60_000;

/** Signal numbers of the names docker sends. */
export const SIGNALS: Readonly<Record<string, number>> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, USR1: 10, USR2: 12, TERM: 15, STOP: 19, CONT: 18, WINCH: 28 };

/** Normalises `SIGTERM`, `term`, `15` to a known signal name. */
export function signalName(sig: string): string {
  const s = sig.toUpperCase().replace(/^SIG/, '');
  if (/^\d+$/.test(s)) {
    const found = Object.entries(SIGNALS).find(([, n]) => n === Number(s));
    if (found) return found[0];
  } else if (s in SIGNALS) return s;
  throw new ConflictError(`Invalid signal: ${sig}`);
}

/** Starts, stops and watches containers. */
export class ContainerRuntime {
  readonly #processes = new Map<string, LaunchedProcess>();
  readonly #chains = new Map<string, Promise<unknown>>();

  constructor(
    readonly clock: Clock,
    readonly provisioner: Provisioner,
    readonly launcher: Launcher,
    readonly networking: RunNetworking,
    readonly events: EventLog,
    /** Called when an exited container with AutoRemove should go. */
    readonly autoRemove: (c: Container) => Promise<void>,
  ) {}

  /** The main process while running. */
  process(c: Container): LaunchedProcess | undefined {
    return this.#processes.get(c.id);
  }

  /**
   * Drops what the runtime keeps for a removed container: its operation chain, its process entry and
   * its guest's process table in the launcher. Call once the container's VM is destroyed. O(1).
   */
  forget(c: Container): void {
    this.#chains.delete(c.id);
    this.#processes.delete(c.id);
    this.launcher.forget(c.id);
  }

  /** Runs `op` after the container's earlier operations. */
  serial<T>(c: Container, op: () => Promise<T>): Promise<T> {
    const prev = this.#chains.get(c.id) ?? Promise.resolve();
    const next = prev.then(op, op);
    this.#chains.set(c.id, next.catch(() => undefined));
    return next;
  }

  /** docker start (and restart's second half): a manual start resets the restart count, as docker's does. @throws NotModifiedError when it already runs. */
  start(c: Container): Promise<void> {
    if (c.running) return Promise.reject(new NotModifiedError());
    return this.serial(c, async () => {
      if (c.running) throw new NotModifiedError();
      requireTransition(c.name, c.status, 'START');
      c.stoppedByUser = false;
      c.restartCount = 0;
      await this.#run(c);
    });
  }

  async #run(c: Container): Promise<void> {
    if (c.output.ended) c.resetStreams();
    // Without OpenStdin the process's stdin is /dev/null: reads see EOF at once.
    if (!c.def.openStdin) c.stdin.end();
    try {
      await this.provisioner.start(c.def.vm);
      await this.networking.up(c);
    } catch (e) {
      await this.provisioner.stop(c.def.vm).catch(() => undefined);
      throw e instanceof ConflictError || e instanceof EngineSystemError ? e : new EngineSystemError(e instanceof Error ? e.message : String(e));
    }
    let proc: LaunchedProcess;
    try {
      proc = this.launcher.launch({
        guest: c.id,
        argv: [c.def.plan.path, ...c.def.plan.args],
        env: [...c.def.plan.env, `HOSTNAME=${c.def.config.Hostname ?? c.id.slice(0, 12)}`],
        cwd: c.def.plan.workingDir,
        user: c.def.plan.user,
        hostname: c.def.config.Hostname ?? c.id.slice(0, 12),
        tty: c.def.tty,
        fs: c.fs,
        stdin: c.stdin,
        stdout: (data) => this.#output(c, 'stdout', data),
        stderr: (data) => this.#output(c, c.def.tty ? 'stdout' : 'stderr', data),
        labels: c.def.config.Labels ?? {},
      });
    } catch (e) {
      const failure = this.launcher.launchFailure(e);
      if (!failure) throw e;
      await this.#failedLaunch(c, failure);
      throw new BadParameterError(failure.message);
    }
    this.#processes.set(c.id, proc);
    c.status = requireTransition(c.name, c.status, 'START');
    c.startedMs = this.clock.date().getTime();
    c.fs.io.reset();
    c.pid = proc.pid;
    c.error = '';
    this.events.emit({ Type: 'container', Action: 'start', id: c.id, attributes: this.#attrs(c) });
    void proc.exited.then((exit) => this.serial(c, () => this.#exited(c, exit.code)));
  }

  #output(c: Container, stream: 'stdout' | 'stderr', data: Uint8Array): void {
    const chunk = { stream, data };
    c.log.append(chunk, BigInt(this.clock.date().getTime()) * 1_000_000n);
    c.output.push(chunk);
  }

  async #failedLaunch(c: Container, failure: LaunchFailure): Promise<void> {
    c.endRun();
    await this.networking.down(c);
    await this.provisioner.stop(c.def.vm).catch(() => undefined);
    c.exitCode = failure.exitCode;
    c.error = failure.message;
    c.startedMs = this.clock.date().getTime();
    c.finishedMs = c.startedMs;
    c.status = 'exited';
    c.output.end();
    c.log.endFollowers();
    this.events.emit({ Type: 'container', Action: 'die', id: c.id, attributes: { ...this.#attrs(c), exitCode: String(c.exitCode) } });
    c.notify('exit');
  }

  async #exited(c: Container, code: number): Promise<void> {
    this.#processes.delete(c.id);
    c.endRun();
    c.exitCode = code;
    c.finishedMs = this.clock.date().getTime();
    await c.log.flush();
    c.output.end();
    c.log.endFollowers();
    await this.networking.down(c);
    this.events.emit({ Type: 'container', Action: 'die', id: c.id, attributes: { ...this.#attrs(c), exitCode: String(code) } });
    if (this.#shouldRestart(c, code)) return this.#scheduleRestart(c);
    await this.provisioner.stop(c.def.vm).catch(() => undefined);
    c.status = requireTransition(c.name, c.status, 'EXIT');
    c.notify('exit');
    if (c.def.autoRemove) void this.autoRemove(c);
  }

  #shouldRestart(c: Container, code: number): boolean {
    if (c.stoppedByUser) return false;
    const r = c.def.restart;
    if (r.name === 'always' || r.name === 'unless-stopped') return true;
    return r.name === 'on-failure' && code !== 0 && (r.maxRetries === 0 || c.restartCount < r.maxRetries);
  }

  #scheduleRestart(c: Container): void {
    c.status = requireTransition(c.name, c.status, 'SCHEDULE_RESTART');
    c.notify('exit');
    const delay = Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** Math.min(20, c.restartCount));
    this.clock.schedule(delay, () => {
      void this.serial(c, async () => {
        if (c.status !== 'restarting') return;
        c.restartCount += 1;
        this.events.emit({ Type: 'container', Action: 'restart', id: c.id, attributes: this.#attrs(c) });
        await this.#run(c).catch(async () => {
          c.status = 'exited';
          await this.provisioner.stop(c.def.vm).catch(() => undefined);
        });
      });
    }, { label: `restart ${c.name}` });
  }

  /**
   * docker stop: the stop signal, up to `timeoutSec` of simulated time, then SIGKILL; resolves when
   * the container has exited and its VM is off. @throws NotModifiedError when it is not running.
   */
  async stop(c: Container, timeoutSec: number | undefined, signal: string | undefined): Promise<void> {
    if (c.status === 'restarting') {
      c.stoppedByUser = true;
      return this.serial(c, async () => {
        c.status = requireTransition(c.name, c.status, 'STOP');
        await this.provisioner.stop(c.def.vm);
      });
    }
    const proc = this.#processes.get(c.id);
    if (!c.running || !proc) throw new NotModifiedError();
    c.stoppedByUser = true;
    if (c.status === 'paused') await this.unpause(c);
    const sig = signalName(signal ?? c.def.config.StopSignal ?? 'TERM');
    const grace = timeoutSec ?? c.def.config.StopTimeout ?? 10;
    this.events.emit({ Type: 'container', Action: 'kill', id: c.id, attributes: { ...this.#attrs(c), signal: String(SIGNALS[sig]) } });
    proc.signal(sig);
    const exited = proc.exited.then(() => true);
    let graceTimer: Timer | undefined;
    const timedOut = grace < 0 ? new Promise<boolean>(() => {}) : new Promise<boolean>((resolve) => (graceTimer = this.clock.schedule(grace * 1000, () => resolve(false), { label: `stop grace ${c.name}` })));
    const exitedInTime = await Promise.race([exited, timedOut]);
    // An early exit cancels the grace timer: left queued, it would be work that moves an instant clock on by the whole grace period.
    if (graceTimer) this.clock.cancel(graceTimer);
    if (!exitedInTime) {
      this.events.emit({ Type: 'container', Action: 'kill', id: c.id, attributes: { ...this.#attrs(c), signal: '9' } });
      proc.signal('KILL');
    }
    await proc.exited;
    await this.serial(c, async () => undefined);
    this.events.emit({ Type: 'container', Action: 'stop', id: c.id, attributes: this.#attrs(c) });
  }

  /** docker kill. @throws ConflictError when it is not running. */
  async kill(c: Container, signal = 'KILL'): Promise<void> {
    const proc = this.#processes.get(c.id);
    if (c.running && !proc) {
      // The process has ended and its exit is being recorded: the kill has nothing left to do.
      await this.serial(c, async () => undefined);
      return;
    }
    if (!c.running || !proc) throw new ConflictError(`Cannot kill container: ${c.name}: Container ${c.id} is not running`);
    const sig = signalName(signal);
    if (sig === 'KILL') c.stoppedByUser = true;
    if (c.status === 'paused' && sig === 'KILL') await this.unpause(c);
    this.events.emit({ Type: 'container', Action: 'kill', id: c.id, attributes: { ...this.#attrs(c), signal: String(SIGNALS[sig]) } });
    proc.signal(sig);
    if (sig === 'KILL') {
      await proc.exited;
      await this.serial(c, async () => undefined);
    }
  }

  /** docker pause: the VM is suspended (VIC never had pause). */
  pause(c: Container): Promise<void> {
    return this.serial(c, async () => {
      if (c.status === 'paused') throw new ConflictError(`Container ${c.id} is already paused`);
      if (c.status !== 'running') throw new ConflictError(`Container ${c.id} is not running`);
      // The guest stops when the suspend begins; the memory image is written while it stands still.
      this.launcher.freeze(c.id);
      try {
        await this.provisioner.suspend(c.def.vm);
      } catch (e) {
        this.launcher.thaw(c.id);
        throw e;
      }
      c.status = requireTransition(c.name, c.status, 'PAUSE');
      this.events.emit({ Type: 'container', Action: 'pause', id: c.id, attributes: this.#attrs(c) });
    });
  }

  /** docker unpause: the VM resumes. */
  async unpause(c: Container): Promise<void> {
    if (c.status !== 'paused') throw new ConflictError(`Container ${c.id} is not paused`);
    await this.provisioner.resume(c.def.vm);
    this.launcher.thaw(c.id);
    c.status = requireTransition(c.name, c.status, 'UNPAUSE');
    this.events.emit({ Type: 'container', Action: 'unpause', id: c.id, attributes: this.#attrs(c) });
  }

  #attrs(c: Container): Record<string, string> {
    return { image: c.def.config.Image ?? c.def.imageId, name: c.name, ...(c.def.config.Labels ?? {}) };
  }
}

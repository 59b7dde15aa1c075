/**
 * The guest's exec: resolves argv[0] through PATH, decides what the file is and runs it — a busybox
 * applet, a `#!` script through its interpreter, or a simulated service — with signal delivery.
 */
import type { GuestFs } from '../fs/types.js';
import { NEVER_ABORTED, untilAborted, untilOwnAbort } from './abort.js';
import { APPLETS } from './applets/index.js';
import type { ExecOverrides, ProgramContext, StdIo, Terminal } from './context.js';
import type { Identity } from './identity.js';
import { BrokenPipe } from './io.js';
import { classifyExecutable, resolveExecutable } from './path-search.js';
import { baseName } from './paths.js';
import { DEFAULT_SERVICE_PROFILE, type ServiceProfile } from './profile.js';
import { runService } from './service.js';
import { runShell } from './sh/program.js';
import { terminatesByDefault, type Signal } from './signals.js';
import type { GuestServices } from './types.js';

/** Applet names that run the shell. */
const SHELLS = new Set(['sh', 'ash']);

/** What every program of one guest process tree shares. */
export interface KernelOptions {
  readonly fs: GuestFs;
  readonly services: GuestServices;
  readonly identity: Identity;
  readonly hostname: string;
  readonly terminal: Terminal | undefined;
  /** Profile of programs that run as simulated services. */
  readonly profile: ServiceProfile | undefined;
  /** Called whenever a program of this tree starts as a simulated service, with its profile. */
  readonly onService?: (profile: ServiceProfile) => void;
}

/** A program about to run. */
export interface Launch {
  readonly argv: readonly string[];
  readonly env: Map<string, string>;
  readonly cwd: string;
  readonly io: StdIo;
  readonly signal: AbortSignal;
  readonly pid: number;
  /** Filled in with a way to signal this program. */
  readonly control?: { deliver?: (sig: Signal) => void };
}

/** Runs guest programs. One per guest process tree (a container's main process or an exec). */
export class Kernel {
  constructor(readonly options: KernelOptions) {}

  /**
   * Resolves and runs `launch.argv`, resolving with its exit status (128+n when a signal ended it,
   * 141 on a broken pipe). @throws ExecutableNotFoundError / ExecPermissionDeniedError before running.
   */
  run(launch: Launch): Promise<number> {
    const [argv0 = ''] = launch.argv;
    const path = resolveExecutable(this.options.fs, argv0, launch.env, launch.cwd);
    const kind = classifyExecutable(this.options.fs, path);
    if (kind.kind === 'script') {
      const argv = [kind.interpreter, ...(kind.arg ? [kind.arg] : []), path, ...launch.argv.slice(1)];
      return this.run({ ...launch, argv });
    }
    if (kind.kind === 'service') {
      const profile = this.options.profile ?? DEFAULT_SERVICE_PROFILE;
      this.options.onService?.(profile);
      return this.start(launch, (ctx) => runService(ctx, profile));
    }
    let argv = launch.argv;
    if (baseName(argv0) === 'busybox') {
      argv = argv.slice(1);
      if (!argv.length) return this.start(launch, async (ctx) => (await ctx.stdout.write('BusyBox v1.36.1 (vicsim) multi-call binary.\nUsage: busybox [function [arguments]...]\n'), 0));
    }
    const name = baseName(argv[0] ?? '');
    const applet = SHELLS.has(name) ? runShell : APPLETS.get(name);
    if (!applet) {
      return this.start(launch, async (ctx) => (await ctx.stderr.write(`${name}: applet not supported by the vicsim guest\n`), 127));
    }
    return this.start({ ...launch, argv: [name, ...argv.slice(1)] }, applet);
  }

  private start(launch: Launch, program: (ctx: ProgramContext) => Promise<number>): Promise<number> {
    const own = new AbortController();
    const onlyOwn = launch.signal === NEVER_ABORTED;
    const signal = onlyOwn ? own.signal : AbortSignal.any([launch.signal, own.signal]);
    let handler: ((sig: Signal) => boolean) | undefined;
    let ownAborted = (): void => {};
    if (launch.control) {
      launch.control.deliver = (sig) => {
        if (sig.name !== 'KILL' && sig.name !== 'STOP' && handler?.(sig)) return;
        if (!terminatesByDefault(sig)) return;
        own.abort(sig);
        ownAborted();
      };
    }
    const ctx: ProgramContext = {
      stdin: launch.io.stdin,
      stdout: launch.io.stdout,
      stderr: launch.io.stderr,
      argv: launch.argv,
      env: launch.env,
      cwd: launch.cwd,
      fs: this.options.fs,
      services: this.options.services,
      signal,
      identity: this.options.identity,
      hostname: this.options.hostname,
      pid: launch.pid,
      terminal: this.options.terminal,
      onSignal: (h) => void (handler = h),
      exec: (argv, o) => this.exec(launch, signal, argv, o),
    };
    const work = program(ctx).catch((e: unknown) => {
      if (e instanceof BrokenPipe) return 141;
      throw e;
    });
    if (!onlyOwn) return untilAborted(work, signal);
    // Only `own` can abort `signal` (deliver above), so no listener is needed to notice it.
    const race = untilOwnAbort(work, signal);
    ownAborted = race.aborted;
    return race.status;
  }

  private exec(parent: Launch, signal: AbortSignal, argv: readonly string[], o: ExecOverrides | undefined): Promise<number> {
    return this.run({
      argv,
      env: new Map(o?.env ?? parent.env),
      cwd: o?.cwd ?? parent.cwd,
      io: { ...parent.io, ...o?.io },
      signal: o?.signal ?? signal,
      pid: this.options.services.allocatePid(),
      ...(o?.control ? { control: o.control } : {}),
    });
  }
}

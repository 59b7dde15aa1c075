/**
 * Runs parsed sh: lists, and-or lists, concurrent pipelines, simple and compound commands,
 * functions, background jobs, traps and `set -e`. One Shell per shell process or subshell.
 */
import type { ProgramContext, StdIo } from '../context.js';
import { ExecPermissionDeniedError, ExecutableNotFoundError } from '../errors.js';
import { BrokenPipe, BufferOut, InStream, Pipe } from '../io.js';
import { abortStatus, untilAborted, yieldToHost } from '../abort.js';
import { patternToRegExp } from '../paths.js';
import { APPLETS } from '../applets/index.js';
import type { Signal } from '../signals.js';
import type { AndOr, Command, List, Pipeline } from './ast.js';
import { BUILTINS, SPECIAL_BUILTINS } from './builtins.js';
import { ExitRequest, Killed, LoopControl, ReturnRequest } from './control.js';
import { expandPattern, expandWord, expandWords, ExpansionError, type ExpandHost } from './expand.js';
import { parseScript } from './parser.js';
import { applyRedirects, RedirectError } from './redirect.js';
import type { ShellState } from './state.js';
import { TrapQueue } from './traps.js';
import { ShellSyntaxError } from './syntax-error.js';

/** Commands run between two yields to the host event loop (keeps busy loops from starving it). */
const STEPS_PER_YIELD = 256;

/** A background job of a shell. */
interface Job {
  readonly done: Promise<number>;
  readonly controller: AbortController;
}

/** One shell (or subshell) executing commands against its {@link ShellState}. */
export class Shell implements ExpandHost {
  /** Saved values of `local` variables, one frame per running function call. */
  readonly localFrames: Map<string, string | undefined>[] = [];
  /** Signal delivery to the program `exec` replaced this shell with, while it runs. */
  execed: { deliver?: (sig: Signal) => void } | undefined;
  /** Trapped signals whose actions run after the current command. */
  readonly traps = new TrapQueue();
  readonly jobs = new Map<number, Job>();
  private conditionDepth = 0;
  /** Status of the last command substitution of the command being expanded. */
  private substStatus = 0;
  private steps = 0;

  constructor(
    readonly ctx: ProgramContext,
    readonly state: ShellState,
    readonly io: StdIo,
    /** Aborts whatever the shell runs (the process was killed, or ctrl-C hit the foreground job). */
    public signal: AbortSignal,
    readonly interactive = false,
  ) {}

  get fs() {
    return this.ctx.fs;
  }

  get home(): string {
    return this.state.get('HOME') ?? this.ctx.identity.home;
  }

  /** Writes `sh: <message>` to stderr. */
  async error(message: string, io: StdIo = this.io): Promise<void> {
    await io.stderr.write(`sh: ${message}\n`).catch(() => {});
  }

  /** Parses and runs a script; a syntax error prints ash's message and yields status 2. */
  async runSource(src: string, io: StdIo = this.io): Promise<number> {
    let list: List;
    try {
      list = parseScript(src);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      await this.error(e.message, io);
      if (!this.interactive) throw new ExitRequest(2);
      return (this.state.status = 2);
    }
    return this.runList(list, io);
  }

  /** Runs a whole program (script or -c string) to its end: exit status after the EXIT trap. */
  async runProgram(src: string): Promise<number> {
    let code: number;
    try {
      code = await this.runSource(src);
    } catch (e) {
      code = this.endCode(e);
    }
    return this.runExitTrap(code);
  }

  /** The exit status an escaping control exception stands for. */
  endCode(e: unknown): number {
    if (e instanceof ExitRequest || e instanceof Killed) return e.code;
    if (e instanceof ReturnRequest) return e.code;
    if (e instanceof LoopControl) return this.state.status;
    throw e;
  }

  /** Runs the EXIT trap once (if set) and returns the final exit status. */
  async runExitTrap(code: number): Promise<number> {
    const action = this.state.traps.get('EXIT');
    if (!action) return code;
    this.state.traps.delete('EXIT');
    this.state.status = code;
    try {
      await this.runSource(action);
    } catch (e) {
      return this.endCode(e);
    }
    return code;
  }

  /** A child shell sharing nothing mutable with this one. */
  subshell(io: StdIo = this.io, signal: AbortSignal = this.signal): Shell {
    return new Shell(this.ctx, this.state.clone(), io, signal);
  }

  /** Runs `body` in a subshell and returns its exit status. */
  async inSubshell(io: StdIo, body: (sh: Shell) => Promise<number>, signal?: AbortSignal): Promise<number> {
    const sh = this.subshell(io, signal);
    try {
      return await sh.runExitTrap(await body(sh));
    } catch (e) {
      return sh.runExitTrap(sh.endCode(e));
    }
  }

  /** Command substitution: runs `script` in a subshell and returns its output minus trailing newlines. */
  async substitute(script: string): Promise<string> {
    const out = new BufferOut();
    this.substStatus = await this.inSubshell({ ...this.io, stdout: out }, (sh) => sh.runSource(script));
    return out.text().replace(/\n+$/, '');
  }

  private async runPendingTraps(io: StdIo): Promise<void> {
    for (let sig = this.traps.take(); sig; sig = this.traps.take()) {
      const action = this.state.traps.get(sig.name);
      if (!action) continue;
      const saved = this.state.status;
      await this.runSource(action, io);
      this.state.status = saved;
    }
  }

  private async checkpoint(): Promise<void> {
    if (this.signal.aborted) throw new Killed(abortStatus(this.signal));
    if (++this.steps % STEPS_PER_YIELD === 0) await yieldToHost();
    if (this.signal.aborted) throw new Killed(abortStatus(this.signal));
  }

  /** Runs a list; returns the status of its last command. */
  async runList(list: List, io: StdIo = this.io): Promise<number> {
    for (const item of list.items) {
      await this.checkpoint();
      if (item.background) this.startJob(item.andOr);
      else await this.runAndOr(item.andOr, io);
      await this.runPendingTraps(io);
    }
    return this.state.status;
  }

  private startJob(andOr: AndOr): void {
    const pid = this.ctx.services.allocatePid();
    const controller = new AbortController();
    const signal = AbortSignal.any([this.signal, controller.signal]);
    const io = { ...this.io, stdin: this.interactive ? this.io.stdin : InStream.empty() };
    const done = untilAborted(this.inSubshell(io, (sh) => sh.runAndOr(andOr, io), signal), signal);
    this.jobs.set(pid, { done, controller });
    this.state.lastBackgroundPid = pid;
    this.state.status = 0;
  }

  private async runAndOr(andOr: AndOr, io: StdIo): Promise<number> {
    const last = andOr.rest.length;
    let status = await this.runPipeline(andOr.first, io, last === 0);
    for (const [i, { op, pipeline }] of andOr.rest.entries()) {
      if ((op === '&&') === (status === 0)) status = await this.runPipeline(pipeline, io, i === last - 1);
    }
    return status;
  }

  private async runPipeline(p: Pipeline, io: StdIo, errexitApplies: boolean): Promise<number> {
    if (p.negate) this.conditionDepth++;
    let status: number;
    try {
      status = p.commands.length === 1 ? await this.runCommand(p.commands[0]!, io) : await this.runConcurrently(p.commands, io);
    } finally {
      if (p.negate) this.conditionDepth--;
    }
    if (p.negate) status = status === 0 ? 1 : 0;
    this.state.status = status;
    if (status !== 0 && this.state.errexit && errexitApplies && !p.negate && this.conditionDepth === 0) throw new ExitRequest(status);
    return status;
  }

  private async runConcurrently(commands: readonly Command[], io: StdIo): Promise<number> {
    const pipes = commands.slice(1).map(() => new Pipe());
    const runs = commands.map(async (cmd, i) => {
      const stdin = i === 0 ? io.stdin : new InStream(pipes[i - 1]!);
      const stdout = i === commands.length - 1 ? io.stdout : pipes[i]!;
      try {
        return await this.inSubshell({ stdin, stdout, stderr: io.stderr }, (sh) => sh.runCommand(cmd, sh.io));
      } finally {
        pipes[i]?.closeWriter();
        pipes[i - 1]?.closeReader();
      }
    });
    const statuses = await Promise.all(runs);
    return statuses[statuses.length - 1]!;
  }

  /** Runs one command with its redirections. */
  async runCommand(cmd: Command, io: StdIo): Promise<number> {
    await this.checkpoint();
    let cmdIo = io;
    try {
      if (cmd.type !== 'simple' && cmd.redirs.length) cmdIo = await this.redirected(cmd.redirs, io);
      return await this.dispatch(cmd, cmdIo);
    } catch (e) {
      if (e instanceof RedirectError || e instanceof ExpansionError) {
        await this.error(e.message, io);
        if (e instanceof ExpansionError && !this.interactive) throw new ExitRequest(1);
        return (this.state.status = 1);
      }
      if (e instanceof BrokenPipe) return (this.state.status = 141);
      throw e;
    }
  }

  /** Expands redirection targets and applies them. @throws RedirectError */
  async redirected(redirs: Command['redirs'], io: StdIo): Promise<StdIo> {
    const targets: string[] = [];
    for (const r of redirs) targets.push(await expandWord(this, r.target));
    return applyRedirects(this.fs, this.state.cwd, io, redirs, targets);
  }

  private async dispatch(cmd: Command, io: StdIo): Promise<number> {
    switch (cmd.type) {
      case 'simple': return this.runSimple(cmd, io);
      case 'brace': return this.runList(cmd.body, io);
      case 'subshell': return (this.state.status = await this.inSubshell(io, (sh) => sh.runList(cmd.body, io)));
      case 'if': return this.runIf(cmd, io);
      case 'loop': return this.runLoop(cmd, io);
      case 'for': return this.runFor(cmd, io);
      case 'case': return this.runCase(cmd, io);
      case 'function':
        this.state.functions.set(cmd.name, cmd.body);
        return (this.state.status = 0);
    }
  }

  private async condition(list: List, io: StdIo): Promise<boolean> {
    this.conditionDepth++;
    try {
      return (await this.runList(list, io)) === 0;
    } finally {
      this.conditionDepth--;
    }
  }

  private async runIf(cmd: Command & { type: 'if' }, io: StdIo): Promise<number> {
    for (const branch of cmd.branches) if (await this.condition(branch.cond, io)) return this.runList(branch.body, io);
    if (cmd.orElse) return this.runList(cmd.orElse, io);
    return (this.state.status = 0);
  }

  /** Runs a loop body; returns false when the loop must stop (break). */
  private async iterate(body: List, io: StdIo): Promise<boolean> {
    try {
      await this.runList(body, io);
      return true;
    } catch (e) {
      if (!(e instanceof LoopControl)) throw e;
      if (e.levels > 1) {
        e.levels--;
        throw e;
      }
      return e.kind === 'continue';
    }
  }

  private async runLoop(cmd: Command & { type: 'loop' }, io: StdIo): Promise<number> {
    let status = 0;
    while ((await this.condition(cmd.cond, io)) !== cmd.until) {
      const go = await this.iterate(cmd.body, io);
      status = this.state.status;
      if (!go) break;
    }
    return (this.state.status = status);
  }

  private async runFor(cmd: Command & { type: 'for' }, io: StdIo): Promise<number> {
    const items = cmd.items ? await expandWords(this, cmd.items) : [...this.state.positional];
    let status = 0;
    for (const item of items) {
      this.state.set(cmd.name, item);
      const go = await this.iterate(cmd.body, io);
      status = this.state.status;
      if (!go) break;
    }
    return (this.state.status = status);
  }

  private async runCase(cmd: Command & { type: 'case' }, io: StdIo): Promise<number> {
    const subject = await expandWord(this, cmd.subject);
    for (const arm of cmd.arms) {
      for (const p of arm.patterns) {
        if (patternToRegExp(await expandPattern(this, p)).test(subject)) return this.runList(arm.body, io);
      }
    }
    return (this.state.status = 0);
  }

  private async runSimple(cmd: Command & { type: 'simple' }, io: StdIo): Promise<number> {
    this.substStatus = 0;
    const words = await expandWords(this, cmd.words);
    const assigns: [string, string][] = [];
    for (const a of cmd.assigns) assigns.push([a.name, await expandWord(this, a.value)]);
    const substStatus = this.substStatus;
    const cmdIo = await this.redirected(cmd.redirs, io);
    const [name, ...args] = words;
    if (name === undefined) {
      for (const [k, v] of assigns) this.state.set(k, v);
      return (this.state.status = substStatus);
    }
    const builtin = BUILTINS.get(name);
    if (builtin && SPECIAL_BUILTINS.has(name)) {
      for (const [k, v] of assigns) this.state.set(k, v);
      return (this.state.status = await builtin(this, args, cmdIo));
    }
    const fn = this.state.functions.get(name);
    if (builtin || fn) return (this.state.status = await this.withTemporaryVars(assigns, () => (fn ? this.callFunction(fn, args, cmdIo) : builtin!(this, args, cmdIo))));
    const env = this.state.environment();
    for (const [k, v] of assigns) env.set(k, v);
    return (this.state.status = await this.external(words, cmdIo, env));
  }

  private async withTemporaryVars(assigns: [string, string][], run: () => Promise<number>): Promise<number> {
    const saved = assigns.map(([k]) => [k, this.state.get(k)] as const);
    for (const [k, v] of assigns) this.state.set(k, v);
    try {
      return await run();
    } finally {
      for (const [k, v] of saved) if (v === undefined) this.state.vars.delete(k);
      else this.state.set(k, v);
    }
  }

  private async callFunction(body: Command, args: string[], io: StdIo): Promise<number> {
    const saved = this.state.positional;
    const frame = new Map<string, string | undefined>();
    this.state.positional = args;
    this.localFrames.push(frame);
    try {
      return await this.runCommand(body, io);
    } catch (e) {
      if (e instanceof ReturnRequest) return e.code;
      throw e;
    } finally {
      this.state.positional = saved;
      this.localFrames.pop();
      for (const [k, v] of frame) if (v === undefined) this.state.unset(k);
      else this.state.set(k, v);
    }
  }

  /** Runs a program through PATH; reports ash's "not found" / "Permission denied". */
  async external(argv: readonly string[], io: StdIo, env: Map<string, string>, control?: { deliver?: (sig: Signal) => void }): Promise<number> {
    try {
      return await this.ctx.exec(argv, { io, env, cwd: this.state.cwd, signal: this.signal, ...(control ? { control } : {}) });
    } catch (e) {
      if (e instanceof ExecutableNotFoundError) {
        await this.error(`${argv[0]}: not found`, io);
        return 127;
      }
      if (e instanceof ExecPermissionDeniedError) {
        await this.error(`${argv[0]}: Permission denied`, io);
        return 126;
      }
      throw e;
    }
  }

  /** Runs a built-in applet in this shell's process (ash's echo, printf, test, kill …). */
  runApplet(argv: readonly string[], io: StdIo): Promise<number> {
    const applet = APPLETS.get(argv[0]!)!;
    const env = this.state.environment();
    return applet({
      ...this.ctx,
      ...io,
      argv,
      env,
      cwd: this.state.cwd,
      signal: this.signal,
      exec: (a, o) => this.ctx.exec(a, { env, cwd: this.state.cwd, signal: this.signal, ...o, io: { ...io, ...o?.io } }),
    });
  }
}

/**
 * The `sh` (ash) applet: `sh -c CMD [ARG0 [ARG]...]`, `sh SCRIPT [ARG]...`, or commands from stdin —
 * interactively (prompt, ctrl-C to the foreground job) on a terminal or with `-i`.
 */
import { FsError } from '../../fs/types.js';
import type { Applet, ProgramContext } from '../context.js';
import { fromBytes } from '../io.js';
import { resolvePath } from '../paths.js';
import { runInteractive } from './interactive.js';
import { Shell } from './interpreter.js';
import { ShellState } from './state.js';

interface ShellArgs {
  command?: string;
  script?: string;
  interactive: boolean;
  errexit: boolean;
  rest: string[];
}

function parseShellArgs(args: readonly string[]): ShellArgs | string {
  const parsed: ShellArgs = { interactive: false, errexit: false, rest: [] };
  let i = 0;
  let wantsCommand = false;
  for (; i < args.length && /^[-+]/.test(args[i]!) && args[i] !== '-' && args[i] !== '--'; i++) {
    for (const c of args[i]!.slice(1)) {
      if (c === 'c') wantsCommand = true;
      else if (c === 'i') parsed.interactive = true;
      else if (c === 'e') parsed.errexit = true;
      else if (c !== 's' && c !== 'l' && c !== 'x') return `-${c}: invalid option`;
    }
  }
  if (args[i] === '--' || args[i] === '-') i++;
  if (wantsCommand) {
    if (i >= args.length) return '-c requires an argument';
    parsed.command = args[i++]!;
  } else if (i < args.length) parsed.script = args[i++]!;
  parsed.rest = args.slice(i);
  return parsed;
}

function initialState(ctx: ProgramContext, args: ShellArgs): ShellState {
  const state = new ShellState(ctx.cwd, ctx.pid);
  for (const [k, v] of ctx.env) {
    state.set(k, v);
    state.exported.add(k);
  }
  state.set('PWD', ctx.cwd);
  state.exported.add('PWD');
  state.errexit = args.errexit;
  if (args.command !== undefined) {
    state.arg0 = args.rest[0] ?? 'sh';
    state.positional = args.rest.slice(1);
  } else {
    state.arg0 = args.script ?? 'sh';
    state.positional = args.rest;
  }
  return state;
}

/** The shell applet. Exit status: the last command's, `exit N`'s, 2 for a syntax error, 128+n on a signal. */
export const runShell: Applet = async (ctx) => {
  const args = parseShellArgs(ctx.argv.slice(1));
  if (typeof args === 'string') {
    await ctx.stderr.write(`sh: ${args}\n`);
    return 2;
  }
  let source = args.command;
  if (args.script !== undefined) {
    try {
      source = fromBytes(ctx.fs.readFile(resolvePath(ctx.cwd, args.script)));
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      await ctx.stderr.write(`sh: can't open '${args.script}': ${e.reason}\n`);
      return 2;
    }
  }
  const interactive = source === undefined && (args.interactive || ctx.terminal !== undefined);
  const shell = new Shell(ctx, initialState(ctx, args), { stdin: ctx.stdin, stdout: ctx.stdout, stderr: ctx.stderr }, ctx.signal, interactive);
  const repl = source === undefined ? runInteractive(shell, ctx.signal) : undefined;
  ctx.onSignal((sig) => {
    if (shell.execed?.deliver) {
      shell.execed.deliver(sig);
      return true;
    }
    const action = shell.state.traps.get(sig.name);
    if (action === '') return true;
    if (action !== undefined) {
      shell.traps.push(sig);
      return true;
    }
    if (!interactive) return false;
    if (sig.name === 'INT') repl?.interrupt();
    return sig.name === 'INT' || sig.name === 'TERM' || sig.name === 'QUIT';
  });
  return repl ? repl.done : shell.runProgram(source!);
};

/** Reading commands line by line from stdin: prompts and ctrl-C handling when interactive. */
import { lookupSignal } from '../signals.js';
import { ExitRequest, Killed } from './control.js';
import type { Shell } from './interpreter.js';
import { parseScript } from './parser.js';
import { ShellSyntaxError } from './syntax-error.js';
import type { List } from './ast.js';

/** A running read-eval loop. */
export interface Repl {
  /** Settles with the shell's exit status. */
  readonly done: Promise<number>;
  /** ctrl-C: ends the foreground job, or (at the prompt) starts a fresh prompt. */
  interrupt(): void;
}

/** busybox ash's default prompt `\w \$ `: the cwd (home as ~), then `#` for root or `$`. */
export function primaryPrompt(shell: Shell): string {
  const cwd = shell.state.cwd;
  const home = shell.home;
  const shown = home !== '/' && (cwd === home || cwd.startsWith(home + '/')) ? '~' + cwd.slice(home.length) : cwd;
  return `${shown} ${shell.ctx.identity.uid === 0 ? '#' : '$'} `;
}

/**
 * Runs commands from the shell's stdin as they complete (a line, or more lines while a construct is
 * open). Interactive shells print PS1/PS2 and survive syntax errors and ctrl-C.
 */
export function runInteractive(shell: Shell, base: AbortSignal): Repl {
  let foreground: AbortController | undefined;
  let pending = '';
  const prompt = async (text: string) => {
    if (shell.interactive) await shell.io.stderr.write(text).catch(() => {});
  };
  const runLine = async (list: List): Promise<void> => {
    const job = new AbortController();
    foreground = job;
    shell.signal = AbortSignal.any([base, job.signal]);
    try {
      await shell.runList(list);
    } catch (e) {
      if (!(e instanceof Killed) || base.aborted) throw e;
      shell.state.status = e.code;
    } finally {
      foreground = undefined;
      shell.signal = base;
    }
    if (job.signal.aborted) await shell.io.stdout.write('\n').catch(() => {});
  };
  const loop = async (): Promise<number> => {
    for (;;) {
      await prompt(pending ? '> ' : primaryPrompt(shell));
      const line = await shell.io.stdin.readLine();
      if (line === null) break;
      pending += line + '\n';
      let list: List;
      try {
        list = parseScript(pending);
      } catch (e) {
        if (!(e instanceof ShellSyntaxError)) throw e;
        if (e.incomplete) continue;
        pending = '';
        await shell.error(e.message);
        if (!shell.interactive) return shell.runExitTrap(2);
        shell.state.status = 2;
        continue;
      }
      pending = '';
      await runLine(list);
    }
    return shell.runExitTrap(shell.state.status);
  };
  const done = loop().catch((e: unknown) => {
    if (e instanceof ExitRequest || e instanceof Killed) return shell.runExitTrap(e.code);
    return shell.runExitTrap(shell.endCode(e));
  });
  return {
    done,
    interrupt() {
      if (foreground) foreground.abort(lookupSignal('INT'));
      else {
        pending = '';
        void shell.io.stdout.write('\n').then(() => prompt(primaryPrompt(shell)));
      }
    },
  };
}

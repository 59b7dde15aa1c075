/** The mutable state of one shell (or subshell): variables, positional parameters, functions, traps. */
import type { Command } from './ast.js';

/** Variables, parameters and settings of a shell. `clone()` makes a subshell's copy. */
export class ShellState {
  readonly vars = new Map<string, string>();
  readonly exported = new Set<string>();
  readonly functions = new Map<string, Command>();
  /** Trap actions by signal name ("EXIT", "TERM", …); "" means ignore. */
  readonly traps = new Map<string, string>();
  positional: string[] = [];
  arg0 = 'sh';
  errexit = false;
  status = 0;
  lastBackgroundPid: number | undefined;

  constructor(
    public cwd: string,
    readonly pid: number,
  ) {}

  /** A subshell's state: a copy of everything; traps other than ignored ones reset (POSIX). O(vars). */
  clone(): ShellState {
    const s = new ShellState(this.cwd, this.pid);
    for (const [k, v] of this.vars) s.vars.set(k, v);
    for (const k of this.exported) s.exported.add(k);
    for (const [k, v] of this.functions) s.functions.set(k, v);
    for (const [k, v] of this.traps) if (v === '') s.traps.set(k, v);
    s.positional = [...this.positional];
    s.arg0 = this.arg0;
    s.errexit = this.errexit;
    s.status = this.status;
    s.lastBackgroundPid = this.lastBackgroundPid;
    return s;
  }

  /** A variable's value, undefined when unset. */
  get(name: string): string | undefined {
    return this.vars.get(name);
  }

  set(name: string, value: string): void {
    this.vars.set(name, value);
  }

  unset(name: string): void {
    this.vars.delete(name);
    this.exported.delete(name);
  }

  /** The environment exported to programs. O(vars). */
  environment(): Map<string, string> {
    const env = new Map<string, string>();
    for (const k of this.exported) {
      const v = this.vars.get(k);
      if (v !== undefined) env.set(k, v);
    }
    return env;
  }
}

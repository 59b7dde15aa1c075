/** What every program running in the guest (applet, shell, simulated service) is given. */
import type { GuestFs } from '../fs/types.js';
import type { Identity } from './identity.js';
import type { InStream, OutStream } from './io.js';
import type { Signal } from './signals.js';
import type { GuestServices } from './types.js';

/** Standard streams of a program. */
export interface StdIo {
  readonly stdin: InStream;
  readonly stdout: OutStream;
  readonly stderr: OutStream;
}

/** The terminal a program runs on, when it has one. */
export interface Terminal {
  rows: number;
  cols: number;
}

/** Overrides for a command run through {@link ProgramContext.exec}. */
export interface ExecOverrides {
  readonly io?: Partial<StdIo>;
  /** The child's environment (default: the caller's). */
  readonly env?: ReadonlyMap<string, string>;
  readonly cwd?: string;
  /** Aborts the child (default: the caller's signal). */
  readonly signal?: AbortSignal;
  /** Filled in with a way to deliver signals to the child (as `exec` in sh needs). */
  readonly control?: { deliver?: (sig: Signal) => void };
}

/**
 * A running program's view of the guest. `signal` aborts (with a {@link Signal} as reason) when the
 * program receives a terminating signal; a program should then stop promptly.
 */
export interface ProgramContext extends StdIo {
  readonly argv: readonly string[];
  /** The exported environment; the program may change its copy. */
  readonly env: Map<string, string>;
  readonly cwd: string;
  readonly fs: GuestFs;
  readonly services: GuestServices;
  readonly signal: AbortSignal;
  readonly identity: Identity;
  readonly hostname: string;
  readonly pid: number;
  readonly terminal: Terminal | undefined;
  /**
   * Installs the program's signal handler: it is called for each signal delivered to this program and
   * returns true when it handled it; otherwise the default disposition applies (most signals abort
   * `signal`). Shells use it for traps and for ctrl-C in interactive mode.
   */
  onSignal(handler: (sig: Signal) => boolean): void;
  /** Runs a command found through PATH (as execvp would) and resolves with its exit status. */
  exec(argv: readonly string[], overrides?: ExecOverrides): Promise<number>;
}

/** A built-in program: resolves with its exit status. */
export type Applet = (ctx: ProgramContext) => Promise<number>;

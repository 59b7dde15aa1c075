/** Linux signal numbers and names, and what a signal does to a process that does not handle it. */
import { InvalidArgumentError } from '../../sim/errors.js';

/** Signal names in number order (index + 1 is the number), x86-64 Linux. */
export const SIGNAL_NAMES = [
  'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM',
  'STKFLT', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'IO',
  'PWR', 'SYS',
] as const;

/** A signal by canonical name and number. */
export interface Signal {
  readonly name: string;
  readonly number: number;
}

/** Signals whose default disposition is to do nothing (no job control in the guest). */
const IGNORED_BY_DEFAULT = new Set(['CHLD', 'CONT', 'URG', 'WINCH', 'STOP', 'TSTP', 'TTIN', 'TTOU']);

/** Looks a signal up by name ("TERM", "SIGTERM", "term"), number, or numeric string; undefined if unknown. */
export function lookupSignal(sig: string | number): Signal | undefined {
  if (typeof sig === 'number' || /^\d+$/.test(sig)) {
    const n = Number(sig);
    const name = SIGNAL_NAMES[n - 1];
    return name ? { name, number: n } : undefined;
  }
  const upper = sig.toUpperCase();
  const name = upper.startsWith('SIG') ? upper.slice(3) : upper;
  const i = (SIGNAL_NAMES as readonly string[]).indexOf(name);
  return i < 0 ? undefined : { name, number: i + 1 };
}

/** Like {@link lookupSignal} but throws InvalidArgumentError("signal") for an unknown signal. */
export function parseSignal(sig: string | number): Signal {
  const s = lookupSignal(sig);
  if (!s) throw new InvalidArgumentError('signal', `invalid signal: ${sig}`);
  return s;
}

/** Whether an unhandled signal terminates the process. */
export function terminatesByDefault(signal: Signal): boolean {
  return !IGNORED_BY_DEFAULT.has(signal.name);
}

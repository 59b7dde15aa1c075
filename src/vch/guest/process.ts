/**
 * Guest processes: what the VCH starts for a container's main process and for each exec. A process
 * runs its argv through the guest kernel ({@link Kernel}) over the container's filesystem, with a
 * terminal line discipline when `tty` is set.
 */
import { NEVER_ABORTED } from './abort.js';
import { CallbackOut, InStream } from './io.js';
import { Kernel } from './kernel.js';
import { resolveIdentity } from './identity.js';
import { DEFAULT_PATH } from './path-search.js';
import type { ServiceProfile } from './profile.js';
import { lookupSignal, parseSignal, type Signal } from './signals.js';
import { LineDiscipline, onlcr } from './tty.js';
import type { ExitStatus, GuestProcess, ProcessSpec } from './types.js';

function environment(spec: ProcessSpec, home: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const kv of spec.env) {
    const eq = kv.indexOf('=');
    if (eq > 0) env.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  if (!env.has('PATH')) env.set('PATH', DEFAULT_PATH);
  if (!env.has('HOSTNAME')) env.set('HOSTNAME', spec.hostname);
  if (!env.has('HOME')) env.set('HOME', home);
  return env;
}

/**
 * Starts a guest process. argv[0] is resolved at once, so a missing or non-executable program throws
 * synchronously — ExecutableNotFoundError (docker's `exec: "X": executable file not found in $PATH`,
 * exit status 127) or ExecPermissionDeniedError (126) — and nothing runs. Otherwise the process runs
 * until it exits or a signal ends it; `exited` never rejects (an internal failure exits 255).
 * Adds PATH (docker's default), HOSTNAME and HOME to the environment when absent.
 */
export function startProcess(spec: ProcessSpec): GuestProcess {
  const pid = spec.services.allocatePid();
  const terminal = spec.tty ? { rows: spec.rows ?? 24, cols: spec.cols ?? 80 } : undefined;
  const identity = resolveIdentity(spec.fs, spec.user);
  const control: { deliver?: (sig: Signal) => void } = {};
  const delivered = new Set<number>();
  const deliver = (sig: Signal) => {
    delivered.add(sig.number);
    control.deliver?.(sig);
  };
  const stdout = new CallbackOut(spec.tty ? (b) => spec.stdout(onlcr(b)) : (b) => spec.stdout(b));
  const stderr = spec.tty ? stdout : new CallbackOut((b) => spec.stderr(b));
  const stdin = spec.tty
    ? new InStream(new LineDiscipline(spec.stdin, (b) => spec.stdout(b), () => deliver(lookupSignal('INT')!)), false)
    : new InStream(spec.stdin);
  let profile: ServiceProfile | undefined;
  const onService = (p: ServiceProfile) => void (profile = p);
  const kernel = new Kernel({ fs: spec.fs, services: spec.services, identity, hostname: spec.hostname, terminal, profile: spec.profile, onService });
  const run = kernel.run({
    argv: spec.argv,
    env: environment(spec, identity.home),
    cwd: spec.cwd || '/',
    io: { stdin, stdout, stderr },
    signal: NEVER_ABORTED,
    pid,
    control,
  });
  let ended = false;
  const exited: Promise<ExitStatus> = run
    .catch(async (e: unknown) => {
      await stderr.write(`vicsim guest: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      return 255;
    })
    .then((code) => {
      ended = true;
      const sig = code > 128 && delivered.has(code - 128) ? lookupSignal(code - 128) : undefined;
      return sig ? { code, signal: sig.name } : { code };
    });
  return {
    pid,
    exited,
    get profile() {
      return profile;
    },
    signal(sig: string | number) {
      const s = parseSignal(sig);
      if (!ended) deliver(s);
    },
    resize(rows: number, cols: number) {
      if (!terminal) return;
      terminal.rows = rows;
      terminal.cols = cols;
      if (!ended) deliver(lookupSignal('WINCH')!);
    },
  };
}

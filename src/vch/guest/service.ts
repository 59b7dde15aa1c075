/** A simulated service: a program the guest cannot interpret, run as a workload profile. */
import type { ProgramContext } from './context.js';
import { abortStatus } from './abort.js';
import type { ServiceProfile } from './profile.js';

/** Signals a well-behaved daemon answers by shutting down cleanly (exit 0). */
const GRACEFUL = new Set(['TERM', 'INT', 'QUIT']);

/**
 * Runs a service: prints a start line, then runs until SIGTERM/SIGINT/SIGQUIT (exit 0), another
 * terminating signal (128+n; SIGKILL 137), or the profile's `exitAfterMs` (its `exitCode`). SIGHUP
 * is logged and ignored (a reload).
 */
export async function runService(ctx: ProgramContext, profile: ServiceProfile): Promise<number> {
  const ports = profile.listen.map((l) => `${l.port}/${l.protocol}`).join(', ');
  await ctx.stdout.write(`vicsim: ${ctx.argv.join(' ')} started as a simulated service (pid ${ctx.pid}${ports ? `, listening on ${ports}` : ''})\n`);
  const stop = new AbortController();
  let graceful: string | undefined;
  ctx.onSignal((sig) => {
    if (sig.name === 'HUP') {
      void ctx.stdout.write(`vicsim: ${ctx.argv[0]} received SIGHUP, reloading\n`);
      return true;
    }
    if (!GRACEFUL.has(sig.name)) return false;
    graceful = sig.name;
    stop.abort(sig);
    return true;
  });
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  if (profile.exitAfterMs !== undefined) await ctx.services.sleep(profile.exitAfterMs, signal).catch(() => {});
  else if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  if (graceful) {
    await ctx.stdout.write(`vicsim: ${ctx.argv[0]} received SIG${graceful}, shutting down\n`);
    return 0;
  }
  if (ctx.signal.aborted) return abortStatus(ctx.signal);
  return profile.exitCode ?? 0;
}

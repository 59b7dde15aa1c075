/** `wait` and `kill` as shell builtins: they know the shell's background jobs. */
import type { StdIo } from '../context.js';
import { killApplet, parseKillArgs } from '../applets/process.js';
import type { Shell } from './interpreter.js';

async function wait(sh: Shell, args: string[], io: StdIo): Promise<number> {
  const pids = args.length ? args.map(Number) : [...sh.jobs.keys()];
  let status = 0;
  for (const pid of pids) {
    const job = sh.jobs.get(pid);
    if (!job) {
      if (args.length) {
        await sh.error(`wait: pid ${pid} is not a child of this shell`, io);
        status = 127;
      }
      continue;
    }
    const trap = sh.traps.arrival();
    const winner = await Promise.race([job.done.then((code) => ({ code })), trap.promise.then((sig) => ({ sig }))]);
    trap.cancel();
    if ('sig' in winner) return 128 + winner.sig.number;
    sh.jobs.delete(pid);
    status = winner.code;
  }
  return status;
}

async function kill(sh: Shell, args: string[], io: StdIo): Promise<number> {
  const parsed = parseKillArgs(args);
  if (parsed.kind !== 'send') return sh.runApplet(['kill', ...args], io);
  const others: string[] = [];
  for (const target of parsed.targets) {
    const job = sh.jobs.get(Number(target));
    if (job) job.controller.abort(parsed.signal);
    else others.push(target);
  }
  if (!others.length) return 0;
  return killApplet({ ...sh.ctx, ...io, argv: ['kill', '-s', parsed.signal.name, ...others], env: sh.state.environment(), cwd: sh.state.cwd });
}

/** The job-aware builtins. */
export const jobsBuiltin = { wait, kill };

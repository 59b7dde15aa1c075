/** Process and system-state applets: kill, ps, top, free, df, mount (all from GuestServices). */
import type { Applet, ProgramContext } from '../context.js';
import { abortStatus } from '../abort.js';
import { lookupSignal, SIGNAL_NAMES, type Signal } from '../signals.js';
import type { ProcessInfo } from '../types.js';
import { complain } from './util.js';

/** What `kill`'s arguments ask for. */
export type KillRequest =
  | { readonly kind: 'send'; readonly signal: Signal; readonly targets: readonly string[] }
  | { readonly kind: 'list'; readonly which?: string }
  | { readonly kind: 'error'; readonly message: string };

/** Parses `kill [-s SIG | -SIG | -N] PID...` and `kill -l [N]`. */
export function parseKillArgs(args: readonly string[]): KillRequest {
  let sigText = 'TERM';
  let i = 0;
  const first = args[0];
  if (first === '-l' || first === '-L') return args[1] === undefined ? { kind: 'list' } : { kind: 'list', which: args[1] };
  if (first === '-s' || first === '-n') {
    sigText = args[1] ?? '';
    i = 2;
  } else if (first !== undefined && /^-[A-Za-z0-9]+$/.test(first) && first !== '--') {
    sigText = first.slice(1);
    i = 1;
  }
  if (args[i] === '--') i++;
  const signal = sigText === '0' ? { name: '0', number: 0 } : lookupSignal(sigText);
  if (!signal) return { kind: 'error', message: `bad signal name '${sigText}'` };
  const targets = args.slice(i);
  if (!targets.length) return { kind: 'error', message: 'usage: kill [-s SIG | -SIG] PID...' };
  return { kind: 'send', signal, targets };
}

/** kill: sends a signal to guest processes through GuestServices.signalProcess. */
export const killApplet: Applet = async (ctx) => {
  const req = parseKillArgs(ctx.argv.slice(1));
  if (req.kind === 'error') {
    await complain(ctx, req.message);
    return 1;
  }
  if (req.kind === 'list') {
    if (req.which !== undefined) {
      const s = lookupSignal(/^\d+$/.test(req.which) && Number(req.which) > 128 ? Number(req.which) - 128 : req.which);
      await ctx.stdout.write(s ? `${/^\d+$/.test(req.which) ? s.name : s.number}\n` : '');
      return s ? 0 : 1;
    }
    await ctx.stdout.write(SIGNAL_NAMES.map((n, i) => `${String(i + 1).padStart(2)}) ${n}\n`).join(''));
    return 0;
  }
  let status = 0;
  for (const t of req.targets) {
    if (!/^-?\d+$/.test(t)) {
      await complain(ctx, `invalid number '${t}'`);
      status = 1;
    } else if (req.signal.number === 0 ? !ctx.services.processes().some((p) => p.pid === Number(t)) : !ctx.services.signalProcess(Number(t), req.signal.name)) {
      await complain(ctx, `can't kill pid ${t}: No such process`);
      status = 1;
    }
  }
  return status;
};

function cpuTime(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** ps: busybox's default format `PID   USER     TIME  COMMAND`. */
export const ps: Applet = async (ctx) => {
  const rows = [...ctx.services.processes()].sort((a, b) => a.pid - b.pid);
  const lines = rows.map((p) => `${String(p.pid).padStart(5)} ${p.user.slice(0, 8).padEnd(8)} ${cpuTime(p.cpuTimeMs).padStart(5)} ${p.command}`);
  await ctx.stdout.write(['PID   USER     TIME  COMMAND', ...lines].join('\n') + '\n');
  return 0;
};

function topFrame(ctx: ProgramContext, rows: readonly ProcessInfo[]): string {
  const mem = ctx.services.memory();
  const head = [
    `Mem: ${mem.usedKB}K used, ${mem.freeKB}K free, ${mem.sharedKB}K shrd, 0K buff, 0K cached`,
    'CPU:   0% usr   0% sys   0% nic 100% idle   0% io   0% irq   0% sirq',
    `Load average: 0.00 0.00 0.00 1/${rows.length} ${rows.reduce((m, p) => Math.max(m, p.pid), 0)}`,
    '  PID  PPID USER     STAT   VSZ %VSZ CPU %CPU COMMAND',
  ];
  const body = rows.map((p) => {
    const pct = mem.totalKB ? Math.round((p.vszKB * 100) / mem.totalKB) : 0;
    return `${String(p.pid).padStart(5)} ${String(p.ppid).padStart(5)} ${p.user.slice(0, 8).padEnd(8)} S    ${String(p.vszKB).padStart(5)} ${String(pct).padStart(3)}%   0   0% ${p.command}`;
  });
  return [...head, ...body].join('\n') + '\n';
}

/** top [-b] [-n N] [-d SECONDS]: frames every d s (default 5) until -n frames or a signal. CPU shown as idle. */
export const top: Applet = async (ctx) => {
  const args = ctx.argv.slice(1);
  const value = (flag: string) => {
    const at = args.findIndex((a) => a === flag || (a.startsWith(flag) && a.length > 2));
    if (at < 0) return undefined;
    return args[at]!.length > 2 ? args[at]!.slice(2) : args[at + 1];
  };
  const frames = Number(value('-n') ?? Infinity);
  const delayMs = Number(value('-d') ?? 5) * 1000;
  for (let n = 0; n < frames; n++) {
    if (n > 0) await ctx.services.sleep(delayMs, ctx.signal).catch(() => {});
    if (ctx.signal.aborted) return abortStatus(ctx.signal);
    const rows = [...ctx.services.processes()].sort((a, b) => a.pid - b.pid);
    await ctx.stdout.write((ctx.terminal && !args.includes('-b') ? '\x1b[H\x1b[J' : '') + topFrame(ctx, rows));
  }
  return 0;
};

/** free [-k|-m|-g|-b]: busybox's table from GuestServices.memory(). */
export const free: Applet = async (ctx) => {
  const unit = ctx.argv.includes('-m') ? 1024 : ctx.argv.includes('-g') ? 1024 * 1024 : 1;
  const mult = ctx.argv.includes('-b') ? 1024 : 1;
  const m = ctx.services.memory();
  const v = (kb: number) => String(Math.floor((kb * mult) / unit)).padStart(11);
  const lines = [
    '              total        used        free      shared  buff/cache   available',
    `Mem:   ${v(m.totalKB)} ${v(m.usedKB)} ${v(m.freeKB)} ${v(m.sharedKB)} ${v(0)} ${v(m.freeKB)}`,
    `Swap:  ${v(0)} ${v(0)} ${v(0)}`,
  ];
  await ctx.stdout.write(lines.join('\n') + '\n');
  return 0;
};

function human(kb: number): string {
  const units = ['K', 'M', 'G', 'T'];
  let v = kb;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)}${units[u]}`;
}

/** df [-h] [-k]: busybox's table from GuestServices.disks(). */
export const df: Applet = async (ctx) => {
  const h = ctx.argv.includes('-h');
  const lines = [`Filesystem           ${h ? '     Size' : '1K-blocks'}      Used Available Use% Mounted on`];
  for (const d of ctx.services.disks()) {
    const use = d.usedKB + d.availableKB ? Math.ceil((d.usedKB * 100) / (d.usedKB + d.availableKB)) : 0;
    const f = (kb: number) => (h ? human(kb) : String(kb)).padStart(9);
    const name = d.filesystem.length > 20 ? `${d.filesystem}\n${' '.repeat(20)}` : d.filesystem.padEnd(20);
    lines.push(`${name} ${f(d.sizeKB)} ${f(d.usedKB)} ${f(d.availableKB)} ${String(use).padStart(3)}% ${d.mountedOn}`);
  }
  await ctx.stdout.write(lines.join('\n') + '\n');
  return 0;
};

/** mount (no arguments): the mounted filesystems; mounting is refused. */
export const mount: Applet = async (ctx) => {
  if (ctx.argv.length > 1) {
    await complain(ctx, 'mounting is not supported by the vicsim guest');
    return 1;
  }
  const lines = ctx.services.disks().map((d) => `${d.filesystem} on ${d.mountedOn} type ext4 (rw,relatime)`);
  await ctx.stdout.write(lines.map((l) => l + '\n').join(''));
  return 0;
};

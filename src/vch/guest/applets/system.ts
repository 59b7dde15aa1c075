/** System applets: env, printenv, hostname, id, whoami, uname, date, sleep, true, false, which, xargs. */
import type { Applet, ProgramContext } from '../context.js';
import { ExecPermissionDeniedError, ExecutableNotFoundError } from '../errors.js';
import { abortStatus } from '../abort.js';
import { fromBytes } from '../io.js';
import { findOnPath } from '../path-search.js';
import { complain, parseOptions, withUsage } from './util.js';

/** The kernel release the guest reports (a VIC container VM ran its own small Linux kernel). */
export const KERNEL_RELEASE = '4.19.0-vicsim';
const KERNEL_VERSION = '#1 SMP Tue Jan 1 00:00:00 UTC 2019';

/** Runs a command and maps a missing executable to `<applet>: can't execute '<x>': <reason>` (126/127). */
async function execOrComplain(ctx: ProgramContext, argv: readonly string[], env?: Map<string, string>): Promise<number> {
  try {
    return await ctx.exec(argv, env ? { env } : undefined);
  } catch (e) {
    if (e instanceof ExecutableNotFoundError || e instanceof ExecPermissionDeniedError) {
      await complain(ctx, `can't execute '${argv[0]}': ${e instanceof ExecutableNotFoundError ? 'No such file or directory' : 'Permission denied'}`);
      return e.exitCode;
    }
    throw e;
  }
}

/** env [-i] [-u NAME] [NAME=VALUE]... [COMMAND [ARG]...] */
export const env: Applet = async (ctx) => {
  const args = ctx.argv.slice(1);
  const vars = new Map(ctx.env);
  while (args[0]?.startsWith('-') && args[0] !== '-') {
    const opt = args.shift()!;
    if (opt === '-i' || opt === '-') vars.clear();
    else if (opt === '-u') vars.delete(args.shift() ?? '');
    else if (opt === '--') break;
  }
  while (args[0]?.includes('=')) {
    const a = args.shift()!;
    vars.set(a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1));
  }
  if (args.length) return execOrComplain(ctx, args, vars);
  await ctx.stdout.write([...vars].map(([k, v]) => `${k}=${v}\n`).join(''));
  return 0;
};

/** printenv [NAME]...: status 1 when a name is unset. */
export const printenv: Applet = async (ctx) => {
  const names = ctx.argv.slice(1);
  if (!names.length) return env({ ...ctx, argv: ['env'] });
  let status = 0;
  for (const n of names) {
    const v = ctx.env.get(n);
    if (v === undefined) status = 1;
    else await ctx.stdout.write(v + '\n');
  }
  return status;
};

/** hostname [-i|-s]: the container's hostname, or its addresses with -i. */
export const hostname: Applet = async (ctx) => {
  const opt = ctx.argv[1];
  if (opt === '-i') {
    const own = ctx.services.resolveHost(ctx.hostname);
    const addrs = own ? [own] : ctx.services.interfaces().filter((i) => i.name !== 'lo').map((i) => i.address);
    await ctx.stdout.write(addrs.join(' ') + '\n');
  } else await ctx.stdout.write((opt === '-s' ? ctx.hostname.split('.')[0] : ctx.hostname) + '\n');
  return 0;
};

/** id [-u|-g|-G] [-n]: `uid=0(root) gid=0(root) groups=0(root),10(wheel)`. */
export const id: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(ctx.argv.slice(1), 'ugGnr');
  const me = ctx.identity;
  const named = (n: number, name: string | undefined) => (name === undefined ? String(n) : `${n}(${name})`);
  const pick = (n: number, name: string | undefined) => (opts.flags.has('n') ? name ?? String(n) : String(n));
  let line: string;
  if (opts.flags.has('u')) line = pick(me.uid, me.user);
  else if (opts.flags.has('g')) line = pick(me.gid, me.group);
  else if (opts.flags.has('G')) line = me.groups.map(([g, n]) => pick(g, n)).join(' ');
  else line = `uid=${named(me.uid, me.user)} gid=${named(me.gid, me.group)} groups=${me.groups.map(([g, n]) => named(g, n)).join(',')}`;
  await ctx.stdout.write(line + '\n');
  return 0;
});

/** whoami: the user name, or `unknown uid N`. */
export const whoami: Applet = async (ctx) => {
  if (ctx.identity.user === undefined) {
    await complain(ctx, `unknown uid ${ctx.identity.uid}`);
    return 1;
  }
  await ctx.stdout.write(ctx.identity.user + '\n');
  return 0;
};

/** uname [-asnrvmpio]: Linux, the container's hostname, {@link KERNEL_RELEASE}, x86_64. */
export const uname: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(ctx.argv.slice(1), 'asnrvmpio');
  const fields: [string, string][] = [
    ['s', 'Linux'], ['n', ctx.hostname], ['r', KERNEL_RELEASE], ['v', KERNEL_VERSION], ['m', 'x86_64'], ['p', 'unknown'], ['i', 'unknown'], ['o', 'GNU/Linux'],
  ];
  const all = opts.flags.has('a');
  const chosen = fields.filter(([f]) => (all ? f !== 'p' && f !== 'i' : opts.flags.has(f)));
  await ctx.stdout.write((chosen.length ? chosen : fields.slice(0, 1)).map(([, v]) => v).join(' ') + '\n');
  return 0;
});

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** strftime over UTC (the guest's only zone). */
export function formatDate(ms: number, format: string): string {
  const d = new Date(ms);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const f: Record<string, () => string> = {
    Y: () => String(d.getUTCFullYear()), y: () => p2(d.getUTCFullYear() % 100), m: () => p2(d.getUTCMonth() + 1), d: () => p2(d.getUTCDate()),
    e: () => String(d.getUTCDate()).padStart(2), H: () => p2(d.getUTCHours()), M: () => p2(d.getUTCMinutes()), S: () => p2(d.getUTCSeconds()),
    s: () => String(Math.floor(ms / 1000)), a: () => DAYS[d.getUTCDay()]!, A: () => DAY_NAMES[d.getUTCDay()]!, b: () => MONTHS[d.getUTCMonth()]!,
    h: () => MONTHS[d.getUTCMonth()]!, B: () => MONTH_NAMES[d.getUTCMonth()]!, Z: () => 'UTC', z: () => '+0000', n: () => '\n', t: () => '\t', '%': () => '%',
    j: () => String(Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1).padStart(3, '0'),
    T: () => `${f.H!()}:${f.M!()}:${f.S!()}`, D: () => `${f.m!()}/${f.d!()}/${f.y!()}`, F: () => `${f.Y!()}-${f.m!()}-${f.d!()}`,
    N: () => String((ms % 1000) * 1_000_000).padStart(9, '0'),
  };
  return format.replace(/%(.)/g, (m, c: string) => f[c]?.() ?? m);
}

/** date [-u] [+FORMAT]: the simulated time, in UTC. */
export const date: Applet = async (ctx) => {
  const args = ctx.argv.slice(1).filter((a) => a !== '-u' && a !== '-R');
  const format = args.find((a) => a.startsWith('+'));
  const other = args.find((a) => !a.startsWith('+'));
  if (other !== undefined) {
    await complain(ctx, `setting or parsing dates (${other}) is not supported by the vicsim guest`);
    return 1;
  }
  await ctx.stdout.write(formatDate(ctx.services.now(), format ? format.slice(1) : '%a %b %e %H:%M:%S %Z %Y') + '\n');
  return 0;
};

const SLEEP_UNITS: Record<string, number> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** sleep N[smhd]...: sums its arguments (fractions allowed); a signal ends it with 128+n. */
export const sleep: Applet = async (ctx) => {
  let ms = 0;
  for (const a of ctx.argv.slice(1)) {
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a);
    if (!m) {
      await complain(ctx, `invalid number '${a}'`);
      return 1;
    }
    ms += Number(m[1]) * SLEEP_UNITS[m[2]!]!;
  }
  if (ctx.argv.length < 2) {
    await complain(ctx, 'missing operand');
    return 1;
  }
  await ctx.services.sleep(ms, ctx.signal).catch(() => {});
  return ctx.signal.aborted ? abortStatus(ctx.signal) : 0;
};

/** true. */
export const trueApplet: Applet = async () => 0;
/** false. */
export const falseApplet: Applet = async () => 1;

/** which [-a] NAME...: the PATH entries that would run. */
export const which: Applet = async (ctx) => {
  const all = ctx.argv[1] === '-a';
  let status = 0;
  for (const name of ctx.argv.slice(all ? 2 : 1)) {
    const found = findOnPath(ctx.fs, name, ctx.env.get('PATH'), ctx.cwd, all);
    if (!found.length) status = 1;
    for (const p of found) await ctx.stdout.write(p + '\n');
  }
  return status;
};

/** xargs [-n N] [-r] [COMMAND [ARG]...]: runs COMMAND with words from stdin (default echo). */
export const xargs: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(ctx.argv.slice(1), 'n:rt0');
  const command = opts.operands.length ? opts.operands : ['echo'];
  const text = fromBytes(await ctx.stdin.readAll());
  const words = opts.flags.has('0') ? text.split('\0').filter(Boolean) : [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  if (!words.length && opts.flags.has('r')) return 0;
  const per = Number(opts.values.get('n') ?? (words.length || 1));
  let status = 0;
  for (let i = 0; i === 0 || i < words.length; i += per) {
    const argv = [...command, ...words.slice(i, i + per)];
    if (opts.flags.has('t')) await ctx.stderr.write(argv.join(' ') + '\n');
    const s = await execOrComplain(ctx, argv);
    if (s === 126 || s === 127) return s;
    if (s !== 0) status = 123;
  }
  return status;
});

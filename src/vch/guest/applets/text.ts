/** Text applets: echo, printf, cat, head, tail, wc, tee, yes, seq. */
import type { Applet, ProgramContext } from '../context.js';
import { yieldToHost } from '../abort.js';
import { fromBytes, toBytes, type InStream } from '../io.js';
import { InvalidNumber, printfFormat, unescape } from './format.js';
import { complain, forEachInput, parseOptions, pathOf, reasonOf, splitLines, withUsage } from './util.js';

/** echo [-neE] ARGS: busybox stops option parsing at the first non-option word. */
export const echo: Applet = async (ctx) => {
  const args = ctx.argv.slice(1);
  let newline = true;
  let escapes = false;
  while (args[0] && /^-[neE]+$/.test(args[0])) {
    const opt = args.shift()!;
    if (opt.includes('n')) newline = false;
    if (opt.includes('e')) escapes = true;
    if (opt.includes('E')) escapes = false;
  }
  let text = args.join(' ');
  if (escapes) {
    const r = unescape(text, true);
    text = r.text;
    if (r.stop) newline = false;
  }
  await ctx.stdout.write(newline ? text + '\n' : text);
  return 0;
};

/** printf FORMAT [ARGS]. */
export const printf: Applet = async (ctx) => {
  const [, format, ...args] = ctx.argv;
  if (format === undefined) {
    await ctx.stderr.write('printf: usage: printf FORMAT [ARGUMENT...]\n');
    return 1;
  }
  try {
    await ctx.stdout.write(printfFormat(format, args));
    return 0;
  } catch (e) {
    if (!(e instanceof InvalidNumber)) throw e;
    await complain(ctx, e.message);
    return 1;
  }
};

async function pump(input: InStream, ctx: ProgramContext): Promise<void> {
  for (let c = await input.read(); c !== null; c = await input.read()) await ctx.stdout.write(c);
}

/** cat [FILE]...: streams stdin chunk by chunk (so it works on pipes and terminals). */
export const cat: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(ctx.argv.slice(1), 'nu');
  if (!opts.flags.has('n')) return forEachInput(ctx, opts.operands, (input) => pump(input, ctx));
  let n = 0;
  return forEachInput(ctx, opts.operands, async (input) => {
    for (let line = await input.readLine(); line !== null; line = await input.readLine()) await ctx.stdout.write(`${String(++n).padStart(6)}\t${line}\n`);
  });
});

function countArg(args: string[]): string[] {
  return args.map((a) => (/^-\d+$/.test(a) ? `-n${a.slice(1)}` : a));
}

/** head [-n N] [-c N] [FILE]...: reads only as much input as it prints. */
export const head: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(countArg(ctx.argv.slice(1)), 'n:c:qv');
  const lines = Number(opts.values.get('n') ?? 10);
  const files = opts.operands;
  let first = true;
  return forEachInput(ctx, files, async (input, name) => {
    if (files.length > 1) await ctx.stdout.write(`${first ? '' : '\n'}==> ${name === '-' ? 'standard input' : name} <==\n`);
    first = false;
    if (opts.values.has('c')) return void (await ctx.stdout.write((await input.readAll()).subarray(0, Number(opts.values.get('c')))));
    for (let i = 0; i < lines; i++) {
      const line = await input.readLine();
      if (line === null) break;
      await ctx.stdout.write(line + '\n');
    }
  });
});

/** tail [-n N|+N] [-f] [FILE]: -f keeps printing what is appended until the process is signalled. */
export const tail: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(countArg(ctx.argv.slice(1)), 'n:c:fFq');
  const spec = opts.values.get('n') ?? '10';
  const status = await forEachInput(ctx, opts.operands.slice(0, 1), async (input) => {
    const lines = splitLines(fromBytes(await input.readAll()));
    const shown = spec.startsWith('+') ? lines.slice(Math.max(0, Number(spec.slice(1)) - 1)) : lines.slice(Math.max(0, lines.length - Number(spec)));
    for (const l of shown) await ctx.stdout.write(l + '\n');
  });
  if (!opts.flags.has('f') && !opts.flags.has('F')) return status;
  return follow(ctx, opts.operands[0]);
});

/** Seconds between tail -f polls of the file (busybox polls once a second). */
const TAIL_FOLLOW_POLL_MS = 1000;

async function follow(ctx: ProgramContext, file: string | undefined): Promise<number> {
  const path = file === undefined || file === '-' ? undefined : pathOf(ctx, file);
  let offset = path ? ctx.fs.stat(path)?.size ?? 0 : 0;
  while (!ctx.signal.aborted) {
    await ctx.services.sleep(TAIL_FOLLOW_POLL_MS, ctx.signal).catch(() => {});
    if (!path || ctx.signal.aborted) continue;
    const size = ctx.fs.stat(path)?.size ?? 0;
    if (size < offset) offset = 0;
    if (size > offset) {
      await ctx.stdout.write(ctx.fs.readFile(path).subarray(offset, size));
      offset = size;
    }
  }
  return 0;
}

/** wc [-lwc] [FILE]...: one count alone from stdin prints unpadded, as busybox does. */
export const wc: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(ctx.argv.slice(1), 'lwcm');
  const wanted = ['l', 'w', 'c'].filter((f) => opts.flags.has(f) || (f === 'c' && opts.flags.has('m')));
  const cols = wanted.length ? wanted : ['l', 'w', 'c'];
  const totals = [0, 0, 0];
  const rows: [number[], string][] = [];
  const status = await forEachInput(ctx, opts.operands, async (input, name) => {
    const bytes = await input.readAll();
    const text = fromBytes(bytes);
    const counts = [(text.match(/\n/g) ?? []).length, text.split(/\s+/).filter(Boolean).length, bytes.length];
    counts.forEach((c, i) => (totals[i]! += c));
    rows.push([counts, name === '-' ? '' : name]);
  });
  if (opts.operands.length > 1) rows.push([totals, 'total']);
  const bare = cols.length === 1 && opts.operands.length === 0;
  for (const [counts, name] of rows) {
    const picked = cols.map((c) => counts[['l', 'w', 'c'].indexOf(c)]!);
    const line = bare ? String(picked[0]) : picked.map((n) => String(n).padStart(7)).join(' ') + (name ? ` ${name}` : '');
    await ctx.stdout.write(line + '\n');
  }
  return status;
});

/** tee [-a] FILE...: copies stdin to stdout and every file. */
export const tee: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(ctx.argv.slice(1), 'ai');
  let status = 0;
  const paths: string[] = [];
  for (const f of opts.operands) {
    try {
      ctx.fs.writeFile(pathOf(ctx, f), '', { append: opts.flags.has('a') });
      paths.push(pathOf(ctx, f));
    } catch (e) {
      await complain(ctx, `can't open '${f}': ${reasonOf(e)}`);
      status = 1;
    }
  }
  for (let c = await ctx.stdin.read(); c !== null; c = await ctx.stdin.read()) {
    for (const p of paths) ctx.fs.writeFile(p, c, { append: true });
    await ctx.stdout.write(c);
  }
  return status;
});

/** yes [STRING]: prints forever, until its reader goes away (SIGPIPE) or a signal ends it. */
export const yes: Applet = async (ctx) => {
  const line = (ctx.argv.length > 1 ? ctx.argv.slice(1).join(' ') : 'y') + '\n';
  const chunk = toBytes(line.repeat(Math.max(1, Math.floor(4096 / line.length))));
  while (!ctx.signal.aborted) {
    await ctx.stdout.write(chunk);
    await yieldToHost();
  }
  return 0;
};

/** seq [-s SEP] [-w] [FIRST [INC]] LAST. */
export const seq: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(ctx.argv.slice(1), 's:w');
  const nums = opts.operands.map(Number);
  if (!nums.length || nums.length > 3 || nums.some(Number.isNaN)) {
    await complain(ctx, nums.some(Number.isNaN) ? `invalid number '${opts.operands[nums.findIndex(Number.isNaN)]}'` : 'usage: seq [-w] [-s SEP] [FIRST [INC]] LAST');
    return 1;
  }
  const [first, inc, last] = nums.length === 1 ? [1, 1, nums[0]!] : nums.length === 2 ? [nums[0]!, 1, nums[1]!] : [nums[0]!, nums[1]!, nums[2]!];
  const out: string[] = [];
  for (let v = first; inc > 0 ? v <= last : v >= last; v += inc) {
    out.push(String(v));
    if (inc === 0 || out.length > 1_000_000) break;
  }
  const width = opts.flags.has('w') ? Math.max(...out.map((s) => s.length)) : 0;
  if (out.length) await ctx.stdout.write(out.map((s) => s.padStart(width, '0')).join(opts.values.get('s') ?? '\n') + '\n');
  return 0;
});

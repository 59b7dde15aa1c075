/** grep and sed over BRE/ERE patterns (JavaScript RegExp underneath). */
import type { Applet, ProgramContext } from '../context.js';
import { BadRegex, compileRegex } from './regex.js';
import { complain, forEachInput, parseOptions, pathOf, reasonOf, splitLines, UsageError, withUsage } from './util.js';
import { fromBytes } from '../io.js';
import { escapeRegExp } from '../paths.js';

function grepMatcher(patterns: string[], flags: Map<string, number>): RegExp {
  const sources = patterns.map((p) => (flags.has('F') ? escapeRegExp(p) : compileRegex(p, flags.has('E'), '').source));
  const body = sources.map((s) => (flags.has('w') ? `\\b(?:${s})\\b` : flags.has('x') ? `^(?:${s})$` : `(?:${s})`)).join('|');
  return new RegExp(body, flags.has('i') ? 'i' : '');
}

/** grep [-ivncqlhHEFwxo] [-e PATTERN]... PATTERN [FILE]...: status 0 if a line matched, 1 if none, 2 on error. */
export const grep: Applet = withUsage(async (ctx) => {
  const args = ctx.argv.slice(1);
  const patterns: string[] = [];
  for (let i = args.indexOf('-e'); i >= 0; i = args.indexOf('-e')) patterns.push(...args.splice(i, 2).slice(1));
  const opts = parseOptions(args, 'ivncqlhHEFwxosr');
  const operands = [...opts.operands];
  if (!patterns.length) {
    const p = operands.shift();
    if (p === undefined) throw new UsageError('usage: grep [-ivnclqEF] PATTERN [FILE]...');
    patterns.push(...p.split('\n'));
  }
  let re: RegExp;
  try {
    re = grepMatcher(patterns, opts.flags);
  } catch (e) {
    if (!(e instanceof BadRegex)) throw e;
    await complain(ctx, e.message);
    return 2;
  }
  const f = opts.flags;
  const prefixNames = (operands.length > 1 || f.has('H')) && !f.has('h');
  let matched = false;
  const status = await forEachInput(ctx, operands, async (input, name) => {
    if (f.has('q') && matched) return;
    const lines = splitLines(fromBytes(await input.readAll()));
    const label = name === '-' ? '(standard input)' : name;
    let count = 0;
    for (const [i, line] of lines.entries()) {
      if (re.test(line) === f.has('v')) continue;
      count++;
      matched = true;
      if (f.has('q') || f.has('l') || f.has('c')) continue;
      const shown = f.has('o') && !f.has('v') ? (line.match(new RegExp(re.source, re.flags + 'g')) ?? []) : [line];
      for (const s of shown) await ctx.stdout.write(`${prefixNames ? `${label}:` : ''}${f.has('n') ? `${i + 1}:` : ''}${s}\n`);
    }
    if (f.has('q')) return;
    if (f.has('c')) await ctx.stdout.write(`${prefixNames ? `${label}:` : ''}${count}\n`);
    if (f.has('l') && count) await ctx.stdout.write(`${label}\n`);
  });
  if (f.has('q') && matched) return 0;
  return status && !f.has('s') ? 2 : matched ? 0 : 1;
});

type Address = { kind: 'line'; n: number } | { kind: 'last' } | { kind: 're'; re: RegExp };
interface SedCommand {
  from?: Address;
  to?: Address;
  op: 's' | 'p' | 'd' | 'q';
  re?: RegExp;
  replacement?: string;
  print?: boolean;
}

function parseAddress(text: string, extended: boolean): [Address | undefined, string] {
  if (text.startsWith('$')) return [{ kind: 'last' }, text.slice(1)];
  const num = /^\d+/.exec(text);
  if (num) return [{ kind: 'line', n: Number(num[0]) }, text.slice(num[0].length)];
  if (text.startsWith('/')) {
    const end = findDelimiter(text, 1, '/');
    return [{ kind: 're', re: compileRegex(text.slice(1, end), extended, '') }, text.slice(end + 1)];
  }
  return [undefined, text];
}

function findDelimiter(text: string, from: number, delim: string): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === delim) return i;
  }
  throw new UsageError(`unterminated address regex`);
}

/** Parses a sed script: `[addr[,addr]]{s/re/rep/[gpI]|p|d|q}` separated by `;` or newlines. */
function parseSed(script: string, extended: boolean): SedCommand[] {
  const cmds: SedCommand[] = [];
  let rest = script.trim();
  while (rest) {
    const [from, afterFrom] = parseAddress(rest, extended);
    let to: Address | undefined;
    rest = afterFrom;
    if (from && rest.startsWith(',')) [to, rest] = parseAddress(rest.slice(1), extended);
    rest = rest.trimStart();
    const op = rest[0];
    if (op === 's') {
      const d = rest[1]!;
      const e1 = findDelimiter(rest, 2, d);
      const e2 = findDelimiter(rest, e1 + 1, d);
      const flags = /^[gpI\d]*/.exec(rest.slice(e2 + 1))![0];
      cmds.push({ from, to, op: 's', re: compileRegex(rest.slice(2, e1), extended, (flags.includes('g') ? 'g' : '') + (flags.includes('I') ? 'i' : '')), replacement: rest.slice(e1 + 1, e2), print: flags.includes('p') });
      rest = rest.slice(e2 + 1 + flags.length);
    } else if (op === 'p' || op === 'd' || op === 'q') {
      cmds.push({ from, to, op });
      rest = rest.slice(1);
    } else throw new UsageError(`unsupported command ${op ?? ''}`);
    rest = rest.replace(/^[\s;]+/, '');
  }
  return cmds;
}

function sedReplacement(rep: string): string {
  return rep.replace(/\\(\d)|\\n|\\&|\\\\|&|\$/g, (m, d?: string) => (d ? `$${d}` : m === '\\n' ? '\n' : m === '\\&' ? '&' : m === '\\\\' ? '\\' : m === '&' ? '$&' : '$$'));
}

function addressMatches(a: Address, line: string, n: number, last: boolean): boolean {
  return a.kind === 'line' ? a.n === n : a.kind === 'last' ? last : a.re.test(line);
}

async function runSed(ctx: ProgramContext, cmds: SedCommand[], quiet: boolean, lines: string[]): Promise<void> {
  const inRange = new Map<SedCommand, boolean>();
  for (const [i, original] of lines.entries()) {
    let line = original;
    let deleted = false;
    let quit = false;
    const last = i === lines.length - 1;
    for (const c of cmds) {
      if (!selects(c, line, i + 1, last, inRange)) continue;
      if (c.op === 'd') {
        deleted = true;
        break;
      }
      if (c.op === 'p') await ctx.stdout.write(line + '\n');
      if (c.op === 'q') quit = true;
      if (c.op === 's' && c.re!.test((c.re!.lastIndex = 0, line))) {
        c.re!.lastIndex = 0;
        line = line.replace(c.re!, sedReplacement(c.replacement!));
        if (c.print) await ctx.stdout.write(line + '\n');
      }
    }
    if (!deleted && !quiet) await ctx.stdout.write(line + '\n');
    if (quit) return;
  }
}

function selects(c: SedCommand, line: string, n: number, last: boolean, inRange: Map<SedCommand, boolean>): boolean {
  if (!c.from) return true;
  if (!c.to) return addressMatches(c.from, line, n, last);
  if (inRange.get(c)) {
    if (addressMatches(c.to, line, n, last) || (c.to.kind === 'line' && n >= c.to.n)) inRange.set(c, false);
    return true;
  }
  if (!addressMatches(c.from, line, n, last)) return false;
  inRange.set(c, !(c.to.kind === 'line' && c.to.n <= n));
  return true;
}

/** sed [-n] [-E|-r] [-i] [-e SCRIPT]... [SCRIPT] [FILE]...: s///, p, d, q with line, $ and /re/ addresses. */
export const sed: Applet = withUsage(async (ctx) => {
  const args = ctx.argv.slice(1);
  const scripts: string[] = [];
  for (let i = args.indexOf('-e'); i >= 0; i = args.indexOf('-e')) scripts.push(...args.splice(i, 2).slice(1));
  const opts = parseOptions(args, 'nErie');
  const operands = [...opts.operands];
  if (!scripts.length) scripts.push(operands.shift() ?? '');
  let cmds: SedCommand[];
  try {
    cmds = parseSed(scripts.join('\n'), opts.flags.has('E') || opts.flags.has('r'));
  } catch (e) {
    if (!(e instanceof BadRegex)) throw e;
    await complain(ctx, e.message);
    return 1;
  }
  if (!opts.flags.has('i')) {
    const chunks: string[] = [];
    const status = await forEachInput(ctx, operands, async (input) => void chunks.push(fromBytes(await input.readAll())));
    await runSed(ctx, cmds, opts.flags.has('n'), splitLines(chunks.join('')));
    return status;
  }
  for (const f of operands) {
    const path = pathOf(ctx, f);
    let out = '';
    try {
      const lines = splitLines(fromBytes(ctx.fs.readFile(path)));
      await runSed({ ...ctx, stdout: { write: async (d) => void (out += typeof d === 'string' ? d : fromBytes(d)) } }, cmds, opts.flags.has('n'), lines);
      ctx.fs.writeFile(path, out);
    } catch (e) {
      await complain(ctx, `can't open '${f}': ${reasonOf(e)}`);
      return 1;
    }
  }
  return 0;
});

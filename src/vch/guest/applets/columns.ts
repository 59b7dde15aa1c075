/** Line and column filters: cut, sort, uniq, tr. Each reads its whole input: O(n log n) for sort, O(n) otherwise. */
import type { Applet, ProgramContext } from '../context.js';
import { fromBytes } from '../io.js';
import { complain, forEachInput, parseOptions, splitLines, UsageError, withUsage } from './util.js';

async function allLines(ctx: ProgramContext, operands: readonly string[]): Promise<[string[], number]> {
  const chunks: string[] = [];
  const status = await forEachInput(ctx, operands, async (input) => void chunks.push(fromBytes(await input.readAll())));
  return [splitLines(chunks.join('')), status];
}

/** Parses a cut list ("1,3-4,6-") into a predicate over 1-based positions. */
function parseList(list: string): (n: number) => boolean {
  const ranges = list.split(',').map((r) => {
    const m = /^(\d*)(-?)(\d*)$/.exec(r);
    if (!m || (!m[1] && !m[3])) throw new UsageError(`invalid list '${list}'`);
    const lo = m[1] ? Number(m[1]) : 1;
    const hi = m[2] ? (m[3] ? Number(m[3]) : Infinity) : lo;
    return [lo, hi] as const;
  });
  return (n) => ranges.some(([lo, hi]) => n >= lo && n <= hi);
}

/** cut -f LIST [-d C] [-s] | -c LIST [FILE]... */
export const cut: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(ctx.argv.slice(1), 'f:d:c:b:s');
  const [lines, status] = await allLines(ctx, opts.operands);
  const chars = opts.values.get('c') ?? opts.values.get('b');
  if (chars !== undefined) {
    const keep = parseList(chars);
    for (const l of lines) await ctx.stdout.write([...l].filter((_, i) => keep(i + 1)).join('') + '\n');
    return status;
  }
  const fields = opts.values.get('f');
  if (fields === undefined) throw new UsageError('expected a list of bytes, characters, or fields');
  const keep = parseList(fields);
  const delim = opts.values.get('d') ?? '\t';
  for (const l of lines) {
    if (!l.includes(delim)) {
      if (!opts.flags.has('s')) await ctx.stdout.write(l + '\n');
      continue;
    }
    await ctx.stdout.write(l.split(delim).filter((_, i) => keep(i + 1)).join(delim) + '\n');
  }
  return status;
});

/** sort [-nrufb] [-t C] [-k N[,M]] [FILE]... (stable). */
export const sort: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(ctx.argv.slice(1), 'nrufbt:k:');
  const [lines, status] = await allLines(ctx, opts.operands);
  const sep = opts.values.get('t');
  const k = opts.values.get('k');
  const field = k ? Number(k.split(',')[0]) : 0;
  const key = (l: string) => {
    let v = field ? (sep !== undefined ? l.split(sep) : l.trim().split(/\s+/)).slice(field - 1).join(sep ?? ' ') : l;
    if (opts.flags.has('b')) v = v.trimStart();
    return opts.flags.has('f') ? v.toUpperCase() : v;
  };
  const numeric = opts.flags.has('n');
  const cmp = (a: string, b: string) => {
    const [x, y] = [key(a), key(b)];
    if (numeric) return (parseFloat(x) || 0) - (parseFloat(y) || 0) || (x < y ? -1 : x > y ? 1 : 0);
    return x < y ? -1 : x > y ? 1 : 0;
  };
  let sorted = [...lines].sort((a, b) => (opts.flags.has('r') ? -cmp(a, b) : cmp(a, b)));
  if (opts.flags.has('u')) sorted = sorted.filter((l, i) => i === 0 || cmp(sorted[i - 1]!, l) !== 0);
  if (sorted.length) await ctx.stdout.write(sorted.join('\n') + '\n');
  return status;
});

/** uniq [-cdu] [FILE]: collapses adjacent equal lines. */
export const uniq: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(ctx.argv.slice(1), 'cdui');
  const [lines, status] = await allLines(ctx, opts.operands.slice(0, 1));
  const same = (a: string, b: string) => (opts.flags.has('i') ? a.toLowerCase() === b.toLowerCase() : a === b);
  const groups: [string, number][] = [];
  for (const l of lines) {
    const lastGroup = groups[groups.length - 1];
    if (lastGroup && same(lastGroup[0], l)) lastGroup[1]++;
    else groups.push([l, 1]);
  }
  for (const [l, n] of groups) {
    if ((opts.flags.has('d') && n < 2) || (opts.flags.has('u') && n > 1)) continue;
    await ctx.stdout.write(opts.flags.has('c') ? `${String(n).padStart(7)} ${l}\n` : `${l}\n`);
  }
  return status;
});

const CLASSES: Record<string, string> = {
  '[:upper:]': 'A-Z', '[:lower:]': 'a-z', '[:digit:]': '0-9', '[:alpha:]': 'a-zA-Z', '[:alnum:]': 'a-zA-Z0-9', '[:space:]': ' \t\n\r\v\f', '[:blank:]': ' \t',
};

/** Expands a tr set: classes, ranges (a-z) and escapes (\n \t \\). */
function expandSet(set: string): string[] {
  let s = set;
  for (const [cls, v] of Object.entries(CLASSES)) s = s.split(cls).join(v);
  s = s.replace(/\\([ntr\\])/g, (_m, c: string) => ({ n: '\n', t: '\t', r: '\r', '\\': '\\' })[c]!);
  const chars = [...s];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i + 1] === '-' && chars[i + 2] !== undefined) {
      for (let c = chars[i]!.codePointAt(0)!; c <= chars[i + 2]!.codePointAt(0)!; c++) out.push(String.fromCodePoint(c));
      i += 2;
    } else out.push(chars[i]!);
  }
  return out;
}

/** tr [-ds] SET1 [SET2]: translates, deletes or squeezes characters of stdin. */
export const tr: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(ctx.argv.slice(1), 'dsc');
  const [set1, set2] = opts.operands.map(expandSet);
  if (!set1 || (!opts.flags.has('d') && !opts.flags.has('s') && !set2)) {
    await complain(ctx, 'missing operand');
    return 1;
  }
  const text = fromBytes(await ctx.stdin.readAll());
  const map = new Map<string, string>();
  set1.forEach((c, i) => map.set(c, set2 ? set2[Math.min(i, set2.length - 1)]! : c));
  let out = '';
  let prev = '';
  for (const c of text) {
    if (opts.flags.has('d') && set1.includes(c)) continue;
    const t = opts.flags.has('d') ? c : map.get(c) ?? c;
    const squeezeSet = opts.flags.has('d') ? set2 ?? [] : set2 ?? set1;
    if (opts.flags.has('s') && t === prev && squeezeSet.includes(t)) continue;
    out += t;
    prev = t;
  }
  await ctx.stdout.write(out);
  return 0;
});

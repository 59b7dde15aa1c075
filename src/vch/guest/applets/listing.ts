/** Directory listings and file metadata: ls, stat, du, find. */
import type { FileStat } from '../../fs/types.js';
import type { Applet, ProgramContext } from '../context.js';
import { baseName, patternToRegExp } from '../paths.js';
import { complain, parseOptions, pathOf, withUsage } from './util.js';
import { fromBytes } from '../io.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HALF_YEAR_MS = 182 * 86_400_000;

/** `drwxr-xr-x` for a stat. */
export function modeString(st: FileStat): string {
  const type = st.kind === 'dir' ? 'd' : st.kind === 'symlink' ? 'l' : '-';
  const bits = 'rwxrwxrwx'.split('').map((c, i) => (st.mode & (0o400 >> i) ? c : '-'));
  return type + bits.join('');
}

/** The name of a uid or gid from /etc/passwd or /etc/group (the number when there is none). */
export function idName(ctx: ProgramContext, file: '/etc/passwd' | '/etc/group', id: number): string {
  try {
    const row = fromBytes(ctx.fs.readFile(file)).split('\n').map((l) => l.split(':')).find((r) => r[2] === String(id));
    return row?.[0] ?? String(id);
  } catch {
    return String(id);
  }
}

function lsDate(mtimeMs: number, nowMs: number): string {
  const d = new Date(mtimeMs);
  const day = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)}`;
  if (Math.abs(nowMs - mtimeMs) > HALF_YEAR_MS) return `${day}  ${d.getUTCFullYear()}`;
  return `${day} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

function longLine(ctx: ProgramContext, path: string, name: string, st: FileStat): string {
  const user = idName(ctx, '/etc/passwd', st.uid).padEnd(8);
  const group = idName(ctx, '/etc/group', st.gid).padEnd(8);
  const link = st.kind === 'symlink' ? ` -> ${ctx.fs.readlink(path)}` : '';
  return `${modeString(st)} ${String(st.kind === 'dir' ? 2 : 1).padStart(4)} ${user} ${group} ${String(st.size).padStart(9)} ${lsDate(st.mtimeMs, ctx.services.now())} ${name}${link}`;
}

/** ls [-1alAd] [FILE]...: directories list their entries sorted by name; `-l` in busybox's long format. */
export const ls: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(ctx.argv.slice(1), '1alAdFh');
  const operands = opts.operands.length ? opts.operands : ['.'];
  let status = 0;
  const files: [string, string][] = [];
  const dirs: string[] = [];
  for (const op of operands) {
    const st = ctx.fs.lstat(pathOf(ctx, op));
    if (!st) {
      await complain(ctx, `${op}: No such file or directory`);
      status = 2;
    } else if (ctx.fs.stat(pathOf(ctx, op))?.kind === 'dir' && !opts.flags.has('d') && !(st.kind === 'symlink' && opts.flags.has('l'))) dirs.push(op);
    else files.push([op, op]);
  }
  const blocks: string[] = [];
  if (files.length) blocks.push(await render(ctx, opts.flags, files));
  for (const d of dirs) {
    const names = ctx.fs.readdir(pathOf(ctx, d)).filter((n) => opts.flags.has('a') || opts.flags.has('A') || !n.startsWith('.'));
    const all = opts.flags.has('a') ? ['.', '..', ...names] : names;
    const body = await render(ctx, opts.flags, all.map((n) => [`${d}/${n}`, n]));
    blocks.push(operands.length > 1 ? `${d}:\n${body}` : body);
  }
  await ctx.stdout.write(blocks.filter((b) => b).join('\n'));
  return status;
});

async function render(ctx: ProgramContext, flags: Map<string, number>, entries: [string, string][]): Promise<string> {
  const lines: string[] = [];
  for (const [rel, name] of entries) {
    const path = pathOf(ctx, rel);
    const st = ctx.fs.lstat(path);
    if (!st) continue;
    const suffix = flags.has('F') ? (st.kind === 'dir' ? '/' : st.kind === 'symlink' ? '@' : st.mode & 0o111 ? '*' : '') : '';
    lines.push(flags.has('l') ? longLine(ctx, path, name, st) : name + suffix);
  }
  if (!lines.length) return '';
  if (flags.has('l') || flags.has('1') || !ctx.terminal) return lines.join('\n') + '\n';
  const width = Math.max(...lines.map((l) => l.length)) + 2;
  const perRow = Math.max(1, Math.floor(ctx.terminal.cols / width));
  const rows: string[] = [];
  for (let i = 0; i < lines.length; i += perRow) rows.push(lines.slice(i, i + perRow).map((l) => l.padEnd(width)).join('').trimEnd());
  return rows.join('\n') + '\n';
}

const KIND_NAMES = { file: 'regular file', dir: 'directory', symlink: 'symbolic link' } as const;

/** stat [-c FORMAT] FILE...: %n %s %a %A %u %U %g %G %F %Y. */
export const stat: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(ctx.argv.slice(1), 'c:L');
  let status = 0;
  for (const op of opts.operands) {
    const path = pathOf(ctx, op);
    const st = opts.flags.has('L') ? ctx.fs.stat(path) : ctx.fs.lstat(path);
    if (!st) {
      await complain(ctx, `can't stat '${op}': No such file or directory`);
      status = 1;
      continue;
    }
    const fields: Record<string, string> = {
      n: op, s: String(st.size), a: st.mode.toString(8), A: modeString(st), u: String(st.uid), g: String(st.gid),
      U: idName(ctx, '/etc/passwd', st.uid), G: idName(ctx, '/etc/group', st.gid), F: KIND_NAMES[st.kind], Y: String(Math.floor(st.mtimeMs / 1000)), '%': '%',
    };
    const format = opts.values.get('c');
    if (format !== undefined) {
      await ctx.stdout.write(format.replace(/%(.)/g, (m, c: string) => fields[c] ?? m) + '\n');
      continue;
    }
    const mtime = new Date(st.mtimeMs).toISOString().replace('T', ' ').replace('Z', '');
    await ctx.stdout.write(
      `  File: ${op}${st.kind === 'symlink' ? ` -> ${ctx.fs.readlink(path)}` : ''}\n  Size: ${String(st.size).padEnd(10)}\tBlocks: ${String(blocksOf(st) * 2).padEnd(10)} IO Block: 4096   ${fields.F}\n` +
        `Access: (${st.mode.toString(8).padStart(4, '0')}/${fields.A})  Uid: (${String(st.uid).padStart(5)}/${fields.U!.padStart(8)})   Gid: (${String(st.gid).padStart(5)}/${fields.G!.padStart(8)})\nModify: ${mtime}\n`,
    );
  }
  return status;
});

/** KiB used by a file: whole 4 KiB blocks (a directory or symlink counts one block). */
function blocksOf(st: FileStat): number {
  return st.kind === 'file' ? Math.ceil(st.size / 4096) * 4 : 4;
}

function diskUsage(ctx: ProgramContext, path: string, each: (path: string, kb: number) => void, depth: number): number {
  const st = ctx.fs.lstat(path);
  if (!st) return 0;
  let kb = blocksOf(st);
  if (st.kind === 'dir') for (const n of ctx.fs.readdir(path)) kb += diskUsage(ctx, `${path === '/' ? '' : path}/${n}`, each, depth + 1);
  if (st.kind === 'dir' || depth === 0) each(path, kb);
  return kb;
}

/** du [-s] [-h] [-k] [PATH]...: KiB in 4 KiB blocks. O(entries below each path). */
export const du: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(ctx.argv.slice(1), 'shkacm');
  const human = (kb: number) => (opts.flags.has('h') ? (kb >= 1024 ? `${(kb / 1024).toFixed(1)}M` : `${kb}.0K`) : String(kb));
  for (const op of opts.operands.length ? opts.operands : ['.']) {
    const abs = pathOf(ctx, op);
    const rows: string[] = [];
    const total = diskUsage(ctx, abs, (p, kb) => rows.push(`${human(kb)}\t${op}${p.slice(abs.length)}`), 0);
    if (opts.flags.has('s')) rows.splice(0, rows.length, `${human(total)}\t${op}`);
    if (!ctx.fs.lstat(abs)) {
      await complain(ctx, `${op}: No such file or directory`);
      continue;
    }
    await ctx.stdout.write(rows.join('\n') + '\n');
  }
  return 0;
});

/** find [PATH]... [-name PAT] [-type f|d|l] [-maxdepth N] [-mindepth N]: prints matching paths, depth first. */
export const find: Applet = async (ctx) => {
  const args = ctx.argv.slice(1);
  const start = args.findIndex((a) => a.startsWith('-'));
  const roots = start < 0 ? args : args.slice(0, start);
  const tests = start < 0 ? [] : args.slice(start);
  const name = tests[tests.indexOf('-name') + 1];
  const type = tests.indexOf('-type') >= 0 ? tests[tests.indexOf('-type') + 1] : undefined;
  const maxDepth = tests.indexOf('-maxdepth') >= 0 ? Number(tests[tests.indexOf('-maxdepth') + 1]) : Infinity;
  const minDepth = tests.indexOf('-mindepth') >= 0 ? Number(tests[tests.indexOf('-mindepth') + 1]) : 0;
  const unknown = tests.filter((t, i) => t.startsWith('-') && !['-name', '-type', '-maxdepth', '-mindepth', '-print'].includes(t) && !['-name', '-type', '-maxdepth', '-mindepth'].includes(tests[i - 1] ?? ''));
  if (unknown.length) {
    await complain(ctx, `unrecognized: ${unknown[0]}`);
    return 1;
  }
  const re = name !== undefined && tests.includes('-name') ? patternToRegExp(name) : undefined;
  const kind = { f: 'file', d: 'dir', l: 'symlink' }[type ?? ''] as string | undefined;
  const out: string[] = [];
  const walk = (shown: string, abs: string, depth: number) => {
    const st = ctx.fs.lstat(abs);
    if (!st) return;
    if (depth >= minDepth && (!re || re.test(baseName(shown))) && (!kind || st.kind === kind)) out.push(shown);
    if (st.kind === 'dir' && depth < maxDepth) for (const n of ctx.fs.readdir(abs)) walk(`${shown.replace(/\/$/, '')}/${n}`, `${abs === '/' ? '' : abs}/${n}`, depth + 1);
  };
  let status = 0;
  for (const root of roots.length ? roots : ['.']) {
    if (!ctx.fs.lstat(pathOf(ctx, root))) {
      await complain(ctx, `${root}: No such file or directory`);
      status = 1;
    } else walk(root, pathOf(ctx, root), 0);
  }
  if (out.length) await ctx.stdout.write(out.join('\n') + '\n');
  return status;
};

/** File applets: mkdir, rmdir, rm, touch, cp, mv, ln, basename, dirname, pwd. */
import { FsError } from '../../fs/types.js';
import type { Applet, ProgramContext } from '../context.js';
import { baseName, dirName } from '../paths.js';
import { complain, parseOptions, pathOf, reasonOf, withUsage } from './util.js';

/** Runs `op` for each operand; an FsError prints `<applet>: <verb> '<x>': <reason>` and makes status 1. */
async function eachOperand(ctx: ProgramContext, operands: readonly string[], verb: string, op: (path: string, operand: string) => void): Promise<number> {
  let status = 0;
  for (const operand of operands) {
    try {
      op(pathOf(ctx, operand), operand);
    } catch (e) {
      await complain(ctx, `${verb} '${operand}': ${reasonOf(e)}`);
      status = 1;
    }
  }
  return status;
}

/** mkdir [-p] [-m MODE] DIR... */
export const mkdir: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(ctx.argv.slice(1), 'pm:');
  const mode = opts.values.has('m') ? parseInt(opts.values.get('m')!, 8) : 0o755;
  return eachOperand(ctx, opts.operands, "can't create directory", (p) => ctx.fs.mkdir(p, { recursive: opts.flags.has('p'), mode }));
});

/** rmdir DIR...: only empty directories. */
export const rmdir: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(ctx.argv.slice(1), 'p');
  let status = 0;
  for (const op of opts.operands) {
    try {
      if (ctx.fs.lstat(pathOf(ctx, op))?.kind !== 'dir') throw new FsError(ctx.fs.lstat(pathOf(ctx, op)) ? 'ENOTDIR' : 'ENOENT', op);
      ctx.fs.remove(pathOf(ctx, op));
    } catch (e) {
      await complain(ctx, `'${op}': ${reasonOf(e)}`);
      status = 1;
    }
  }
  return status;
});

/** rm [-rRf] FILE...: a directory needs -r; -f ignores missing files. */
export const rm: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(ctx.argv.slice(1), 'rRfiv');
  const recursive = opts.flags.has('r') || opts.flags.has('R');
  return eachOperand(ctx, opts.operands, "can't remove", (p, op) => {
    const st = ctx.fs.lstat(p);
    if (!st) {
      if (!opts.flags.has('f')) throw new FsError('ENOENT', op);
      return;
    }
    if (st.kind === 'dir' && !recursive) throw new FsError('EISDIR', op);
    ctx.fs.remove(p, { recursive });
  });
});

/** touch [-c] FILE...: creates empty files or sets their time to now. */
export const touch: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(ctx.argv.slice(1), 'cam');
  return eachOperand(ctx, opts.operands, "can't touch", (p) => {
    if (ctx.fs.stat(p)) ctx.fs.utimes(p, ctx.services.now());
    else if (!opts.flags.has('c')) ctx.fs.writeFile(p, '');
  });
});

function copyTree(ctx: ProgramContext, from: string, to: string, recursive: boolean, operand: string): void {
  const st = ctx.fs.stat(from);
  if (!st) throw new FsError('ENOENT', operand);
  if (st.kind === 'dir') {
    if (!recursive) throw new OmitDirectory(operand);
    if (!ctx.fs.stat(to)) ctx.fs.mkdir(to, { mode: st.mode });
    for (const n of ctx.fs.readdir(from)) copyTree(ctx, `${from}/${n}`, `${to}/${n}`, true, `${operand}/${n}`);
    return;
  }
  ctx.fs.writeFile(to, ctx.fs.readFile(from), { mode: st.mode });
  ctx.fs.chmod(to, st.mode);
}

class OmitDirectory extends Error {}

/** Where SRC goes for cp/mv: into DEST when DEST is a directory. */
function destination(ctx: ProgramContext, dest: string, src: string): string {
  const d = pathOf(ctx, dest);
  return ctx.fs.stat(d)?.kind === 'dir' ? `${d === '/' ? '' : d}/${baseName(src)}` : d;
}

async function twoOrMore(ctx: ProgramContext, operands: string[]): Promise<boolean> {
  if (operands.length >= 2) return true;
  await complain(ctx, operands.length ? `missing destination file operand after '${operands[0]}'` : 'missing file operand');
  return false;
}

/** cp [-rRaf] SRC... DEST. */
export const cp: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(ctx.argv.slice(1), 'rRafpdP');
  if (!(await twoOrMore(ctx, opts.operands))) return 1;
  const dest = opts.operands[opts.operands.length - 1]!;
  const recursive = opts.flags.has('r') || opts.flags.has('R') || opts.flags.has('a');
  let status = 0;
  for (const src of opts.operands.slice(0, -1)) {
    try {
      copyTree(ctx, pathOf(ctx, src), destination(ctx, dest, src), recursive, src);
    } catch (e) {
      await complain(ctx, e instanceof OmitDirectory ? `omitting directory '${src}'` : `can't stat '${src}': ${reasonOf(e)}`);
      status = 1;
    }
  }
  return status;
});

/** mv [-f] SRC... DEST. */
export const mv: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(ctx.argv.slice(1), 'fin');
  if (!(await twoOrMore(ctx, opts.operands))) return 1;
  const dest = opts.operands[opts.operands.length - 1]!;
  return eachOperand(ctx, opts.operands.slice(0, -1), "can't rename", (p, src) => ctx.fs.rename(p, destination(ctx, dest, src)));
});

/** ln -s [-f] TARGET [LINK]: symbolic links only (the guest filesystem has no hard links). */
export const ln: Applet = withUsage(async (ctx) => {
  const opts = parseOptions(ctx.argv.slice(1), 'sfnv');
  if (!opts.flags.has('s')) {
    await complain(ctx, 'hard links are not supported by the vicsim guest (use ln -s)');
    return 1;
  }
  const [target, link = baseName(opts.operands[0] ?? '')] = opts.operands;
  if (target === undefined) {
    await complain(ctx, 'missing file operand');
    return 1;
  }
  const path = destination(ctx, link, target);
  return eachOperand(ctx, [link], 'can\'t create', () => {
    if (opts.flags.has('f') && ctx.fs.lstat(path)) ctx.fs.remove(path);
    ctx.fs.symlink(target, path);
  });
});

/** basename NAME [SUFFIX]. */
export const basename: Applet = async (ctx) => {
  const [, name, suffix] = ctx.argv;
  if (name === undefined) {
    await complain(ctx, 'missing operand');
    return 1;
  }
  let b = baseName(name);
  if (suffix && b !== suffix && b.endsWith(suffix)) b = b.slice(0, -suffix.length);
  await ctx.stdout.write(b + '\n');
  return 0;
};

/** dirname NAME. */
export const dirname: Applet = async (ctx) => {
  const name = ctx.argv[1];
  if (name === undefined) {
    await complain(ctx, 'missing operand');
    return 1;
  }
  await ctx.stdout.write(dirName(name) + '\n');
  return 0;
};

/** pwd: the working directory. */
export const pwd: Applet = async (ctx) => {
  await ctx.stdout.write(ctx.cwd + '\n');
  return 0;
};

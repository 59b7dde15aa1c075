/** test / [ : file, string and integer tests with !, -a, -o and parentheses. */
import type { Applet, ProgramContext } from '../context.js';
import { pathOf } from './util.js';

class TestSyntaxError extends Error {}

const BINARY = new Set(['=', '==', '!=', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt', '-ot']);
const UNARY = new Set(['-e', '-f', '-d', '-s', '-r', '-w', '-x', '-L', '-h', '-z', '-n', '-t', '-p', '-S', '-b', '-c']);

function integer(text: string): number {
  if (!/^\s*[-+]?\d+\s*$/.test(text)) throw new TestSyntaxError(`invalid number '${text}'`);
  return Number(text);
}

function unary(ctx: ProgramContext, op: string, arg: string): boolean {
  if (op === '-z') return arg === '';
  if (op === '-n') return arg !== '';
  if (op === '-t') return ctx.terminal !== undefined && (arg === '0' || arg === '1' || arg === '2');
  const path = pathOf(ctx, arg);
  const st = op === '-L' || op === '-h' ? ctx.fs.lstat(path) : ctx.fs.stat(path);
  if (!st || arg === '') return false;
  switch (op) {
    case '-e': return true;
    case '-f': return st.kind === 'file';
    case '-d': return st.kind === 'dir';
    case '-s': return st.size > 0;
    case '-L':
    case '-h': return st.kind === 'symlink';
    case '-r': return ctx.identity.uid === 0 || (st.mode & 0o444) !== 0;
    case '-w': return ctx.identity.uid === 0 || (st.mode & 0o222) !== 0;
    case '-x': return (st.mode & 0o111) !== 0 || (st.kind === 'dir' && ctx.identity.uid === 0);
    default: return false;
  }
}

function binary(ctx: ProgramContext, a: string, op: string, b: string): boolean {
  switch (op) {
    case '=':
    case '==': return a === b;
    case '!=': return a !== b;
    case '-nt':
    case '-ot': {
      const [x, y] = [ctx.fs.stat(pathOf(ctx, a))?.mtimeMs ?? -1, ctx.fs.stat(pathOf(ctx, b))?.mtimeMs ?? -1];
      return op === '-nt' ? x > y : x < y;
    }
  }
  const [x, y] = [integer(a), integer(b)];
  return { '-eq': x === y, '-ne': x !== y, '-lt': x < y, '-le': x <= y, '-gt': x > y, '-ge': x >= y }[op]!;
}

/** Evaluates a test expression (args without the closing `]`). @throws TestSyntaxError */
function evaluate(ctx: ProgramContext, args: readonly string[]): boolean {
  let i = 0;
  const peek = () => args[i];
  const orExpr = (): boolean => {
    let v = andExpr();
    while (peek() === '-o') {
      i++;
      v = andExpr() || v;
    }
    return v;
  };
  const andExpr = (): boolean => {
    let v = notExpr();
    while (peek() === '-a') {
      i++;
      v = notExpr() && v;
    }
    return v;
  };
  const notExpr = (): boolean => {
    if (peek() === '!' && i + 1 < args.length) {
      i++;
      return !notExpr();
    }
    return primary();
  };
  const primary = (): boolean => {
    const a = args[i];
    if (a === undefined) throw new TestSyntaxError('argument expected');
    if (args[i + 1] !== undefined && BINARY.has(args[i + 1]!) && args[i + 2] !== undefined) {
      i += 3;
      return binary(ctx, a, args[i - 2]!, args[i - 1]!);
    }
    if (a === '(' && args.length - i > 2) {
      i++;
      const v = orExpr();
      if (args[i++] !== ')') throw new TestSyntaxError("')' expected");
      return v;
    }
    if (UNARY.has(a) && args[i + 1] !== undefined) {
      i += 2;
      return unary(ctx, a, args[i - 1]!);
    }
    i++;
    return a !== '';
  };
  if (!args.length) return false;
  const v = orExpr();
  if (i < args.length) throw new TestSyntaxError(`${args[i]}: unknown operand`);
  return v;
}

/** test EXPR / [ EXPR ]: status 0 true, 1 false, 2 on a malformed expression. */
export const test: Applet = async (ctx) => {
  let args = ctx.argv.slice(1);
  if (ctx.argv[0] === '[') {
    if (args[args.length - 1] !== ']') {
      await ctx.stderr.write('[: missing ]\n');
      return 2;
    }
    args = args.slice(0, -1);
  }
  try {
    return evaluate(ctx, args) ? 0 : 1;
  } catch (e) {
    if (!(e instanceof TestSyntaxError)) throw e;
    await ctx.stderr.write(`sh: ${e.message}\n`);
    return 2;
  }
};

/** Helpers shared by the applets: option parsing, error output, reading input files. */
import { FsError } from '../../fs/types.js';
import type { ProgramContext } from '../context.js';
import { InStream } from '../io.js';
import { resolvePath } from '../paths.js';

/** Parsed command-line options: flags (count of each), option values, operands. */
export interface Options {
  readonly flags: Map<string, number>;
  readonly values: Map<string, string>;
  readonly operands: string[];
}

/** An invalid option; the applet prints busybox's message and exits 1. */
export class UsageError extends Error {}

/**
 * getopt-style parsing: `spec` lists flag letters, a letter followed by ':' takes a value
 * ("n:" → -n 5 or -n5). Options stop at `--` or the first operand. @throws UsageError
 */
export function parseOptions(args: readonly string[], spec: string): Options {
  const flags = new Map<string, number>();
  const values = new Map<string, string>();
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      const at = spec.indexOf(c);
      if (at < 0) throw new UsageError(`invalid option -- '${c}'`);
      if (spec[at + 1] === ':') {
        const value = a.slice(j + 1) || args[++i];
        if (value === undefined) throw new UsageError(`option requires an argument -- '${c}'`);
        values.set(c, value);
        break;
      }
      flags.set(c, (flags.get(c) ?? 0) + 1);
    }
  }
  return { flags, values, operands: args.slice(i) };
}

/** Writes `<applet>: <message>` to stderr. */
export async function complain(ctx: ProgramContext, message: string): Promise<void> {
  await ctx.stderr.write(`${ctx.argv[0]}: ${message}\n`);
}

/** The strerror text of a filesystem error, rethrowing anything else. */
export function reasonOf(e: unknown): string {
  if (e instanceof FsError) return e.reason;
  throw e;
}

/** An absolute path for an operand. */
export function pathOf(ctx: ProgramContext, operand: string): string {
  return resolvePath(ctx.cwd, operand);
}

/**
 * Calls `each` with a stream for every operand (`-` or no operands: stdin). A missing file prints
 * `<applet>: can't open '<f>': <reason>` and makes the result 1.
 */
export async function forEachInput(ctx: ProgramContext, operands: readonly string[], each: (input: InStream, name: string) => Promise<void>): Promise<number> {
  let status = 0;
  for (const name of operands.length ? operands : ['-']) {
    if (name === '-') {
      await each(ctx.stdin, name);
      continue;
    }
    let data: Uint8Array;
    try {
      data = ctx.fs.readFile(pathOf(ctx, name));
    } catch (e) {
      await complain(ctx, e instanceof FsError && e.errno === 'EISDIR' ? `read error: Is a directory` : `can't open '${name}': ${reasonOf(e)}`);
      status = 1;
      continue;
    }
    await each(InStream.of(data), name);
  }
  return status;
}

/** Wraps an applet body so a UsageError prints busybox's message and exits 1. */
export function withUsage(body: (ctx: ProgramContext) => Promise<number>): (ctx: ProgramContext) => Promise<number> {
  return async (ctx) => {
    try {
      return await body(ctx);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      await complain(ctx, e.message);
      return 1;
    }
  };
}

/** Splits text into lines; a trailing newline does not make an extra empty line. */
export function splitLines(text: string): string[] {
  if (!text) return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Left-pads to a width. */
export function padStart(v: string | number, width: number): string {
  return String(v).padStart(width);
}

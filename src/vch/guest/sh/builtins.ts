/**
 * Commands the shell runs itself, as busybox ash does: the special builtins (whose assignments
 * persist) and the regular ones; echo, printf, test/[, pwd, true, false and kill reuse the applets.
 */
import { FsError } from '../../fs/types.js';
import type { StdIo } from '../context.js';
import { fromBytes } from '../io.js';
import { resolvePath } from '../paths.js';
import { lookupSignal } from '../signals.js';
import { ExitRequest, LoopControl, ReturnRequest } from './control.js';
import type { Shell } from './interpreter.js';
import { jobsBuiltin } from './jobs.js';

/** A shell builtin: resolves with its exit status. */
export type Builtin = (sh: Shell, args: string[], io: StdIo) => Promise<number>;

function count(sh: Shell, name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) {
    void sh.error(`${name}: Illegal number: ${text}`);
    throw new ExitRequest(2);
  }
  return Number(text);
}

const quote = (v: string) => `'${v.replace(/'/g, `'"'"'`)}'`;

const cd: Builtin = async (sh, args, io) => {
  const oldPwd = sh.state.cwd;
  const arg = args[0] === '-' ? sh.state.get('OLDPWD') ?? oldPwd : args[0] ?? sh.home;
  const target = resolvePath(oldPwd, arg);
  const stat = sh.fs.stat(target);
  if (stat?.kind !== 'dir') {
    await sh.error(`cd: can't cd to ${arg}: ${stat ? 'Not a directory' : 'No such file or directory'}`, io);
    return 2;
  }
  sh.state.cwd = target;
  sh.state.set('OLDPWD', oldPwd);
  sh.state.set('PWD', target);
  if (args[0] === '-') await io.stdout.write(`${target}\n`);
  return 0;
};

const exportBuiltin: Builtin = async (sh, args, io) => {
  const names = args.filter((a) => a !== '-p');
  if (!names.length) {
    for (const [k, v] of [...sh.state.environment()].sort()) await io.stdout.write(`export ${k}=${quote(v)}\n`);
    return 0;
  }
  for (const a of names) {
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (eq >= 0) sh.state.set(name, a.slice(eq + 1));
    sh.state.exported.add(name);
  }
  return 0;
};

const unset: Builtin = async (sh, args) => {
  const functions = args[0] === '-f';
  for (const name of args.filter((a) => a !== '-f' && a !== '-v')) {
    if (functions) sh.state.functions.delete(name);
    else sh.state.unset(name);
  }
  return 0;
};

const set: Builtin = async (sh, args, io) => {
  if (!args.length) {
    for (const [k, v] of [...sh.state.vars].sort()) await io.stdout.write(`${k}=${quote(v)}\n`);
    return 0;
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      sh.state.positional = args.slice(i + 1);
      return 0;
    }
    if (a === '-e' || a === '+e') sh.state.errexit = a === '-e';
    else if (/^[-+]/.test(a)) {
      await sh.error(`set: ${a}: option not supported by the vicsim guest`, io);
      return 2;
    } else {
      sh.state.positional = args.slice(i);
      return 0;
    }
  }
  return 0;
};

const shift: Builtin = async (sh, args, io) => {
  const n = count(sh, 'shift', args[0], 1);
  if (n > sh.state.positional.length) {
    await sh.error("shift: can't shift that many", io);
    return 1;
  }
  sh.state.positional = sh.state.positional.slice(n);
  return 0;
};

const read: Builtin = async (sh, args, io) => {
  let raw = false;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-r') raw = true;
    else if (args[i] === '-p') await io.stderr.write(args[++i] ?? '');
    else names.push(args[i]!);
  }
  let line = await io.stdin.readLine();
  const status = line === null ? 1 : 0;
  line ??= '';
  if (!raw) line = line.replace(/\\(.)/g, '$1');
  const vars = names.length ? names : ['REPLY'];
  const ifs = sh.state.get('IFS') ?? ' \t\n';
  const fields = ifs ? line.replace(new RegExp(`^[${ifs.replace(/[\]\\^-]/g, '\\$&')}]+`), '') : line;
  let rest = fields;
  vars.forEach((name, i) => {
    if (i === vars.length - 1) return sh.state.set(name, rest.replace(/[ \t]+$/, ''));
    const m = new RegExp(`^([^${ifs.replace(/[\]\\^-]/g, '\\$&')}]*)[${ifs.replace(/[\]\\^-]/g, '\\$&')}]*`).exec(rest)!;
    sh.state.set(name, m[1]!);
    rest = rest.slice(m[0].length);
  });
  return status;
};

const trap: Builtin = async (sh, args, io) => {
  if (!args.length) {
    for (const [sig, action] of sh.state.traps) await io.stdout.write(`trap -- ${quote(action)} ${sig}\n`);
    return 0;
  }
  const [action, ...sigs] = args;
  for (const s of sigs) {
    const name = s === '0' || s.toUpperCase() === 'EXIT' ? 'EXIT' : lookupSignal(s)?.name;
    if (!name) {
      await sh.error(`trap: ${s}: bad trap`, io);
      return 1;
    }
    if (action === '-') sh.state.traps.delete(name);
    else sh.state.traps.set(name, action!);
  }
  return 0;
};

const source: Builtin = async (sh, args, io) => {
  const file = args[0];
  if (file === undefined) return 0;
  let text: string;
  try {
    text = fromBytes(sh.fs.readFile(resolvePath(sh.state.cwd, file)));
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    await sh.error(`.: can't open '${file}'`, io);
    throw new ExitRequest(2);
  }
  try {
    return await sh.runSource(text, io);
  } catch (e) {
    if (e instanceof ReturnRequest) return e.code;
    throw e;
  }
};

const exec: Builtin = async (sh, args, io) => {
  if (!args.length) return 0;
  sh.execed = {};
  throw new ExitRequest(await sh.external(args, io, sh.state.environment(), sh.execed));
};

const commandV: Builtin = async (sh, args, io) => {
  const verbose = args[0] === '-v' || args[0] === '-V';
  const names = verbose ? args.slice(1) : args;
  if (!verbose) return names.length ? sh.external(names, io, sh.state.environment()) : 0;
  let status = 0;
  for (const name of names) {
    const found = BUILTINS.has(name) || sh.state.functions.has(name) ? name : await whichPath(sh, name, io);
    if (found) await io.stdout.write(`${found}\n`);
    else status = 127;
  }
  return status;
};

async function whichPath(sh: Shell, name: string, io: StdIo): Promise<string | undefined> {
  let path = '';
  const status = await sh.runApplet(['which', name], { ...io, stdout: { write: async (d) => void (path += typeof d === 'string' ? d : fromBytes(d)) } });
  return status === 0 ? path.trim() : undefined;
}

const type: Builtin = async (sh, args, io) => {
  let status = 0;
  for (const name of args) {
    if (sh.state.functions.has(name)) await io.stdout.write(`${name} is a function\n`);
    else if (BUILTINS.has(name)) await io.stdout.write(`${name} is a ${SPECIAL_BUILTINS.has(name) ? 'special ' : ''}shell builtin\n`);
    else {
      const path = await whichPath(sh, name, io);
      if (path) await io.stdout.write(`${name} is ${path}\n`);
      else {
        await io.stdout.write(`${name}: not found\n`);
        status = 127;
      }
    }
  }
  return status;
};

const local: Builtin = async (sh, args, io) => {
  const frame = sh.localFrames[sh.localFrames.length - 1];
  if (!frame) {
    await sh.error('local: not in a function', io);
    return 1;
  }
  for (const a of args) {
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (!frame.has(name)) frame.set(name, sh.state.get(name));
    if (eq >= 0) sh.state.set(name, a.slice(eq + 1));
  }
  return 0;
};

const loopControl = (kind: 'break' | 'continue'): Builtin => async (sh, args) => {
  throw new LoopControl(kind, Math.max(1, count(sh, kind, args[0], 1)));
};

const applet: Builtin = async (sh, args, io) => sh.runApplet(args, io);
const withName = (name: string): Builtin => (sh, args, io) => applet(sh, [name, ...args], io);

/** Builtins whose variable assignments persist and whose errors are fatal (POSIX "special"). */
export const SPECIAL_BUILTINS = new Set([':', '.', 'source', 'break', 'continue', 'eval', 'exec', 'exit', 'export', 'return', 'set', 'shift', 'trap', 'unset']);

/** Every builtin by name. */
export const BUILTINS = new Map<string, Builtin>([
  [':', async () => 0],
  ['.', source],
  ['source', source],
  ['break', loopControl('break')],
  ['continue', loopControl('continue')],
  ['eval', (sh, args, io) => sh.runSource(args.join(' '), io)],
  ['exec', exec],
  ['exit', async (sh, args) => { throw new ExitRequest(count(sh, 'exit', args[0], sh.state.status) & 255); }],
  ['export', exportBuiltin],
  ['return', async (sh, args) => { throw new ReturnRequest(count(sh, 'return', args[0], sh.state.status) & 255); }],
  ['set', set],
  ['shift', shift],
  ['trap', trap],
  ['unset', unset],
  ['cd', cd],
  ['read', read],
  ['local', local],
  ['command', commandV],
  ['type', type],
  ['wait', jobsBuiltin.wait],
  ['kill', jobsBuiltin.kill],
  ...['echo', 'printf', 'test', '[', 'pwd', 'true', 'false'].map((n) => [n, withName(n)] as [string, Builtin]),
]);

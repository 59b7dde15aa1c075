/**
 * Word expansion: tilde, parameters (`$V`, `${V:-w}`, `${#V}`, `${V%p}` …), command substitution,
 * arithmetic, field splitting on IFS and pathname globbing over the guest filesystem.
 */
import type { GuestFs } from '../../fs/types.js';
import { escapeRegExp, hasGlobChars, patternToRegExp } from '../paths.js';
import { ArithmeticError, evaluateArithmetic } from './arith.js';
import type { Word, WordPart } from './ast.js';
import type { ShellState } from './state.js';

/** What expansion needs from the running shell. */
export interface ExpandHost {
  readonly state: ShellState;
  readonly fs: GuestFs;
  readonly home: string;
  /** Runs `script` in a subshell and returns its stdout without trailing newlines; sets `$?`. */
  substitute(script: string): Promise<string>;
}

/** An expansion failed (`${V:?}`, bad arithmetic); the shell prints `sh: <message>` and the command fails. */
export class ExpansionError extends Error {}

interface Field {
  text: string;
  pattern: string;
  glob: boolean;
}

const GLOB_SPECIAL = /[*?[\]\\]/g;

class Fields {
  readonly done: Field[] = [];
  private cur: Field | undefined;

  private field(): Field {
    return (this.cur ??= { text: '', pattern: '', glob: false });
  }
  add(text: string, quoted: boolean): void {
    const f = this.field();
    f.text += text;
    f.pattern += quoted ? text.replace(GLOB_SPECIAL, '\\$&') : text;
    if (!quoted && hasGlobChars(text)) f.glob = true;
  }
  touch(): void {
    this.field();
  }
  cut(): void {
    if (this.cur) this.done.push(this.cur);
    this.cur = undefined;
  }
  /** Adds an unquoted expansion result, splitting it on IFS characters. */
  addSplit(value: string, ifs: string): void {
    if (!ifs) return this.add(value, false);
    const sep = new RegExp(`[${escapeRegExp(ifs)}]+`);
    const pieces = value.split(sep);
    pieces.forEach((piece, i) => {
      if (i > 0) this.cut();
      if (piece) this.add(piece, false);
    });
  }
  finish(): Field[] {
    this.cut();
    return this.done;
  }
}

/** Expands words into fields (split and globbed), as for a command's arguments. */
export async function expandWords(host: ExpandHost, words: readonly Word[]): Promise<string[]> {
  const out: string[] = [];
  for (const word of words) {
    for (const f of await fieldsOf(host, word, true)) {
      const matches = f.glob ? glob(host, f.pattern) : [];
      out.push(...(matches.length ? matches : [f.text]));
    }
  }
  return out;
}

/** Expands a word into one string, without splitting or globbing (assignments, redirection targets). */
export async function expandWord(host: ExpandHost, word: Word): Promise<string> {
  return (await fieldsOf(host, word, false)).map((f) => f.text).join(' ');
}

/** Expands a word into a shell pattern: quoted characters are escaped (case patterns, `${V%p}`). */
export async function expandPattern(host: ExpandHost, word: Word): Promise<string> {
  return (await fieldsOf(host, word, false)).map((f) => f.pattern).join(' ');
}

async function fieldsOf(host: ExpandHost, word: Word, split: boolean): Promise<Field[]> {
  const fields = new Fields();
  const ifs = split ? host.state.get('IFS') ?? ' \t\n' : '';
  for (const [i, part] of word.parts.entries()) {
    if (part.type === 'lit') {
      const text = i === 0 && !part.quoted ? expandTilde(part.text, host.home) : part.text;
      if (part.quoted) fields.touch();
      fields.add(text, part.quoted);
    } else if (part.type === 'param' && (part.name === '@' || part.name === '*') && !part.op) {
      addPositional(fields, host.state.positional, part, ifs);
    } else {
      const value = await partValue(host, part);
      if (part.quoted || !split) {
        fields.touch();
        fields.add(value, part.quoted);
      } else fields.addSplit(value, ifs);
    }
  }
  return fields.finish();
}

function addPositional(fields: Fields, params: readonly string[], part: WordPart & { type: 'param' }, ifs: string): void {
  if (part.quoted && part.name === '*') {
    fields.touch();
    fields.add(params.join(ifs ? ifs[0] : ' ') || '', true);
    return;
  }
  params.forEach((p, i) => {
    if (i > 0) fields.cut();
    if (part.quoted) {
      fields.touch();
      fields.add(p, true);
    } else fields.addSplit(p, ifs);
  });
}

function expandTilde(text: string, home: string): string {
  return text === '~' || text.startsWith('~/') ? home + text.slice(1) : text;
}

async function partValue(host: ExpandHost, part: Exclude<WordPart, { type: 'lit' }>): Promise<string> {
  if (part.type === 'cmdsub') return host.substitute(part.script);
  if (part.type === 'arith') {
    const text = await expandWord(host, part.expr);
    try {
      return String(evaluateArithmetic(text, (n) => host.state.get(n)));
    } catch (e) {
      if (e instanceof ArithmeticError) throw new ExpansionError(`arithmetic syntax error`);
      throw e;
    }
  }
  return paramValue(host, part);
}

/** The value of a special or named parameter, undefined when unset. */
export function lookupParam(state: ShellState, name: string): string | undefined {
  switch (name) {
    case '?': return String(state.status);
    case '$': return String(state.pid);
    case '#': return String(state.positional.length);
    case '@':
    case '*': return state.positional.join(' ');
    case '!': return state.lastBackgroundPid === undefined ? '' : String(state.lastBackgroundPid);
    case '-': return state.errexit ? 'e' : '';
    case '0': return state.arg0;
  }
  if (/^\d+$/.test(name)) return state.positional[Number(name) - 1];
  return state.get(name);
}

async function paramValue(host: ExpandHost, part: WordPart & { type: 'param' }): Promise<string> {
  const value = lookupParam(host.state, part.name);
  const arg = async () => (part.arg ? expandWord(host, part.arg) : '');
  const colon = part.op?.startsWith(':') ?? false;
  const missing = value === undefined || (colon && value === '');
  switch (part.op) {
    case undefined: return value ?? '';
    case 'len': return String((value ?? '').length);
    case ':-':
    case '-': return missing ? arg() : value!;
    case ':+':
    case '+': return missing ? '' : arg();
    case ':=':
    case '=': {
      if (!missing) return value!;
      const v = await arg();
      host.state.set(part.name, v);
      return v;
    }
    case ':?':
    case '?': {
      if (!missing) return value!;
      const msg = await arg();
      throw new ExpansionError(`${part.name}: ${msg || 'parameter not set'}`);
    }
    default: return stripPattern(value ?? '', part.op, part.arg ? await expandPattern(host, part.arg) : '');
  }
}

/** `${V%p}` `${V%%p}` `${V#p}` `${V##p}`: removes the shortest/longest matching suffix/prefix. O(n²). */
function stripPattern(value: string, op: '%' | '%%' | '#' | '##', pattern: string): string {
  const re = patternToRegExp(pattern);
  const n = value.length;
  if (op === '#' || op === '##') {
    const order = op === '#' ? range(0, n) : range(0, n).reverse();
    for (const i of order) if (re.test(value.slice(0, i))) return value.slice(i);
  } else {
    const order = op === '%' ? range(0, n).reverse() : range(0, n);
    for (const i of order) if (re.test(value.slice(i))) return value.slice(0, i);
  }
  return value;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Pathname expansion: matches, sorted, or [] when nothing matches. O(entries visited). */
function glob(host: ExpandHost, pattern: string): string[] {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter((s) => s !== '');
  let paths: string[] = [absolute ? '/' : ''];
  for (const seg of segments) {
    const next: string[] = [];
    for (const prefix of paths) {
      const dir = prefix === '' ? host.state.cwd : prefix.startsWith('/') ? prefix : `${host.state.cwd}/${prefix}`;
      const join = (name: string) => (prefix === '' ? name : prefix.endsWith('/') ? prefix + name : `${prefix}/${name}`);
      if (!hasGlobChars(seg)) {
        const literal = seg.replace(/\\(.)/g, '$1');
        if (host.fs.lstat(`${dir}/${literal}`)) next.push(join(literal));
        continue;
      }
      const re = patternToRegExp(seg, true);
      for (const name of readdirOrEmpty(host.fs, dir)) {
        if (name.startsWith('.') && !seg.startsWith('.')) continue;
        if (re.test(name)) next.push(join(name));
      }
    }
    paths = next;
  }
  return paths.filter((p) => p !== '' && p !== '/').sort();
}

function readdirOrEmpty(fs: GuestFs, dir: string): string[] {
  try {
    return fs.stat(dir)?.kind === 'dir' ? fs.readdir(dir) : [];
  } catch {
    return [];
  }
}

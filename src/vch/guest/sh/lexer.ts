/**
 * Splits sh source into tokens: words (already split into literal / quoted / expansion parts),
 * operators, redirections and newlines. One pass, O(source length) apart from nested `$(…)`, whose
 * text is kept for the interpreter to parse when it runs.
 */
import type { ParamOp, Word, WordPart } from './ast.js';
import { ShellSyntaxError } from './syntax-error.js';

/** A lexical token. */
export type Token =
  | { readonly kind: 'word'; readonly word: Word }
  | { readonly kind: 'op'; readonly op: string }
  | { readonly kind: 'redir'; readonly op: string; readonly fd?: number }
  | { readonly kind: 'newline' }
  | { readonly kind: 'eof' };

const OPERATORS = ['&&', '||', ';;', ';', '&', '|', '(', ')'];
const REDIRS = ['>>', '>&', '<&', '<>', '>|', '>', '<'];
const META = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);
const SPECIAL_PARAMS = new Set(['?', '$', '#', '@', '*', '!', '-', '0']);
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

type Mode = 'unquoted' | 'dquote' | 'brace' | 'all';

/** Tokenizes a whole script. Throws {@link ShellSyntaxError} for unterminated quotes and expansions. */
export function tokenize(src: string): Token[] {
  return new Lexer(src).tokens();
}

/** Parses text as the inside of double quotes (for `$((…))` bodies and `case` subjects). */
export function lexQuotedText(src: string): Word {
  const lx = new Lexer(src);
  return { parts: lx.parts('all', true), raw: src };
}

class Lexer {
  private pos = 0;
  constructor(private readonly src: string) {}

  tokens(): Token[] {
    const out: Token[] = [];
    for (;;) {
      this.skipBlanks();
      const c = this.src[this.pos];
      if (c === undefined) break;
      if (c === '\n') {
        this.pos++;
        out.push({ kind: 'newline' });
      } else out.push(this.operatorOrWord());
    }
    out.push({ kind: 'eof' });
    return out;
  }

  private skipBlanks(): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && this.src[this.pos + 1] === '\n') this.pos += 2;
      else if (c === '#') while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
      else return;
    }
  }

  private operatorOrWord(): Token {
    const rest = this.src.slice(this.pos, this.pos + 2);
    const io = /^(\d+)(?=[<>])/.exec(this.src.slice(this.pos, this.pos + 12));
    if (io) {
      this.pos += io[1]!.length;
      return { kind: 'redir', op: this.redirection().op, fd: Number(io[1]) };
    }
    if (rest[0] === '<' || rest[0] === '>') return this.redirection();
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (op) {
      this.pos += op.length;
      return { kind: 'op', op };
    }
    const start = this.pos;
    const parts = this.parts('unquoted', false);
    return { kind: 'word', word: { parts, raw: this.src.slice(start, this.pos) } };
  }

  private redirection(): { kind: 'redir'; op: string } {
    const op = REDIRS.find((r) => this.src.startsWith(r, this.pos))!;
    if (this.src.startsWith('<<', this.pos)) throw new ShellSyntaxError('here-documents are not supported by the vicsim guest', false);
    this.pos += op.length;
    return { kind: 'redir', op };
  }

  /** Reads word parts until the mode's terminator (which is not consumed). */
  parts(mode: Mode, quoted: boolean): WordPart[] {
    const out: WordPart[] = [];
    let lit = '';
    const flush = (q: boolean) => {
      if (lit) out.push({ type: 'lit', text: lit, quoted: q });
      lit = '';
    };
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) {
        if (mode === 'dquote' || mode === 'brace') throw new ShellSyntaxError('syntax error: unterminated quoted string', true);
        break;
      }
      if (mode === 'unquoted' && META.has(c)) break;
      if (mode === 'dquote' && c === '"') break;
      if (mode === 'brace' && c === '}') break;
      if (c === '\\') {
        flush(quoted);
        out.push(...this.backslash(mode, quoted));
      } else if (c === "'" && !quoted) {
        flush(quoted);
        out.push({ type: 'lit', text: this.singleQuoted(), quoted: true });
      } else if (c === '"' && !quoted) {
        flush(quoted);
        this.pos++;
        const inner = this.parts('dquote', true);
        out.push(...(inner.length ? inner : [{ type: 'lit', text: '', quoted: true } as const]));
        this.pos++;
      } else if (c === '$' || c === '`') {
        const part = c === '$' ? this.dollar(quoted) : this.backtick(quoted);
        if (part) {
          flush(quoted);
          out.push(part);
        } else lit += this.src[this.pos++];
      } else lit += this.src[this.pos++];
    }
    flush(quoted);
    return out;
  }

  private backslash(mode: Mode, quoted: boolean): WordPart[] {
    const next = this.src[this.pos + 1];
    this.pos += 2;
    if (next === undefined) return [{ type: 'lit', text: '\\', quoted: true }];
    if (next === '\n') return [];
    if (quoted && !'$`"\\\n'.includes(next) && !(mode === 'brace' && next === '}')) {
      return [{ type: 'lit', text: '\\' + next, quoted: true }];
    }
    return [{ type: 'lit', text: next, quoted: true }];
  }

  private singleQuoted(): string {
    const end = this.src.indexOf("'", this.pos + 1);
    if (end < 0) throw new ShellSyntaxError('syntax error: unterminated quoted string', true);
    const text = this.src.slice(this.pos + 1, end);
    this.pos = end + 1;
    return text;
  }

  private dollar(quoted: boolean): WordPart | undefined {
    const next = this.src[this.pos + 1];
    if (this.src.startsWith('$((', this.pos)) {
      const body = this.balanced(this.pos + 3, '((', '))');
      return { type: 'arith', expr: lexQuotedText(body), quoted };
    }
    if (next === '(') return { type: 'cmdsub', script: this.balanced(this.pos + 2, '(', ')'), quoted };
    if (next === '{') return this.braced(quoted);
    if (next !== undefined && (SPECIAL_PARAMS.has(next) || /[1-9]/.test(next))) {
      this.pos += 2;
      return { type: 'param', name: next, quoted };
    }
    if (next !== undefined && NAME_START.test(next)) {
      let end = this.pos + 1;
      while (end < this.src.length && NAME_CHAR.test(this.src[end]!)) end++;
      const name = this.src.slice(this.pos + 1, end);
      this.pos = end;
      return { type: 'param', name, quoted };
    }
    return undefined;
  }

  private braced(quoted: boolean): WordPart {
    this.pos += 2;
    let length = false;
    if (this.src[this.pos] === '#' && this.src[this.pos + 1] !== '}') {
      length = true;
      this.pos++;
    }
    const name = this.paramName();
    if (length) {
      this.expect('}');
      return { type: 'param', name, op: 'len', quoted };
    }
    if (this.src[this.pos] === '}') {
      this.pos++;
      return { type: 'param', name, quoted };
    }
    const op = ([':-', ':=', ':+', ':?', '%%', '##', '-', '=', '+', '?', '%', '#'] as const).find((o) => this.src.startsWith(o, this.pos));
    if (!op) throw new ShellSyntaxError(`syntax error: bad substitution`, false);
    this.pos += op.length;
    const start = this.pos;
    const parts = this.parts('brace', quoted);
    const arg: Word = { parts, raw: this.src.slice(start, this.pos) };
    this.expect('}');
    return { type: 'param', name, op: op as ParamOp, arg, quoted };
  }

  private paramName(): string {
    const c = this.src[this.pos];
    if (c !== undefined && (SPECIAL_PARAMS.has(c) || /\d/.test(c))) {
      let end = this.pos + 1;
      if (/\d/.test(c)) while (/\d/.test(this.src[end] ?? '')) end++;
      const name = this.src.slice(this.pos, end);
      this.pos = end;
      return name;
    }
    let end = this.pos;
    while (end < this.src.length && NAME_CHAR.test(this.src[end]!)) end++;
    if (end === this.pos) throw new ShellSyntaxError('syntax error: bad substitution', this.pos >= this.src.length);
    const name = this.src.slice(this.pos, end);
    this.pos = end;
    return name;
  }

  private expect(c: string): void {
    if (this.src[this.pos] !== c) throw new ShellSyntaxError('syntax error: bad substitution', this.pos >= this.src.length);
    this.pos++;
  }

  /** Text from `from` to the matching `close` (nesting on `open`, skipping quotes); consumes the close. */
  private balanced(from: number, open: string, close: string): string {
    let depth = 1;
    let i = from;
    while (i < this.src.length) {
      const c = this.src[i]!;
      if (c === '\\') i += 2;
      else if (c === "'") {
        const end = this.src.indexOf("'", i + 1);
        if (end < 0) break;
        i = end + 1;
      } else if (c === '"') i = this.skipDoubleQuoted(i);
      else if (this.src.startsWith(close, i) && --depth === 0) {
        this.pos = i + close.length;
        return this.src.slice(from, i);
      } else if (this.src.startsWith(open, i)) {
        depth++;
        i += open.length;
      } else i++;
    }
    throw new ShellSyntaxError(`syntax error: unterminated quoted string`, true);
  }

  private skipDoubleQuoted(i: number): number {
    for (let j = i + 1; j < this.src.length; j++) {
      if (this.src[j] === '\\') j++;
      else if (this.src[j] === '"') return j + 1;
    }
    return this.src.length;
  }

  private backtick(quoted: boolean): WordPart {
    let script = '';
    let i = this.pos + 1;
    for (; i < this.src.length && this.src[i] !== '`'; i++) {
      if (this.src[i] === '\\' && '`$\\'.includes(this.src[i + 1] ?? '')) i++;
      script += this.src[i];
    }
    if (i >= this.src.length) throw new ShellSyntaxError('syntax error: unterminated quoted string', true);
    this.pos = i + 1;
    return { type: 'cmdsub', script, quoted };
  }
}

/**
 * Recursive-descent parser for the guest's sh: lists, and-or lists, pipelines, simple commands with
 * assignments and redirections, `{ }`, `( )`, if, while/until, for, case and function definitions.
 * O(tokens). Errors are worded as busybox ash words them.
 */
import type { AndOr, Assignment, Command, List, Pipeline, Redirect, Word } from './ast.js';
import { tokenize, type Token } from './lexer.js';
import { ShellSyntaxError } from './syntax-error.js';

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LIST_ENDS = new Set(['then', 'elif', 'else', 'fi', 'do', 'done', 'esac', '}']);

/** Parses a whole script. @throws ShellSyntaxError */
export function parseScript(src: string): List {
  const p = new Parser(tokenize(src));
  const list = p.list([]);
  p.expectEnd();
  return list;
}

/** The word's text when it is a plain unquoted literal (a keyword candidate), else undefined. */
function plainText(word: Word): string | undefined {
  const [only, ...rest] = word.parts;
  if (rest.length || !only || only.type !== 'lit' || only.quoted) return undefined;
  return only.text;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token {
    return this.toks[this.i]!;
  }

  private keyword(): string | undefined {
    const t = this.peek();
    return t.kind === 'word' ? plainText(t.word) : undefined;
  }

  private isOp(op: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.op === op;
  }

  private skipNewlines(): void {
    while (this.peek().kind === 'newline') this.i++;
  }

  private unexpected(expecting?: string): never {
    const t = this.peek();
    if (t.kind === 'eof') {
      throw new ShellSyntaxError(`syntax error: unexpected end of file${expecting ? ` (expecting "${expecting}")` : ''}`, true);
    }
    const text = t.kind === 'word' ? t.word.raw : t.kind === 'newline' ? 'newline' : t.op;
    throw new ShellSyntaxError(t.kind === 'newline' ? 'syntax error: unexpected newline' : `syntax error: unexpected "${text}"`, false);
  }

  private expectKeyword(kw: string): void {
    if (this.keyword() !== kw) this.unexpected(kw);
    this.i++;
  }

  expectEnd(): void {
    this.skipNewlines();
    if (this.peek().kind !== 'eof') this.unexpected();
  }

  /** A compound list up to one of `ends` (keywords) or `)`/`;;`/EOF. Must not be empty when `ends` is given. */
  list(ends: string[], closeParen = false): List {
    const items: { andOr: AndOr; background: boolean }[] = [];
    for (;;) {
      this.skipNewlines();
      const kw = this.keyword();
      const t = this.peek();
      if (t.kind === 'eof' || (kw !== undefined && ends.includes(kw)) || (t.kind === 'op' && (t.op === ';;' || (closeParen && t.op === ')')))) break;
      const andOr = this.andOr();
      let background = false;
      if (this.isOp('&')) {
        background = true;
        this.i++;
      } else if (this.isOp(';')) this.i++;
      else if (this.peek().kind !== 'newline') {
        items.push({ andOr, background });
        break;
      }
      items.push({ andOr, background });
    }
    if (!items.length && (ends.length || closeParen)) this.unexpected(ends[ends.length - 1] ?? ')');
    return { items };
  }

  private andOr(): AndOr {
    const first = this.pipeline();
    const rest: { op: '&&' | '||'; pipeline: Pipeline }[] = [];
    while (this.isOp('&&') || this.isOp('||')) {
      const op = (this.peek() as { op: '&&' | '||' }).op;
      this.i++;
      this.skipNewlines();
      rest.push({ op, pipeline: this.pipeline() });
    }
    return { first, rest };
  }

  private pipeline(): Pipeline {
    let negate = false;
    if (this.keyword() === '!') {
      negate = true;
      this.i++;
    }
    const commands = [this.command()];
    while (this.isOp('|')) {
      this.i++;
      this.skipNewlines();
      commands.push(this.command());
    }
    return { negate, commands };
  }

  private command(): Command {
    const kw = this.keyword();
    switch (kw) {
      case 'if': return this.withRedirs(this.ifCommand());
      case 'while':
      case 'until': return this.withRedirs(this.loop(kw === 'until'));
      case 'for': return this.withRedirs(this.forCommand());
      case 'case': return this.withRedirs(this.caseCommand());
      case '{': {
        this.i++;
        const body = this.list(['}']);
        this.expectKeyword('}');
        return this.withRedirs({ type: 'brace', body, redirs: [] });
      }
    }
    if (kw !== undefined && LIST_ENDS.has(kw)) this.unexpected();
    if (this.isOp('(')) {
      this.i++;
      const body = this.list([], true);
      if (!this.isOp(')')) this.unexpected(')');
      this.i++;
      return this.withRedirs({ type: 'subshell', body, redirs: [] });
    }
    const next = this.toks[this.i + 1];
    if (kw !== undefined && NAME.test(kw) && next?.kind === 'op' && next.op === '(') return this.functionDef(kw);
    return this.simple();
  }

  private withRedirs<C extends Command>(cmd: C): C {
    const redirs: Redirect[] = [];
    while (this.peek().kind === 'redir') redirs.push(this.redirect());
    return redirs.length ? { ...cmd, redirs } : cmd;
  }

  private redirect(): Redirect {
    const t = this.peek() as { op: Redirect['op']; fd?: number };
    this.i++;
    const target = this.peek();
    if (target.kind !== 'word') this.unexpected();
    this.i++;
    return { fd: t.fd ?? (t.op.startsWith('<') ? 0 : 1), op: t.op, target: target.word };
  }

  private simple(): Command {
    const assigns: Assignment[] = [];
    const words: Word[] = [];
    const redirs: Redirect[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'redir') redirs.push(this.redirect());
      else if (t.kind === 'word') {
        const m = ASSIGNMENT.exec(t.word.raw);
        if (!words.length && m) assigns.push({ name: m[1]!, value: stripName(t.word, m[1]!.length + 1) });
        else words.push(t.word);
        this.i++;
      } else break;
    }
    if (!assigns.length && !words.length && !redirs.length) this.unexpected();
    return { type: 'simple', assigns, words, redirs };
  }

  private ifCommand(): Command {
    const branches: { cond: List; body: List }[] = [];
    let orElse: List | undefined;
    this.i++;
    for (;;) {
      const cond = this.list(['then']);
      this.expectKeyword('then');
      branches.push({ cond, body: this.list(['elif', 'else', 'fi']) });
      const kw = this.keyword();
      this.i++;
      if (kw === 'fi') break;
      if (kw === 'else') {
        orElse = this.list(['fi']);
        this.expectKeyword('fi');
        break;
      }
      if (kw !== 'elif') {
        this.i--;
        this.unexpected('fi');
      }
    }
    return orElse ? { type: 'if', branches, orElse, redirs: [] } : { type: 'if', branches, redirs: [] };
  }

  private loop(until: boolean): Command {
    this.i++;
    const cond = this.list(['do']);
    this.expectKeyword('do');
    const body = this.list(['done']);
    this.expectKeyword('done');
    return { type: 'loop', until, cond, body, redirs: [] };
  }

  private forCommand(): Command {
    this.i++;
    const name = this.keyword();
    if (name === undefined || !NAME.test(name)) this.unexpected();
    this.i++;
    this.skipNewlines();
    let items: Word[] | undefined;
    if (this.keyword() === 'in') {
      this.i++;
      items = [];
      for (let t = this.peek(); t.kind === 'word'; t = this.peek()) {
        items.push(t.word);
        this.i++;
      }
    }
    if (this.isOp(';')) this.i++;
    this.skipNewlines();
    this.expectKeyword('do');
    const body = this.list(['done']);
    this.expectKeyword('done');
    return items ? { type: 'for', name, items, body, redirs: [] } : { type: 'for', name, body, redirs: [] };
  }

  private caseCommand(): Command {
    this.i++;
    const subject = this.peek();
    if (subject.kind !== 'word') this.unexpected();
    this.i++;
    this.skipNewlines();
    this.expectKeyword('in');
    const arms: { patterns: Word[]; body: List }[] = [];
    for (this.skipNewlines(); this.keyword() !== 'esac'; this.skipNewlines()) {
      if (this.isOp('(')) this.i++;
      const patterns: Word[] = [];
      for (;;) {
        const t = this.peek();
        if (t.kind !== 'word') this.unexpected('esac');
        patterns.push(t.word);
        this.i++;
        if (!this.isOp('|')) break;
        this.i++;
      }
      if (!this.isOp(')')) this.unexpected(')');
      this.i++;
      this.skipNewlines();
      const body = this.isOp(';;') || this.keyword() === 'esac' ? { items: [] } : this.list(['esac']);
      arms.push({ patterns, body });
      if (this.isOp(';;')) this.i++;
      else if (this.keyword() !== 'esac') this.unexpected('esac');
    }
    this.i++;
    return { type: 'case', subject: subject.word, arms, redirs: [] };
  }

  private functionDef(name: string): Command {
    this.i += 3;
    if (this.toks[this.i - 1]?.kind !== 'op' || (this.toks[this.i - 1] as { op: string }).op !== ')') {
      this.i--;
      this.unexpected(')');
    }
    this.skipNewlines();
    return { type: 'function', name, body: this.command(), redirs: [] };
  }
}

/** The value part of an assignment word `NAME=value` (drops the first `skip` characters of literal text). */
function stripName(word: Word, skip: number): Word {
  const parts = [...word.parts];
  const first = parts[0];
  if (first?.type === 'lit') {
    const text = first.text.slice(skip);
    if (text) parts[0] = { ...first, text };
    else parts.shift();
  }
  return { parts, raw: word.raw.slice(skip) };
}

/** The syntax tree of the guest's POSIX sh (the subset busybox ash scripts in containers use). */

/** Parameter expansion operators: `${V:-w}` etc.; `len` is `${#V}`; `%`/`#` strip suffix/prefix. */
export type ParamOp = ':-' | '-' | ':=' | '=' | ':+' | '+' | ':?' | '?' | 'len' | '%' | '%%' | '#' | '##';

/** A piece of a word; `quoted` parts are neither field-split nor globbed. */
export type WordPart =
  | { readonly type: 'lit'; readonly text: string; readonly quoted: boolean }
  | { readonly type: 'param'; readonly name: string; readonly op?: ParamOp; readonly arg?: Word; readonly quoted: boolean }
  | { readonly type: 'cmdsub'; readonly script: string; readonly quoted: boolean }
  | { readonly type: 'arith'; readonly expr: Word; readonly quoted: boolean };

/** A shell word: its parts, and its source text (for keywords, assignments and messages). */
export interface Word {
  readonly parts: readonly WordPart[];
  readonly raw: string;
}

/** A redirection `[fd]op target`; for `>&`/`<&` the target is an fd number or `-`. */
export interface Redirect {
  readonly fd: number;
  readonly op: '>' | '>>' | '<' | '>&' | '<&' | '<>' | '>|';
  readonly target: Word;
}

/** `NAME=value`. */
export interface Assignment {
  readonly name: string;
  readonly value: Word;
}

/** A command with its redirections. */
export type Command =
  | { readonly type: 'simple'; readonly assigns: readonly Assignment[]; readonly words: readonly Word[]; readonly redirs: readonly Redirect[] }
  | { readonly type: 'brace'; readonly body: List; readonly redirs: readonly Redirect[] }
  | { readonly type: 'subshell'; readonly body: List; readonly redirs: readonly Redirect[] }
  | {
      readonly type: 'if';
      readonly branches: readonly { readonly cond: List; readonly body: List }[];
      readonly orElse?: List;
      readonly redirs: readonly Redirect[];
    }
  | { readonly type: 'loop'; readonly until: boolean; readonly cond: List; readonly body: List; readonly redirs: readonly Redirect[] }
  | { readonly type: 'for'; readonly name: string; readonly items?: readonly Word[]; readonly body: List; readonly redirs: readonly Redirect[] }
  | {
      readonly type: 'case';
      readonly subject: Word;
      readonly arms: readonly { readonly patterns: readonly Word[]; readonly body: List }[];
      readonly redirs: readonly Redirect[];
    }
  | { readonly type: 'function'; readonly name: string; readonly body: Command; readonly redirs: readonly Redirect[] };

/** Commands joined by `|`, optionally negated with `!`. */
export interface Pipeline {
  readonly negate: boolean;
  readonly commands: readonly Command[];
}

/** Pipelines joined by `&&` / `||`. */
export interface AndOr {
  readonly first: Pipeline;
  readonly rest: readonly { readonly op: '&&' | '||'; readonly pipeline: Pipeline }[];
}

/** A sequence of and-or lists, each run in the foreground or (with `&`) the background. */
export interface List {
  readonly items: readonly { readonly andOr: AndOr; readonly background: boolean }[];
}

/** POSIX basic regular expressions translated to JavaScript RegExp source. */

/** A pattern that does not compile; grep/sed print `bad regex '<p>'`. */
export class BadRegex extends Error {}

/**
 * Translates a BRE to ERE/JS syntax: `\( \) \{ \} \| \+ \?` become operators, bare `( ) { } | + ?`
 * become literals. ERE input (extended=true) passes through. O(length).
 */
export function toJsRegexSource(pattern: string, extended: boolean): string {
  if (extended) return pattern;
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      const n = pattern[++i]!;
      out += '(){}|+?'.includes(n) ? n : '\\' + n;
    } else if ('(){}|+?'.includes(c)) out += '\\' + c;
    else out += c;
  }
  return out;
}

/** Compiles a BRE/ERE. @throws BadRegex */
export function compileRegex(pattern: string, extended: boolean, flags: string): RegExp {
  try {
    return new RegExp(toJsRegexSource(pattern, extended), flags);
  } catch {
    throw new BadRegex(`bad regex '${pattern}'`);
  }
}

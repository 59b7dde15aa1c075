/** Path arithmetic for guest paths (always absolute, slash-separated) and shell patterns. */

/** Lexically normalises an absolute path: collapses `//`, `.` and `..` (never above `/`). O(length). */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (!seg || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

/** `path` made absolute against `cwd` and normalised. */
export function resolvePath(cwd: string, path: string): string {
  return normalizePath(path.startsWith('/') ? path : `${cwd}/${path}`);
}

/** The last component ("/a/b/" → "b", "/" → "/"). */
export function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (!trimmed) return path ? '/' : '';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Everything before the last component ("/a/b" → "/a", "b" → ".", "/a" → "/"). */
export function dirName(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (!trimmed) return path ? '/' : '.';
  const i = trimmed.lastIndexOf('/');
  if (i < 0) return '.';
  return trimmed.slice(0, i).replace(/\/+$/, '') || '/';
}

/** Whether a pattern (backslash escapes quoted characters) has unescaped `*`, `?` or `[`. */
export function hasGlobChars(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

/**
 * Compiles a shell pattern (`*`, `?`, `[a-z]`, `[!x]`, backslash escapes) to an anchored RegExp.
 * With `pathname`, wildcards do not match `/`. O(pattern length).
 */
export function patternToRegExp(pattern: string, pathname = false): RegExp {
  const any = pathname ? '[^/]' : '[\\s\\S]';
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) re += escapeRegExp(pattern[++i]!);
    else if (c === '*') re += `${any}*`;
    else if (c === '?') re += any;
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith('!') || body.startsWith('^')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += escapeRegExp(c);
  }
  return new RegExp(`^${re}$`);
}

/** Escapes RegExp metacharacters. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

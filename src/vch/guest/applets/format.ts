/** echo's and printf's escape sequences and printf's conversions, as busybox implements them. */

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/**
 * Interprets backslash escapes (\n \t \\ \0NNN \NNN \xHH; `\c` stops output). `echoOctal`: octal
 * needs a leading 0 as in echo -e. Returns the text and whether \c was seen. O(length).
 */
export function unescape(text: string, echoOctal: boolean): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const n = text[++i]!;
    if (n === 'c') return { text: out, stop: true };
    if (SIMPLE_ESCAPES[n]) out += SIMPLE_ESCAPES[n];
    else if (n === 'x' && /[0-9a-fA-F]/.test(text[i + 1] ?? '')) {
      const m = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(m, 16));
      i += m.length;
    } else if (/[0-7]/.test(n) && (!echoOctal || n === '0')) {
      const digits = /^[0-7]{0,3}/.exec(text.slice(echoOctal ? i + 1 : i))![0];
      out += String.fromCharCode(parseInt(digits || '0', 8) & 255);
      i += echoOctal ? digits.length : digits.length - 1;
    } else out += '\\' + n;
  }
  return { text: out, stop: false };
}

const CONVERSION = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?([diouxXcsfeEgGb%])/g;

/** A printf argument that is not a number; busybox prints `printf: invalid number 'x'`. */
export class InvalidNumber extends Error {}

function toNumber(arg: string | undefined): number {
  if (arg === undefined || arg === '') return 0;
  if (/^['"]/.test(arg)) return arg.codePointAt(1) ?? 0;
  const n = Number(arg.trim());
  if (Number.isNaN(n)) throw new InvalidNumber(`invalid number '${arg}'`);
  return n;
}

function pad(s: string, flags: string, width: number | undefined, numeric: boolean): string {
  if (width === undefined || s.length >= width) return s;
  if (flags.includes('-')) return s.padEnd(width);
  if (flags.includes('0') && numeric) {
    const sign = /^[-+ ]/.test(s) ? s[0]! : '';
    return sign + s.slice(sign.length).padStart(width - sign.length, '0');
  }
  return s.padStart(width);
}

function convert(conv: string, flags: string, precision: number | undefined, arg: string | undefined): string {
  const sign = (n: number, s: string) => (n >= 0 && flags.includes('+') ? '+' + s : n >= 0 && flags.includes(' ') ? ' ' + s : s);
  switch (conv) {
    case 's': return precision === undefined ? arg ?? '' : (arg ?? '').slice(0, precision);
    case 'b': return unescape(arg ?? '', true).text;
    case 'c': return (arg ?? '').slice(0, 1);
    case 'd':
    case 'i': { const n = Math.trunc(toNumber(arg)); return sign(n, String(n)); }
    case 'u': return String(Math.trunc(toNumber(arg)));
    case 'o': return Math.trunc(toNumber(arg)).toString(8);
    case 'x': return Math.trunc(toNumber(arg)).toString(16);
    case 'X': return Math.trunc(toNumber(arg)).toString(16).toUpperCase();
    case 'f': { const n = toNumber(arg); return sign(n, n.toFixed(precision ?? 6)); }
    case 'e':
    case 'E': { const n = toNumber(arg); const s = n.toExponential(precision ?? 6).replace(/e([+-])(\d)$/, 'e$10$2'); return sign(n, conv === 'E' ? s.toUpperCase() : s); }
    default: { const n = toNumber(arg); return sign(n, String(Number(n.toPrecision(precision || 6)))); }
  }
}

/**
 * printf(1): applies `format` to `args`, reusing the format while arguments remain.
 * @throws InvalidNumber for a non-numeric argument of a numeric conversion.
 */
export function printfFormat(format: string, args: readonly string[]): string {
  const fmt = unescape(format, false).text;
  let out = '';
  let next = 0;
  do {
    let consumed = false;
    out += fmt.replace(CONVERSION, (_m, flags: string, w?: string, p?: string, conv = 's') => {
      if (conv === '%') return '%';
      const take = () => {
        consumed = true;
        return args[next++];
      };
      const width = w === '*' ? toNumber(take()) : w === undefined ? undefined : Number(w);
      const precision = p === '*' ? toNumber(take()) : p === undefined ? undefined : Number(p);
      return pad(convert(conv, flags, precision, take()), flags, width, conv !== 's' && conv !== 'c' && conv !== 'b');
    });
    if (!consumed) break;
  } while (next < args.length);
  return out;
}

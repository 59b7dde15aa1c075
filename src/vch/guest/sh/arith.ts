/**
 * Shell arithmetic `$((…))`: integers, + - * / % , comparisons, && || !, unary -, parentheses and
 * variable names (unset or empty = 0). O(expression length).
 */

const BINARY: Record<string, [number, (a: number, b: number) => number]> = {
  '||': [1, (a, b) => Number(a !== 0 || b !== 0)],
  '&&': [2, (a, b) => Number(a !== 0 && b !== 0)],
  '==': [3, (a, b) => Number(a === b)],
  '!=': [3, (a, b) => Number(a !== b)],
  '<': [4, (a, b) => Number(a < b)],
  '<=': [4, (a, b) => Number(a <= b)],
  '>': [4, (a, b) => Number(a > b)],
  '>=': [4, (a, b) => Number(a >= b)],
  '+': [5, (a, b) => a + b],
  '-': [5, (a, b) => a - b],
  '*': [6, (a, b) => a * b],
  '/': [6, (a, b) => divide(a, b, Math.trunc(a / b))],
  '%': [6, (a, b) => divide(a, b, a % b)],
};

/** An arithmetic expression that does not evaluate; the message is ash's. */
export class ArithmeticError extends Error {}

function divide(_a: number, b: number, result: number): number {
  if (b === 0) throw new ArithmeticError('divide by zero');
  return result;
}

/** Evaluates an expanded arithmetic expression; `lookup` reads variables. @throws ArithmeticError */
export function evaluateArithmetic(expr: string, lookup: (name: string) => string | undefined): number {
  const tokens = expr.match(/\s*(\d+|[A-Za-z_][A-Za-z0-9_]*|\|\||&&|==|!=|<=|>=|[-+*/%()<>!])\s*/gy);
  if (expr.trim() === '') return 0;
  if (!tokens || tokens.join('').length !== expr.length) throw new ArithmeticError(`arithmetic syntax error`);
  const toks = tokens.map((t) => t.trim());
  let i = 0;
  const value = (name: string): number => {
    const v = lookup(name);
    if (v === undefined || v === '') return 0;
    if (!/^\s*-?\d+\s*$/.test(v)) throw new ArithmeticError(`arithmetic syntax error`);
    return Number(v);
  };
  const primary = (): number => {
    const t = toks[i++];
    if (t === undefined) throw new ArithmeticError('arithmetic syntax error');
    if (t === '(') {
      const v = binary(0);
      if (toks[i++] !== ')') throw new ArithmeticError('arithmetic syntax error');
      return v;
    }
    if (t === '-') return -primary();
    if (t === '+') return primary();
    if (t === '!') return Number(primary() === 0);
    if (/^\d+$/.test(t)) return Number(t);
    if (/^[A-Za-z_]/.test(t)) return value(t);
    throw new ArithmeticError('arithmetic syntax error');
  };
  const binary = (minPrec: number): number => {
    let left = primary();
    for (let op = toks[i]; op !== undefined && (BINARY[op]?.[0] ?? -1) > minPrec; op = toks[i]) {
      i++;
      const [prec, f] = BINARY[op]!;
      left = Math.trunc(f(left, binary(prec)));
    }
    return left;
  };
  const result = binary(0);
  if (i !== toks.length) throw new ArithmeticError('arithmetic syntax error');
  return result;
}

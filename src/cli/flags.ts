/** Flag parsing shared by the `vicsim` commands: usage errors are VicsimErrors (exit status 2). */
import { VicsimError } from '../sim/errors.js';

/** Parses a whole number ≥ min, or throws a usage error naming the flag. */
export function intFlag(name: string, value: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new VicsimError('InvalidArgument', `--${name} must be a whole number from ${min} to ${max}, got '${value}'`);
  return n;
}

/** Parses a finite number ≥ 0, or throws a usage error naming the flag. */
export function numberFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new VicsimError('InvalidArgument', `--${name} must be a number ≥ 0, got '${value}'`);
  return n;
}

/** One of `allowed`, or a usage error listing them. */
export function choiceFlag<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new VicsimError('InvalidArgument', `--${name} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

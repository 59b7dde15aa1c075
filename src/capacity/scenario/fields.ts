/**
 * zod field types for the human units a scenario is written in. Each accepts the forms of
 * src/sim/units.ts (parseMegabytes, parseBytes, parseDuration, parseMHz) and turns a bad value into
 * one issue that says what was expected and what was given: "expected a size like '256g', got 'lots'".
 */
import { z } from 'zod';
import { parseBytes, parseDuration, parseMegabytes, parseMHz } from '../../sim/units.js';

/** Shows a user's value in a message: strings in single quotes, anything else as JSON. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === undefined) return 'nothing';
  return JSON.stringify(value) ?? String(value);
}

/**
 * A field parsed by `parse` from a string or number; a throw, or a value of another type, becomes
 * the issue `expected <expected>, got <value>`.
 */
export function unitField(expected: string, parse: (text: string | number) => number) {
  return z.unknown().transform((value, ctx) => {
    if (typeof value === 'string' || typeof value === 'number') {
      try {
        return parse(value);
      } catch {
        // fall through to the issue below
      }
    }
    ctx.addIssue({ code: 'custom', message: `expected ${expected}, got ${shown(value)}` });
    return z.NEVER;
  });
}

/** A memory size in whole MB (a bare number means MB): '256g', '512m', 2048. */
export const sizeMB = unitField("a size like '256g'", parseMegabytes);

/** A size in bytes (a bare number means bytes): '16t', '500m'. */
export const sizeBytes = unitField("a size like '16t'", (t) => parseBytes(t));

/** A size per second in bytes per second: '4m' or '4m/s'; a bare number means bytes. */
export const bytesPerSec = unitField("a rate like '4m/s'", (t) => parseBytes(typeof t === 'string' ? t.replace(/\/s(ec)?\s*$/i, '') : t));

/** A duration in ms (a bare number means ms): '30s', '5m', '2h', '1d'. */
export const durationMs = unitField("a duration like '30s', '5m' or '2h'", parseDuration);

/** A frequency in MHz (a bare number means MHz): '2.4GHz', '800MHz'. */
export const frequencyMHz = unitField("a frequency like '2.4GHz' or '800MHz'", parseMHz);

const RATE_RE = /^\s*(\d+(?:\.\d+)?)\s*(?:\/|per)\s*(s|sec|second|m|min|minute|h|hour|d|day)\s*$/i;
const RATE_UNIT_SEC: Record<string, number> = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hour: 3600, d: 86_400, day: 86_400 };

/** Parses an arrival rate such as '30/h', '0.5/s' or '2 per minute' into events per second. */
export function parseRatePerSec(text: string | number): number {
  const m = typeof text === 'string' ? RATE_RE.exec(text) : null;
  if (!m) throw new RangeError(`invalid rate ${text}`);
  return Number(m[1]) / RATE_UNIT_SEC[m[2]!.toLowerCase()]!;
}

/** An arrival rate in events per second, written with its unit: '30/h', '0.5/s'. */
export const ratePerSec = unitField("a rate like '30/h' or '0.5/s'", parseRatePerSec);

/** Parses a fraction: a number in [0, 1] or a percentage string '25%'. */
function parseFraction(value: string | number): number {
  const f = typeof value === 'number' ? value : /^\s*\d+(?:\.\d+)?\s*%\s*$/.test(value) ? Number.parseFloat(value) / 100 : NaN;
  if (!(f >= 0 && f <= 1)) throw new RangeError(`invalid fraction ${value}`);
  return f;
}

/** A fraction in [0, 1]: 0.25 or '25%'. */
export const fraction = unitField("a fraction like 0.25 or '25%'", parseFraction);

/** A limit: 'unlimited' or -1 for none (normalised to -1, as vSphere writes it), else `unit`'s form. */
export function limitOf(expected: string, parse: (text: string | number) => number) {
  return unitField(`'unlimited' or ${expected}`, (v) => (v === 'unlimited' || v === -1 ? -1 : parse(v)));
}

/** A shares setting: 'low', 'normal', 'high' or a positive whole number (custom). */
export const sharesSetting = z.unknown().transform((value, ctx): 'low' | 'normal' | 'high' | number => {
  if (value === 'low' || value === 'normal' || value === 'high') return value;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  ctx.addIssue({ code: 'custom', message: `expected 'low', 'normal', 'high' or a positive whole number, got ${shown(value)}` });
  return z.NEVER;
});

/** A threshold 1 … 5 (DRS migration threshold, DPM threshold). */
export const threshold = z.unknown().transform((value, ctx): 1 | 2 | 3 | 4 | 5 => {
  if (value === 1 || value === 2 || value === 3 || value === 4 || value === 5) return value;
  ctx.addIssue({ code: 'custom', message: `expected a whole number from 1 to 5, got ${shown(value)}` });
  return z.NEVER;
});

/** A whole number ≥ `min`. */
export function wholeNumber(min: number) {
  return z.unknown().transform((value, ctx) => {
    if (typeof value === 'number' && Number.isInteger(value) && value >= min) return value;
    ctx.addIssue({ code: 'custom', message: `expected a whole number ≥ ${min}, got ${shown(value)}` });
    return z.NEVER;
  });
}

/** A finite number in [min, max] (max inclusive unless `maxExclusive`). */
export function boundedNumber(min: number, max: number, maxExclusive = false) {
  const range = `${min} ≤ x ${maxExclusive ? '<' : '≤'} ${max}`;
  return z.unknown().transform((value, ctx) => {
    if (typeof value === 'number' && value >= min && (maxExclusive ? value < max : value <= max)) return value;
    ctx.addIssue({ code: 'custom', message: `expected a number with ${range}, got ${shown(value)}` });
    return z.NEVER;
  });
}

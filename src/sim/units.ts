/**
 * Parsing and formatting of sizes, frequencies and durations, used everywhere a user writes one.
 *
 * Sizes follow docker's `RAMInBytes` and vSphere's convention: every suffix is binary, so "2g",
 * "2GB" and "2GiB" are all 2 × 1024³ bytes, and a vSphere "MB" is a MiB. `formatDecimalSize`
 * writes docker's human sizes (go-units `HumanSize`: powers of 1000, 4 significant digits).
 */
import { InvalidArgumentError } from './errors.js';

/** Bytes in one KiB. */
export const KiB = 1024;
/** Bytes in one MiB (a vSphere "MB"). */
export const MiB = 1024 * KiB;
/** Bytes in one GiB (a vSphere "GB"). */
export const GiB = 1024 * MiB;
/** Bytes in one TiB. */
export const TiB = 1024 * GiB;

const SIZE_RE = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?)(b?)\s*$/i;
const SIZE_POWER: Record<string, number> = { '': 0, k: 1, m: 2, g: 3, t: 4, p: 5 };

/**
 * Parses a size such as "512m", "2g", "1.5GiB", "2048MB" or "1024" into bytes.
 * @param defaultUnit the unit of a bare number: 'b' (bytes, the default) or 'm' (MB, as vSphere flags mean).
 * @throws InvalidArgumentError naming the text when it is not a size.
 */
export function parseBytes(text: string | number, defaultUnit: 'b' | 'm' = 'b'): number {
  if (typeof text === 'number') return checkSize(Math.round(text * (defaultUnit === 'm' ? MiB : 1)), String(text));
  const m = SIZE_RE.exec(text);
  if (!m) throw new InvalidArgumentError('size', `invalid size: '${text}'`);
  const [, num = '', unit = '', i = '', b = ''] = m;
  if (i && !unit) throw new InvalidArgumentError('size', `invalid size: '${text}'`);
  const bare = !unit && !b;
  const power = bare && defaultUnit === 'm' ? 2 : SIZE_POWER[unit.toLowerCase()]!;
  return checkSize(Math.round(Number(num) * 1024 ** power), text);
}

/** Parses a size into whole MB (MiB), rounding up; a bare number means MB. */
export function parseMegabytes(text: string | number): number {
  return Math.ceil(parseBytes(text, 'm') / MiB);
}

function checkSize(bytes: number, text: string): number {
  if (!Number.isFinite(bytes) || bytes < 0 || bytes > Number.MAX_SAFE_INTEGER) {
    throw new InvalidArgumentError('size', `invalid size: '${text}'`);
  }
  return bytes;
}

const FREQ_RE = /^\s*(\d+(?:\.\d+)?)\s*(hz|khz|mhz|ghz)?\s*$/i;
const FREQ_MHZ: Record<string, number> = { hz: 1e-6, khz: 1e-3, mhz: 1, ghz: 1000 };

/** Parses a frequency such as "2.4GHz", "2400MHz" or "2400" (MHz) into MHz. */
export function parseMHz(text: string | number): number {
  if (typeof text === 'number') {
    if (!(text >= 0) || !Number.isFinite(text)) throw new InvalidArgumentError('frequency', `invalid frequency: ${text}`);
    return text;
  }
  const m = FREQ_RE.exec(text);
  if (!m) throw new InvalidArgumentError('frequency', `invalid frequency: '${text}'`);
  return Number(m[1]) * FREQ_MHZ[(m[2] ?? 'mhz').toLowerCase()]!;
}

const DURATION_RE = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a duration such as "100ms", "30s", "5m", "1h", "2d" or a number of ms into milliseconds. */
export function parseDuration(text: string | number): number {
  if (typeof text === 'number') {
    if (!(text >= 0) || !Number.isFinite(text)) throw new InvalidArgumentError('duration', `invalid duration: ${text}`);
    return text;
  }
  const m = DURATION_RE.exec(text);
  if (!m) throw new InvalidArgumentError('duration', `invalid duration: '${text}'`);
  return Number(m[1]) * DURATION_MS[(m[2] ?? 'ms').toLowerCase()]!;
}

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Formats bytes with binary units: 2147483648 → "2 GiB", 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < BINARY_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${trim(v)} ${BINARY_UNITS[u]}`;
}

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** Formats bytes as docker does (powers of 1000, 4 significant digits): 1024 → "1.024kB". */
export function formatDecimalSize(bytes: number): string {
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < DECIMAL_UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  return `${Number(v.toPrecision(4))}${DECIMAL_UNITS[u]}`;
}

/** Formats MHz: 2400 → "2.4 GHz", 800 → "800 MHz". */
export function formatMHz(mhz: number): string {
  return mhz >= 1000 ? `${trim(mhz / 1000)} GHz` : `${trim(mhz)} MHz`;
}

/** Formats milliseconds compactly: 250 → "250ms", 1500 → "1.5s", 3_723_000 → "1h2m3s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${trim(ms)}ms`;
  if (ms < 60_000) return `${trim(ms / 1000)}s`;
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ''}${m || h ? `${m}m` : ''}${s}s`;
}

function trim(v: number): string {
  return String(Math.round(v * 100) / 100);
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/sim/errors.js';
import {
  GiB,
  KiB,
  MiB,
  TiB,
  formatBytes,
  formatDecimalSize,
  formatDuration,
  formatMHz,
  parseBytes,
  parseDuration,
  parseMHz,
  parseMegabytes,
} from '../../src/sim/units.js';

describe('size constants', () => {
  it('are powers of 1024', () => {
    expect([KiB, MiB, GiB, TiB]).toEqual([1024, 1024 ** 2, 1024 ** 3, 1024 ** 4]);
  });
});

describe('parseBytes', () => {
  it.each([
    ['512m', 512 * MiB],
    ['2g', 2 * GiB],
    ['2G', 2 * GiB],
    ['2GB', 2 * GiB],
    ['2GiB', 2 * GiB],
    ['2gi', 2 * GiB],
    ['1.5k', 1536],
    ['1.5KiB', 1536],
    ['2048MB', 2 * GiB],
    ['1 GB', GiB],
    [' 3t ', 3 * TiB],
    ['1p', 1024 * TiB],
    ['1024', 1024],
    ['1024b', 1024],
    ['0', 0],
  ])('reads %j as %d bytes', (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes);
  });

  it('reads a bare number as MB when the default unit is m, as vSphere flags do', () => {
    expect(parseBytes('512', 'm')).toBe(512 * MiB);
    expect(parseBytes(2048, 'm')).toBe(2 * GiB);
    expect(parseBytes('512b', 'm')).toBe(512);
    expect(parseBytes('1g', 'm')).toBe(GiB);
  });

  it('takes a number as bytes by default', () => {
    expect(parseBytes(4096)).toBe(4096);
  });

  it('rounds fractions to whole bytes, for text and numbers alike', () => {
    expect(parseBytes('1.0005k')).toBe(1025);
    expect(parseBytes(1.5)).toBe(2);
    expect(parseBytes(0.3, 'm')).toBe(Math.round(0.3 * MiB));
  });

  it.each(['', 'abc', '12x', '-1', '1e3', 'g', '2ib', '1.5.5m', '.5g', '5 m b', '2kk'])(
    'refuses %j, quoting the text',
    (text) => {
      expect(() => parseBytes(text)).toThrow(InvalidArgumentError);
      expect(() => parseBytes(text)).toThrow(`invalid size: '${text}'`);
    },
  );

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60])('refuses the number %s', (n) => {
    expect(() => parseBytes(n)).toThrow(InvalidArgumentError);
  });

  it('refuses a size too large to count in bytes exactly', () => {
    expect(() => parseBytes('9000000p')).toThrow("invalid size: '9000000p'");
  });
});

describe('parseMegabytes', () => {
  it('reads a bare number as MB', () => {
    expect(parseMegabytes('2048')).toBe(2048);
    expect(parseMegabytes(512)).toBe(512);
  });

  it('converts other units to MB', () => {
    expect(parseMegabytes('2g')).toBe(2048);
    expect(parseMegabytes('2GiB')).toBe(2048);
  });

  it('rounds up to a whole MB', () => {
    expect(parseMegabytes('1.5k')).toBe(1);
    expect(parseMegabytes('1025k')).toBe(2);
    expect(parseMegabytes('1b')).toBe(1);
    expect(parseMegabytes('0')).toBe(0);
  });

  it('refuses junk, quoting it', () => {
    expect(() => parseMegabytes('lots')).toThrow("invalid size: 'lots'");
  });
});

describe('parseMHz', () => {
  it.each([
    ['2.4GHz', 2400],
    ['2.4 ghz', 2400],
    ['2400MHz', 2400],
    ['2400', 2400],
    ['500kHz', 0.5],
    ['1000000Hz', 1],
  ])('reads %j as %d MHz', (text, mhz) => {
    expect(parseMHz(text)).toBeCloseTo(mhz, 9);
  });

  it('takes a number as MHz', () => {
    expect(parseMHz(1800)).toBe(1800);
  });

  it.each(['fast', '2.4 GHzz', '-1MHz', ''])('refuses %j, quoting the text', (text) => {
    expect(() => parseMHz(text)).toThrow(`invalid frequency: '${text}'`);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses the number %s', (n) => {
    expect(() => parseMHz(n)).toThrow(InvalidArgumentError);
  });
});

describe('parseDuration', () => {
  it.each([
    ['100ms', 100],
    ['30s', 30_000],
    ['1.5s', 1_500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['250', 250],
    [' 2 S ', 2_000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('takes a number as milliseconds', () => {
    expect(parseDuration(42)).toBe(42);
  });

  it.each(['soon', '1w', '-5s', '5 s s', ''])('refuses %j, quoting the text', (text) => {
    expect(() => parseDuration(text)).toThrow(`invalid duration: '${text}'`);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses the number %s', (n) => {
    expect(() => parseDuration(n)).toThrow(InvalidArgumentError);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1536, '1.5 KiB'],
    [2 * GiB, '2 GiB'],
    [1.25 * TiB, '1.25 TiB'],
    [3 * 1024 * TiB, '3 PiB'],
    [4096 * 1024 * TiB, '4096 PiB'],
  ])('writes %d bytes as %j', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('reads back within half a percent of the original size (property)', () => {
    // Capped at 2^52: sizes just under 2^53 print as "8 PiB", one byte more than parseBytes accepts.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 52 }), (bytes) => {
        const back = parseBytes(formatBytes(bytes));
        expect(Math.abs(back - bytes)).toBeLessThanOrEqual(Math.max(1, bytes * 0.005));
      }),
      { numRuns: 300 },
    );
  });

  it('reads back exactly what parseBytes read from a whole number of units (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1023 }), fc.constantFrom('', 'k', 'm', 'g', 't'), (n, unit) => {
        const bytes = parseBytes(`${n}${unit}`);
        expect(parseBytes(formatBytes(bytes))).toBe(bytes);
      }),
      { numRuns: 200 },
    );
  });
});

describe('formatDecimalSize (docker HumanSize)', () => {
  it.each([
    [0, '0B'],
    [999, '999B'],
    [1000, '1kB'],
    [1024, '1.024kB'],
    [2048, '2.048kB'],
    [1_000_000, '1MB'],
    [123_456_789, '123.5MB'],
    [999_999, '1000kB'],
    [2 * GiB, '2.147GB'],
    [1e15, '1PB'],
  ])('writes %d bytes as %j', (bytes, text) => {
    expect(formatDecimalSize(bytes)).toBe(text);
  });
});

describe('formatMHz', () => {
  it.each([
    [800, '800 MHz'],
    [2400, '2.4 GHz'],
    [1000, '1 GHz'],
    [2666.667, '2.67 GHz'],
  ])('writes %d MHz as %j', (mhz, text) => {
    expect(formatMHz(mhz)).toBe(text);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [250, '250ms'],
    [1_500, '1.5s'],
    [59_000, '59s'],
    [60_000, '1m0s'],
    [90_000, '1m30s'],
    [3_723_000, '1h2m3s'],
    [3_600_000, '1h0m0s'],
    [3_599_999, '1h0m0s'],
    [119_600, '2m0s'],
    [90_000_000, '25h0m0s'],
  ])('writes %d ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('never writes 60 seconds or 60 minutes in a compound duration (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 60_000, max: 10 * 86_400_000 }), (ms) => {
        const [, h = '0', m = '0', s = '0'] = /^(?:(\d+)h)?(?:(\d+)m)?(\d+)s$/.exec(formatDuration(ms)) ?? [];
        expect(Number(m)).toBeLessThan(60);
        expect(Number(s)).toBeLessThan(60);
        expect(Math.abs(Number(h) * 3_600_000 + Number(m) * 60_000 + Number(s) * 1000 - ms)).toBeLessThanOrEqual(500);
      }),
      { numRuns: 300 },
    );
  });
});

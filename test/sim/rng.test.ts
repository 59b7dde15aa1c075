import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/sim/errors.js';
import { Rng, hash32 } from '../../src/sim/rng.js';

/** `n` draws of `draw` from `rng`. */
function draws<T>(rng: Rng, n: number, draw: (r: Rng) => T = (r) => r.next() as T): T[] {
  return Array.from({ length: n }, () => draw(rng));
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function sd(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
}

describe('Rng seeding', () => {
  it('yields the same sequence for the same seed', () => {
    expect(draws(Rng.seeded(42), 100)).toEqual(draws(Rng.seeded(42), 100));
  });

  it('yields different sequences for different seeds', () => {
    expect(draws(Rng.seeded(1), 10)).not.toEqual(draws(Rng.seeded(2), 10));
  });

  it('draws floats in [0, 1)', () => {
    for (const x of draws(Rng.seeded(3), 2_000)) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses a seed of %s', (seed) => {
    expect(() => Rng.seeded(seed)).toThrow(InvalidArgumentError);
  });
});

describe('Rng state', () => {
  it('continues identically after a state() / fromState() round trip', () => {
    const rng = Rng.seeded(7);
    draws(rng, 13);
    const restored = Rng.fromState(rng.state());
    expect(draws(restored, 50)).toEqual(draws(rng, 50));
  });

  it('round-trips through JSON, as a saved model does', () => {
    const rng = Rng.seeded(-99);
    draws(rng, 5);
    const restored = Rng.fromState(JSON.parse(JSON.stringify(rng.state())) as number[]);
    expect(draws(restored, 20, (r) => r.int(0, 1_000_000))).toEqual(draws(rng, 20, (r) => r.int(0, 1_000_000)));
  });

  it('hands out a copy of its state that later draws do not change', () => {
    const rng = Rng.seeded(8);
    const saved = rng.state();
    const copy = [...saved];
    draws(rng, 10);
    expect(saved).toEqual(copy);
    expect(rng.state()).not.toEqual(saved);
  });

  it.each([[[1, 2, 3]], [[1, 2, 3, 4, 5]], [[1, 2, 3, 4.5]], [[1, 2, Number.NaN, 4]]])('refuses the state %j', (state) => {
    expect(() => Rng.fromState(state)).toThrow(InvalidArgumentError);
  });
});

describe('Rng fork', () => {
  it('gives the same stream for the same label forked at the same point', () => {
    expect(draws(Rng.seeded(5).fork('drs'), 20)).toEqual(draws(Rng.seeded(5).fork('drs'), 20));
  });

  it('gives different streams for different labels', () => {
    const rng = Rng.seeded(5);
    expect(draws(rng.fork('drs'), 10)).not.toEqual(draws(rng.fork('guest'), 10));
  });

  it('gives a stream different from its parent', () => {
    const rng = Rng.seeded(5);
    expect(draws(rng.fork('x'), 10)).not.toEqual(draws(Rng.seeded(5), 10));
  });

  it('does not consume from its parent', () => {
    const forked = Rng.seeded(11);
    forked.fork('a');
    forked.fork('b');
    expect(draws(forked, 20)).toEqual(draws(Rng.seeded(11), 20));
  });

  it('is independent of draws the parent makes after the fork', () => {
    const parent = Rng.seeded(12);
    const child = parent.fork('child');
    draws(parent, 100);
    expect(draws(child, 20)).toEqual(draws(Rng.seeded(12).fork('child'), 20));
  });

  it('forks the same stream from a restored generator as from the original', () => {
    const rng = Rng.seeded(13);
    draws(rng, 3);
    const restored = Rng.fromState(rng.state());
    expect(draws(restored.fork('host-1'), 10)).toEqual(draws(rng.fork('host-1'), 10));
  });
});

describe('Rng.int', () => {
  it('stays within both inclusive bounds and returns integers (property)', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (seed, lo, span) => {
          const rng = Rng.seeded(seed);
          for (const x of draws(rng, 20, (r) => r.int(lo, lo + span))) {
            expect(Number.isInteger(x)).toBe(true);
            expect(x).toBeGreaterThanOrEqual(lo);
            expect(x).toBeLessThanOrEqual(lo + span);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reaches both ends of a small range', () => {
    const seen = new Set(draws(Rng.seeded(21), 200, (r) => r.int(-1, 1)));
    expect([...seen].sort()).toEqual([-1, 0, 1]);
  });

  it('returns the only value of a one-value range', () => {
    expect(new Set(draws(Rng.seeded(22), 50, (r) => r.int(9, 9)))).toEqual(new Set([9]));
  });

  it.each([
    [5, 4],
    [0, Number.NaN],
  ])('refuses the empty range [%s, %s]', (lo, hi) => {
    expect(() => Rng.seeded(1).int(lo, hi)).toThrow(InvalidArgumentError);
  });
});

describe('Rng distributions', () => {
  it('picks every element of a list about equally often', () => {
    const items = ['a', 'b', 'c', 'd'] as const;
    const picks = draws(Rng.seeded(31), 4_000, (r) => r.pick(items));
    for (const item of items) {
      const share = picks.filter((p) => p === item).length / picks.length;
      expect(share).toBeGreaterThan(0.22);
      expect(share).toBeLessThan(0.28);
    }
  });

  it('refuses to pick from an empty list', () => {
    expect(() => Rng.seeded(1).pick([])).toThrow(InvalidArgumentError);
  });

  it('comes out true with about the probability asked for', () => {
    const hits = draws(Rng.seeded(32), 4_000, (r) => r.chance(0.3)).filter(Boolean).length;
    expect(hits / 4_000).toBeCloseTo(0.3, 1);
    expect(draws(Rng.seeded(33), 200, (r) => r.chance(0)).some(Boolean)).toBe(false);
    expect(draws(Rng.seeded(34), 200, (r) => r.chance(1)).every(Boolean)).toBe(true);
  });

  it('draws exponential values that are non-negative, finite and average the requested mean', () => {
    const xs = draws(Rng.seeded(35), 4_000, (r) => r.exponential(250));
    expect(xs.every((x) => x >= 0 && Number.isFinite(x))).toBe(true);
    expect(mean(xs)).toBeGreaterThan(250 * 0.95);
    expect(mean(xs)).toBeLessThan(250 * 1.05);
  });

  it('draws normal values with the requested mean and standard deviation', () => {
    const xs = draws(Rng.seeded(36), 4_000, (r) => r.normal(100, 15));
    expect(xs.every(Number.isFinite)).toBe(true);
    expect(Math.abs(mean(xs) - 100)).toBeLessThan(1);
    expect(Math.abs(sd(xs) - 15)).toBeLessThan(0.75);
  });
});

describe('hash32', () => {
  it('computes FNV-1a 32 as a signed integer', () => {
    expect(hash32('') >>> 0).toBe(0x811c9dc5);
    expect(hash32('a') >>> 0).toBe(0xe40c292c);
    expect(hash32('foobar') >>> 0).toBe(0xbf9cf968);
    expect(hash32('foobar')).toBe(0xbf9cf968 | 0);
  });
});

/**
 * Seeded random numbers (xoroshiro128+ from pure-rand, which fast-check already brings).
 * The model never calls Math.random: every random choice draws from an Rng derived from the seed.
 */
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import { InvalidArgumentError } from './errors.js';

/** A deterministic random source. Same seed, same sequence. */
export class Rng {
  #gen: JumpableRandomGenerator;

  private constructor(gen: JumpableRandomGenerator) {
    this.#gen = gen;
  }

  /** A generator seeded with a 32-bit integer seed. */
  static seeded(seed: number): Rng {
    if (!Number.isInteger(seed)) throw new InvalidArgumentError('seed', `seed must be an integer, got ${seed}`);
    return new Rng(xoroshiro128plus(seed | 0));
  }

  /** A generator restored from {@link state}. */
  static fromState(state: readonly number[]): Rng {
    if (state.length !== 4 || !state.every(Number.isInteger)) {
      throw new InvalidArgumentError('state', 'random generator state must be 4 integers');
    }
    return new Rng(xoroshiro128plusFromState(state));
  }

  /** The generator's state, for save and restore. */
  state(): number[] {
    return [...this.#gen.getState()];
  }

  /** A float in [0, 1). */
  next(): number {
    return uniformFloat64(this.#gen);
  }

  /** An integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    if (!(hi >= lo)) throw new InvalidArgumentError('range', `empty range [${lo}, ${hi}]`);
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new InvalidArgumentError('items', 'cannot pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** An exponentially distributed value with the given mean (Poisson inter-arrival times). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** A normally distributed value (Box-Muller). */
  normal(mean: number, sd: number): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * An independent stream named by `label`, derived from this generator's current state without
   * consuming from it: the same label forked at the same point (same seed, same draws before)
   * yields the same stream, and later draws from this generator do not change it. Draws made
   * before the fork do change it, so fork streams before drawing when they must not depend on
   * how much was drawn.
   */
  fork(label: string): Rng {
    const [a = 0, b = 0] = this.#gen.getState();
    return Rng.seeded(hash32(`${a}:${b}:${label}`));
  }
}

/** FNV-1a 32-bit hash of a string, as a signed 32-bit integer. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

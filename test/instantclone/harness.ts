/**
 * Test harness: random fork/freeze/write/destroy programs run in lockstep on an extent pool, an exact
 * pool and a naive reference model in which a fork copies every page (what copy-on-write must look like).
 */
import fc from 'fast-check';
import { ExactMemoryPool, ExtentMemoryPool } from '../../src/instantclone/index.js';
import type { ImageId, MemoryPoolOptions } from '../../src/instantclone/index.js';

/** One step of a program; `who` picks a live image by position (modulo the number alive). */
export type Step =
  | { readonly kind: 'create'; readonly pages: number }
  | { readonly kind: 'fork'; readonly who: number }
  | { readonly kind: 'freeze'; readonly who: number }
  | { readonly kind: 'write'; readonly who: number; readonly first: number; readonly count: number; readonly zero: boolean }
  | { readonly kind: 'destroy'; readonly who: number }
  /** Writes again the content of an earlier write (`which` picks it), as a second VM loading the same pages. */
  | { readonly kind: 'copy'; readonly who: number; readonly which: number; readonly first: number; readonly count: number };

/** Programs that start with a create, then up to `maxSteps` steps, over images of up to `maxPages` pages. */
export function programs(maxSteps = 50, maxPages = 48): fc.Arbitrary<Step[]> {
  const who = fc.nat(1000);
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('create' as const), pages: fc.integer({ min: 1, max: maxPages }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('fork' as const), who }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('freeze' as const), who }) },
    {
      weight: 6,
      arbitrary: fc.record({ kind: fc.constant('write' as const), who, first: fc.nat(1000), count: fc.integer({ min: 1, max: 16 }), zero: fc.boolean() }),
    },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('destroy' as const), who }) },
    {
      weight: 3,
      arbitrary: fc.record({ kind: fc.constant('copy' as const), who, which: fc.nat(1000), first: fc.nat(1000), count: fc.integer({ min: 1, max: 24 }) }),
    },
  );
  const create: fc.Arbitrary<Step> = fc.record({ kind: fc.constant('create' as const), pages: fc.integer({ min: 1, max: maxPages }) });
  return fc.tuple(create, fc.array(step, { maxLength: maxSteps })).map(([first, rest]) => [first, ...rest]);
}

/** A naive image: every page's tag, copied whole on fork. */
interface NaiveImage {
  readonly tags: Float64Array;
  frozen: boolean;
}

/** The three implementations side by side. */
export class Lockstep {
  readonly extent: ExtentMemoryPool;
  readonly exact: ExactMemoryPool;
  readonly naive = new Map<ImageId, NaiveImage>();
  /** Live images, in creation order. */
  readonly alive: ImageId[] = [];
  /** Content tags written so far. */
  readonly tags: number[] = [];

  constructor(options: MemoryPoolOptions = {}) {
    this.extent = new ExtentMemoryPool(options);
    this.exact = new ExactMemoryPool(options);
  }

  /** Applies a step to all three; returns the image it acted on, or undefined if none was alive. */
  apply(step: Step): ImageId | undefined {
    if (step.kind === 'create') {
      const id = this.extent.create(step.pages);
      expectSame(this.exact.create(step.pages), id);
      this.naive.set(id, { tags: new Float64Array(step.pages), frozen: false });
      this.alive.push(id);
      return id;
    }
    if (this.alive.length === 0) return undefined;
    const id = this.alive[step.who % this.alive.length]!;
    const image = this.naive.get(id)!;
    if (step.kind === 'fork') {
      const child = this.extent.fork(id);
      expectSame(this.exact.fork(id), child);
      this.naive.set(child, { tags: image.tags.slice(), frozen: false });
      this.alive.push(child);
    } else if (step.kind === 'freeze') {
      if (image.frozen) return id;
      this.extent.freeze(id);
      this.exact.freeze(id);
      image.frozen = true;
    } else if (step.kind === 'write' || step.kind === 'copy') {
      if (image.frozen) return id;
      const first = step.first % image.tags.length;
      const count = Math.min(step.count, image.tags.length - first);
      const content = step.kind === 'copy' && this.tags.length > 0 ? this.tags[step.which % this.tags.length] : undefined;
      let tag = 0;
      if (step.kind === 'write' && step.zero) {
        this.extent.writeZero(id, first, count);
        this.exact.writeZero(id, first, count);
      } else {
        tag = this.extent.write(id, first, count, content);
        expectSame(this.exact.write(id, first, count, content), tag);
        if (content === undefined) this.tags.push(tag);
      }
      image.tags.fill(tag, first, first + count);
    } else {
      this.destroy(id);
    }
    return id;
  }

  /** Destroys one image everywhere. */
  destroy(id: ImageId): void {
    this.extent.destroy(id);
    this.exact.destroy(id);
    this.naive.delete(id);
    this.alive.splice(this.alive.indexOf(id), 1);
  }
}

function expectSame(a: number, b: number): void {
  if (a !== b) throw new Error(`the two pools diverged: ${a} vs ${b}`);
}

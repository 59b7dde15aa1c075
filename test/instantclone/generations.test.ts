import { describe, expect, it } from 'vitest';
import { DEFAULT_CALIBRATION, calibrate } from '../../src/sim/calibration.js';
import { GiB, KiB, MiB, TiB } from '../../src/sim/units.js';
import { ExactMemoryPool, ExtentMemoryPool, GenerationLimitError } from '../../src/instantclone/index.js';
import type { MemoryImages, MemoryPoolOptions } from '../../src/instantclone/index.js';

const modes: [string, (options?: MemoryPoolOptions) => MemoryImages][] = [
  ['extent', (options) => new ExtentMemoryPool(options)],
  ['exact', (options) => new ExactMemoryPool(options)],
];

describe.each(modes)('memory images in %s mode', (_mode, makePool) => {
  it('let a clone read its template until it writes, then keep the write to itself', () => {
    const pool = makePool();
    const template = pool.create(64);
    const base = pool.write(template, 0, 32);
    pool.freeze(template);
    const clone = pool.fork(template);
    expect(pool.read(clone, 5)).toBe(base);
    const own = pool.write(clone, 5, 1);
    expect(pool.read(clone, 5)).toBe(own);
    expect(pool.read(template, 5)).toBe(base);
    expect(pool.counters(clone)).toMatchObject({ privatePages: 1, sharedPages: 31, zeroPages: 32 });
    expect(pool.totals().cowEvents).toBe(1);
  });

  it('isolate the writes of a running source and its child both ways, and reach grandchildren', () => {
    const pool = makePool();
    const source = pool.create(16);
    const first = pool.write(source, 0, 8);
    const child = pool.fork(source);
    const bySource = pool.write(source, 1, 1);
    const byChild = pool.write(child, 2, 1);
    expect([pool.read(source, 1), pool.read(source, 2)]).toEqual([bySource, first]);
    expect([pool.read(child, 1), pool.read(child, 2)]).toEqual([first, byChild]);
    const grandchild = pool.fork(child);
    expect([pool.read(grandchild, 1), pool.read(grandchild, 2), pool.read(grandchild, 3)]).toEqual([first, byChild, first]);
    expect(pool.counters(grandchild).depth).toBe(2);
  });

  it('count a copy-on-write event only on the first write to a shared page', () => {
    const pool = makePool();
    const source = pool.create(8);
    pool.write(source, 0, 4);
    const child = pool.fork(source);
    pool.write(child, 0, 2);
    pool.write(child, 0, 2);
    pool.write(child, 6, 2);
    expect(pool.totals().cowEvents).toBe(2);
  });

  it('give every clone of a frozen template depth 1 without deepening the template', () => {
    const pool = makePool();
    const template = pool.create(4);
    pool.freeze(template);
    const clones = Array.from({ length: 5 }, () => pool.fork(template));
    expect(clones.map((c) => pool.counters(c).depth)).toEqual([1, 1, 1, 1, 1]);
    expect(pool.counters(template).depth).toBe(1);
  });

  it('add a generation to both sides on each fork of a running source', () => {
    const pool = makePool();
    const source = pool.create(4);
    const a = pool.fork(source);
    const b = pool.fork(source);
    expect([pool.counters(source).depth, pool.counters(a).depth, pool.counters(b).depth]).toEqual([2, 1, 2]);
  });

  it('warn above 100 generations and refuse the fork that would reach 255, changing nothing', () => {
    const warnings: number[] = [];
    const pool = makePool({ onGenerationWarning: (_image, depth) => warnings.push(depth) });
    const source = pool.create(2);
    for (let i = 0; i < 254; i++) pool.fork(source);
    expect(pool.counters(source).depth).toBe(254);
    expect(warnings).toEqual(Array.from({ length: 154 }, (_, i) => 101 + i));
    const before = pool.totals();
    expect(() => pool.fork(source)).toThrow(GenerationLimitError);
    expect(() => pool.freeze(source)).toThrow(expect.objectContaining({ code: 'TooManySnapshotLevels', depth: 255 }));
    expect(pool.totals()).toEqual(before);
    expect(DEFAULT_CALIBRATION.cloneGenerations).toEqual({ warnAbove: 100, failAt: 255 });
  });

  it('take the generation limits from the calibration', () => {
    const pool = makePool({ calibration: calibrate({ cloneGenerations: { warnAbove: 1, failAt: 3 } }) });
    const source = pool.create(2);
    pool.fork(source);
    pool.fork(source);
    expect(() => pool.fork(source)).toThrow(GenerationLimitError);
  });

  it('keep a destroyed template\'s pages alive for its clones until the last one goes', () => {
    const pool = makePool();
    const template = pool.create(100);
    const content = pool.write(template, 0, 100);
    pool.freeze(template);
    const a = pool.fork(template);
    const b = pool.fork(template);
    pool.write(b, 0, 10);
    pool.destroy(template);
    expect(pool.read(a, 50)).toBe(content);
    expect(pool.totals()).toMatchObject({ physicalPages: 110, sharedPages: 100, generations: 1, references: 2 });
    pool.destroy(a);
    expect(pool.counters(b)).toMatchObject({ privatePages: 100, sharedPages: 0, depth: 0 });
    expect(pool.totals()).toMatchObject({ physicalPages: 100, generations: 0, references: 0 });
    pool.destroy(b);
    expect(pool.totals()).toMatchObject({ physicalPages: 0, layers: 0 });
  });

  it('free exactly the private pages of a destroyed clone while its template lives', () => {
    const pool = makePool();
    const template = pool.create(64);
    pool.write(template, 0, 40);
    pool.freeze(template);
    const clones = [pool.fork(template), pool.fork(template)];
    pool.write(clones[0]!, 30, 20);
    const before = pool.totals().physicalPages;
    const freed = pool.counters(clones[0]!).privatePages;
    pool.destroy(clones[0]!);
    expect(freed).toBe(20);
    expect(pool.totals().physicalPages).toBe(before - freed);
  });

  it('turn an unshared template\'s pages shared on its first clone and private again when the last clone goes', () => {
    const pool = makePool();
    const template = pool.create(64);
    pool.write(template, 0, 50);
    pool.freeze(template);
    expect(pool.counters(template)).toMatchObject({ privatePages: 50, sharedPages: 0 });
    const clone = pool.fork(template);
    expect(pool.counters(template)).toMatchObject({ privatePages: 0, sharedPages: 50 });
    pool.destroy(clone);
    expect(pool.counters(template)).toMatchObject({ privatePages: 50, sharedPages: 0 });
  });

  it('refuse writes to a frozen template and name unknown images', () => {
    const pool = makePool();
    const template = pool.create(4);
    pool.freeze(template);
    expect(() => pool.write(template, 0, 1)).toThrow(expect.objectContaining({ code: 'InvalidState' }));
    expect(() => pool.freeze(template)).toThrow(expect.objectContaining({ code: 'InvalidState' }));
    expect(() => pool.read(99, 0)).toThrow(expect.objectContaining({ code: 'ManagedObjectNotFound' }));
    expect(() => pool.write(pool.create(4), 3, 2)).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
  });

  it('dirty a whole 2 MiB granule for a 4 KiB write when backed by large pages', () => {
    const pool = makePool({ largePages: true });
    expect(pool.granuleBytes).toBe(2 * MiB);
    const template = pool.createBytes(64 * MiB);
    pool.writeBytes(template, 0, 64 * MiB);
    pool.freeze(template);
    const clone = pool.fork(template);
    pool.writeBytes(clone, 12 * KiB, 4 * KiB);
    expect(pool.counters(clone)).toMatchObject({ pages: 32, privatePages: 1, sharedPages: 31 });
  });

  it('zero whole granules of a zero write and write the partly covered ones', () => {
    const pool = makePool({ granuleBytes: 8 * KiB });
    const image = pool.createBytes(64 * KiB);
    pool.writeBytes(image, 0, 64 * KiB);
    pool.writeBytes(image, 4 * KiB, 24 * KiB, true);
    expect(pool.counters(image)).toMatchObject({ residentPages: 6, zeroPages: 2 });
  });
});

describe('memory images in extent mode', () => {
  it('cost what the guest writes, not what it is configured with: a 1 TiB clone holds a few extents', () => {
    const pool = new ExtentMemoryPool();
    const template = pool.createBytes(TiB);
    pool.writeBytes(template, 0, 256 * MiB);
    pool.freeze(template);
    const clone = pool.fork(template);
    pool.writeBytes(clone, 100 * GiB, 16 * MiB);
    pool.writeBytes(clone, 0, 4 * KiB);
    expect(pool.ownExtents(clone)).toBe(2);
    expect(pool.counters(clone).privatePages).toBe(4097);
  });
});

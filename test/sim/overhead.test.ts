import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/sim/errors.js';
import { OVERHEAD_TABLE, overheadMB } from '../../src/sim/overhead.js';

/** Every (memory, vCPUs, overhead) cell of the guide's table. */
const CELLS = OVERHEAD_TABLE.flatMap((row) =>
  Object.entries(row.byCpus).map(([cpus, mb]) => [row.memoryMB, Number(cpus), mb] as const),
);

const memoryArb = fc.double({ min: 1, max: 6 * 1024 * 1024, noNaN: true });
const cpusArb = fc.integer({ min: 1, max: 128 });

describe('OVERHEAD_TABLE', () => {
  it('holds the seven cells of the Resource Management guide', () => {
    expect(CELLS).toEqual([
      [256, 1, 20.29],
      [1024, 1, 25.9],
      [1024, 2, 29.91],
      [4096, 1, 48.64],
      [4096, 2, 52.72],
      [16384, 1, 139.62],
      [16384, 8, 168.6],
    ]);
  });
});

describe('overheadMB', () => {
  it.each(CELLS)('reproduces the cell %d MB / %d vCPU = %d MB exactly', (memoryMB, cpus, mb) => {
    expect(Math.abs(overheadMB(memoryMB, cpus) - mb)).toBeLessThan(1e-9);
  });

  it('gives about 37.5 MB for the VIC default of 2048 MB and 2 vCPUs', () => {
    expect(Math.abs(overheadMB(2048, 2) - 37.5)).toBeLessThanOrEqual(0.1);
  });

  it('interpolates linearly between rows of the 1-vCPU column', () => {
    expect(overheadMB(640, 1)).toBeCloseTo((20.29 + 25.9) / 2, 9);
    expect(overheadMB(10240, 1)).toBeCloseTo((48.64 + 139.62) / 2, 9);
  });

  it('extrapolates beyond the largest row', () => {
    const slope = (139.62 - 48.64) / (16384 - 4096);
    expect(overheadMB(32768, 1)).toBeCloseTo(139.62 + slope * 16384, 9);
  });

  it('stays positive down to tiny VMs', () => {
    expect(overheadMB(1, 1)).toBeGreaterThan(0);
    expect(overheadMB(0.5, 64)).toBeGreaterThan(0);
  });

  it('grows with configured memory (property)', () => {
    fc.assert(
      fc.property(memoryArb, memoryArb, cpusArb, (a, b, cpus) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(overheadMB(lo, cpus)).toBeLessThanOrEqual(overheadMB(hi, cpus));
        if (hi - lo >= 1) expect(overheadMB(lo, cpus)).toBeLessThan(overheadMB(hi, cpus));
      }),
      { numRuns: 300 },
    );
  });

  it('grows with the number of vCPUs (property)', () => {
    fc.assert(
      fc.property(memoryArb, cpusArb, (memoryMB, cpus) => {
        expect(overheadMB(memoryMB, cpus)).toBeLessThan(overheadMB(memoryMB, cpus + 1));
      }),
      { numRuns: 300 },
    );
  });

  it('is finite for every valid input (property)', () => {
    fc.assert(
      fc.property(memoryArb, cpusArb, (memoryMB, cpus) => {
        expect(Number.isFinite(overheadMB(memoryMB, cpus))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it.each([0, -1024, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s MB of memory', (memoryMB) => {
    expect(() => overheadMB(memoryMB, 1)).toThrow(expect.objectContaining({ code: 'InvalidArgument', argument: 'memoryMB' }));
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %s vCPUs', (cpus) => {
    expect(() => overheadMB(1024, cpus)).toThrow(InvalidArgumentError);
    expect(() => overheadMB(1024, cpus)).toThrow(expect.objectContaining({ argument: 'cpus' }));
  });
});

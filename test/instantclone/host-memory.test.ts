import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostMemory, MEMORY_STATES, minFreeMB, nextMemoryState, rawMemoryState } from '../../src/instantclone/index.js';
import { DEFAULT_CALIBRATION as CAL } from '../../src/sim/calibration.js';
import { Rng } from '../../src/sim/rng.js';
import { MiB } from '../../src/sim/units.js';

describe('ESXi memory states', () => {
  it('computes minFree as 899 MB for the first 28 GB plus 1% of the rest', () => {
    expect(minFreeMB(28 * 1024, CAL)).toBeCloseTo(899, 6);
    expect(minFreeMB(256 * 1024, CAL)).toBeCloseTo(899 + 0.01 * 228 * 1024, 6);
    expect(minFreeMB(14 * 1024, CAL)).toBeCloseTo(449.5, 6);
  });

  it('maps free memory to high, clear, soft, hard and low at 400/100/64/32/16% of minFree', () => {
    const m = 1000;
    expect([4000, 3999, 1000, 640, 320, 160, 0].map((f) => rawMemoryState(f, m, CAL))).toEqual(['high', 'clear', 'clear', 'soft', 'hard', 'low', 'low']);
  });

  it('gets worse at once but better only past the threshold plus the hysteresis margin', () => {
    const m = 1000;
    expect(nextMemoryState('clear', 650, m, CAL)).toBe('soft');
    expect(nextMemoryState('clear', 630, m, CAL)).toBe('hard');
    expect(nextMemoryState('soft', 1010, m, CAL)).toBe('soft');
    expect(nextMemoryState('soft', 1060, m, CAL)).toBe('clear');
    fc.assert(
      fc.property(fc.constantFrom(...MEMORY_STATES), fc.double({ min: 0, max: 6000, noNaN: true }), (s, free) => {
        const next = nextMemoryState(s, free, m, CAL);
        const rank = (x: string) => MEMORY_STATES.indexOf(x as never);
        // never better than the raw state, never worse than it either
        expect(rank(next)).toBeGreaterThanOrEqual(rank(rawMemoryState(free, m, CAL)) - 0);
        expect(rank(next)).toBeLessThanOrEqual(Math.max(rank(s), rank(rawMemoryState(free, m, CAL))));
      }),
    );
  });
});

/** A 16 GB host (minFree ≈ 514 MB) filled with VMs that each write `writeMB` of private memory. */
function overcommit(vms: number, writeMB: number, activeMB: number): HostMemory {
  const host = new HostMemory(16 * 1024, CAL);
  for (let i = 0; i < vms; i++) {
    host.powerOn(`vm-${i}`, 4096, 40, 0);
    host.runWorkload(`vm-${i}`, { workingSetBytes: activeMB * MiB, dirtyPagesPerSec: 0, locality: 0.9, zeroShare: 0 }, Rng.seeded(i), 1000);
    host.write(`vm-${i}`, 0, writeMB * MiB);
  }
  return host;
}

describe('memory reclamation on an overcommitted host', () => {
  it('leaves a host with room alone', () => {
    const host = overcommit(3, 2048, 512);
    expect(host.state).toBe('high');
    expect(host.stats()).toMatchObject({ balloonedMB: 0, compressedMB: 0, swappedMB: 0 });
  });

  it('balloons idle memory first, then compresses and swaps, and never takes active memory while ballooning', () => {
    const host = overcommit(4, 3950, 1024);
    const s = host.stats();
    expect(s.balloonedMB).toBeGreaterThan(0);
    expect(s.freeMB).toBeGreaterThanOrEqual(CAL.memory.stateThresholds.soft * s.minFreeMB - 1);
    for (let i = 0; i < 4; i++) {
      const v = host.vmStats(`vm-${i}`);
      expect(v.balloonedMB).toBeLessThanOrEqual(CAL.memory.balloonMaxFraction * 4096 + 1e-6);
      expect(v.balloonedMB + v.compressedMB + v.swappedMB).toBeLessThanOrEqual(v.privateMB - v.activeMB + 1e-6);
    }
  });

  it('compresses and swaps once ballooning cannot keep up (hard state)', () => {
    const host = overcommit(5, 4000, 3500);
    const s = host.stats();
    expect(s.compressedMB + s.swappedMB).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) expect(host.vmStats(`vm-${i}`).compressedMB).toBeLessThanOrEqual(CAL.memory.compressionCacheFraction * 4096 + 1e-6);
  });

  it('blocks new allocations only in the low state and gives memory back when VMs go', () => {
    const host = overcommit(5, 4000, 3600);
    expect(host.state).toBe('low'); // active working sets alone exceed the host
    expect(host.canAllocate).toBe(false);
    for (let i = 0; i < 4; i++) host.release(`vm-${i}`);
    expect(host.state).toBe('high');
    expect(host.canAllocate).toBe(true);
    expect(host.stats()).toMatchObject({ balloonedMB: 0, compressedMB: 0, swappedMB: 0 });
  });

  it('reclaims the same amounts from the same history', () => {
    expect(overcommit(5, 3000, 800).stats()).toEqual(overcommit(5, 3000, 800).stats());
  });
});

import { describe, expect, it } from 'vitest';
import { overheadMB } from '../../src/sim/overhead.js';
import { Rng } from '../../src/sim/rng.js';
import { MiB } from '../../src/sim/units.js';
import { ExtentMemoryPool } from '../../src/instantclone/index.js';

// The density formula of shared/reference/calibration.md: full clone ≈ W + O per VM, instant clone
// ≈ D + O + W/N; with W = 256 MB, D = 16 MB, O = 37.5 MB the ratio is about 5.5× (16× without overhead).
const W = 256;
const D = 16;
const O = overheadMB(2048, 2);
const VM_MB = 2048;

/** Simulated consumed guest memory per VM (MB) of N instant clones of one frozen template. */
function instantPerVm(n: number, seed: number): number {
  const pool = new ExtentMemoryPool();
  const rng = Rng.seeded(seed);
  const template = pool.createBytes(VM_MB * MiB);
  pool.writeBytes(template, 0, W * MiB);
  pool.freeze(template);
  for (let i = 0; i < n; i++) {
    const clone = pool.fork(template);
    pool.writeBytes(clone, rng.int(0, (VM_MB - D) / 4) * 4 * MiB, D * MiB);
  }
  return (pool.totals().physicalPages * pool.granuleBytes) / MiB / n;
}

/** Simulated consumed guest memory per VM (MB) of N full clones: each a separate copy that touches W. */
function fullPerVm(n: number): number {
  const pool = new ExtentMemoryPool();
  for (let i = 0; i < n; i++) pool.writeBytes(pool.createBytes(VM_MB * MiB), 0, W * MiB);
  return (pool.totals().physicalPages * pool.granuleBytes) / MiB / n;
}

describe('the density formula', () => {
  it('uses the 2 GB / 2 vCPU overhead of about 37.5 MB', () => {
    expect(O).toBeCloseTo(37.5, 1);
  });

  it.each([16, 64, 1024])('is reproduced within 1%% per VM by %i clones of one template', (n) => {
    expect((instantPerVm(n, n) + O) / (D + O + W / n)).toBeCloseTo(1, 2);
    expect((fullPerVm(n) + O) / (W + O)).toBeCloseTo(1, 2);
  });

  it('gives instant clones about 5.5× the density of full clones, about 16× without overhead', () => {
    const n = 4096;
    const instant = instantPerVm(n, 1);
    const full = fullPerVm(n);
    expect(Math.abs((full + O) / (instant + O) / 5.5 - 1)).toBeLessThan(0.01);
    expect(Math.abs(full / instant / 16 - 1)).toBeLessThan(0.01);
  });
});

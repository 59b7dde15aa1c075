import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linkRateMBps, precopy, precopyRoundsSeconds, vmMigration } from '../../src/drs/vmotion.js';
import { host, vm } from './fixtures.js';

describe('the vMotion pre-copy model', () => {
  it('sends an idle VM in one round and switches over within the resume time', () => {
    const r = precopy(4096, 0, 10);
    expect(r.rateMBps).toBe(1250);
    expect(r.roundsMB).toEqual([4096]);
    expect(r.remainderMB).toBe(0);
    expect(r.stunSeconds).toBeCloseTo(0.1, 12);
    expect(r.totalSeconds).toBeCloseTo(4096 / 1250 + 0.1, 12);
    expect(r.converged).toBe(true);
  });

  it('shrinks each round by λ = D/R until the remainder is under the switch-over threshold', () => {
    // 1 GbE: R = 125 MB/s, D = 62.5 MB/s, λ = 0.5; threshold = 125 × 0.9 s = 112.5 MB.
    const r = precopy(1024, 62.5, 1);
    expect(r.lambda).toBe(0.5);
    expect(r.roundsMB).toEqual([1024, 512, 256, 128]);
    expect(r.remainderMB).toBe(64);
    expect(r.precopySeconds).toBeCloseTo((1024 / 125) * (1 - 0.5 ** 4) / (1 - 0.5), 12);
    expect(r.stunSeconds).toBeCloseTo(64 / 125 + 0.1, 12);
    expect(r.sdps).toBe(false);
  });

  it('engages SDPS when the guest dirties memory as fast as the link sends it', () => {
    const r = precopy(2048, 200, 1);
    expect(r.sdps).toBe(true);
    expect(r.lambda).toBe(0.5);
    expect(r.converged).toBe(true);
  });

  it('forces a switch-over at the round cap, with a longer stun', () => {
    const r = precopy(8192, 120, 1, { maxRounds: 3 });
    expect(r.roundsMB).toHaveLength(3);
    expect(r.converged).toBe(false);
    expect(r.stunSeconds).toBeGreaterThan(1);
  });

  it('agrees with T = (M/R)(1 − λ^(n+1))/(1 − λ) + T_switch on any input', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65_536 }), fc.double({ min: 0, max: 2000, noNaN: true }), fc.constantFrom(1, 10, 25), (memory, dirty, gbps) => {
        const r = precopy(memory, dirty, gbps);
        const n = r.roundsMB.length - 1;
        expect(r.totalSeconds).toBeCloseTo(precopyRoundsSeconds(memory, linkRateMBps(gbps), r.lambda, n) + r.stunSeconds, 6);
        expect(r.lambda).toBeLessThan(1);
      }),
      { numRuns: 200 },
    );
  });

  it('migrates a VM over the slower of the two hosts links', () => {
    const v = vm(1, 1, { cpuMHz: 100, memMB: 2000 }, { dirtyMBps: 0 });
    const r = vmMigration(v, host(1, 1, 1, { vmotionGbps: 10 }), host(2, 1, 1, { vmotionGbps: 1 }));
    expect(r.rateMBps).toBe(125);
    expect(r.precopySeconds).toBeCloseTo(16, 12);
  });

  it('refuses a zero-speed link and a bad round cap', () => {
    expect(() => precopy(1024, 0, 0)).toThrow(/link rate/);
    expect(() => precopy(1024, 0, 1, { maxRounds: 0 })).toThrow(/round cap/);
  });
});

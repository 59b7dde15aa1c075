import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { imbalancePriority, standardDeviation, targetImbalance, tolerableGap } from '../../src/drs/imbalance.js';
import { waterFill } from '../../src/drs/waterfill.js';
import { cpuDemandMHz, memoryDemandMB, vmShares } from '../../src/drs/demand.js';
import { vm } from './fixtures.js';

describe('demand and shares', () => {
  it('counts CPU run plus ready, and memory as active + 25% of idle consumed + overhead', () => {
    const v = vm(1, 1, undefined, { overheadMB: 40, demand: { cpuRunMHz: 900, cpuReadyMHz: 100, memActiveMB: 1000, memConsumedMB: 2000 } });
    expect(cpuDemandMHz(v)).toBe(1000);
    expect(memoryDemandMB(v)).toBe(1000 + 250 + 40);
    expect(memoryDemandMB(v, 1)).toBe(2040);
  });

  it('scales VM shares by vCPUs and MB, and takes a custom count as is', () => {
    const v = vm(1, 1, undefined, { vcpus: 4, memoryMB: 2048, cpu: { reservation: 0, shares: 'high' }, memory: { reservation: 0, shares: 777 } });
    expect(vmShares(v, 'cpu')).toBe(8000);
    expect(vmShares(v, 'memory')).toBe(777);
    expect(() => vmShares({ ...v, memory: { reservation: 0, shares: 0 } }, 'memory')).toThrow(/custom shares/);
  });
});

describe('priority and thresholds', () => {
  it('clamps the priority to 1..5', () => {
    expect(imbalancePriority(0, 4)).toBe(5);
    expect(imbalancePriority(10, 4)).toBe(1);
  });

  it('counts an exact multiple of the step as that many steps despite floating point', () => {
    expect(imbalancePriority(0.3, 1)).toBe(3);
  });

  it('puts the target where the priority reaches the threshold', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 96 }), (t, hosts) => {
        const target = targetImbalance(t, hosts);
        if (t < 5) expect(imbalancePriority(target * 1.001, hosts)).toBeLessThanOrEqual(t);
        expect(imbalancePriority(target * 0.999, hosts)).toBeGreaterThanOrEqual(Math.min(5, t + 1));
      }),
      { numRuns: 200 },
    );
  });

  it('tolerates gaps of 30%, 20%, 10% and 5% at thresholds 2 to 5, none at 1', () => {
    expect([1, 2, 3, 4, 5].map((t) => tolerableGap(t))).toEqual([undefined, 0.3, 0.2, 0.1, 0.05]);
    expect(() => tolerableGap(6)).toThrow(/1\.\.5/);
  });

  it('measures the population standard deviation', () => {
    expect(standardDeviation([0.2, 0.8])).toBeCloseTo(0.3, 12);
    expect(standardDeviation([0.5])).toBe(0);
  });
});

describe('water filling', () => {
  const item = fc.record({ floor: fc.integer({ min: 0, max: 100 }), extra: fc.integer({ min: 0, max: 100 }), weight: fc.integer({ min: 0, max: 10 }) });

  it('keeps every amount in [floor, cap], adds up to the total or to all the claimants can take, and grows with the total', () => {
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 3000 }), (raw, total) => {
        const items = raw.map((r) => ({ floor: r.floor, cap: r.floor + r.extra, weight: r.weight }));
        const floors = items.reduce((s, i) => s + i.floor, 0);
        const reachable = items.reduce((s, i) => s + (i.weight > 0 ? i.cap : i.floor), 0);
        const got = waterFill(items, total);
        const sum = got.reduce((a, b) => a + b, 0);
        if (total >= floors) {
          got.forEach((g, i) => {
            expect(g).toBeGreaterThanOrEqual(items[i]!.floor - 1e-9);
            expect(g).toBeLessThanOrEqual(items[i]!.cap + 1e-9);
          });
          expect(sum).toBeCloseTo(Math.min(total, reachable), 6);
        } else expect(sum).toBeCloseTo(total, 6);
        const more = waterFill(items, total + 50);
        more.forEach((g, i) => expect(g).toBeGreaterThanOrEqual(got[i]! - 1e-9));
      }),
      { numRuns: 300 },
    );
  });

  it('divides by weight between floors and caps', () => {
    expect(waterFill([{ floor: 0, cap: 100, weight: 1 }, { floor: 0, cap: 100, weight: 3 }], 80)).toEqual([20, 60]);
    expect(waterFill([{ floor: 50, cap: 100, weight: 1 }, { floor: 0, cap: 100, weight: 1 }], 80)).toEqual([50, 30]);
    expect(waterFill([{ floor: 0, cap: 10, weight: 1 }, { floor: 0, cap: 100, weight: 1 }], 80)).toEqual([10, 70]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balanceCluster, type BalanceOptions } from '../../src/drs/balance.js';
import { computeEntitlements } from '../../src/drs/entitlement.js';
import { HostLedger } from '../../src/drs/ledger.js';
import { refuseMove } from '../../src/drs/moves.js';
import { RuleIndex } from '../../src/drs/rules.js';
import type { ClusterSnapshot } from '../../src/drs/snapshot.js';
import { cluster, host, vm } from './fixtures.js';
import { randomCluster } from './random-cluster.js';

const GB = 1024;
const seeds = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/** Four equal hosts, every VM piled on host 1. */
function piledUp(vmCount: number): ClusterSnapshot {
  const hosts = [1, 2, 3, 4].map((n) => host(n, 20_000, 32 * GB));
  return cluster(hosts, Array.from({ length: vmCount }, (_, i) => vm(i + 1, 1, { cpuMHz: 1000, memMB: 1024 })));
}

/**
 * Replays a pass's recommendations on a fresh ledger and checks each move where it happens:
 * the destination is connected, admits the reservations, stays under its cap (100%, 150% when
 * evacuating) and the VM keeps its mandatory rules.
 */
function replayChecked(snapshot: ClusterSnapshot, options: BalanceOptions = {}) {
  const result = balanceCluster(snapshot, options);
  const ledger = HostLedger.fromSnapshot(snapshot, result.entitlements);
  const rules = new RuleIndex(snapshot.rules);
  for (const r of result.recommendations) {
    const v = ledger.vmIndex.get(r.vm)!;
    const to = ledger.hostOf(r.to);
    expect(ledger.vmHost[v]).toBe(ledger.hostOf(r.from));
    expect(refuseMove(ledger, rules, v, to, r.reason === 'maintenance' ? 1.5 : 1.0, 'mandatory')).toBeUndefined();
    ledger.move(v, to);
    expect(ledger.reserved(to).memoryMB).toBeLessThanOrEqual(ledger.hosts[to]!.memoryMB * (1 + 1e-9));
  }
  return { result, ledger };
}

describe('a load-balancing pass', () => {
  it('spreads VMs piled on one host and stops once balanced, each move explained', () => {
    const { result } = replayChecked(piledUp(16));
    expect(result.imbalanceBefore).toBeGreaterThan(0.1);
    expect(result.imbalanceAfter).toBeLessThanOrEqual(result.targetImbalance);
    expect(result.stopReason).toBe('balanced');
    for (const r of result.recommendations) {
      expect(r.reason).toBe('balance');
      expect(r.goodness).toBeGreaterThan(0);
      expect(r.benefit).toBeGreaterThan(r.cost!);
      expect(r.priority).toBeGreaterThanOrEqual(2);
      expect(r.explanation).toMatch(/goodness .* benefit .* cost/);
    }
  });

  it('makes no load-balancing move at threshold 1', () => {
    const result = balanceCluster(piledUp(16), { threshold: 1 });
    expect(result.recommendations).toEqual([]);
    expect(result.stopReason).toBe('threshold-1');
  });

  it('moves less at a conservative threshold than at an aggressive one', () => {
    const conservative = balanceCluster(piledUp(16), { threshold: 2, pairwiseGap: false });
    const aggressive = balanceCluster(piledUp(16), { threshold: 5, pairwiseGap: false });
    expect(conservative.recommendations.length).toBeLessThan(aggressive.recommendations.length);
    expect(conservative.targetImbalance).toBeGreaterThan(aggressive.targetImbalance);
  });

  it('keeps balancing for the pairwise gap when the imbalance is already under the target', () => {
    // 16 hosts at 50% load, except one at 62.5% and one at 37.5%: I = 0.125 × √(2/16) / ... = 0.044 < 0.05 = target, gap 25% > 20%.
    const hosts = Array.from({ length: 16 }, (_, i) => host(i + 1, 20_000, 32 * GB));
    const eighth = (n: number, h: number) => vm(n, h, { cpuMHz: 2500, memMB: 4096 - 37.5 }, { memoryMB: 8192 });
    const perHost = (h: number) => (h === 1 ? 5 : h === 2 ? 3 : 4);
    const vms = hosts.flatMap((_, i) => Array.from({ length: perHost(i + 1) }, (__, k) => eighth((i + 1) * 10 + k, i + 1)));
    const withGap = balanceCluster(cluster(hosts, vms), { threshold: 3 });
    const withoutGap = balanceCluster(cluster(hosts, vms), { threshold: 3, pairwiseGap: false });
    expect(withoutGap.imbalanceBefore).toBeLessThan(withoutGap.targetImbalance);
    expect(withoutGap.recommendations).toEqual([]);
    expect(withGap.recommendations.length).toBe(1);
    expect(withGap.recommendations[0]!.explanation).toMatch(/load gap/);
  });

  it('stops at the move budget', () => {
    const result = balanceCluster(piledUp(16), { maxMoves: 2 });
    expect(result.recommendations).toHaveLength(2);
    expect(result.stopReason).toBe('move-budget');
  });

  it('turns down a move whose vMotion costs more than it gains, and says so', () => {
    const hosts = [host(1, 20_000, 32 * GB, { vmotionGbps: 1 }), host(2, 20_000, 32 * GB, { vmotionGbps: 1 })];
    const busy = (n: number) => vm(n, 1, { cpuMHz: 3000, memMB: 8000 }, { vcpus: 4, memoryMB: 8192, dirtyMBps: 500 });
    const result = balanceCluster(cluster(hosts, [busy(1), busy(2)]), { threshold: 5, benefitHorizonSec: 1 });
    expect(result.recommendations).toEqual([]);
    expect(result.stopReason).toBe('cost-benefit');
    expect(result.rejected[0]).toMatchObject({ vm: 'vm-1', to: 'host-2', filter: 'cost-benefit' });
    expect(result.rejected[0]!.explanation).toMatch(/benefit .* ≤ cost/);
  });

  it('evacuates a host entering maintenance with priority-1 moves, up to 150% on the others', () => {
    const hosts = [host(1, 10_000, 8 * GB, { state: 'maintenance' }), host(2, 10_000, 8 * GB)];
    const vms = [1, 2, 3].map((n) => vm(n, 1, { cpuMHz: 1000, memMB: 4000 }, { memoryMB: 4096 }));
    const { result, ledger } = replayChecked(cluster(hosts, vms));
    expect(result.recommendations.map((r) => [r.vm, r.to, r.reason, r.priority])).toEqual([
      ['vm-1', 'host-2', 'maintenance', 1],
      ['vm-2', 'host-2', 'maintenance', 1],
      ['vm-3', 'host-2', 'maintenance', 1],
    ]);
    expect(ledger.load(1).memory).toBeGreaterThan(1);
    expect(ledger.load(1).memory).toBeLessThanOrEqual(1.5);
  });

  it('reports a VM that cannot leave a host in maintenance, with every host refusal', () => {
    const hosts = [host(1, 10_000, 8 * GB, { state: 'maintenance' }), host(2, 10_000, 8 * GB, { state: 'standby' })];
    const result = balanceCluster(cluster(hosts, [vm(1, 1)]));
    expect(result.recommendations).toEqual([]);
    expect(result.rejected[0]).toMatchObject({ vm: 'vm-1', filter: 'no-host' });
    expect(result.rejected[0]!.refusals!.map((r) => r.reason)).toEqual(['same-host', 'host-state']);
  });

  it('fixes rule violations first: anti-affine VMs on one host are split, a must rule is obeyed', () => {
    const hosts = [host(1, 20_000, 32 * GB), host(2, 20_000, 32 * GB), host(3, 20_000, 32 * GB)];
    const vms = [vm(1, 1), vm(2, 1), vm(3, 2)];
    const result = balanceCluster(
      cluster(hosts, vms, [
        { id: 'apart', kind: 'vm-anti-affinity', vms: ['vm-1', 'vm-2'] },
        { id: 'pin', kind: 'vm-host', vms: ['vm-3'], hosts: ['host-3'], affine: true, mandatory: true },
      ]),
      { threshold: 1 },
    );
    // vm-1 leaves its anti-affine partner for the idle host-3 (least imbalance); vm-3 then joins it there, as its must rule says.
    expect(result.recommendations.map((r) => [r.vm, r.to, r.reason, r.priority])).toEqual([
      ['vm-1', 'host-3', 'rule', 1],
      ['vm-3', 'host-3', 'rule', 1],
    ]);
  });

  it('reunites a split affinity group on the host holding most of it', () => {
    const hosts = [host(1, 20_000, 32 * GB), host(2, 20_000, 32 * GB)];
    const result = balanceCluster(cluster(hosts, [vm(1, 1), vm(2, 2), vm(3, 2)], [{ id: 'together', kind: 'vm-affinity', vms: ['vm-1', 'vm-2', 'vm-3'] }]), { threshold: 1 });
    expect(result.recommendations.map((r) => [r.vm, r.to])).toEqual([['vm-1', 'host-2']]);
  });

  it('never moves a VM onto a failed or standby host, nor moves VMs of a failed host', () => {
    const hosts = [host(1, 20_000, 32 * GB), host(2, 20_000, 32 * GB, { state: 'failed' }), host(3, 20_000, 32 * GB, { state: 'standby' })];
    const result = balanceCluster(cluster(hosts, [vm(1, 1), vm(2, 1), vm(3, 2)]), { threshold: 5 });
    expect(result.recommendations).toEqual([]);
  });
});

describe('load-balancing properties on random clusters', () => {
  it('never breaks a reservation, the load cap or a mandatory rule', () => {
    fc.assert(
      fc.property(seeds, fc.integer({ min: 1, max: 5 }), (seed, threshold) => {
        replayChecked(randomCluster(seed, { hostStates: true }), { threshold });
      }),
      { numRuns: 200 },
    );
  });

  it('never increases the imbalance by balancing', () => {
    fc.assert(
      fc.property(seeds, fc.integer({ min: 2, max: 5 }), (seed, threshold) => {
        const result = balanceCluster(randomCluster(seed, { hostStates: true }), { threshold });
        expect(result.imbalanceAfter).toBeLessThanOrEqual(result.imbalanceAfterMandatory + 1e-12);
        for (const r of result.recommendations.filter((x) => x.reason === 'balance')) expect(r.goodness).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same moves for the same input', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const snapshot = randomCluster(seed, { hostStates: true });
        expect(balanceCluster(snapshot, { threshold: 5 })).toEqual(balanceCluster(structuredClone(snapshot), { threshold: 5 }));
      }),
      { numRuns: 100 },
    );
  });

  it('keeps entitlements within 100% of every connected host it moves load to', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const snapshot = randomCluster(seed, { rules: false });
        const { result, ledger } = replayChecked(snapshot, { threshold: 5 });
        const before = HostLedger.fromSnapshot(snapshot, computeEntitlements(snapshot));
        for (const r of result.recommendations) {
          const h = ledger.hostOf(r.to);
          const load = ledger.load(h);
          const start = before.load(h);
          expect(Math.max(load.cpu, load.memory)).toBeLessThanOrEqual(Math.max(1, start.cpu, start.memory) + 1e-9);
        }
      }),
      { numRuns: 100 },
    );
  });
});

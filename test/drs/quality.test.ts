/**
 * Quality of the greedy pass against an exhaustive search at the same move budget, on small
 * random clusters (≤ 6 hosts, ≤ 30 VMs): the greedy pass must reach, on average, at least 95%
 * of the best achievable imbalance reduction. Both sides obey the same hard constraints
 * (connected destinations, reservations, the 100% cap, all rules); the greedy pass runs with its
 * soft filters off (threshold 5, no pairwise gap, no cost-benefit, MinGoodness 0) so that only
 * the search differs. Clusters where a VM already breaks a rule are skipped: the pass would
 * spend moves fixing it first. The exhaustive side may even take a first move that worsens the
 * imbalance if a second one more than makes up for it.
 */
import { describe, expect, it } from 'vitest';
import { balanceCluster } from '../../src/drs/balance.js';
import { computeEntitlements } from '../../src/drs/entitlement.js';
import { HostLedger } from '../../src/drs/ledger.js';
import { refuseMove } from '../../src/drs/moves.js';
import { RuleIndex } from '../../src/drs/rules.js';
import type { ClusterSnapshot } from '../../src/drs/snapshot.js';
import { randomCluster } from './random-cluster.js';

/** The least imbalance reachable with at most `budget` moves. O((V × H)^budget). */
function optimalImbalance(snapshot: ClusterSnapshot, budget: number): number {
  const ledger = HostLedger.fromSnapshot(snapshot, computeEntitlements(snapshot));
  const rules = new RuleIndex(snapshot.rules);
  const search = (left: number): number => {
    let best = ledger.imbalance();
    if (left === 0) return best;
    for (let v = 0; v < ledger.vmIds.length; v++) {
      const from = ledger.vmHost[v]!;
      if (!ledger.receives(from)) continue;
      for (let to = 0; to < ledger.hosts.length; to++) {
        if (refuseMove(ledger, rules, v, to, 1.0, 'all')) continue;
        ledger.move(v, to);
        best = Math.min(best, search(left - 1));
        ledger.move(v, from);
      }
    }
    return best;
  };
  return search(budget);
}

function greedyImbalance(snapshot: ClusterSnapshot, budget: number): number {
  return balanceCluster(snapshot, { threshold: 5, pairwiseGap: false, costBenefit: false, minGoodness: 0, maxMoves: budget }).imbalanceAfter;
}

/** Whether some VM already breaks a rule (the pass would fix it first, so the budgets would differ). */
function breaksRules(snapshot: ClusterSnapshot): boolean {
  const ledger = HostLedger.fromSnapshot(snapshot, computeEntitlements(snapshot));
  const rules = new RuleIndex(snapshot.rules);
  return ledger.vmIds.some((id, v) => rules.brokenRule(ledger, id, ledger.vmHost[v]!, 'all') !== undefined);
}

/** Mean of greedy reduction ÷ optimal reduction over the instances where some reduction is possible. */
function meanRatio(budget: number, instances: number, maxVms: number): { mean: number; counted: number; worst: number } {
  let sum = 0;
  let counted = 0;
  let worst = 1;
  for (let seed = 1; counted < instances && seed < instances * 10; seed++) {
    const snapshot = randomCluster(seed * 7919, { maxVms });
    if (breaksRules(snapshot)) continue;
    const start = HostLedger.fromSnapshot(snapshot, computeEntitlements(snapshot)).imbalance();
    const optimal = start - optimalImbalance(snapshot, budget);
    if (optimal < 1e-9) continue;
    const ratio = (start - greedyImbalance(snapshot, budget)) / optimal;
    sum += ratio;
    worst = Math.min(worst, ratio);
    counted++;
  }
  return { mean: sum / counted, counted, worst };
}

describe('the greedy pass against exhaustive search', () => {
  it('finds the optimal single move (budget 1) on every random cluster', () => {
    const { mean, worst } = meanRatio(1, 150, 30);
    expect(worst).toBeGreaterThan(1 - 1e-9);
    expect(mean).toBeGreaterThan(1 - 1e-9);
  });

  it('reaches at least 95% of the optimal reduction with two moves, on average', () => {
    const { mean, counted } = meanRatio(2, 200, 30);
    expect(counted).toBe(200);
    expect(mean).toBeGreaterThanOrEqual(0.95);
  });
});

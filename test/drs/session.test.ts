import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balanceCluster, type BalanceOptions, type BalanceResult } from '../../src/drs/balance.js';
import { DrsSession } from '../../src/drs/session.js';
import type { ClusterSnapshot, VmSnapshot } from '../../src/drs/snapshot.js';
import { NotFoundError } from '../../src/sim/errors.js';
import type { HostId, VmId } from '../../src/sim/ids.js';
import { Rng } from '../../src/sim/rng.js';
import { randomCluster } from './random-cluster.js';

const OPTIONS: readonly BalanceOptions[] = [
  {},
  { threshold: 5 },
  { threshold: 2, entitlement: { twoPass: true } },
  { threshold: 4, costBenefit: false, pairwiseGap: false, minGoodness: 0 },
  { maxMoves: 3, ledger: { capacityReserveFraction: 0.25 }, precopy: { maxRounds: 4 } },
];

/** Everything a pass returns, the entitlement maps included (as sorted entries). */
function record(result: BalanceResult): unknown {
  const { entitlements, ...rest } = result;
  return { ...rest, vms: [...entitlements.vms], pools: [...entitlements.pools] };
}

/** The session's pass and balanceCluster's pass over the equivalent snapshot, side by side. */
function bothPasses(session: DrsSession, options: BalanceOptions): { session: BalanceResult; fresh: BalanceResult } {
  const fresh = balanceCluster(session.snapshot(), options);
  return { session: session.balance(), fresh };
}

/** A random change of one VM's demand (±30%, memory within its size) or dirty rate. */
function drift(session: DrsSession, rng: Rng, vm: VmSnapshot, v: number): void {
  const f = 0.7 + 0.6 * rng.next();
  const d = vm.demand;
  const active = Math.min(vm.memoryMB, d.memActiveMB * f);
  session.setDemand(v, { cpuRunMHz: d.cpuRunMHz * f, cpuReadyMHz: d.cpuReadyMHz, memActiveMB: active, memConsumedMB: Math.min(vm.memoryMB, Math.max(active, d.memConsumedMB * (rng.chance(0.2) ? f : 1))) });
  if (rng.chance(0.1)) session.setDirtyRate(v, rng.int(0, 300));
}

/** One step of changes: drifts, a few hand moves to running hosts, sometimes the last pass's moves, sometimes a VM added or removed. */
function step(session: DrsSession, snapshot: ClusterSnapshot, rng: Rng, last: BalanceResult | undefined, serial: number): void {
  snapshot.vms.forEach((vm, v) => rng.chance(0.7) && drift(session, rng, vm, v));
  const runnable = snapshot.hosts.filter((h) => h.state === 'connected' || h.state === 'maintenance');
  for (let k = 0; k < 2 && runnable.length > 0 && snapshot.vms.length > 0; k++) session.setHost(rng.int(0, snapshot.vms.length - 1), rng.pick(runnable).id);
  if (last && rng.chance(0.5)) session.applyMoves(last.recommendations);
  if (rng.chance(0.15) && snapshot.vms.length > 1) session.removeVm(rng.pick(snapshot.vms).id);
  if (rng.chance(0.15) && runnable.length > 0) session.addVm({ ...rng.pick(snapshot.vms), id: `vm-new-${serial}` as VmId, host: rng.pick(runnable).id });
}

describe('DrsSession', () => {
  it('gives exactly what balanceCluster gives on the equivalent snapshot, pass after pass, through drifts, moves, arrivals and departures', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: OPTIONS.length - 1 }), fc.boolean(), (seed, o, big) => {
        const options = OPTIONS[o]!;
        const rng = Rng.seeded(seed);
        const session = new DrsSession(randomCluster(seed, { hostStates: seed % 3 === 0, maxHosts: big ? 10 : 6, maxVms: big ? 160 : 30 }), options);
        let last: BalanceResult | undefined;
        for (let s = 0; s < 4; s++) {
          const passes = bothPasses(session, options);
          expect(record(passes.session)).toEqual(record(passes.fresh));
          last = passes.session;
          step(session, session.snapshot(), rng, last, s);
        }
      }),
      { numRuns: 120 },
    );
  });

  it('after sync to a newer snapshot gives exactly balanceCluster of that snapshot, whether only demand and hosts changed or the make-up too', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: OPTIONS.length - 1 }), (seed, o) => {
        const options = OPTIONS[o]!;
        const rng = Rng.seeded(seed);
        const session = new DrsSession(randomCluster(seed, { hostStates: seed % 3 === 0, maxVms: 60 }), options);
        for (let s = 0; s < 3; s++) {
          session.balance();
          const scratch = new DrsSession(session.snapshot(), options);
          step(scratch, scratch.snapshot(), rng, undefined, s);
          const next = scratch.snapshot();
          session.sync(next);
          expect(record(session.balance())).toEqual(record(balanceCluster(next, options)));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('keeps each result\'s entitlements as they were at its pass, after later passes change demand', () => {
    const snapshot = randomCluster(5, { maxVms: 40 });
    const session = new DrsSession(snapshot);
    const first = session.balance();
    const expected = [...balanceCluster(snapshot).entitlements.vms];
    session.setDemand(0, { cpuRunMHz: 9000, cpuReadyMHz: 0, memActiveMB: 0, memConsumedMB: 0 });
    session.balance();
    expect([...first.entitlements.vms]).toEqual(expected);
  });

  it('sees host state and rule changes at the next pass', () => {
    const snapshot = randomCluster(12, { maxHosts: 6, maxVms: 30 });
    const session = new DrsSession(snapshot);
    session.balance();
    const busiest = snapshot.hosts.map((h) => h.id).sort((a, b) => snapshot.vms.filter((v) => v.host === b).length - snapshot.vms.filter((v) => v.host === a).length)[0]!;
    session.setHostState(busiest, 'maintenance');
    session.setRules([]);
    const passes = bothPasses(session, {});
    expect(record(passes.session)).toEqual(record(passes.fresh));
    const evacuees = snapshot.vms.filter((v) => v.host === busiest).length;
    const handled = passes.session.recommendations.filter((r) => r.reason === 'maintenance').length + passes.session.rejected.filter((r) => r.filter === 'no-host').length;
    expect(evacuees).toBeGreaterThan(0);
    expect(handled).toBe(evacuees);
  });

  it('refuses unknown VMs and hosts with NotFoundError', () => {
    const session = new DrsSession(randomCluster(3));
    expect(() => session.indexOf('vm-none' as VmId)).toThrow(NotFoundError);
    expect(() => session.setHost(0, 'host-none' as HostId)).toThrow(NotFoundError);
    session.balance();
    expect(() => session.setHost(0, 'host-none' as HostId)).toThrow(NotFoundError);
  });

  it('does not see later changes to the snapshot it was made from', () => {
    const snapshot = randomCluster(8);
    const session = new DrsSession(snapshot);
    const before = record(session.balance());
    (snapshot.vms[0]!.demand as { cpuRunMHz: number }).cpuRunMHz += 5000;
    expect(record(session.balance())).toEqual(before);
  });
});

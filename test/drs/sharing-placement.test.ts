import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeEntitlements } from '../../src/drs/entitlement.js';
import { HostLedger } from '../../src/drs/ledger.js';
import { commitPlacement, drsPlacement, SHARING_IMBALANCE_TOLERANCE, type PlacementContext, type PlacementRequest } from '../../src/drs/placement.js';
import { RuleIndex } from '../../src/drs/rules.js';
import type { ClusterSnapshot, DrsRule, PlacingVmSnapshot } from '../../src/drs/snapshot.js';
import type { HostId } from '../../src/sim/ids.js';
import { Rng } from '../../src/sim/rng.js';
import { cluster, host, vm } from './fixtures.js';
import { randomCluster } from './random-cluster.js';

const GB = 1024;
const SHARING = { imbalanceTolerance: SHARING_IMBALANCE_TOLERANCE, migrationThreshold: 3 };

function contextOf(snapshot: ClusterSnapshot, sharing = true, rules: readonly DrsRule[] = snapshot.rules): PlacementContext {
  const base = { ledger: HostLedger.fromSnapshot(snapshot, computeEntitlements(snapshot)), rules: new RuleIndex(rules) };
  return sharing ? { ...base, sharing: SHARING } : base;
}

const three = () => [host(1, 40_000, 64 * GB), host(2, 40_000, 64 * GB), host(3, 40_000, 64 * GB)];
const placing = (n: number, savings: Partial<Record<HostId, number>>, extra: Partial<PlacingVmSnapshot> = {}): PlacingVmSnapshot => ({
  ...vm(n, 1, { cpuMHz: 300, memMB: 512 }),
  sharedMBIfPlacedOn: savings,
  ...extra,
});

describe('page-sharing-aware placement', () => {
  it('sends the VM to the host holding its guest OS pages when that host is within the tolerance of DRS’s best', () => {
    const snapshot = cluster(three(), [vm(1, 2, { cpuMHz: 300, memMB: 600 }), vm(2, 2, { cpuMHz: 300, memMB: 600 })]);
    const request = { vm: placing(9, { 'host-2': 256 }) };
    expect(drsPlacement(contextOf(snapshot, false), request)).toMatchObject({ ok: true, host: 'host-1' });
    const result = drsPlacement(contextOf(snapshot), request);
    expect(result).toMatchObject({ ok: true, host: 'host-2', sharing: { savedMB: 256, drsHost: 'host-1' } });
    if (!result.ok) return;
    expect(result.imbalanceAfter - result.sharing!.drsImbalanceAfter).toBeLessThanOrEqual(SHARING_IMBALANCE_TOLERANCE);
    expect(result.sharing!.explanation).toMatch(/^host-2: resident pages back 256 MB of the VM's memory there \(0 MB on host-1, DRS's choice\); imbalance after .* within the tolerance 0\.0100 and under 0\.1155 \(threshold 3\)$/);
  });

  it('keeps DRS’s choice when the sharing host would add more imbalance than the tolerance', () => {
    const busy = [vm(1, 2, { cpuMHz: 2000, memMB: 4 * GB }), vm(2, 2, { cpuMHz: 2000, memMB: 4 * GB })];
    const big = placing(99, { 'host-2': 256 }, { memoryMB: 8 * GB, demand: { cpuRunMHz: 6000, cpuReadyMHz: 0, memActiveMB: 6000, memConsumedMB: 6000 } });
    const result = drsPlacement(contextOf(cluster(three(), busy)), { vm: big });
    expect(result).toMatchObject({ ok: true, host: 'host-1', sharing: { savedMB: 0, drsHost: 'host-1' } });
    if (result.ok) expect(result.sharing!.explanation).toMatch(/^host-1: DRS's choice \(imbalance after [\d.]+\); no host within the tolerance 0\.0100 and under 0\.1155 \(threshold 3\) has pages of the VM resident$/);
  });

  it('never lets a host other than DRS’s choice push the imbalance above what the migration threshold tolerates', () => {
    const busy = Array.from({ length: 5 }, (_, i) => vm(i + 1, 2, { cpuMHz: 3000, memMB: 6000 }));
    const snapshot = cluster(three(), busy);
    expect(drsPlacement(contextOf(snapshot), { vm: placing(99, { 'host-2': 256 }) })).toMatchObject({ ok: true, host: 'host-1', sharing: { savedMB: 0 } });
    const lenient = { ...contextOf(snapshot), sharing: { imbalanceTolerance: SHARING_IMBALANCE_TOLERANCE, migrationThreshold: 1 } };
    expect(drsPlacement(lenient, { vm: placing(99, { 'host-2': 256 }) })).toMatchObject({ ok: true, host: 'host-2', sharing: { savedMB: 256 } });
  });

  it('among hosts within the tolerance takes the largest saving, and equal savings go the DRS way', () => {
    const snapshot = cluster(three(), []);
    expect(drsPlacement(contextOf(snapshot), { vm: placing(9, { 'host-2': 100, 'host-3': 300 }) })).toMatchObject({ ok: true, host: 'host-3' });
    expect(drsPlacement(contextOf(snapshot), { vm: placing(9, { 'host-2': 300, 'host-3': 300 }) })).toMatchObject({ ok: true, host: 'host-2' });
    const none = drsPlacement(contextOf(snapshot), { vm: placing(9, {}) });
    expect(none).toMatchObject({ ok: true, host: 'host-1', sharing: { savedMB: 0, drsHost: 'host-1' } });
  });

  it('says so when DRS’s own choice is also where the most memory is shared', () => {
    const result = drsPlacement(contextOf(cluster(three(), [])), { vm: placing(9, { 'host-1': 200 }) });
    expect(result).toMatchObject({ ok: true, host: 'host-1', sharing: { savedMB: 200 } });
    if (result.ok) expect(result.sharing!.explanation).toMatch(/DRS's choice .* where resident pages back 200 MB .* no host within the tolerance 0\.0100 and under 0\.1155 \(threshold 3\) backs more$/);
  });

  it('never leaves a host that keeps the should rules for one that shares more but breaks them', () => {
    const rules: DrsRule[] = [{ id: 'prefer-1', kind: 'vm-host', vms: ['vm-9'], hosts: ['host-1'], affine: true, mandatory: false }];
    const result = drsPlacement(contextOf(cluster(three(), []), true, rules), { vm: placing(9, { 'host-2': 900 }) });
    expect(result).toMatchObject({ ok: true, host: 'host-1', relaxedShouldRules: false });
  });

  it('caps a saving at the VM’s configured memory and ignores negative ones', () => {
    const result = drsPlacement(contextOf(cluster(three(), [])), { vm: placing(9, { 'host-2': -50, 'host-3': 1e9 }) });
    expect(result).toMatchObject({ ok: true, host: 'host-3', sharing: { savedMB: 2048 } });
  });

  it('ignores the savings when the option is off, and the option without savings is DRS exactly', () => {
    const snapshot = cluster(three(), [vm(1, 1), vm(2, 3)]);
    const off = drsPlacement(contextOf(snapshot, false), { vm: placing(9, { 'host-1': 500 }) });
    const plain = drsPlacement(contextOf(snapshot, false), { vm: vm(9, 1, { cpuMHz: 300, memMB: 512 }) });
    const onWithout = drsPlacement(contextOf(snapshot), { vm: vm(9, 1, { cpuMHz: 300, memMB: 512 }) });
    expect(off).toEqual(plain);
    expect(onWithout).toEqual(plain);
  });
});

describe('page-sharing-aware placement on random clusters', () => {
  /** A random saving per host from `seed`, some hosts none. */
  function savings(seed: number, snapshot: ClusterSnapshot): Partial<Record<HostId, number>> {
    const rng = Rng.seeded(seed);
    return Object.fromEntries(snapshot.hosts.filter(() => rng.chance(0.6)).map((h) => [h.id, rng.int(0, 3000)]));
  }

  it('never breaks a reservation, the 100% cap, a mandatory rule or the should tier, and stays within the tolerance of DRS’s best', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const drawn = randomCluster(seed, { hostStates: true });
        const [incoming, ...rest] = drawn.vms;
        const snapshot = { ...drawn, vms: rest };
        const request: PlacementRequest = { vm: { ...incoming!, sharedMBIfPlacedOn: savings(seed, snapshot) } };
        const ctx = contextOf(snapshot, true, drawn.rules);
        const drs = drsPlacement(contextOf(snapshot, false, drawn.rules), request);
        const result = drsPlacement(ctx, request);
        expect(result.ok).toBe(drs.ok);
        if (!result.ok || !drs.ok) {
          if (!result.ok && !drs.ok) expect(result.rejections).toEqual(drs.rejections);
          return;
        }
        expect(result.sharing!.drsHost).toBe(drs.host);
        expect(result.relaxedShouldRules).toBe(drs.relaxedShouldRules);
        expect(result.imbalanceAfter).toBeLessThanOrEqual(drs.imbalanceAfter + SHARING_IMBALANCE_TOLERANCE + 1e-12);
        expect(result.imbalanceAfter).toBeLessThanOrEqual(Math.max(drs.imbalanceAfter, result.sharing!.imbalanceCeiling) + 1e-12);
        expect(result.sharing!.savedMB).toBeGreaterThanOrEqual(Math.min(request.vm.sharedMBIfPlacedOn![drs.host] ?? 0, request.vm.memoryMB));
        const h = ctx.ledger.hostOf(result.host);
        expect(ctx.ledger.stateOf(h)).toBe('connected');
        expect(ctx.rules.brokenRule(ctx.ledger, incoming!.id, h, 'mandatory')).toBeUndefined();
        commitPlacement(ctx.ledger, request, result);
        const load = ctx.ledger.load(h);
        expect(Math.max(load.cpu, load.memory)).toBeLessThanOrEqual(1 + 1e-9);
        expect(ctx.ledger.reserved(h).memoryMB).toBeLessThanOrEqual(ctx.ledger.hosts[h]!.memoryMB * (1 + 1e-9));
        expect(ctx.ledger.reserved(h).cpuMHz).toBeLessThanOrEqual(ctx.ledger.hosts[h]!.cpuMHz * (1 + 1e-9));
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same host, saving and explanation for the same snapshot every time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const drawn = randomCluster(seed);
        const [incoming, ...rest] = drawn.vms;
        const snapshot = { ...drawn, vms: rest };
        const request = { vm: { ...incoming!, sharedMBIfPlacedOn: savings(seed + 1, snapshot) } };
        expect(drsPlacement(contextOf(snapshot), request)).toEqual(drsPlacement(contextOf(snapshot), request));
      }),
      { numRuns: 100 },
    );
  });
});

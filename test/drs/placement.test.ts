import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeEntitlements } from '../../src/drs/entitlement.js';
import { HostLedger } from '../../src/drs/ledger.js';
import { commitPlacement, drsPlacement, firstFitPlacement, type PlacementContext, type PlacementRequest } from '../../src/drs/placement.js';
import { RuleIndex } from '../../src/drs/rules.js';
import type { ClusterSnapshot, DrsRule, VmSnapshot } from '../../src/drs/snapshot.js';
import { cluster, host, vm } from './fixtures.js';
import { randomCluster } from './random-cluster.js';

const GB = 1024;

function contextOf(snapshot: ClusterSnapshot, rules: readonly DrsRule[] = snapshot.rules): PlacementContext {
  return { ledger: HostLedger.fromSnapshot(snapshot, computeEntitlements(snapshot)), rules: new RuleIndex(rules) };
}

const three = () => [host(1, 20_000, 32 * GB), host(2, 20_000, 32 * GB), host(3, 20_000, 32 * GB)];
const newVm = (n: number, extra: Partial<VmSnapshot> = {}) => vm(n, 1, { cpuMHz: 1000, memMB: 1024 }, extra);

describe('initial placement', () => {
  it('puts a VM on the host that leaves the least imbalance', () => {
    const ctx = contextOf(cluster(three(), [vm(1, 1), vm(2, 1), vm(3, 2)]));
    expect(drsPlacement(ctx, { vm: newVm(9) })).toMatchObject({ ok: true, host: 'host-3', relaxedShouldRules: false });
  });

  it('first fit takes the first host that qualifies', () => {
    const ctx = contextOf(cluster(three(), [vm(1, 1), vm(2, 1), vm(3, 2)]));
    expect(firstFitPlacement(ctx, { vm: newVm(9) })).toMatchObject({ ok: true, host: 'host-1' });
  });

  it('keeps an instant clone on a host that holds its template', () => {
    const ctx = contextOf(cluster(three(), []));
    expect(drsPlacement(ctx, { vm: newVm(9), allowedHosts: new Set(['host-2' as const]) })).toMatchObject({ ok: true, host: 'host-2' });
  });

  it('returns every host refusal when nothing admits the reservation, never throws', () => {
    const ctx = contextOf(cluster([host(1, 20_000, 4 * GB), host(2, 20_000, 4 * GB, { state: 'maintenance' })], []));
    const result = drsPlacement(ctx, { vm: newVm(9, { memory: { reservation: 8 * GB, shares: 'normal' }, memoryMB: 16 * GB }) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.rejections.map((r) => [r.host, r.reason])).toEqual([
      ['host-1', 'reservation'],
      ['host-2', 'host-state'],
    ]);
    expect(result.rejections[0]!.detail).toMatch(/unreserved 20000 MHz \/ 4096 MB < 0 MHz \/ 8229/);
  });

  it('refuses a host the VM would push above 100% load', () => {
    const ctx = contextOf(cluster([host(1, 2000, 32 * GB)], []));
    const result = drsPlacement(ctx, { vm: newVm(9, { demand: { cpuRunMHz: 3000, cpuReadyMHz: 0, memActiveMB: 512, memConsumedMB: 512 } }) });
    expect(result).toMatchObject({ ok: false, rejections: [{ host: 'host-1', reason: 'load-cap' }] });
  });

  it('obeys must rules and anti-affinity, and relaxes a should rule only when no host keeps it', () => {
    const rules: DrsRule[] = [
      { id: 'apart', kind: 'vm-anti-affinity', vms: ['vm-1', 'vm-9'] },
      { id: 'not-3', kind: 'vm-host', vms: ['vm-9'], hosts: ['host-3'], affine: false, mandatory: true },
      { id: 'prefer-1', kind: 'vm-host', vms: ['vm-9'], hosts: ['host-1'], affine: true, mandatory: false },
    ];
    const ctx = contextOf(cluster(three(), [vm(1, 1)]), rules);
    expect(drsPlacement(ctx, { vm: newVm(9) })).toMatchObject({ ok: true, host: 'host-2', relaxedShouldRules: true });
  });

  it('prefers the host where the VM shares the most memory when the sharing hook is on', () => {
    const ctx = contextOf(cluster(three(), []));
    const request: PlacementRequest = { vm: newVm(9, { memoryMB: 4 * GB }), sharedMB: (h) => (h === 'host-3' ? 900 : 0) };
    const result = drsPlacement(ctx, request);
    expect(result).toMatchObject({ ok: true, host: 'host-3', sharedMB: 900 });
    expect(drsPlacement(ctx, { vm: newVm(9) })).toMatchObject({ ok: true, host: 'host-1' });
  });

  it('counts a committed placement in the next one', () => {
    const ctx = contextOf(cluster(three(), []));
    const hosts: string[] = [];
    for (let n = 1; n <= 6; n++) {
      const request = { vm: newVm(n) };
      const result = drsPlacement(ctx, request);
      if (!result.ok) throw new Error('no host');
      commitPlacement(ctx.ledger, request, result);
      hosts.push(result.host);
    }
    expect(hosts).toEqual(['host-1', 'host-2', 'host-3', 'host-1', 'host-2', 'host-3']);
  });
});

describe('placement properties on random clusters', () => {
  it('never breaks a reservation, the 100% cap or a mandatory rule, and places only on connected hosts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const drawn = randomCluster(seed, { hostStates: true });
        const [incoming, ...rest] = drawn.vms;
        const snapshot = { ...drawn, vms: rest };
        const ctx = contextOf(snapshot, drawn.rules);
        const request = { vm: incoming! };
        const result = drsPlacement(ctx, request);
        if (!result.ok) {
          expect(result.rejections).toHaveLength(snapshot.hosts.length);
          return;
        }
        const h = ctx.ledger.hostOf(result.host);
        expect(ctx.ledger.stateOf(h)).toBe('connected');
        expect(ctx.rules.brokenRule(ctx.ledger, incoming!.id, h, 'mandatory')).toBeUndefined();
        commitPlacement(ctx.ledger, request, result);
        const load = ctx.ledger.load(h);
        expect(Math.max(load.cpu, load.memory)).toBeLessThanOrEqual(1 + 1e-9);
        expect(ctx.ledger.reserved(h).memoryMB).toBeLessThanOrEqual(ctx.ledger.hosts[h]!.memoryMB * (1 + 1e-9));
        expect(ctx.ledger.reserved(h).cpuMHz).toBeLessThanOrEqual(ctx.ledger.hosts[h]!.cpuMHz * (1 + 1e-9));
      }),
      { numRuns: 300 },
    );
  });
});

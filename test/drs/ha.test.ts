import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostFailuresCovered, percentagePolicy, percentagePolicyAdmits, slotPolicy, slotPolicyAdmits, failoverCapacity } from '../../src/drs/ha-admission.js';
import { planHaRestarts } from '../../src/drs/ha-restart.js';
import type { VmSnapshot } from '../../src/drs/snapshot.js';
import { cluster, host, vm } from './fixtures.js';
import { randomCluster } from './random-cluster.js';

const GB = 1024;
const reserving = (n: number, hostN: number, cpu: number, memMB: number, extra: Partial<VmSnapshot> = {}) =>
  vm(n, hostN, undefined, { overheadMB: 0, cpu: { reservation: cpu, shares: 'normal' }, memory: { reservation: memMB, shares: 'normal' }, ...extra });

describe('the HA slot policy', () => {
  it('uses a 32 MHz CPU slot when no VM reserves CPU, and the largest overhead as the memory slot', () => {
    const report = slotPolicy(cluster([host(1, 10_000, 8 * GB)], [vm(1, 1), vm(2, 1, undefined, { overheadMB: 52.72 })]));
    expect(report.slot).toEqual({ cpuMHz: 32, memoryMB: 52.72 });
  });

  it('counts no slots on hosts that are not connected', () => {
    const report = slotPolicy(cluster([host(1, 9000, 9 * GB), host(2, 9000, 9 * GB, { state: 'maintenance' })], [reserving(1, 1, 2000, 2 * GB)]));
    expect([...report.slotsPerHost.entries()]).toEqual([['host-1', 4]]);
  });

  it('tolerates no failure when even the whole cluster lacks slots', () => {
    expect(failoverCapacity([4, 3, 3], 11)).toBe(0);
    expect(failoverCapacity([4, 3, 3], 3)).toBe(2);
  });

  it('admits a power-on only while the failover capacity stays at the hosts to tolerate', () => {
    const hosts = [host(1, 9000, 9 * GB), host(2, 9000, 6 * GB), host(3, 6000, 6 * GB)];
    const five = [1, 2, 3, 4, 5].map((n) => reserving(n, 1, 2000, 2 * GB));
    expect(slotPolicyAdmits(cluster(hosts, five.slice(0, 4)), five[4]!, 1).admitted).toBe(true);
    expect(slotPolicyAdmits(cluster(hosts, five), reserving(6, 1, 2000, 2 * GB), 1).admitted).toBe(true);
    expect(slotPolicyAdmits(cluster(hosts, [...five, reserving(6, 1, 2000, 2 * GB)]), reserving(7, 1, 2000, 2 * GB), 1).admitted).toBe(false);
  });
});

describe('the HA percentage policy', () => {
  const four = [1, 2, 3, 4].map((n) => host(n, 10_000, 16 * GB));

  it('tolerates one failure of 4 equal hosts with 25% reserved, two with 50%', () => {
    expect(hostFailuresCovered(four, 0.25)).toBe(1);
    expect(hostFailuresCovered(four, 0.5)).toBe(2);
    expect(hostFailuresCovered(four, 0.2)).toBe(0);
  });

  it('admits VMs while 25% of CPU and memory stay unreserved', () => {
    const vms = [1, 2, 3].map((n) => reserving(n, 1, 10_000, 16 * GB));
    const report = percentagePolicy(cluster(four, vms), { cpuFraction: 0.25, memoryFraction: 0.25 });
    expect(report.cpuFailoverFraction).toBeCloseTo(0.25, 12);
    expect(report.compliant).toBe(true);
    expect(percentagePolicyAdmits(cluster(four, vms), reserving(4, 2, 100, 0), { cpuFraction: 0.25, memoryFraction: 0.25 }).admitted).toBe(false);
  });
});

describe('HA restarts after a host failure', () => {
  const hosts = () => [host(1, 10_000, 8 * GB), host(2, 10_000, 8 * GB), host(3, 10_000, 8 * GB)];

  it('restarts the failed host VMs on survivors in restart-priority order', () => {
    const vms = [reserving(1, 1, 0, 512, { restartPriority: 'low' }), reserving(2, 1, 0, 512, { restartPriority: 'highest' }), reserving(3, 1, 0, 512, { restartPriority: 'medium' }), vm(4, 2)];
    const plan = planHaRestarts(cluster(hosts(), vms), { failedHosts: ['host-1'] });
    expect(plan.restarts.map((r) => r.vm)).toEqual(['vm-2', 'vm-3', 'vm-1']);
    expect(plan.restarts.every((r) => r.to !== 'host-1')).toBe(true);
    expect(plan.unrestarted).toEqual([]);
  });

  it('ignores load and the admission reserve but never a reservation, and reports VMs left down', () => {
    const vms = [reserving(1, 1, 0, 6 * GB), reserving(2, 1, 0, 6 * GB), reserving(3, 1, 0, 6 * GB), reserving(4, 2, 0, 4 * GB)];
    const plan = planHaRestarts(cluster(hosts(), vms), { failedHosts: ['host-1'] });
    expect(plan.restarts.map((r) => [r.vm, r.to])).toEqual([['vm-1', 'host-3']]);
    expect(plan.unrestarted.map((u) => [u.vm, u.reason])).toEqual([['vm-2', 'no-host'], ['vm-3', 'no-host']]);
    expect(plan.unrestarted[0]!.rejections.map((r) => r.reason)).toEqual(['host-state', 'reservation', 'reservation']);
  });

  it('never restarts a VM whose restart priority is disabled, but reports it', () => {
    const plan = planHaRestarts(cluster([host(1, 10_000, 8 * GB, { state: 'failed' }), host(2, 10_000, 8 * GB)], [vm(1, 1, undefined, { restartPriority: 'disabled' })]));
    expect(plan.restarts).toEqual([]);
    expect(plan.unrestarted).toMatchObject([{ vm: 'vm-1', reason: 'restart-disabled' }]);
  });

  it('keeps anti-affine VMs apart when it restarts them', () => {
    const rules = [{ id: 'apart', kind: 'vm-anti-affinity' as const, vms: ['vm-1' as const, 'vm-2' as const] }];
    const plan = planHaRestarts(cluster(hosts(), [vm(1, 1), vm(2, 1)], rules), { failedHosts: ['host-1'] });
    const targets = plan.restarts.map((r) => r.to);
    expect(new Set(targets).size).toBe(2);
  });
});

describe('HA restart properties on random clusters', () => {
  it('never places a VM on a failed host, accounts for every VM of a failed host and keeps reservations within capacity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const snapshot = randomCluster(seed, { hostStates: true });
        const failedHost = snapshot.hosts[0]!.id;
        const plan = planHaRestarts(snapshot, { failedHosts: [failedHost] });
        const failed = new Set([failedHost, ...snapshot.hosts.filter((h) => h.state === 'failed').map((h) => h.id)]);
        const down = snapshot.vms.filter((v) => failed.has(v.host)).map((v) => v.id);
        expect([...plan.restarts.map((r) => r.vm), ...plan.unrestarted.map((u) => u.vm)].sort()).toEqual([...down].sort());
        const added = new Map<string, number>();
        for (const r of plan.restarts) {
          const target = snapshot.hosts.find((h) => h.id === r.to)!;
          expect(target.state).toBe('connected');
          expect(failed.has(r.to)).toBe(false);
          const v = snapshot.vms.find((x) => x.id === r.vm)!;
          added.set(r.to, (added.get(r.to) ?? 0) + v.memory.reservation + v.overheadMB);
        }
        for (const [h, extra] of added) {
          const existing = snapshot.vms.filter((v) => v.host === h).reduce((s, v) => s + v.memory.reservation + v.overheadMB, 0);
          const capacity = snapshot.hosts.find((x) => x.id === h)!.memoryMB;
          if (existing <= capacity) expect(existing + extra).toBeLessThanOrEqual(capacity * (1 + 1e-9));
        }
      }),
      { numRuns: 300 },
    );
  });
});

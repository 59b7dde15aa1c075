import { describe, expect, it } from 'vitest';
import { balanceCluster } from '../../src/drs/balance.js';
import { computeEntitlements } from '../../src/drs/entitlement.js';
import { HostLedger } from '../../src/drs/ledger.js';
import { drsPlacement } from '../../src/drs/placement.js';
import { RuleIndex } from '../../src/drs/rules.js';
import type { ClusterSnapshot } from '../../src/drs/snapshot.js';
import { cluster, host, vm } from './fixtures.js';

const GB = 1024;
const busy = { cpuMHz: 6000, memMB: 8 * GB };
const idle = { cpuMHz: 100, memMB: GB };

/** Host 1 runs three busy VMs; host 2 runs two idle ones and at most `maxVms` VMs. */
const lopsided = (maxVms: number): ClusterSnapshot =>
  cluster([host(1, 20_000, 32 * GB), host(2, 20_000, 32 * GB, { maxVms })], [vm(1, 1, busy), vm(2, 1, busy), vm(3, 1, busy), vm(4, 2, idle), vm(5, 2, idle)]);

describe("DRS and a host's maximum of VMs", () => {
  it('refuses to place a VM on a host that runs its maximum, saying so', () => {
    const snapshot = lopsided(2);
    const ctx = { ledger: HostLedger.fromSnapshot(snapshot, computeEntitlements(snapshot)), rules: new RuleIndex([]) };
    const result = drsPlacement(ctx, { vm: vm(9, 1, idle), allowedHosts: new Set(['host-2' as const]) });
    expect(result).toMatchObject({ ok: false, rejections: [{ host: 'host-1', reason: 'not-allowed' }, { host: 'host-2', reason: 'reservation', detail: 'host runs its maximum of 2 VMs' }] });
  });

  it('balances onto a host only while it is below its maximum', () => {
    const movesTo = (maxVms: number) => balanceCluster(lopsided(maxVms), { threshold: 5 }).recommendations.filter((r) => r.to === 'host-2').length;
    expect(movesTo(10)).toBeGreaterThan(0);
    expect(movesTo(3)).toBeLessThanOrEqual(1);
    expect(movesTo(2)).toBe(0);
  });
});

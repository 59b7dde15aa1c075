/** The golden cases of shared/reference/calibration.md that DRS, HA and vMotion must reproduce exactly. */
import { describe, expect, it } from 'vitest';
import { imbalancePriority, standardDeviation } from '../../src/drs/imbalance.js';
import { HostLedger } from '../../src/drs/ledger.js';
import { computeEntitlements } from '../../src/drs/entitlement.js';
import { slotPolicy } from '../../src/drs/ha-admission.js';
import { cloudsimMigrationSeconds, maxConcurrentVmotions, vmotionAdmission } from '../../src/drs/vmotion.js';
import { VMOTION_COSTS } from '../../src/drs/constants.js';
import { cluster, host, vm } from './fixtures.js';

const GB = 1024;

describe('golden case 1: recommendation priority', () => {
  it('gives priority 2 for 2 hosts at I = 0.282 (6 − ceil(0.282 / 0.1 × √2) = 6 − ceil(3.99))', () => {
    expect(imbalancePriority(0.282, 2)).toBe(2);
  });

  it('would give 3 only by dropping the √2, as the widely read blog post does', () => {
    expect(imbalancePriority(0.282, 1)).toBe(3);
  });

  it('measures I = 0.282 on a two-host cluster loaded 21.8% and 78.2% in both resources, hence priority 2', () => {
    const snapshot = cluster(
      [host(1, 10_000, 10_000), host(2, 10_000, 10_000)],
      [vm(1, 1, { cpuMHz: 2180, memMB: 2180 - 37.5 }, { vcpus: 8, memoryMB: 8192 }), vm(2, 2, { cpuMHz: 7820, memMB: 7820 - 37.5 }, { vcpus: 8, memoryMB: 8192 })],
    );
    const ledger = HostLedger.fromSnapshot(snapshot, computeEntitlements(snapshot));
    expect(standardDeviation([0.218, 0.782])).toBeCloseTo(0.282, 12);
    expect(ledger.imbalance()).toBeCloseTo(0.282, 9);
    expect(imbalancePriority(ledger.imbalance(), ledger.countedHosts)).toBe(2);
  });
});

describe('golden case 2: the HA slot policy', () => {
  const hosts = [host(1, 9000, 9 * GB), host(2, 9000, 6 * GB), host(3, 6000, 6 * GB)];
  // Five VMs; the largest reserves 2 GHz and 2048 − 48 MB + 48 MB overhead = 2 GB: the slot.
  const vms = [1, 2, 3, 4, 5].map((n) =>
    vm(n, 1 + (n % 3), undefined, {
      overheadMB: 48,
      cpu: { reservation: n === 1 ? 2000 : 500, shares: 'normal' },
      memory: { reservation: n === 1 ? 2 * GB - 48 : 256, shares: 'normal' },
    }),
  );
  const report = slotPolicy(cluster(hosts, vms));

  it('sizes the slot at 2 GHz / 2 GB from the largest reservations (memory plus overhead)', () => {
    expect(report.slot).toEqual({ cpuMHz: 2000, memoryMB: 2 * GB });
  });

  it('counts 4, 3 and 3 slots on hosts of 9 GHz/9 GB, 9 GHz/6 GB and 6 GHz/6 GB', () => {
    expect([...report.slotsPerHost.values()]).toEqual([4, 3, 3]);
    expect(report.totalSlots).toBe(10);
  });

  it('gives a failover capacity of 1 with 5 powered-on VMs', () => {
    expect(report.usedSlots).toBe(5);
    expect(report.failoverCapacity).toBe(1);
  });
});

describe('golden case 4: the CloudSim migration comparator', () => {
  it('takes 16.4 s to migrate 1024 MB at 1 Gb/s (memory ÷ half the bandwidth)', () => {
    expect(cloudsimMigrationSeconds(1024, 1000)).toBeCloseTo(16.384, 10);
    expect(Math.round(cloudsimMigrationSeconds(1024, 1000) * 10) / 10).toBe(16.4);
  });
});

describe('the vMotion caps', () => {
  it('allows 4 concurrent vMotions per host at 1 GbE and 8 at 10 GbE', () => {
    expect(maxConcurrentVmotions(1)).toBe(4);
    expect(maxConcurrentVmotions(10)).toBe(8);
    expect(maxConcurrentVmotions(25)).toBe(8);
  });

  it('caps a host at cost 8 and a datastore at cost 128', () => {
    expect(VMOTION_COSTS.hostMaxCost).toBe(8);
    expect(VMOTION_COSTS.datastoreMaxCost).toBe(128);
    const at = (source: number, destination: number, datastore: number, gbps = 10) =>
      vmotionAdmission({ sourceInFlight: source, destinationInFlight: destination, datastoreInFlight: datastore, sourceGbps: gbps, destinationGbps: gbps });
    expect(at(7, 7, 127)).toEqual({ ok: true });
    expect(at(8, 0, 0)).toEqual({ ok: false, limit: 'source', max: 8 });
    expect(at(0, 4, 0, 1)).toEqual({ ok: false, limit: 'destination', max: 4 });
    expect(at(0, 0, 128)).toEqual({ ok: false, limit: 'datastore', max: 128 });
  });
});

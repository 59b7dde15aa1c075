import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demandOverWindow, dpmPriority, DPM_DEFAULTS } from '../../src/drs/dpm-window.js';
import { dpmSettings, evacuationPlan, keepsHaAdmission, planPowerManagement, type DpmInput, type DpmOptions, type VmDemandWindows } from '../../src/drs/dpm.js';
import { cpuDemandMHz, memoryDemandMB } from '../../src/drs/demand.js';
import { HostLedger } from '../../src/drs/ledger.js';
import { RuleIndex } from '../../src/drs/rules.js';
import type { ClusterSnapshot, VmSnapshot } from '../../src/drs/snapshot.js';
import type { HostId, VmId } from '../../src/sim/ids.js';
import { cluster, host, vm } from './fixtures.js';
import { randomCluster } from './random-cluster.js';

/** `n` hosts of 10,000 MHz / 10,000 MB, each carrying one VM per entry of `loads` (fraction of the host, CPU and memory alike). */
function loaded(loadsPerHost: number[][], states: ClusterSnapshot['hosts'][number]['state'][] = []): ClusterSnapshot {
  let n = 0;
  const hosts = loadsPerHost.map((_, i) => host(i + 1, 10_000, 10_000, { state: states[i] ?? 'connected' }));
  const vms = loadsPerHost.flatMap((loads, i) => loads.map((f) => vm(++n, i + 1, { cpuMHz: f * 10_000, memMB: f * 10_000 }, { overheadMB: 0 })));
  return cluster(hosts, vms);
}

const AGGRESSIVE: DpmOptions = { threshold: 5 };

function applyStandby(snapshot: ClusterSnapshot, standbyHost: HostId, moves: readonly { vm: VmId; to: HostId }[]): ClusterSnapshot {
  const to = new Map(moves.map((m) => [m.vm, m.to]));
  return {
    ...snapshot,
    hosts: snapshot.hosts.map((h) => (h.id === standbyHost ? { ...h, state: 'standby' as const } : h)),
    vms: snapshot.vms.map((v) => (to.has(v.id) ? { ...v, host: to.get(v.id)! } : v)),
  };
}

describe('DPM demand windows', () => {
  it('estimates demand as the mean plus two standard deviations of the samples inside the window', () => {
    const samples = [
      { atMs: 0, cpuMHz: 9999, memoryMB: 9999 },
      { atMs: 100, cpuMHz: 100, memoryMB: 10 },
      { atMs: 200, cpuMHz: 300, memoryMB: 10 },
    ];
    expect(demandOverWindow(samples, 200, 150)).toEqual({ cpuMHz: 200 + 2 * 100, memoryMB: 10 });
    expect(demandOverWindow(samples, 200, 150, 0)).toEqual({ cpuMHz: 200, memoryMB: 10 });
    expect(demandOverWindow(samples, 1000, 150)).toBeUndefined();
    expect(() => demandOverWindow(samples, 0, 0)).toThrow(/window/);
  });

  it('uses the 5-minute window to power on and the 40-minute window to power off', () => {
    const snapshot = loaded([[0.3], [0.3], [0.3]], ['connected', 'connected', 'standby']);
    const spike = (v: VmSnapshot): VmDemandWindows => ({ powerOn: { cpuMHz: 9000, memoryMB: 1000 }, powerOff: { cpuMHz: v.demand.cpuRunMHz, memoryMB: v.demand.memActiveMB } });
    const onlyRecent = new Map(snapshot.vms.map((v) => [v.id, spike(v)]));
    const result = planPowerManagement({ snapshot, demand: onlyRecent }, AGGRESSIVE);
    expect(result.recommendations.map((r) => [r.kind, r.host])).toEqual([['powerOn', 'host-3']]);
    const busyLongAgo = new Map(snapshot.vms.map((v) => [v.id, { powerOn: { cpuMHz: 3000, memoryMB: 3000 }, powerOff: { cpuMHz: 6000, memoryMB: 6000 } }]));
    expect(planPowerManagement({ snapshot, demand: busyLongAgo }, AGGRESSIVE).recommendations).toEqual([]);
  });

  it('puts no host in standby before the demand history covers the power-off window', () => {
    const snapshot = loaded([[0.1], [0.1], [0.1]]);
    expect(planPowerManagement({ snapshot }, AGGRESSIVE).recommendations[0]?.kind).toBe('standby');
    const early = planPowerManagement({ snapshot, powerOffWindowFull: false }, AGGRESSIVE);
    expect(early.recommendations).toEqual([]);
    expect(early.summary).toMatch(/power-off window/);
  });
});

describe('DPM band decisions', () => {
  it('does nothing while every host is inside the 45–81% band', () => {
    const result = planPowerManagement({ snapshot: loaded([[0.5], [0.6], [0.8]]) }, AGGRESSIVE);
    expect(result.recommendations).toEqual([]);
    expect(result.summary).toMatch(/within the band 45\.0%–81\.0%/);
    expect(result.utilization.map((u) => u.powerOff)).toEqual([0.5, 0.6, 0.8]);
  });

  it('wakes the largest standby host when a host is above 81%, and explains it', () => {
    const snapshot = loaded([[0.85], [0.7], [], []], ['connected', 'connected', 'standby', 'standby']);
    const bigger = { ...snapshot, hosts: snapshot.hosts.map((h) => (h.id === 'host-4' ? { ...h, memoryMB: 20_000 } : h)) };
    const result = planPowerManagement({ snapshot: bigger }, AGGRESSIVE);
    expect(result.recommendations).toHaveLength(1);
    const [r] = result.recommendations;
    expect(r).toMatchObject({ kind: 'powerOn', host: 'host-4', reason: 'demand' });
    expect(r!.explanation).toMatch(/host-1 is at 85\.0% .* above the band's 81\.0%/);
  });

  it('wakes hosts until the projected utilisation is back at the band centre', () => {
    const snapshot = loaded([[0.95], [0.95], [], [], []], ['connected', 'connected', 'standby', 'standby', 'standby']);
    const result = planPowerManagement({ snapshot }, AGGRESSIVE);
    // 1.9 hosts of demand: 3 hosts on → 63.3%, 4 → 47.5% ≤ 63%.
    expect(result.recommendations.map((r) => r.host)).toEqual(['host-3', 'host-4']);
  });

  it('says so when a host is hot but no host is in standby', () => {
    const result = planPowerManagement({ snapshot: loaded([[0.9], [0.2]]) }, AGGRESSIVE);
    expect(result.recommendations).toEqual([]);
    expect(result.summary).toMatch(/no host is in standby/);
  });

  it('puts the host that costs least to evacuate in standby when a host is below 45%', () => {
    const snapshot = loaded([[0.2, 0.1], [0.05], [0.3]]);
    const result = planPowerManagement({ snapshot }, AGGRESSIVE);
    const [r] = result.recommendations;
    expect(r).toMatchObject({ kind: 'standby', host: 'host-2', evacuationMB: 500 });
    expect(r?.kind === 'standby' && r.evacuation).toEqual([{ vm: 'vm-3', to: 'host-1' }]);
    expect(r!.explanation).toMatch(/put host-2 in standby because it is at 5\.0%/);
  });

  it('rates recommendations by their distance from the band and applies those within the threshold', () => {
    expect(dpmPriority(0)).toBe(5);
    expect(dpmPriority(0.05)).toBe(4);
    expect(dpmPriority(0.1)).toBe(3);
    expect(dpmPriority(0.5)).toBe(2);
    const mild = planPowerManagement({ snapshot: loaded([[0.4], [0.42], [0.41]]) }, { threshold: 3 });
    expect(mild.recommendations[0]?.priority).toBe(5);
    expect(mild.applicable).toEqual([]);
    const idle = planPowerManagement({ snapshot: loaded([[0.05], [0.05], [0.05]]) }, { threshold: 3 });
    expect(idle.applicable.map((r) => r.kind)).toEqual(['standby']);
  });

  it('keeps the minimum number of hosts on, and wakes hosts at priority 1 when fewer are on', () => {
    const result = planPowerManagement({ snapshot: loaded([[0.05], [0.05]]) }, { ...AGGRESSIVE, minHostsOn: 2 });
    expect(result.recommendations).toEqual([]);
    expect(result.rejected.every((r) => r.reason === 'min-hosts')).toBe(true);
    const short = planPowerManagement({ snapshot: loaded([[0.05], []], ['connected', 'standby']) }, { minHostsOn: 2, threshold: 1 });
    expect(short.applicable).toMatchObject([{ kind: 'powerOn', host: 'host-2', priority: 1, reason: 'min-hosts' }]);
  });

  it('rejects settings outside their ranges', () => {
    expect(() => dpmSettings({ lowUtilization: 0.9 })).toThrow(/band/);
    expect(() => dpmSettings({ threshold: 6 })).toThrow(/threshold/);
    expect(() => dpmSettings({ minHostsOn: 0 })).toThrow(/at least one host/);
    expect(dpmSettings()).toMatchObject({ lowUtilization: DPM_DEFAULTS.lowUtilization, highUtilization: 0.81, threshold: 3 });
  });
});

describe('DPM hysteresis', () => {
  it('refuses a standby that would push a receiving host above the band', () => {
    const result = planPowerManagement({ snapshot: loaded([[0.44], [0.44]]) }, AGGRESSIVE);
    expect(result.recommendations).toEqual([]);
    expect(result.rejected.map((r) => r.reason)).toEqual(['evacuation', 'evacuation']);
    expect(result.rejected[0]!.explanation).toMatch(/load would exceed 81%/);
  });

  it('checks the evacuation against the busier of the two windows', () => {
    const snapshot = loaded([[0.3], [0.3]]);
    const demand = new Map(snapshot.vms.map((v) => [v.id, { powerOn: { cpuMHz: 4500, memoryMB: 4500 }, powerOff: { cpuMHz: 3000, memoryMB: 3000 } }]));
    expect(planPowerManagement({ snapshot, demand }, AGGRESSIVE).recommendations).toEqual([]);
  });

  it('does not put a host back in standby soon after it was woken', () => {
    const snapshot = loaded([[0.1], [0.1], [0.1]]);
    const uptimeSec = new Map<HostId, number>([['host-1' as HostId, 60], ['host-2' as HostId, 60], ['host-3' as HostId, 60]]);
    const result = planPowerManagement({ snapshot, uptimeSec }, AGGRESSIVE);
    expect(result.recommendations).toEqual([]);
    expect(result.rejected.map((r) => r.reason)).toEqual(['uptime', 'uptime', 'uptime']);
  });

  it('never recommends a standby after which the same demand would power a host back on', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), (seed) => {
        const snapshot = quietCluster(seed);
        const r = planPowerManagement({ snapshot }, AGGRESSIVE).recommendations[0];
        if (r?.kind !== 'standby') return;
        const after = planPowerManagement({ snapshot: applyStandby(snapshot, r.host, r.evacuation) }, AGGRESSIVE);
        expect(after.recommendations.filter((x) => x.kind === 'powerOn')).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});

describe('DPM and HA', () => {
  const reserved = (snapshot: ClusterSnapshot): ClusterSnapshot => ({ ...snapshot, vms: snapshot.vms.map((v) => ({ ...v, cpu: { ...v.cpu, reservation: 1000 }, memory: { ...v.memory, reservation: 1000 } })) });

  it('keeps a host on when standby would leave HA less failover capacity than its policy', () => {
    // slots of 1000 MHz / 1000 MB: 10 per host; 12 VMs need 2 hosts left after one failure.
    const snapshot = reserved(loaded([[0.01, 0.01, 0.01, 0.01], [0.01, 0.01, 0.01, 0.01], [0.01, 0.01, 0.01, 0.01]]));
    const ha = { policy: 'slot' as const, hostFailures: 1 };
    expect(keepsHaAdmission(snapshot, ha)).toBe(true);
    const result = planPowerManagement({ snapshot }, { ...AGGRESSIVE, ha });
    expect(result.recommendations).toEqual([]);
    expect(result.rejected.map((r) => r.reason)).toEqual(['ha', 'ha', 'ha']);
  });

  it('wakes a standby host at priority 1 when HA admission is broken', () => {
    const snapshot = reserved(loaded([[0.01, 0.01, 0.01, 0.01, 0.01, 0.01], [0.01, 0.01, 0.01, 0.01, 0.01, 0.01], []], ['connected', 'connected', 'standby']));
    const result = planPowerManagement({ snapshot }, { threshold: 1, ha: { policy: 'slot', hostFailures: 1 } });
    expect(result.applicable).toMatchObject([{ kind: 'powerOn', host: 'host-3', priority: 1, reason: 'ha' }]);
  });

  it('never puts a host in standby when that breaks the HA policy (random clusters, both policies)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.boolean(), (seed, slot) => {
        const snapshot = quietCluster(seed);
        const ha = slot ? ({ policy: 'slot', hostFailures: 1 } as const) : ({ policy: 'percentage', cpuFraction: 0.25, memoryFraction: 0.25 } as const);
        for (const r of planPowerManagement({ snapshot }, { ...AGGRESSIVE, ha }).recommendations) {
          if (r.kind === 'standby') expect(keepsHaAdmission(applyStandby(snapshot, r.host, r.evacuation), ha)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('DPM safety and determinism', () => {
  it('never puts a host in standby whose running VMs it cannot all evacuate within reservations, must rules and the band', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), (seed) => {
        const snapshot = quietCluster(seed);
        const r = planPowerManagement({ snapshot }, AGGRESSIVE).recommendations.find((x) => x.kind === 'standby');
        if (r?.kind !== 'standby') return;
        const leaving = snapshot.vms.filter((v) => v.host === r.host).map((v) => v.id);
        expect(r.evacuation.map((m) => m.vm).sort()).toEqual([...leaving].sort());
        const after = applyStandby(snapshot, r.host, r.evacuation);
        expect(after.vms.some((v) => v.host === r.host)).toBe(false);
        checkPlacement(after, new Set(leaving), DPM_DEFAULTS.highUtilization);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same answer for the same input', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), (seed) => {
        const input: DpmInput = { snapshot: quietCluster(seed) };
        expect(planPowerManagement(input, AGGRESSIVE)).toEqual(planPowerManagement({ snapshot: quietCluster(seed) }, AGGRESSIVE));
      }),
      { numRuns: 100 },
    );
  });

  it('reports why a host cannot be evacuated', () => {
    const snapshot = loaded([[0.3], [0.3]]);
    const pinned = { ...snapshot, rules: [{ id: 'pin', kind: 'vm-host' as const, vms: ['vm-1' as VmId], hosts: ['host-1' as HostId], affine: true, mandatory: true }] };
    const plan = evacuationPlan(pinned, pinned.vms.map((v) => ({ powerOn: { cpuMHz: v.demand.cpuRunMHz, memoryMB: v.demand.memActiveMB }, powerOff: { cpuMHz: v.demand.cpuRunMHz, memoryMB: v.demand.memActiveMB } })), 'host-1' as HostId, 0.81);
    expect(plan).toMatch(/vm-1 has nowhere to go \(host-2: would break rule pin/);
  });
});

/** A random cluster (fixtures' generator, no host states) with its demand scaled down so that standby is often possible. */
function quietCluster(seed: number): ClusterSnapshot {
  const base = randomCluster(seed);
  const scale = 0.1 + (seed % 7) / 10;
  return {
    ...base,
    vms: base.vms.map((v) => ({ ...v, demand: { cpuRunMHz: v.demand.cpuRunMHz * scale, cpuReadyMHz: v.demand.cpuReadyMHz * scale, memActiveMB: v.demand.memActiveMB * scale, memConsumedMB: v.demand.memConsumedMB * scale } })),
  };
}

/**
 * After an evacuation: every VM on a connected host, reservations within capacity, every moved VM
 * keeping its mandatory rules where it landed, and every receiving host within `cap` utilisation.
 */
function checkPlacement(snapshot: ClusterSnapshot, moved: ReadonlySet<VmId>, cap: number): void {
  const ledger = new HostLedger(snapshot.hosts);
  for (const v of snapshot.vms) ledger.add(v.id, ledger.hostOf(v.host), { cpuMHz: cpuDemandMHz(v), memoryMB: memoryDemandMB(v) }, { cpuMHz: v.cpu.reservation, memoryMB: v.memory.reservation + v.overheadMB });
  ledger.recount();
  const rules = new RuleIndex(snapshot.rules);
  snapshot.hosts.forEach((h, i) => {
    const reserved = ledger.reserved(i);
    expect(reserved.cpuMHz).toBeLessThanOrEqual(h.cpuMHz * (1 + 1e-9));
    expect(reserved.memoryMB).toBeLessThanOrEqual(h.memoryMB * (1 + 1e-9));
  });
  for (const v of snapshot.vms) {
    const h = ledger.hostOf(v.host);
    expect(ledger.stateOf(h)).toBe('connected');
    if (!moved.has(v.id)) continue;
    expect(rules.brokenRule(ledger, v.id, h, 'mandatory')).toBeUndefined();
    const load = ledger.load(h);
    expect(Math.max(load.cpu, load.memory)).toBeLessThanOrEqual(cap * (1 + 1e-9));
  }
}

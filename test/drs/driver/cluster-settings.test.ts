import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failHost } from '../../../src/hypervisor/hosts.js';
import { restoreModel, saveModel } from '../../../src/hypervisor/persist.js';
import type { Preset } from '../../../src/hypervisor/presets.js';
import { clusterSettings, configureCluster, type ClusterSettings } from '../../../src/drs/driver/cluster-config.js';
import { dpmState, enableDpm } from '../../../src/drs/driver/dpm-driver.js';
import { drsState, enableDrs } from '../../../src/drs/driver/drs-driver.js';
import { enableHa, haState } from '../../../src/drs/driver/ha-driver.js';
import { CPU_DEMAND_KEY } from '../../../src/drs/driver/model-snapshot.js';
import { InvalidArgumentError } from '../../../src/sim/errors.js';
import type { VmId } from '../../../src/sim/ids.js';
import { ModelBackend } from '../../../src/backend/model/index.js';
import { resumeClusterServices } from '../../../src/backend/model/cluster.js';
import { runningVm, smallCluster, thrown, vmOf } from '../../hypervisor/helpers.js';

const MINUTE = 60_000;

/** A 3-host cluster with `count` busy VMs all on the first host. */
function crowded(count = 6): { p: Preset; vms: VmId[] } {
  const p = smallCluster({ hosts: 3 });
  const vms = Array.from({ length: count }, (_, i) => runningVm(p, { name: `busy-${i}`, host: p.hosts[0]!.id, memoryMB: 512, extraConfig: { [CPU_DEMAND_KEY]: '2500' } }).id);
  return { p, vms };
}

/** Settings as saved: what configureCluster was given (rules without pins). */
function stored(p: Preset): Omit<ClusterSettings, 'rules'> {
  const { rules: _rules, ...rest } = clusterSettings(p.model, p.cluster.id);
  return rest;
}

describe('DRS VM overrides on the driver', () => {
  it('never moves a VM whose override disables DRS or keeps it manual, and still balances the others', () => {
    const { p, vms } = crowded();
    const handle = enableDrs(p.model, { placement: false, migrationThreshold: 5 });
    const kept = vms.slice(0, 3);
    configureCluster(p.model, p.cluster.id, {
      drsVmOverrides: [
        { vm: kept[0]!, enabled: false, behavior: 'fullyAutomated' },
        { vm: kept[1]!, enabled: true, behavior: 'manual' },
        { vm: kept[2]!, enabled: true, behavior: 'partiallyAutomated' },
        { vm: vms[3]!, enabled: true, behavior: 'fullyAutomated' },
      ],
    });
    const [pass] = handle.runPass();
    const moved = new Set(pass!.recommendations.map((r) => r.vm));
    expect(moved.size).toBeGreaterThan(0);
    for (const vm of kept) expect(moved.has(vm)).toBe(false);
    p.model.clock.advance(20 * MINUTE);
    for (const vm of kept) expect(vmOf(p.model, vm).host).toBe(p.hosts[0]!.id);
    expect(drsState(p.model)!.migrations.some((m) => kept.includes(m.vm))).toBe(false);
  });

  it('lets HA restart a pinned VM elsewhere when its host fails', () => {
    const { p, vms } = crowded(2);
    enableDrs(p.model, { placement: false });
    enableHa(p.model);
    configureCluster(p.model, p.cluster.id, { drsVmOverrides: [{ vm: vms[0]!, enabled: false, behavior: 'manual' }] });
    expect(clusterSettings(p.model, p.cluster.id).rules).toEqual([{ id: `pin-${vms[0]}`, kind: 'vm-host', vms: [vms[0]], hosts: [p.hosts[0]!.id], affine: true, mandatory: true }]);
    failHost(p.model, p.hosts[0]!.id);
    p.model.clock.advance(MINUTE);
    expect(haState(p.model)!.restarts.map((r) => [r.vm, r.state])).toContainEqual([vms[0], 'restarted']);
    const now = vmOf(p.model, vms[0]!);
    expect(now.host).not.toBe(p.hosts[0]!.id);
    expect(clusterSettings(p.model, p.cluster.id).rules[0]).toMatchObject({ hosts: [now.host] });
  });

  it('refuses two overrides of one VM and an unknown behavior', () => {
    const { p, vms } = crowded(1);
    const twice = thrown(() => configureCluster(p.model, p.cluster.id, { drsVmOverrides: [{ vm: vms[0]!, enabled: false, behavior: 'manual' }, { vm: vms[0]!, enabled: true, behavior: 'manual' }] }));
    expect(twice).toBeInstanceOf(InvalidArgumentError);
    const odd = thrown(() => configureCluster(p.model, p.cluster.id, { drsVmOverrides: [{ vm: vms[0]!, enabled: false, behavior: 'sometimes' as 'manual' }] }));
    expect(odd).toBeInstanceOf(InvalidArgumentError);
  });
});

describe('per-cluster DPM on the driver', () => {
  it('keeps its power changes as recommendations when the cluster is manual, and skips a cluster where DPM is off', () => {
    const p = smallCluster({ hosts: 4 });
    p.hosts.forEach((h, i) => runningVm(p, { name: `quiet-${i}`, host: h.id, memoryMB: 1024, extraConfig: { [CPU_DEMAND_KEY]: '300' } }));
    enableDrs(p.model);
    const handle = enableDpm(p.model, { threshold: 5 });
    configureCluster(p.model, p.cluster.id, { dpm: { enabled: true, behavior: 'manual', threshold: 5 } });
    p.model.clock.runUntil(p.model.clock.now() + 65 * MINUTE);
    const passes = dpmState(p.model)!.passes.filter((r) => r.recommendations.length > 0);
    expect(passes.length).toBeGreaterThan(0);
    for (const pass of passes) expect(pass.applied).toEqual([]);
    expect(p.hosts.map((h) => p.model.registry.get('Host', h.id).state)).toEqual(['connected', 'connected', 'connected', 'connected']);
    configureCluster(p.model, p.cluster.id, { dpm: { enabled: false, behavior: 'automated', threshold: 5 } });
    expect(handle.runPass()).toEqual([]);
  });
});

describe('cluster settings across a save and restore of the model', () => {
  it('come back with their rules, overrides and version, and pin the same VMs', () => {
    const { p, vms } = crowded(3);
    configureCluster(p.model, p.cluster.id, {
      drs: { enabled: true, behavior: 'partiallyAutomated', migrationThreshold: 2 },
      ha: { enabled: true, admissionControl: true, admission: { policy: 'percentage', cpuFraction: 0.33, memoryFraction: 0.33 } },
      dpm: { enabled: true, behavior: 'manual', threshold: 4 },
      rules: [{ id: 'rule-1', kind: 'vm-anti-affinity', vms: [vms[1]!, vms[2]!] }],
      drsVmOverrides: [{ vm: vms[0]!, enabled: false, behavior: 'manual' }],
    });
    const restored = restoreModel(JSON.stringify(saveModel(p.model)));
    expect(clusterSettings(restored, p.cluster.id)).toEqual(clusterSettings(p.model, p.cluster.id));
    expect(drsState(restored)).toBeUndefined();
  });

  it('round-trips any valid DRS, HA and DPM settings', () => {
    const p = smallCluster({ hosts: 2 });
    const settings = fc.record({
      drs: fc.record({ enabled: fc.boolean(), behavior: fc.constantFrom('manual' as const, 'partiallyAutomated' as const, 'fullyAutomated' as const), migrationThreshold: fc.integer({ min: 1, max: 5 }) }),
      ha: fc.record({ enabled: fc.boolean(), admissionControl: fc.boolean(), admission: fc.oneof(fc.record({ policy: fc.constant('slot' as const), hostFailures: fc.integer({ min: 1, max: 3 }) }), fc.record({ policy: fc.constant('percentage' as const), cpuFraction: fc.integer({ min: 0, max: 99 }).map((n) => n / 100), memoryFraction: fc.integer({ min: 0, max: 99 }).map((n) => n / 100) })) }),
      dpm: fc.record({ enabled: fc.boolean(), behavior: fc.constantFrom('manual' as const, 'automated' as const), threshold: fc.integer({ min: 1, max: 5 }) }),
    });
    fc.assert(
      fc.property(settings, (s) => {
        configureCluster(p.model, p.cluster.id, s);
        const restored = restoreModel(JSON.stringify(saveModel(p.model)));
        expect(stored({ ...p, model: restored })).toEqual(stored(p));
      }),
      { numRuns: 50 },
    );
  });

  it('refuses saved settings of a cluster that is not saved, as a RestoreError', () => {
    const p = smallCluster();
    configureCluster(p.model, p.cluster.id, { drs: { enabled: true, behavior: 'manual', migrationThreshold: 3 } });
    const saved = saveModel(p.model);
    const broken = { ...saved, extensions: { 'drs.clusterSettings': { 'domain-c999': clusterSettings(p.model, p.cluster.id) } } };
    expect(() => restoreModel(JSON.stringify(broken))).toThrow(/saved model is inconsistent/);
  });
});

describe("the Backend's cluster configuration across a save and restore of the model", () => {
  it('comes back whole (rule keys, groups, DPM, VM overrides) once the drivers are resumed', async () => {
    const { p, vms } = crowded(3);
    const backend = new ModelBackend(p.model);
    await (
      await backend.reconfigureCluster(p.cluster.id, {
        drs: { enabled: true, defaultVmBehavior: 'manual', migrationThreshold: 4 },
        ha: { enabled: true, admissionControlEnabled: true, admissionControlPolicy: { type: 'failoverResources', cpuFailoverPercent: 33, memoryFailoverPercent: 33 } },
        dpm: { enabled: true, defaultDpmBehavior: 'manual', hostPowerActionRate: 2 },
        groups: [{ operation: 'add', group: { type: 'vm', name: 'web', vms: [vms[1]!, vms[2]!] } }, { operation: 'add', group: { type: 'host', name: 'first', hosts: [p.hosts[0]!.id] } }],
        rules: [{ operation: 'add', rule: { type: 'vmHost', name: 'web-first', vmGroup: 'web', hostGroup: 'first', affine: true, mandatory: false } }],
        drsVmOverrides: [{ operation: 'add', override: { vm: vms[0]!, enabled: false, behavior: 'manual' } }],
      })
    ).wait();
    const before = await backend.clusterConfig(p.cluster.id);
    const restored = restoreModel(JSON.stringify(saveModel(p.model)));
    expect(drsState(restored)).toBeUndefined();
    resumeClusterServices(restored);
    expect([drsState(restored), haState(restored), dpmState(restored)].every((s) => s !== undefined)).toBe(true);
    expect(await new ModelBackend(restored).clusterConfig(p.cluster.id)).toEqual(before);
  });
});

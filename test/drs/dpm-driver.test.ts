import { describe, expect, it } from 'vitest';
import { changeHost } from '../../src/hypervisor/hosts.js';
import type { Preset } from '../../src/hypervisor/presets.js';
import { dpmState, enableDpm } from '../../src/drs/driver/dpm-driver.js';
import { enableDrs } from '../../src/drs/driver/drs-driver.js';
import { enableHa } from '../../src/drs/driver/ha-driver.js';
import { CPU_DEMAND_KEY } from '../../src/drs/driver/model-snapshot.js';
import { modelViolations } from '../../src/testing/invariants.js';
import { runningVm, smallCluster, succeed, thrown } from '../hypervisor/helpers.js';

const MINUTE = 60_000;

/** A 4-host cluster (16 GHz, 16 GB each) with `perHost` quiet VMs on every host, DRS on. */
function quiet(perHost = 2): Preset {
  const p = smallCluster({ hosts: 4 });
  p.hosts.forEach((h, i) => {
    for (let j = 0; j < perHost; j++) runningVm(p, { name: `vm-${i}-${j}`, host: h.id, memoryMB: 1024, extraConfig: { [CPU_DEMAND_KEY]: '300' } });
  });
  enableDrs(p.model);
  return p;
}

function states(p: Preset): string[] {
  return p.hosts.map((h) => p.model.registry.get('Host', h.id).state);
}

function runFor(p: Preset, ms: number): void {
  p.model.clock.runUntil(p.model.clock.now() + ms);
}

describe('enableDpm', () => {
  it('needs DRS, and refuses to be enabled twice', () => {
    const p = smallCluster();
    expect(thrown(() => enableDpm(p.model)).message).toMatch(/DPM needs DRS/);
    enableDrs(p.model);
    enableDpm(p.model);
    expect(thrown(() => enableDpm(p.model)).message).toMatch(/already enabled/);
  });

  it('waits for the 40-minute window, then evacuates the idlest hosts one pass at a time and puts them in standby', () => {
    const p = quiet();
    enableDpm(p.model, { threshold: 5 });
    runFor(p, 35 * MINUTE);
    expect(states(p)).toEqual(['connected', 'connected', 'connected', 'connected']);
    runFor(p, 30 * MINUTE);
    const standby = p.hosts.filter((h) => p.model.registry.get('Host', h.id).state === 'standby');
    expect(standby.length).toBeGreaterThanOrEqual(1);
    for (const h of standby) expect([...p.model.vmsOnHost(h.id)].filter((v) => p.model.registry.get('VirtualMachine', v).powerState === 'poweredOn')).toEqual([]);
    const done = dpmState(p.model)!.actions.filter((a) => a.kind === 'standby' && a.state === 'done');
    expect(done.map((a) => a.host).sort()).toEqual(standby.map((h) => h.id).sort());
    expect(done[0]!.explanation).toMatch(/in standby because/);
    expect(modelViolations(p.model)).toEqual([]);
  });

  it('keeps the hosts HA needs for its failover capacity on', () => {
    const p = quiet();
    enableHa(p.model, { admission: { policy: 'slot', hostFailures: 1, fixedSlot: { cpuMHz: 4000, memoryMB: 4096 } } });
    enableDpm(p.model, { threshold: 5 });
    runFor(p, 3 * 60 * MINUTE);
    // 8 VMs in slots of 4 GHz / 4 GB: 4 per host, so 3 hosts must stay on to survive one failure.
    expect(states(p).filter((s) => s === 'connected').length).toBeGreaterThanOrEqual(3);
    expect(dpmState(p.model)!.passes.some((r) => r.rejected.some((x) => x.reason === 'ha'))).toBe(true);
  });

  it('wakes a standby host after the boot time once demand rises above the band', () => {
    const p = quiet(1);
    enableDpm(p.model, { threshold: 5, hostBootMs: 2 * MINUTE, minHostsOn: 2 });
    runFor(p, 2 * 60 * MINUTE);
    const on = p.hosts.filter((h) => p.model.registry.get('Host', h.id).state === 'connected');
    expect(on.length).toBe(2);
    for (const [i, h] of on.entries()) {
      for (let j = 0; j < 7; j++) runningVm(p, { name: `hot-${i}-${j}`, host: h.id, memoryMB: 1024, extraConfig: { [CPU_DEMAND_KEY]: '2000' } });
    }
    runFor(p, 15 * MINUTE);
    const woken = dpmState(p.model)!.actions.filter((a) => a.kind === 'powerOn');
    expect(woken.length).toBeGreaterThanOrEqual(1);
    expect(woken[0]).toMatchObject({ state: 'done' });
    expect(woken[0]!.completedAt! - woken[0]!.recommendedAt).toBe(2 * MINUTE);
    expect(woken[0]!.explanation).toMatch(/above the band/);
    expect(modelViolations(p.model)).toEqual([]);
  });

  it('gives up an evacuation when the host is taken out of maintenance meanwhile, and stops when disabled', () => {
    const p = quiet();
    const handle = enableDpm(p.model, { threshold: 5 });
    let evacuating;
    for (let t = 0; t < 60 && !evacuating; t++) {
      runFor(p, MINUTE);
      evacuating = dpmState(p.model)!.actions.find((a) => a.state === 'evacuating');
    }
    expect(evacuating).toBeDefined();
    succeed(p.model, changeHost(p.model, evacuating!.host, 'exitMaintenance'));
    runFor(p, MINUTE);
    expect(evacuating).toMatchObject({ state: 'abandoned', error: 'the host left maintenance mode (connected)' });
    handle.disable();
    expect(dpmState(p.model)).toBeUndefined();
  });

  it('makes the same power changes at the same times for the same model', () => {
    const trace = () => {
      const p = quiet();
      enableDpm(p.model, { threshold: 5 });
      runFor(p, 90 * MINUTE);
      return dpmState(p.model)!.actions.map((a) => [a.kind, a.host, a.state, a.recommendedAt, a.completedAt]);
    };
    expect(trace()).toEqual(trace());
  });
});

describe('a host left in standby by hand', () => {
  it('is woken by DPM at priority 1 when fewer hosts than the minimum are on', () => {
    const p = smallCluster({ hosts: 2 });
    enableDrs(p.model);
    succeed(p.model, changeHost(p.model, p.hosts[1]!.id, 'enterStandby'));
    const handle = enableDpm(p.model, { minHostsOn: 2, threshold: 1, hostBootMs: MINUTE });
    const [record] = handle.runPass();
    expect(record!.applied).toMatchObject([{ kind: 'powerOn', host: p.hosts[1]!.id, priority: 1, reason: 'min-hosts' }]);
    runFor(p, 2 * MINUTE);
    expect(states(p)).toEqual(['connected', 'connected']);
  });
});

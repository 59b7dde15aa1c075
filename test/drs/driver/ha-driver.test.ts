import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failHost } from '../../../src/hypervisor/hosts.js';
import type { Preset } from '../../../src/hypervisor/presets.js';
import { enableHa, haState } from '../../../src/drs/driver/ha-driver.js';
import { RESTART_PRIORITY_KEY } from '../../../src/drs/driver/model-snapshot.js';
import type { VmId } from '../../../src/sim/ids.js';
import { modelViolations } from '../../../src/testing/invariants.js';
import { runningVm, smallCluster, vmOf } from '../../hypervisor/helpers.js';

/** A running VM on host `h` with a memory reservation of `reserveMB` (VM size at least that). */
function vmOn(p: Preset, name: string, h: number, reserveMB = 0, extraConfig: Record<string, string> = {}): VmId {
  const memoryMB = Math.max(2048, reserveMB);
  return runningVm(p, { name, host: p.hosts[h]!.id, memoryMB, memoryAllocation: { reservation: reserveMB }, extraConfig }).id;
}

describe('HA on the model', () => {
  it("restarts a failed host's VMs on the survivors and logs each restart", () => {
    const p = smallCluster({ hosts: 3 });
    const failed = [0, 1, 2, 3].map((i) => vmOn(p, `app-${i}`, 0));
    const other = vmOn(p, 'other', 1);
    enableHa(p.model);
    failHost(p.model, p.hosts[0]!.id);
    p.model.clock.runUntilIdle();
    for (const id of [...failed, other]) {
      expect(vmOf(p.model, id).powerState).toBe('poweredOn');
      expect(vmOf(p.model, id).host).not.toBe(p.hosts[0]!.id);
    }
    const state = haState(p.model)!;
    expect(state.restarts.map((r) => [r.vm, r.state])).toEqual(failed.map((id) => [id, 'restarted']));
    expect(state.unrestarted).toEqual([]);
    expect(p.model.events.history().filter((e) => e.type === 'VmRestartedOnAlternateHostEvent').map((e) => e.vm)).toEqual(failed);
    expect(modelViolations(p.model)).toEqual([]);
  });

  it('restarts in priority order and leaves disabled VMs down, recorded', () => {
    const p = smallCluster({ hosts: 2 });
    const low = vmOn(p, 'low', 0, 0, { [RESTART_PRIORITY_KEY]: 'low' });
    const off = vmOn(p, 'off', 0, 0, { [RESTART_PRIORITY_KEY]: 'disabled' });
    const high = vmOn(p, 'high', 0, 0, { [RESTART_PRIORITY_KEY]: 'highest' });
    enableHa(p.model);
    failHost(p.model, p.hosts[0]!.id);
    p.model.clock.runUntilIdle();
    expect(haState(p.model)!.restarts.map((r) => r.vm)).toEqual([high, low]);
    expect(haState(p.model)!.unrestarted).toMatchObject([{ vm: off, reason: 'restart-disabled' }]);
    expect(vmOf(p.model, off).powerState).toBe('poweredOff');
  });

  it('reports VMs whose reservations fit on no survivor instead of losing them', () => {
    const p = smallCluster({ hosts: 2 });
    const down = [vmOn(p, 'a', 0, 7000), vmOn(p, 'b', 0, 7000)];
    vmOn(p, 'c', 1, 7000);
    vmOn(p, 'd', 1, 7000);
    enableHa(p.model);
    failHost(p.model, p.hosts[0]!.id);
    p.model.clock.runUntilIdle();
    const state = haState(p.model)!;
    expect(state.restarts).toEqual([]);
    expect(state.unrestarted.map((u) => [u.vm, u.reason])).toEqual(down.map((id) => [id, 'no-host']));
    expect(state.unrestarted[0]!.detail).toContain('unreserved');
  });

  it('never restarts a VM on a failed host, and accounts for every VM that was running there', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ host: fc.nat(3), reserveMB: fc.constantFrom(0, 1024, 3000, 6000) }), { minLength: 1, maxLength: 12 }), fc.nat(3), fc.nat(3), (vms, first, second) => {
        const p = smallCluster({ hosts: 4 });
        const ids = vms.flatMap((v, i) => {
          try {
            return [vmOn(p, `vm-${i}`, v.host, v.reserveMB)];
          } catch {
            return [];
          }
        });
        enableHa(p.model);
        const failedHosts = new Set([p.hosts[first]!.id, p.hosts[second]!.id]);
        const wasOn = new Map(ids.map((id) => [id, vmOf(p.model, id).host]));
        for (const h of failedHosts) failHost(p.model, h);
        p.model.clock.runUntilIdle();
        const state = haState(p.model)!;
        for (const r of state.restarts) expect(failedHosts.has(r.to)).toBe(false);
        for (const id of ids) {
          if (!failedHosts.has(wasOn.get(id)!)) continue;
          const vm = vmOf(p.model, id);
          const restarted = vm.powerState === 'poweredOn' && !failedHosts.has(vm.host);
          const reported = state.unrestarted.some((u) => u.vm === id);
          expect(restarted || reported, `${id} neither restarted nor reported`).toBe(true);
        }
        expect(modelViolations(p.model)).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it('reports slot-policy admission control for a cluster', () => {
    const p = smallCluster({ hosts: 3 });
    vmOn(p, 'a', 0, 4096);
    const ha = enableHa(p.model, { admission: { policy: 'slot', hostFailures: 1 } });
    expect(ha.admission(p.cluster.id).compliant).toBe(true);
    ha.disable();
    const strict = enableHa(p.model, { admission: { policy: 'percentage', cpuFraction: 0.25, memoryFraction: 0.95 } });
    expect(strict.admission(p.cluster.id).compliant).toBe(false);
  });
});


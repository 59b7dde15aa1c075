import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failHost } from '../../../src/hypervisor/hosts.js';
import { cloneVM } from '../../../src/hypervisor/vm-clone.js';
import { powerVM } from '../../../src/hypervisor/vm-power.js';
import { configureCluster } from '../../../src/drs/driver/cluster-config.js';
import { enableDrs } from '../../../src/drs/driver/drs-driver.js';
import { enableHa, haState } from '../../../src/drs/driver/ha-driver.js';
import { INSUFFICIENT_FAILOVER_MESSAGE } from '../../../src/drs/driver/ha-power-on.js';
import { CPU_DEMAND_KEY } from '../../../src/drs/driver/model-snapshot.js';
import type { DrsRule } from '../../../src/drs/snapshot.js';
import type { VSphereModel } from '../../../src/hypervisor/model.js';
import type { HostId, VmId } from '../../../src/sim/ids.js';
import { fail, makeVm, runningVm, smallCluster, succeed, vmOf } from '../../hypervisor/helpers.js';

const MINUTE = 60_000;

/** The mandatory rules a running VM breaks, by rule id. */
function brokenMustRules(model: VSphereModel, rules: readonly DrsRule[]): string[] {
  const running = (id: VmId) => vmOf(model, id).powerState === 'poweredOn';
  const broken: string[] = [];
  for (const r of rules) {
    const on = r.vms.filter(running).map((id) => vmOf(model, id).host);
    if (r.kind === 'vm-host' && r.mandatory && on.some((h) => r.hosts.includes(h) !== r.affine)) broken.push(r.id);
    if (r.kind === 'vm-anti-affinity' && new Set(on).size < on.length) broken.push(r.id);
    if (r.kind === 'vm-affinity' && new Set(on).size > 1) broken.push(r.id);
  }
  return broken;
}

describe('cluster rules on the DRS driver', () => {
  it('never lets placement at power-on or balancing break a must rule', () => {
    const scenario = fc.record({
      vms: fc.integer({ min: 3, max: 8 }),
      pinnedTo: fc.subarray([0, 1, 2], { minLength: 1 }),
      affine: fc.boolean(),
      apart: fc.boolean(),
      cpu: fc.array(fc.integer({ min: 0, max: 4000 }), { minLength: 8, maxLength: 8 }),
    });
    fc.assert(
      fc.property(scenario, ({ vms, pinnedTo, affine, apart, cpu }) => {
        const p = smallCluster({ hosts: 3 });
        enableDrs(p.model);
        const ids = Array.from({ length: vms }, (_, i) => makeVm(p, { name: `vm-${i}`, extraConfig: { [CPU_DEMAND_KEY]: String(cpu[i]) } }).id);
        const hosts = pinnedTo.map((h) => p.hosts[h]!.id);
        const rules: DrsRule[] = [{ id: 'pin', kind: 'vm-host', vms: ids.slice(0, 3), hosts, affine, mandatory: true }];
        if (apart) rules.push({ id: 'apart', kind: 'vm-anti-affinity', vms: ids.slice(-2) });
        configureCluster(p.model, p.cluster.id, { rules });
        for (const id of ids) {
          const task = powerVM(p.model, id, 'powerOn');
          expect(['success', 'error']).toContain(succeedOrFail(p.model, task));
        }
        expect(brokenMustRules(p.model, rules)).toEqual([]);
        p.model.clock.advance(20 * MINUTE);
        expect(brokenMustRules(p.model, rules)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('moves a running VM off the hosts a new must rule forbids at the next pass', () => {
    const p = smallCluster({ hosts: 2 });
    const vm = runningVm(p, { name: 'web', host: p.hosts[0]!.id });
    enableDrs(p.model);
    configureCluster(p.model, p.cluster.id, { rules: [{ id: 'off-h0', kind: 'vm-host', vms: [vm.id], hosts: [p.hosts[0]!.id], affine: false, mandatory: true }] });
    p.model.clock.advance(10 * MINUTE);
    expect(vmOf(p.model, vm.id).host).toBe(p.hosts[1]!.id);
  });
});

describe('HA admission control at power-on', () => {
  /** Two hosts, HA tolerating one failure, and VMs reserving a share of a host (60%: one fits with the reserve, two do not). */
  function enforcing() {
    const p = smallCluster({ hosts: 2 });
    enableHa(p.model);
    configureCluster(p.model, p.cluster.id, { ha: { enabled: true, admissionControl: true, admission: { policy: 'slot', hostFailures: 1 } } });
    const big = (name: string, host: HostId, share = 0.6) => {
      const mb = Math.floor((p.hosts[0]!.memoryMB * share) / 4) * 4;
      return makeVm(p, { name, host, memoryMB: mb, memoryAllocation: { reservation: mb } });
    };
    return { p, big };
  }

  it("refuses the power-on that would eat into the reserve with vSphere's words, leaving the VM off", () => {
    const { p, big } = enforcing();
    succeed(p.model, powerVM(p.model, big('a', p.hosts[0]!.id).id, 'powerOn'));
    const b = big('b', p.hosts[1]!.id);
    const e = fail(p.model, powerVM(p.model, b.id, 'powerOn'));
    expect(e).toMatchObject({ code: 'InsufficientResourcesFault', message: INSUFFICIENT_FAILOVER_MESSAGE });
    expect(vmOf(p.model, b.id).powerState).toBe('poweredOff');
    expect(p.model.accounting.hostUsed(p.hosts[1]!.id).memory).toBe(0);
  });

  it('refuses an instant clone born running, registering nothing', () => {
    const { p, big } = enforcing();
    const [a, b, c] = [big('a', p.hosts[0]!.id, 0.3), big('b', p.hosts[0]!.id, 0.3), big('c', p.hosts[1]!.id, 0.3)];
    for (const vm of [a, b, c]) succeed(p.model, powerVM(p.model, vm.id, 'powerOn'));
    const before = [...p.model.registry.all('VirtualMachine')].length;
    const e = fail(p.model, cloneVM(p.model, a.id, { name: 'fork', mode: 'instant' }));
    expect(e.message).toBe(INSUFFICIENT_FAILOVER_MESSAGE);
    expect([...p.model.registry.all('VirtualMachine')].length).toBe(before);
  });

  it('lets HA restart a failed host’s VM in spite of the reserve', () => {
    const { p, big } = enforcing();
    const a = big('a', p.hosts[0]!.id);
    succeed(p.model, powerVM(p.model, a.id, 'powerOn'));
    failHost(p.model, p.hosts[0]!.id);
    p.model.clock.advance(MINUTE);
    expect(haState(p.model)!.restarts).toMatchObject([{ vm: a.id, to: p.hosts[1]!.id, state: 'restarted' }]);
    expect(vmOf(p.model, a.id).powerState).toBe('poweredOn');
  });
});

function succeedOrFail(model: VSphereModel, task: ReturnType<typeof powerVM>): string {
  model.clock.advance(MINUTE);
  return model.tasks.info(task.id).state;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changeHost } from '../../../src/hypervisor/hosts.js';
import type { Preset } from '../../../src/hypervisor/presets.js';
import { createVM } from '../../../src/hypervisor/vm-create.js';
import { powerVM } from '../../../src/hypervisor/vm-power.js';
import { balanceCluster } from '../../../src/drs/balance.js';
import { drsState, enableDrs } from '../../../src/drs/driver/drs-driver.js';
import { CPU_DEMAND_KEY, snapshotCluster } from '../../../src/drs/driver/model-snapshot.js';
import { InvalidArgumentError } from '../../../src/sim/errors.js';
import type { HostId, VmId } from '../../../src/sim/ids.js';
import { GiB } from '../../../src/sim/units.js';
import { modelViolations } from '../../../src/testing/invariants.js';
import { makeVm, runningVm, smallCluster, succeed, thrown, vmOf } from '../../hypervisor/helpers.js';

const MINUTE = 60_000;

/** `count` running VMs pinned to `host`, each running `cpuMhz` MHz of workload. */
function pinned(p: Preset, host: HostId, count: number, cpuMhz: number, workload: Record<string, string> = {}): VmId[] {
  return Array.from({ length: count }, (_, i) => runningVm(p, { name: `busy-${i}`, host, extraConfig: { [CPU_DEMAND_KEY]: String(cpuMhz), ...workload } }).id);
}

/** A 4-host cluster with 12 busy VMs all on the first host, their guests writing memory at random. */
function skewed(seed = 1): Preset {
  const p = smallCluster({ hosts: 4, seed });
  pinned(p, p.hosts[0]!.id, 12, 1200, { 'vicsim.workload.workingSet': '256m', 'vicsim.workload.dirtyRate': '20' });
  return p;
}

describe('snapshotCluster', () => {
  it('maps hosts, pools and running VMs with their measured demand', () => {
    const p = smallCluster({ hosts: 2 });
    const vm = runningVm(p, { name: 'web', host: p.hosts[1]!.id, extraConfig: { [CPU_DEMAND_KEY]: '1500' } });
    makeVm(p, { name: 'off' });
    const s = snapshotCluster(p.model, p.cluster.id);
    expect(s.hosts.map((h) => [h.id, h.cpuMHz, h.memoryMB, h.state, h.vmotionGbps])).toEqual(p.hosts.map((h) => [h.id, 16_000, 16 * 1024, 'connected', 10]));
    expect(s.rootPool).toBe(p.rootPool.id);
    expect(s.vms).toHaveLength(1);
    const stats = p.model.memoryOf(vm.host).vmStats(vm.id);
    expect(s.vms[0]).toMatchObject({ id: vm.id, host: p.hosts[1]!.id, vcpus: 2, overheadMB: p.model.overheadOf(vm), demand: { cpuRunMHz: 1500, memConsumedMB: stats.privateMB + stats.sharedMB } });
  });

  it('refuses a malformed CPU demand key, naming the VM and the key', () => {
    const p = smallCluster();
    runningVm(p, { name: 'bad', extraConfig: { [CPU_DEMAND_KEY]: 'lots' } });
    const e = thrown(() => snapshotCluster(p.model, p.cluster.id));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toContain(`'bad': ${CPU_DEMAND_KEY}`);
  });
});

describe('DRS initial placement', () => {
  it('spreads a burst of new VMs over the hosts and never breaks admission', () => {
    const p = smallCluster({ hosts: 4 });
    enableDrs(p.model);
    const ids = Array.from({ length: 12 }, (_, i) => succeed<VmId>(p.model, createVM(p.model, { pool: p.rootPool.id, name: `vm-${i}`, memoryMB: 2048, memoryAllocation: { reservation: 1024 }, disks: [{ capacityBytes: GiB }] })));
    const perHost = p.hosts.map((h) => ids.filter((id) => vmOf(p.model, id).host === h.id).length);
    expect(perHost).toEqual([3, 3, 3, 3]);
    for (const id of ids) succeed(p.model, powerVM(p.model, id, 'powerOn'));
    expect(modelViolations(p.model)).toEqual([]);
  });

  it('spreads VMs created and powered on one after the other', () => {
    const p = smallCluster({ hosts: 4 });
    enableDrs(p.model);
    const hosts = Array.from({ length: 8 }, (_, i) => runningVm(p, { name: `vm-${i}`, extraConfig: { [CPU_DEMAND_KEY]: '2000' } }).host);
    expect(p.hosts.map((h) => hosts.filter((x) => x === h.id).length)).toEqual([2, 2, 2, 2]);
  });

  it('sees capacity freed since its last placement', () => {
    const p = smallCluster({ hosts: 2 });
    enableDrs(p.model);
    const first = runningVm(p, { name: 'first', extraConfig: { [CPU_DEMAND_KEY]: '8000' } });
    const second = runningVm(p, { name: 'second', extraConfig: { [CPU_DEMAND_KEY]: '8000' } });
    expect(second.host).not.toBe(first.host);
    succeed(p.model, powerVM(p.model, second.id, 'powerOff'));
    const third = runningVm(p, { name: 'third', extraConfig: { [CPU_DEMAND_KEY]: '8000' } });
    expect(third.host).toBe(second.host);
  });

  it('places only where every placed VM then powers on within its reservations', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ reserveMB: fc.constantFrom(0, 2048, 4096, 6000), cpuMhz: fc.constantFrom(0, 1000, 4000) }), { minLength: 1, maxLength: 14 }), (specs) => {
        const p = smallCluster({ hosts: 3 });
        enableDrs(p.model);
        const placed = specs.flatMap((v, i) => {
          const task = createVM(p.model, { pool: p.rootPool.id, name: `vm-${i}`, memoryMB: 6144, memoryAllocation: { reservation: v.reserveMB }, extraConfig: { [CPU_DEMAND_KEY]: String(v.cpuMhz) }, disks: [] });
          p.model.clock.runUntilIdle();
          const info = p.model.tasks.info(task.id);
          return info.state === 'success' ? [info.result as VmId] : [];
        });
        for (const id of placed) succeed(p.model, powerVM(p.model, id, 'powerOn'));
        expect(modelViolations(p.model)).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a VM no host admits, saying why', () => {
    const p = smallCluster({ hosts: 2 });
    enableDrs(p.model);
    const task = createVM(p.model, { pool: p.rootPool.id, name: 'huge', memoryMB: 20_000, memoryAllocation: { reservation: 20_000 }, disks: [] });
    p.model.clock.runUntilIdle();
    expect(p.model.tasks.info(task.id).error?.message).toContain('DRS found no host');
  });
});

describe('DRS load balancing on the clock', () => {
  it('reduces the imbalance of a skewed cluster with vMotion tasks while the VMs keep running', () => {
    const p = skewed();
    enableDrs(p.model, { placement: false });
    const before = snapshotImbalance(p);
    p.model.clock.advance(5 * MINUTE);
    const moving = drsState(p.model)!.migrations.filter((m) => m.state === 'running');
    expect(moving.length).toBeGreaterThan(0);
    for (const m of moving) expect(vmOf(p.model, m.vm).powerState).toBe('poweredOn');
    p.model.clock.advance(30 * MINUTE);
    const state = drsState(p.model)!;
    const done = state.migrations.filter((m) => m.state === 'success');
    expect(done.length).toBeGreaterThan(0);
    for (const m of done) {
      const task = p.model.tasks.info(m.task!);
      expect(task.completeTime! - task.startTime!).toBe(m.durationMs);
      expect(vmOf(p.model, m.vm).powerState).toBe('poweredOn');
    }
    expect(snapshotImbalance(p)).toBeLessThan(before);
    expect(p.model.events.history().filter((e) => e.type === 'DrsVmMigratedEvent')).toHaveLength(done.length);
    expect(modelViolations(p.model)).toEqual([]);
  });

  it('starts no more vMotions at once on a host than its link allows', () => {
    const p = skewed();
    const handle = enableDrs(p.model, { placement: false, migrationThreshold: 5 });
    handle.runPass();
    const running = drsState(p.model)!.migrations.filter((m) => m.state === 'running');
    expect(running.length).toBeLessThanOrEqual(8);
  });

  it('makes the same migrations from the same seed', () => {
    const history = () => {
      const p = skewed(7);
      enableDrs(p.model, { placement: false });
      p.model.clock.advance(40 * MINUTE);
      return drsState(p.model)!.migrations.map((m) => ({ ...m }));
    };
    const first = history();
    expect(first.filter((m) => m.state === 'success').length).toBeGreaterThan(0);
    expect(history()).toEqual(first);
  });

  it('evacuates a host entering maintenance mode', () => {
    const p = smallCluster({ hosts: 3 });
    const vms = pinned(p, p.hosts[0]!.id, 4, 500);
    enableDrs(p.model, { placement: false });
    succeed(p.model, changeHost(p.model, p.hosts[0]!.id, 'enterMaintenance'));
    p.model.clock.advance(10 * MINUTE);
    for (const id of vms) {
      expect(vmOf(p.model, id).host).not.toBe(p.hosts[0]!.id);
      expect(vmOf(p.model, id).powerState).toBe('poweredOn');
    }
    expect(drsState(p.model)!.migrations.every((m) => m.reason === 'maintenance' && m.state === 'success')).toBe(true);
  });

  it('stops balancing once disabled', () => {
    const p = skewed();
    enableDrs(p.model, { placement: false }).disable();
    p.model.clock.advance(30 * MINUTE);
    expect(drsState(p.model)).toBeUndefined();
    expect(p.model.hostsOf(p.cluster.id).map((h) => p.model.vmsOnHost(h.id).size)).toEqual([12, 0, 0, 0]);
  });
});

/** The imbalance a DRS pass sees now (threshold 1 computes it and moves nothing for balance). */
function snapshotImbalance(p: Preset): number {
  return balanceCluster(snapshotCluster(p.model, p.cluster.id), { threshold: 1 }).imbalanceBefore;
}

/**
 * DemandSources against the model: what refresh writes into a session's columns and what forEach
 * gives are, for every VM, what measuredDemand gives — while guests write memory on some hosts
 * only, CPU probes swing, and VMs vMotion to hosts old and new; and the DRS driver, which refreshes
 * its held session through them, decides as a pass on a fresh snapshot does.
 */
import { describe, expect, it } from 'vitest';
import { balanceCluster } from '../../../src/drs/balance.js';
import { DemandColumns } from '../../../src/drs/demand-columns.js';
import type { DemandSources } from '../../../src/drs/driver/demand-sources.js';
import { drsState, enableDrs } from '../../../src/drs/driver/drs-driver.js';
import { CPU_DEMAND_KEY, measuredDemand, snapshotCluster, snapshotWithSources } from '../../../src/drs/driver/model-snapshot.js';
import type { VmDemand } from '../../../src/drs/snapshot.js';
import type { VSphereModel } from '../../../src/hypervisor/model.js';
import type { Preset } from '../../../src/hypervisor/presets.js';
import { relocateVM } from '../../../src/hypervisor/vm-config.js';
import type { HostId, VmId } from '../../../src/sim/ids.js';
import { runningVm, smallCluster, succeed, vmOf } from '../../hypervisor/helpers.js';

const MINUTE = 60_000;
/** A guest that writes: a 512 MB working set dirtied at 100 pages a second, for the whole hour (memory outweighs CPU in DRS's loads). */
const WRITER = { 'vicsim.workload.workingSet': '512m', 'vicsim.workload.dirtyRate': '100' };

/**
 * Four small hosts: three quiet VMs on host 0 (the sources' first host), six with guest workloads
 * on hosts 1 and 2, host 3 empty. Every other VM reads its CPU from a probe that swings with time; the rest from their
 * fixed `vicsim.workload.cpuMhz`.
 */
function cluster(): { p: Preset; ids: VmId[] } {
  const p = smallCluster({ hosts: 4, seed: 7 });
  const ids: VmId[] = [];
  for (let i = 0; i < 9; i++) {
    const extraConfig = { ...(i < 3 ? {} : WRITER), [CPU_DEMAND_KEY]: String(20 * (i + 1)) };
    ids.push(runningVm(p, { name: `vm-${i}`, host: p.hosts[i < 3 ? 0 : 1 + (i % 2)]!.id, memoryMB: 1024, extraConfig }).id);
  }
  p.model.guestCpuDemand = (vm) => (ids.indexOf(vm.id) % 2 === 0 ? (now) => 150 + 100 * Math.sin(now / (7 * MINUTE) + ids.indexOf(vm.id)) : undefined);
  return { p, ids };
}

/** Per VM of the snapshot's order, what measuredDemand gives for it now. */
function measured(model: VSphereModel, order: readonly VmId[]): VmDemand[] {
  return order.map((id) => measuredDemand(model, vmOf(model, id)));
}

/** What forEach gives now, copied. */
function listed(model: VSphereModel, sources: DemandSources): VmDemand[] {
  const out: VmDemand[] = [];
  sources.forEach(model.clock.now(), (i, d) => (out[i] = { ...d }));
  return out;
}

/** The columns' rows. */
function rows(columns: DemandColumns): VmDemand[] {
  return Array.from({ length: columns.length }, (_, i) => columns.demand(i));
}

/** Two independent sources of one cluster (one refreshed into columns, one listed) and their VM order. */
function twoSources(p: Preset): { refreshed: DemandSources; columns: DemandColumns; forEach: DemandSources; order: VmId[] } {
  const a = snapshotWithSources(p.model, p.cluster.id);
  const b = snapshotWithSources(p.model, p.cluster.id);
  expect(b.snapshot.vms.map((v) => v.id)).toEqual(a.snapshot.vms.map((v) => v.id));
  return { refreshed: a.sources, columns: new DemandColumns(a.snapshot.vms), forEach: b.sources, order: a.snapshot.vms.map((v) => v.id) };
}

/** vMotions VM `id` to `host` and waits for it to finish; returns the VM's record after the move. */
function vmotion(model: VSphereModel, id: VmId, host: HostId): ReturnType<typeof vmOf> {
  succeed(model, relocateVM(model, id, { host }));
  const vm = vmOf(model, id);
  expect(vm.host).toBe(host);
  return vm;
}

describe('DemandSources over a live model', () => {
  it('refresh and forEach give what measuredDemand gives for every VM, at each moment as guests write on some hosts only', () => {
    const { p, ids } = cluster();
    const model = p.model;
    const { refreshed, columns, forEach, order } = twoSources(p);
    expect([...order].sort()).toEqual([...ids].sort());
    const start = model.clock.now();
    const quietHost = model.memoryOf(p.hosts[0]!.id);
    const quietVersion = quietHost.usageVersion;
    let memoryChanged = 0;
    for (const t of [1_000, 30_000, 2 * MINUTE, 7 * MINUTE, 7 * MINUTE + 1, 20 * MINUTE, 45 * MINUTE]) {
      model.clock.runUntil(start + t);
      const version = columns.memoryVersion;
      refreshed.refresh(model.clock.now(), columns);
      const expected = measured(model, order);
      expect(rows(columns)).toEqual(expected);
      expect(listed(model, forEach)).toEqual(expected);
      if (columns.memoryVersion !== version) memoryChanged++;
      // A second refresh at the same moment reads nothing new.
      const again = columns.memoryVersion;
      refreshed.refresh(model.clock.now(), columns);
      expect(columns.memoryVersion).toBe(again);
      expect(rows(columns)).toEqual(expected);
    }
    // The writers' memory grew between reads; the quiet host's accounting never moved.
    expect(memoryChanged).toBeGreaterThan(2);
    expect(quietHost.usageVersion).toBe(quietVersion);
  });

  it('follows a VM that moved host once it is told (move), to a host it knew and to one it did not', () => {
    const { p, ids } = cluster();
    const model = p.model;
    const { refreshed, columns, forEach, order } = twoSources(p);
    const start = model.clock.now();
    const check = (): void => {
      refreshed.refresh(model.clock.now(), columns);
      const expected = measured(model, order);
      expect(rows(columns)).toEqual(expected);
      expect(listed(model, forEach)).toEqual(expected);
    };
    model.clock.runUntil(start + 2 * MINUTE);
    check();
    // A writer goes to the quiet host 0 (known to the sources), a quiet VM to the empty host 3 (new to them).
    const moves: [VmId, HostId][] = [[ids[4]!, p.hosts[0]!.id], [ids[1]!, p.hosts[3]!.id]];
    for (const [id, host] of moves) vmotion(model, id, host);
    // Read once before they are told: the moved VMs' memory is still looked for on their old hosts.
    refreshed.refresh(model.clock.now(), columns);
    listed(model, forEach);
    for (const [id] of moves) {
      const i = order.indexOf(id);
      refreshed.move(model, i, vmOf(model, id));
      forEach.move(model, i, vmOf(model, id));
    }
    check();
    for (const t of [3 * MINUTE, 10 * MINUTE, 25 * MINUTE]) {
      model.clock.runUntil(start + t);
      check();
    }
    // And back: the writer returns to host 1 and keeps writing there.
    const back = vmotion(model, ids[4]!, p.hosts[1]!.id);
    refreshed.move(model, order.indexOf(ids[4]!), back);
    forEach.move(model, order.indexOf(ids[4]!), back);
    check();
    model.clock.runUntil(model.clock.now() + 5 * MINUTE);
    check();
    expect(measuredDemand(model, back).memConsumedMB).toBeGreaterThan(0);
  });

  it('lets the DRS driver decide, pass after pass, as a pass on a fresh snapshot taken right after it does, while guests write and its own vMotions move VMs', () => {
    const { p } = cluster();
    const model = p.model;
    enableDrs(model, { migrationThreshold: 5, intervalMs: 5 * MINUTE });
    const passes = drsState(model)!.passes;
    const end = model.clock.now() + 60 * MINUTE;
    let compared = 0;
    // Event by event, so that the fresh snapshot sees the model as the pass saw it (a guest tick or a
    // vMotion finishing at the same instant runs after it).
    while ((model.clock.nextTime() ?? Infinity) <= end) {
      const seen = passes.length;
      model.clock.step();
      if (passes.length === seen) continue;
      const pass = passes.at(-1)!;
      const fresh = balanceCluster(snapshotCluster(model, p.cluster.id), { threshold: 5 });
      expect(pass.imbalanceBefore, `pass at ${pass.at}`).toBe(fresh.imbalanceBefore);
      expect(pass.recommendations.map((r) => [r.vm, r.to])).toEqual(fresh.recommendations.map((r) => [r.vm, r.to]));
      compared++;
    }
    expect(compared).toBe(12);
    expect(drsState(model)!.migrations.filter((m) => m.state === 'success').length).toBeGreaterThan(0);
  });
});

/** DRS passes that only re-measure demand (no new snapshot) decide as a pass on a fresh snapshot does. */
import { describe, expect, it } from 'vitest';
import { balanceCluster } from '../../../src/drs/balance.js';
import { drsState, enableDrs } from '../../../src/drs/driver/drs-driver.js';
import { snapshotCluster } from '../../../src/drs/driver/model-snapshot.js';
import { changeHost } from '../../../src/hypervisor/hosts.js';
import { powerVM } from '../../../src/hypervisor/vm-power.js';
import { runningVm, smallCluster, succeed } from '../../hypervisor/helpers.js';

const MINUTE = 60_000;

describe('DRS passes on a cluster whose demand changes', () => {
  it('decide exactly as a pass on a snapshot taken at the same moment', () => {
    const p = smallCluster({ hosts: 3, seed: 5 });
    const ids = Array.from({ length: 9 }, (_, i) => runningVm(p, { name: `vm-${i}`, host: p.hosts[i % 2]!.id, memoryMB: 1024 }).id);
    // Each VM's CPU swings on its own phase: demand changes every pass while the records stay put.
    p.model.guestCpuDemand = (vm) => (now) => 1500 + 1400 * Math.sin(now / (20 * MINUTE) + ids.indexOf(vm.id));
    enableDrs(p.model, { migrationThreshold: 4, intervalMs: 5 * MINUTE });
    const start = p.model.clock.now();
    let compared = 0;
    for (let t = start + 5 * MINUTE; t <= start + 180 * MINUTE; t += 5 * MINUTE) {
      // Now and then a record changes between passes: a VM stops or starts, a host enters or leaves maintenance.
      if (t === start + 60 * MINUTE) succeed(p.model, powerVM(p.model, ids[0]!, 'powerOff'));
      if (t === start + 90 * MINUTE) runningVm(p, { name: 'late', host: p.hosts[2]!.id, memoryMB: 1024 });
      if (t === start + 120 * MINUTE) succeed(p.model, changeHost(p.model, p.hosts[2]!.id, 'enterMaintenance'));
      if (t === start + 150 * MINUTE) succeed(p.model, changeHost(p.model, p.hosts[2]!.id, 'exitMaintenance'));
      p.model.clock.runUntil(t);
      const pass = drsState(p.model)!.passes.at(-1)!;
      expect(pass.at).toBe(t);
      const fresh = balanceCluster(snapshotCluster(p.model, p.cluster.id), { threshold: 4 });
      expect(pass.imbalanceBefore).toBe(fresh.imbalanceBefore);
      expect(pass.recommendations.map((r) => [r.vm, r.to])).toEqual(fresh.recommendations.map((r) => [r.vm, r.to]));
      compared++;
    }
    expect(compared).toBeGreaterThan(20);
    expect(drsState(p.model)!.migrations.length).toBeGreaterThan(0);
  });
});

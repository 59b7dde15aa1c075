import { describe, expect, it } from 'vitest';
import { placeVm } from '../../src/hypervisor/placement.js';
import { powerVM } from '../../src/hypervisor/vm-power.js';
import { buildConfig } from '../../src/hypervisor/vm-spec.js';
import { calibrate, DEFAULT_CALIBRATION } from '../../src/sim/calibration.js';
import { InsufficientResourcesError } from '../../src/sim/errors.js';
import { expectConsistent, fail, footprint, makeVm, runningVm, smallCluster, succeed } from './helpers.js';

/** Two small hosts that each run at most two VMs. */
const twoPerHost = () => smallCluster({ calibration: calibrate({ vm: { maxVmsPerHost: 2 } }) });

describe("ESXi's maximum of VMs per host", () => {
  it('is 1,024 powered-on VMs by default (vSphere configuration maximums)', () => {
    expect(DEFAULT_CALIBRATION.vm.maxVmsPerHost).toBe(1024);
  });

  it('refuses powering on one more VM on a full host with InsufficientResourcesFault, changing nothing', () => {
    const p = twoPerHost();
    const host = p.hosts[0]!.id;
    runningVm(p, { name: 'a', host });
    runningVm(p, { name: 'b', host });
    const c = makeVm(p, { name: 'c', host });
    const before = footprint(p.model);
    const e = fail(p.model, powerVM(p.model, c.id, 'powerOn')) as InsufficientResourcesError;
    expect(e).toBeInstanceOf(InsufficientResourcesError);
    expect([e.resource, e.requested, e.available, e.unit]).toEqual(['vms', 1, 0, 'VMs']);
    expect(e.message).toContain("runs ESXi's maximum of 2 VMs per host");
    expect(footprint(p.model)).toBe(before);
    expect(p.model.accounting.hostVms(host)).toBe(2);
    expectConsistent(p.model);
  });

  it('counts powered-on VMs only: a stopped VM frees its slot', () => {
    const p = twoPerHost();
    const host = p.hosts[0]!.id;
    const a = runningVm(p, { name: 'a', host });
    runningVm(p, { name: 'b', host });
    const c = makeVm(p, { name: 'c', host });
    succeed(p.model, powerVM(p.model, a.id, 'powerOff'));
    expect(p.model.accounting.hostVms(host)).toBe(1);
    succeed(p.model, powerVM(p.model, c.id, 'powerOn'));
    expect(p.model.accounting.hostVms(host)).toBe(2);
  });

  it('steers placement to a host below the maximum, and finds none when every host is full', () => {
    const p = twoPerHost();
    const [h0, h1] = p.hosts.map((h) => h.id);
    runningVm(p, { name: 'a', host: h0 });
    runningVm(p, { name: 'b', host: h0 });
    const config = buildConfig('next', {}, { numCpu: 1, memoryMB: 512 });
    expect(placeVm(p.model, p.cluster.id, config)).toBe(h1);
    runningVm(p, { name: 'c', host: h1 });
    runningVm(p, { name: 'd', host: h1 });
    expect(placeVm(p.model, p.cluster.id, config)).toBeUndefined();
  });
});

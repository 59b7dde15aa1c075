import { describe, expect, it } from 'vitest';
import { changeHost, failHost, HOST_EXIT_STANDBY_MS, recoverHost } from '../../src/hypervisor/hosts.js';
import { HOST_TABLE, nextState } from '../../src/hypervisor/lifecycle.js';
import { placeVm } from '../../src/hypervisor/placement.js';
import { powerVM } from '../../src/hypervisor/vm-power.js';
import { createVM } from '../../src/hypervisor/vm-create.js';
import { snapshotCluster } from '../../src/drs/driver/model-snapshot.js';
import { enableHa, haState } from '../../src/drs/driver/ha-driver.js';
import { GiB } from '../../src/sim/units.js';
import { fail, makeVm, runningVm, smallCluster, succeed } from './helpers.js';

describe('host standby', () => {
  it('lets a connected or maintenance host enter standby and only a standby host exit it', () => {
    expect(nextState(HOST_TABLE, 'connected', 'ENTER_STANDBY')).toBe('standby');
    expect(nextState(HOST_TABLE, 'maintenance', 'ENTER_STANDBY')).toBe('standby');
    expect(nextState(HOST_TABLE, 'standby', 'EXIT_STANDBY')).toBe('connected');
    expect(nextState(HOST_TABLE, 'standby', 'FAIL')).toBe('failed');
    expect(nextState(HOST_TABLE, 'connected', 'EXIT_STANDBY')).toBeUndefined();
    expect(nextState(HOST_TABLE, 'standby', 'ENTER_MAINTENANCE')).toBeUndefined();
  });

  it('refuses standby while the host still runs VMs, naming how many', () => {
    const p = smallCluster();
    runningVm(p, { name: 'web' });
    const host = p.model.registry.get('VirtualMachine', [...p.model.registry.all('VirtualMachine')][0]!.id).host;
    const error = fail(p.model, changeHost(p.model, host, 'enterStandby'));
    expect(error.message).toMatch(/still runs 1 powered-on VM\(s\).*entering standby/);
    expect(p.model.registry.get('Host', host).state).toBe('connected');
  });

  it('puts an empty host in standby, out of the root pool capacity, and logs the event', () => {
    const p = smallCluster();
    const [h0, h1] = p.hosts;
    const before = p.model.registry.get('ResourcePool', p.rootPool.id).memory.reservation;
    succeed(p.model, changeHost(p.model, h0!.id, 'enterStandby'));
    expect(p.model.registry.get('Host', h0!.id).state).toBe('standby');
    expect(p.model.registry.get('ResourcePool', p.rootPool.id).memory.reservation).toBeLessThan(before);
    expect(p.model.events.history().some((e) => e.type === 'EnteredStandbyModeEvent' && e.host === h0!.id)).toBe(true);
    expect(snapshotCluster(p.model, p.cluster.id).hosts.find((h) => h.id === h0!.id)!.state).toBe('standby');
    expect(h1).toBeDefined();
  });

  it('never places, registers or powers on a VM on a standby host', () => {
    const p = smallCluster();
    const [h0, h1] = p.hosts;
    const vm = makeVm(p, { name: 'parked', host: h0!.id });
    succeed(p.model, changeHost(p.model, h0!.id, 'enterStandby'));
    expect(placeVm(p.model, p.cluster.id, vm.config)).toBe(h1!.id);
    expect(fail(p.model, powerVM(p.model, vm.id, 'powerOn')).code).toBe('InvalidHostState');
    expect(fail(p.model, createVM(p.model, { name: 'x', pool: p.rootPool.id, host: h0!.id, disks: [{ capacityBytes: GiB }] })).message).toMatch(/standby/);
  });

  it('takes the host boot time to exit standby, or the duration asked for', () => {
    const p = smallCluster();
    const h0 = p.hosts[0]!.id;
    succeed(p.model, changeHost(p.model, h0, 'enterStandby'));
    const t0 = p.model.clock.now();
    succeed(p.model, changeHost(p.model, h0, 'exitStandby'));
    expect(p.model.clock.now() - t0).toBe(HOST_EXIT_STANDBY_MS);
    expect(p.model.registry.get('Host', h0).state).toBe('connected');
    succeed(p.model, changeHost(p.model, h0, 'enterStandby'));
    const t1 = p.model.clock.now();
    succeed(p.model, changeHost(p.model, h0, 'exitStandby', { durationMs: 90_000 }));
    expect(p.model.clock.now() - t1).toBe(90_000);
    expect(() => changeHost(p.model, h0, 'exitStandby', { durationMs: -1 })).toThrow(/duration/);
  });

  it('is not a host failure to HA, and a standby host that fails is recovered connected', () => {
    const p = smallCluster();
    const h0 = p.hosts[0]!.id;
    enableHa(p.model);
    succeed(p.model, changeHost(p.model, h0, 'enterStandby'));
    expect(haState(p.model)!.restarts).toEqual([]);
    expect(haState(p.model)!.unrestarted).toEqual([]);
    failHost(p.model, h0);
    expect(p.model.registry.get('Host', h0).state).toBe('failed');
    recoverHost(p.model, h0);
    expect(p.model.registry.get('Host', h0).state).toBe('connected');
  });
});

import { describe, expect, it } from 'vitest';
import type { RegistryChange } from '../../src/hypervisor/registry.js';
import { cloneVM, freezeVM } from '../../src/hypervisor/vm-clone.js';
import { calibrate } from '../../src/sim/calibration.js';
import { InsufficientResourcesError, InvalidStateError } from '../../src/sim/errors.js';
import type { VmId } from '../../src/sim/ids.js';
import { expectConsistent, fail, footprint, runningVm, smallCluster, succeed, vmOf } from './helpers.js';

/** A cluster with a running VM `src` on its first host, frozen as a template when `frozen`. */
function withSource(frozen: boolean, opts: Parameters<typeof smallCluster>[0] = {}) {
  const p = smallCluster(opts);
  const src = runningVm(p, { name: 'src', host: p.hosts[0]!.id });
  if (frozen) freezeVM(p.model, src.id);
  return { p, src };
}

/** Records registry changes and event types from now on. */
function watch(p: ReturnType<typeof smallCluster>) {
  const changes: RegistryChange[] = [];
  const events: string[] = [];
  p.model.registry.listen((c) => changes.push(c));
  p.model.events.listen((e) => events.push(e.type));
  return { changes, events };
}

describe('an instant clone is registered already running', () => {
  for (const frozen of [true, false]) {
    it(`puts one powered-on record in the registry, with the clone and power-on events (${frozen ? 'frozen' : 'running'} source)`, () => {
      const { p, src } = withSource(frozen);
      const seen = watch(p);
      const id = succeed<VmId>(p.model, cloneVM(p.model, src.id, { name: 'ic', mode: 'instant' }));
      const ofClone = seen.changes.filter((c) => c.object.id === id);
      expect(ofClone.map((c) => c.op)).toEqual(['put']);
      const vm = vmOf(p.model, id);
      expect(ofClone[0]!.object).toBe(vm);
      expect([vm.powerState, vm.bootTime, vm.host]).toEqual(['poweredOn', p.model.clock.now(), src.host]);
      expect(seen.events).toEqual(['VmInstantClonedEvent', 'VmPoweredOnEvent']);
      expect(p.model.memoryOf(vm.host).has(id)).toBe(true);
      expect(p.model.accounting.hostVms(vm.host)).toBe(2);
      expectConsistent(p.model);
    });
  }

  it('refuses a clone on a host at its VM maximum before anything is made: no record, event, id, disk or reservation', () => {
    const { p, src } = withSource(true, { calibration: calibrate({ vm: { maxVmsPerHost: 1 } }) });
    const before = footprint(p.model);
    const seen = watch(p);
    const counter = p.model.ids.counter;
    const e = fail(p.model, cloneVM(p.model, src.id, { name: 'ic', mode: 'instant' }));
    expect(e).toBeInstanceOf(InsufficientResourcesError);
    expect(footprint(p.model)).toBe(before);
    expect(seen.changes).toEqual([]);
    expect(seen.events).toEqual([]);
    expect(p.model.ids.counter).toBe(counter + 1); // the clone task's id only
    expectConsistent(p.model);
  });

  it('runs the power-on checks on the record to be registered, its id included, and a refusal leaves nothing', () => {
    const { p, src } = withSource(false);
    const checked: VmId[] = [];
    p.model.powerOnChecks.add((vm) => {
      checked.push(vm.id);
      return vm.name === 'ic' ? new InvalidStateError('InvalidState', vm.id, 'refused', 'refused by the test') : undefined;
    });
    const before = footprint(p.model);
    const seen = watch(p);
    const task = cloneVM(p.model, src.id, { name: 'ic', mode: 'instant' });
    const next = `vm-${p.model.ids.counter}`;
    expect(fail(p.model, task).message).toBe('refused by the test');
    expect(checked).toEqual([next]);
    expect(footprint(p.model)).toBe(before);
    expect([seen.changes, seen.events]).toEqual([[], []]);
    expect(p.model.memoryOf(src.host).isFrozen(src.id)).toBe(false);
    expectConsistent(p.model);
  });
});

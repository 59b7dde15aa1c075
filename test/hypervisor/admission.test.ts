import { describe, expect, it } from 'vitest';
import { changeHost, failHost, recoverHost } from '../../src/hypervisor/hosts.js';
import { createPool, destroyPool, updatePool } from '../../src/hypervisor/pools.js';
import { powerVM } from '../../src/hypervisor/vm-power.js';
import { InsufficientResourcesError, InvalidArgumentError, InvalidStateError } from '../../src/sim/errors.js';
import { overheadMB } from '../../src/sim/overhead.js';
import { expectConsistent, fail, footprint, makeVm, runningVm, smallCluster, succeed, thrown, vmOf } from './helpers.js';

/** Two small hosts: the root pool reserves 2 × 16,000 MHz and 2 × 16,384 MB. */
const ROOT_CPU = 32_000;
const ROOT_MEMORY = 32_768;

/** Memory a powered-on VM of that size and reservation holds: reservation plus overhead, rounded up. */
function held(memoryMB: number, numCpu: number, reservation: number): number {
  return reservation + Math.ceil(overheadMB(memoryMB, numCpu));
}

describe('creating a child pool', () => {
  it('is allowed while its reservation fits the parent’s unreserved capacity', () => {
    const p = smallCluster();
    const a = createPool(p.model, p.rootPool.id, 'a', { memory: { reservation: 20_000 }, cpu: { reservation: 10_000 } });
    expect(p.model.accounting.used(p.rootPool.id)).toEqual({ cpu: 10_000, memory: 20_000 });
    expect(p.model.registry.get('ResourcePool', a.id).parent).toBe(p.rootPool.id);
    expectConsistent(p.model);
  });

  it('is refused with InsufficientResourcesFault naming the parent and the amounts when its reservation does not fit', () => {
    const p = smallCluster();
    createPool(p.model, p.rootPool.id, 'a', { memory: { reservation: 20_000 } });
    const before = footprint(p.model);
    const e = thrown(() => createPool(p.model, p.rootPool.id, 'b', { memory: { reservation: 20_000 } })) as InsufficientResourcesError;
    expect(e).toBeInstanceOf(InsufficientResourcesError);
    expect(e.code).toBe('InsufficientResourcesFault');
    expect(e.scope).toContain(`'Resources' (${p.rootPool.id})`);
    expect([e.resource, e.requested, e.available, e.unit]).toEqual(['memory', 20_000, ROOT_MEMORY - 20_000, 'MB']);
    expect(e.message).toContain('requested 20000 MB, available 12768 MB');
    expect(footprint(p.model)).toBe(before);
    expect(p.model.registry.findByName('ResourcePool', 'b')).toBeUndefined();
  });

  it('is refused for CPU the same way, in MHz', () => {
    const p = smallCluster();
    const e = thrown(() => createPool(p.model, p.rootPool.id, 'big', { cpu: { reservation: ROOT_CPU + 1 } })) as InsufficientResourcesError;
    expect([e.resource, e.requested, e.available, e.unit]).toEqual(['cpu', ROOT_CPU + 1, ROOT_CPU, 'MHz']);
  });

  it('under an expandable parent borrows from the grandparent, and under a non-expandable one does not', () => {
    const p = smallCluster();
    const open = createPool(p.model, p.rootPool.id, 'open', { memory: { reservation: 1000, expandableReservation: true } });
    const closed = createPool(p.model, p.rootPool.id, 'closed', { memory: { reservation: 1000, expandableReservation: false } });
    createPool(p.model, open.id, 'child', { memory: { reservation: 3000 } });
    expect(p.model.accounting.used(open.id).memory).toBe(3000);
    expect(p.model.accounting.used(p.rootPool.id).memory).toBe(3000 + 1000);
    const e = thrown(() => createPool(p.model, closed.id, 'child', { memory: { reservation: 3000 } })) as InsufficientResourcesError;
    expect(e).toBeInstanceOf(InsufficientResourcesError);
    expect(e.scope).toContain(`'closed' (${closed.id})`);
    expect(e.available).toBe(1000);
    expectConsistent(p.model);
  });

  it('rejects a reservation above its limit with InvalidArgumentError naming both values', () => {
    const p = smallCluster();
    const e = thrown(() => createPool(p.model, p.rootPool.id, 'x', { cpu: { reservation: 500, limit: 100 } }));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toMatch(/reservation 500 exceeds its limit 100/);
  });
});

describe('powering on a VM', () => {
  it('books its memory reservation plus its overhead, rounded up, in its pool, every ancestor and its host', () => {
    const p = smallCluster();
    const pool = createPool(p.model, p.rootPool.id, 'web', { memory: { reservation: 0, expandableReservation: true } });
    const vm = runningVm(p, { name: 'vm', pool: pool.id, numCpu: 2, memoryMB: 2048, memoryAllocation: { reservation: 1024 }, cpuAllocation: { reservation: 500 } });
    const expected = { cpu: 500, memory: held(2048, 2, 1024) };
    expect(expected.memory).toBe(1024 + 38); // 37.5 MB overhead for 2 GB / 2 vCPUs, rounded up
    expect(p.model.accounting.used(pool.id)).toEqual(expected);
    expect(p.model.accounting.used(p.rootPool.id)).toEqual(expected);
    expect(p.model.accounting.hostUsed(vm.host)).toEqual(expected);
    expectConsistent(p.model);
  });

  it('fits a pool whose reservation is exactly the VM’s reservation plus overhead, and not one MB less', () => {
    const need = held(2048, 2, 1024);
    for (const [reservation, fits] of [[need, true], [need - 1, false]] as const) {
      const p = smallCluster();
      const pool = createPool(p.model, p.rootPool.id, 'tight', { memory: { reservation, expandableReservation: false } });
      const vm = makeVm(p, { name: 'vm', pool: pool.id, numCpu: 2, memoryMB: 2048, memoryAllocation: { reservation: 1024 } });
      const task = powerVM(p.model, vm.id, 'powerOn');
      if (fits) succeed(p.model, task);
      else expect(fail(p.model, task)).toBeInstanceOf(InsufficientResourcesError);
      expect(vmOf(p.model, vm.id).powerState).toBe(fits ? 'poweredOn' : 'poweredOff');
      expectConsistent(p.model);
    }
  });

  it('is refused when the pool cannot grant it, leaving the VM off and every pool and host unchanged', () => {
    const p = smallCluster();
    const pool = createPool(p.model, p.rootPool.id, 'small', { memory: { reservation: 2048, expandableReservation: false } });
    runningVm(p, { name: 'first', pool: pool.id, numCpu: 1, memoryMB: 1024, memoryAllocation: { reservation: 1024 } });
    const vm = makeVm(p, { name: 'second', pool: pool.id, numCpu: 1, memoryMB: 1024, memoryAllocation: { reservation: 1024 } });
    const before = footprint(p.model);
    const used = [...p.model.registry.all('ResourcePool')].map((x) => ({ ...p.model.accounting.used(x.id) }));
    const e = fail(p.model, powerVM(p.model, vm.id, 'powerOn')) as InsufficientResourcesError;
    expect(e).toBeInstanceOf(InsufficientResourcesError);
    expect(e.code).toBe('InsufficientResourcesFault');
    expect(e.scope).toBe(`resource pool 'small' (${pool.id})`);
    expect(e.resource).toBe('memory');
    expect(e.requested).toBe(held(1024, 1, 1024));
    expect(e.available).toBe(2048 - held(1024, 1, 1024));
    expect(e.message).toContain(`requested ${e.requested} MB, available ${e.available} MB`);
    expect(vmOf(p.model, vm.id).powerState).toBe('poweredOff');
    expect([...p.model.registry.all('ResourcePool')].map((x) => ({ ...p.model.accounting.used(x.id) }))).toEqual(used);
    expect(footprint(p.model)).toBe(before);
    expect(p.model.events.history().at(-1)).toMatchObject({ type: 'VmFailedToPowerOnEvent', vm: vm.id });
    expectConsistent(p.model);
  });

  it('in an expandable pool borrows from the parent, and in a non-expandable pool does not', () => {
    const p = smallCluster();
    const open = createPool(p.model, p.rootPool.id, 'open', { memory: { reservation: 1024, expandableReservation: true } });
    const closed = createPool(p.model, p.rootPool.id, 'closed', { memory: { reservation: 1024, expandableReservation: false } });
    const spec = { numCpu: 2, memoryMB: 4096, memoryAllocation: { reservation: 4096 } };
    runningVm(p, { name: 'borrower', pool: open.id, ...spec });
    expect(p.model.accounting.used(open.id).memory).toBe(held(4096, 2, 4096));
    expect(p.model.accounting.used(p.rootPool.id).memory).toBe(held(4096, 2, 4096) + 1024);
    const vm = makeVm(p, { name: 'refused', pool: closed.id, ...spec });
    const e = fail(p.model, powerVM(p.model, vm.id, 'powerOn')) as InsufficientResourcesError;
    expect(e.scope).toContain(closed.id);
    expect(e.available).toBe(1024);
    expectConsistent(p.model);
  });

  it('through a chain of expandable pools names the pool the VM asked and what all ancestors could lend', () => {
    const p = smallCluster();
    const a = createPool(p.model, p.rootPool.id, 'a', { memory: { reservation: 4096, expandableReservation: false } });
    const b = createPool(p.model, a.id, 'b', { memory: { reservation: 0, expandableReservation: true } });
    const vm = makeVm(p, { name: 'vm', pool: b.id, numCpu: 2, memoryMB: 8192, memoryAllocation: { reservation: 8192 } });
    const e = fail(p.model, powerVM(p.model, vm.id, 'powerOn')) as InsufficientResourcesError;
    expect(e.scope).toBe(`resource pool 'b' (${b.id})`);
    expect(e.available).toBe(4096);
    expect(p.model.accounting.used(a.id)).toEqual({ cpu: 0, memory: 0 });
  });

  it('is refused by its host when the host’s own capacity is reserved, though the cluster has room', () => {
    const p = smallCluster();
    const h0 = p.hosts[0]!;
    const spec = { host: h0.id, numCpu: 4, memoryMB: 4096, cpuAllocation: { reservation: 10_000 } };
    runningVm(p, { name: 'first', ...spec });
    const vm = makeVm(p, { name: 'second', ...spec });
    const before = footprint(p.model);
    const e = fail(p.model, powerVM(p.model, vm.id, 'powerOn')) as InsufficientResourcesError;
    expect(e).toBeInstanceOf(InsufficientResourcesError);
    expect(e.scope).toBe(`host '${h0.name}' (${h0.id})`);
    expect([e.resource, e.requested, e.available, e.unit]).toEqual(['cpu', 10_000, 6_000, 'MHz']);
    expect(p.model.accounting.available(p.rootPool.id, 'cpu')).toBeGreaterThan(10_000);
    expect(footprint(p.model)).toBe(before);
    expectConsistent(p.model);
  });

  it('counts host memory reservations with overhead, so two VMs reserving 8 GB do not fit a 16 GB host', () => {
    const p = smallCluster();
    const h0 = p.hosts[0]!;
    const spec = { host: h0.id, numCpu: 1, memoryMB: 8192, memoryAllocation: { reservation: 8192 } };
    runningVm(p, { name: 'first', ...spec });
    const vm = makeVm(p, { name: 'second', ...spec });
    const e = fail(p.model, powerVM(p.model, vm.id, 'powerOn')) as InsufficientResourcesError;
    expect(e.scope).toContain(h0.id);
    expect([e.resource, e.requested, e.available]).toEqual(['memory', held(8192, 1, 8192), 16_384 - held(8192, 1, 8192)]);
  });
});

describe('a pool limit', () => {
  it('stops an expandable pool from borrowing beyond it when a VM powers on', () => {
    const p = smallCluster();
    const pool = createPool(p.model, p.rootPool.id, 'capped', { memory: { reservation: 0, limit: 4096, expandableReservation: true } });
    const vm = makeVm(p, { name: 'vm', pool: pool.id, numCpu: 2, memoryMB: 8192, memoryAllocation: { reservation: 8192 } });
    const before = footprint(p.model);
    const e = fail(p.model, powerVM(p.model, vm.id, 'powerOn')) as InsufficientResourcesError;
    expect(e).toBeInstanceOf(InsufficientResourcesError);
    expect(e.scope).toContain(`'capped' (${pool.id})`);
    expect([e.requested, e.available]).toEqual([held(8192, 2, 8192), 4096]);
    expect(footprint(p.model)).toBe(before);
  });

  it('lets an expandable pool borrow up to it', () => {
    const p = smallCluster();
    const pool = createPool(p.model, p.rootPool.id, 'capped', { memory: { reservation: 0, limit: held(2048, 2, 2048), expandableReservation: true } });
    runningVm(p, { name: 'vm', pool: pool.id, numCpu: 2, memoryMB: 2048, memoryAllocation: { reservation: 2048 } });
    expect(p.model.accounting.available(pool.id, 'memory')).toBe(0);
    expectConsistent(p.model);
  });

  it('stops a child pool from reserving more than an expandable parent may grow to', () => {
    const p = smallCluster();
    const parent = createPool(p.model, p.rootPool.id, 'parent', { cpu: { reservation: 1000, limit: 5000, expandableReservation: true } });
    const e = thrown(() => createPool(p.model, parent.id, 'child', { cpu: { reservation: 6000 } })) as InsufficientResourcesError;
    expect(e).toBeInstanceOf(InsufficientResourcesError);
    expect([e.requested, e.available]).toEqual([6000, 5000]);
  });

  it('may not be lowered below what an expandable pool already uses', () => {
    const p = smallCluster();
    const pool = createPool(p.model, p.rootPool.id, 'p', { cpu: { reservation: 0, expandableReservation: true } });
    runningVm(p, { name: 'vm', pool: pool.id, cpuAllocation: { reservation: 3000 } });
    const before = footprint(p.model);
    expect(thrown(() => updatePool(p.model, pool.id, { cpu: { limit: 2000 } }))).toBeInstanceOf(InsufficientResourcesError);
    expect(footprint(p.model)).toBe(before);
  });
});

describe('reading the bookkeeping', () => {
  it('gives pool and host readings that later power-ons do not change under the caller', () => {
    const p = smallCluster();
    const h0 = p.hosts[0]!;
    const vm = makeVm(p, { name: 'vm', host: h0.id, cpuAllocation: { reservation: 1000 } });
    const [pool, host] = [p.model.accounting.used(p.rootPool.id), p.model.accounting.hostUsed(h0.id)];
    succeed(p.model, powerVM(p.model, vm.id, 'powerOn'));
    expect([pool, host]).toEqual([{ cpu: 0, memory: 0 }, { cpu: 0, memory: 0 }]);
    expect(p.model.accounting.used(p.rootPool.id).cpu).toBe(1000);
  });
});

describe('updating a pool', () => {
  it('refuses to shrink a non-expandable reservation below what its VMs hold, and changes nothing', () => {
    const p = smallCluster();
    const pool = createPool(p.model, p.rootPool.id, 'p', { memory: { reservation: 8192, expandableReservation: false } });
    runningVm(p, { name: 'vm', pool: pool.id, numCpu: 2, memoryMB: 4096, memoryAllocation: { reservation: 4096 } });
    const before = footprint(p.model);
    const e = thrown(() => updatePool(p.model, pool.id, { memory: { reservation: 2048 } })) as InsufficientResourcesError;
    expect(e).toBeInstanceOf(InsufficientResourcesError);
    expect(e.scope).toContain(`'p' (${pool.id})`);
    expect([e.requested, e.available]).toEqual([held(4096, 2, 4096), 2048]);
    expect(footprint(p.model)).toBe(before);
    expectConsistent(p.model);
  });

  it('refuses to shrink a non-expandable reservation below what its child pools reserve', () => {
    const p = smallCluster();
    const parent = createPool(p.model, p.rootPool.id, 'parent', { cpu: { reservation: 8000, expandableReservation: false } });
    createPool(p.model, parent.id, 'child', { cpu: { reservation: 6000 } });
    const before = footprint(p.model);
    const e = thrown(() => updatePool(p.model, parent.id, { cpu: { reservation: 4000 } })) as InsufficientResourcesError;
    expect(e).toBeInstanceOf(InsufficientResourcesError);
    expect([e.resource, e.requested, e.available]).toEqual(['cpu', 6000, 4000]);
    expect(footprint(p.model)).toBe(before);
  });

  it('may shrink an expandable reservation below what children hold: the difference is borrowed', () => {
    const p = smallCluster();
    const parent = createPool(p.model, p.rootPool.id, 'parent', { cpu: { reservation: 8000, expandableReservation: true } });
    createPool(p.model, parent.id, 'child', { cpu: { reservation: 6000 } });
    updatePool(p.model, parent.id, { cpu: { reservation: 4000 } });
    expect(p.model.accounting.used(p.rootPool.id).cpu).toBe(6000);
    expectConsistent(p.model);
  });

  it('refuses to grow a reservation beyond what the parent can grant, naming the parent', () => {
    const p = smallCluster();
    const pool = createPool(p.model, p.rootPool.id, 'p', { memory: { reservation: 1024 } });
    const e = thrown(() => updatePool(p.model, pool.id, { memory: { reservation: ROOT_MEMORY + 1 } })) as InsufficientResourcesError;
    expect(e.scope).toContain(`'Resources' (${p.rootPool.id})`);
    expect([e.requested, e.available]).toEqual([ROOT_MEMORY + 1 - 1024, ROOT_MEMORY - 1024]);
    expect(p.model.registry.get('ResourcePool', pool.id).memory.reservation).toBe(1024);
  });

  it('refuses to reconfigure or destroy the root pool', () => {
    const p = smallCluster();
    expect(thrown(() => updatePool(p.model, p.rootPool.id, { cpu: { reservation: 1 } }))).toBeInstanceOf(InvalidStateError);
    expect(thrown(() => destroyPool(p.model, p.rootPool.id))).toBeInstanceOf(InvalidStateError);
  });
});

describe('destroying a pool', () => {
  it('moves its VMs and child pools, with what they use, to its parent', () => {
    const p = smallCluster();
    const mid = createPool(p.model, p.rootPool.id, 'mid', { memory: { reservation: 0, expandableReservation: true } });
    const child = createPool(p.model, mid.id, 'child', { cpu: { reservation: 3000 }, memory: { reservation: 2000, expandableReservation: true } });
    const inMid = runningVm(p, { name: 'in-mid', pool: mid.id, numCpu: 2, memoryMB: 2048, memoryAllocation: { reservation: 1024 } });
    const inChild = runningVm(p, { name: 'in-child', pool: child.id, numCpu: 2, memoryMB: 4096, memoryAllocation: { reservation: 4096 } });
    const off = makeVm(p, { name: 'off', pool: mid.id });
    const rootBefore = { ...p.model.accounting.used(p.rootPool.id) };
    const childBefore = { ...p.model.accounting.used(child.id) };
    expect(succeed(p.model, destroyPool(p.model, mid.id))).toBe(mid.id);
    expect(p.model.registry.find(mid.id)).toBeUndefined();
    expect(p.model.registry.get('ResourcePool', child.id).parent).toBe(p.rootPool.id);
    expect(vmOf(p.model, inMid.id).pool).toBe(p.rootPool.id);
    expect(vmOf(p.model, off.id).pool).toBe(p.rootPool.id);
    expect(vmOf(p.model, inChild.id).pool).toBe(child.id);
    expect(p.model.accounting.used(child.id)).toEqual(childBefore);
    expect(p.model.accounting.used(p.rootPool.id)).toEqual(rootBefore);
    expect([...p.model.vmsInPool(p.rootPool.id)].sort()).toEqual([inMid.id, off.id].sort());
    expect(p.model.events.history().at(-1)).toMatchObject({ type: 'ResourcePoolDestroyedEvent', pool: mid.id });
    expectConsistent(p.model);
  });
});

describe('the root pool', () => {
  it('reserves the capacity of the connected hosts as hosts fail, enter maintenance, disconnect and come back', () => {
    const p = smallCluster();
    const [h0, h1] = [p.hosts[0]!, p.hosts[1]!];
    const root = (): { cpu: number; memory: number } => {
      const r = p.model.registry.get('ResourcePool', p.rootPool.id);
      return { cpu: r.cpu.reservation, memory: r.memory.reservation };
    };
    expect(root()).toEqual({ cpu: ROOT_CPU, memory: ROOT_MEMORY });
    failHost(p.model, h1.id);
    expect(root()).toEqual({ cpu: 16_000, memory: 16_384 });
    expect(p.model.accounting.available(p.rootPool.id, 'memory')).toBe(16_384);
    recoverHost(p.model, h1.id);
    expect(root()).toEqual({ cpu: ROOT_CPU, memory: ROOT_MEMORY });
    succeed(p.model, changeHost(p.model, h0.id, 'enterMaintenance'));
    expect(root()).toEqual({ cpu: 16_000, memory: 16_384 });
    succeed(p.model, changeHost(p.model, h0.id, 'exitMaintenance'));
    succeed(p.model, changeHost(p.model, h0.id, 'disconnect'));
    expect(root()).toEqual({ cpu: 16_000, memory: 16_384 });
    succeed(p.model, changeHost(p.model, h0.id, 'reconnect'));
    expect(root()).toEqual({ cpu: ROOT_CPU, memory: ROOT_MEMORY });
    expectConsistent(p.model);
  });

  it('releases the reservations of the VMs a failed host ran, so they fit again after recovery', () => {
    const p = smallCluster();
    const h0 = p.hosts[0]!;
    const vm = runningVm(p, { name: 'vm', host: h0.id, numCpu: 2, memoryMB: 8192, memoryAllocation: { reservation: 8192 }, cpuAllocation: { reservation: 4000 } });
    failHost(p.model, h0.id);
    expect(p.model.accounting.used(p.rootPool.id)).toEqual({ cpu: 0, memory: 0 });
    expect(p.model.accounting.hostUsed(h0.id)).toEqual({ cpu: 0, memory: 0 });
    expectConsistent(p.model);
    recoverHost(p.model, h0.id);
    succeed(p.model, powerVM(p.model, vm.id, 'powerOn'));
    expect(p.model.accounting.used(p.rootPool.id)).toEqual({ cpu: 4000, memory: held(8192, 2, 8192) });
    expectConsistent(p.model);
  });

  it('refuses a new reservation while a failed host leaves it short of what it already holds', () => {
    const p = smallCluster();
    createPool(p.model, p.rootPool.id, 'big', { memory: { reservation: 30_000 } });
    failHost(p.model, p.hosts[1]!.id);
    expect(p.model.accounting.used(p.rootPool.id).memory).toBe(30_000);
    expect(thrown(() => createPool(p.model, p.rootPool.id, 'more', { memory: { reservation: 1 } }))).toBeInstanceOf(InsufficientResourcesError);
    recoverHost(p.model, p.hosts[1]!.id);
    createPool(p.model, p.rootPool.id, 'more', { memory: { reservation: 1 } });
    expectConsistent(p.model);
  });
});

import { describe, expect, it } from 'vitest';
import { getDisk } from '../../src/hypervisor/disks.js';
import { changeHost, failHost } from '../../src/hypervisor/hosts.js';
import { addDatastore } from '../../src/hypervisor/inventory.js';
import { createPool } from '../../src/hypervisor/pools.js';
import { createSnapshot } from '../../src/hypervisor/snapshots.js';
import { cloneVM } from '../../src/hypervisor/vm-clone.js';
import { destroyVM, reconfigureVM, relocateVM } from '../../src/hypervisor/vm-config.js';
import { createVM } from '../../src/hypervisor/vm-create.js';
import { powerVM, type PowerOp } from '../../src/hypervisor/vm-power.js';
import {
  DuplicateNameError,
  InsufficientResourcesError,
  InvalidArgumentError,
  InvalidPowerStateError,
  InvalidStateError,
  NotSupportedError,
} from '../../src/sim/errors.js';
import type { VmId } from '../../src/sim/ids.js';
import { GiB, MiB } from '../../src/sim/units.js';
import { expectConsistent, fail, finish, footprint, guestWrite, makeVm, runningVm, smallCluster, succeed, thrown, vmOf } from './helpers.js';

describe('creating a VM', () => {
  const refused: [string, Record<string, unknown>, RegExp][] = [
    ['an empty name', { name: '' }, /non-empty name/],
    ['a name longer than 80 characters', { name: 'n'.repeat(81) }, new RegExp(`'${'n'.repeat(81)}' is longer than 80`)],
    ['a name with control characters', { name: 'bad\u0007name' }, /"bad\\u0007name" contains control characters/],
    ['0 vCPUs', { name: 'vm', numCpu: 0 }, /vCPUs must be an integer from 1 to 128, got 0/],
    ['129 vCPUs', { name: 'vm', numCpu: 129 }, /got 129/],
    ['a fractional vCPU count', { name: 'vm', numCpu: 1.5 }, /got 1\.5/],
    ['memory that is not a multiple of 4 MB', { name: 'vm', memoryMB: 1030 }, /multiple of 4 MB .* got 1030/],
    ['no memory', { name: 'vm', memoryMB: 0 }, /got 0/],
    ['a memory reservation above the configured memory', { name: 'vm', memoryMB: 2048, memoryAllocation: { reservation: 4096 } }, /reservation 4096 exceeds the configured 2048/],
    ['a CPU reservation above its limit', { name: 'vm', cpuAllocation: { reservation: 2000, limit: 1000 } }, /reservation 2000 exceeds its limit 1000/],
    ['a negative reservation', { name: 'vm', memoryAllocation: { reservation: -1 } }, /reservation must be ≥ 0, got -1/],
    ['a disk of no bytes', { name: 'vm', disks: [{ capacityBytes: 0 }] }, /disk capacity must be > 0 bytes, got 0/],
  ];

  it.each(refused)('with %s throws InvalidArgumentError at submit naming the value, and leaves nothing behind', (_, spec, message) => {
    const p = smallCluster();
    const before = footprint(p.model);
    const tasks = p.model.tasks.list().length;
    const e = thrown(() => createVM(p.model, { pool: p.rootPool.id, ...spec } as never));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toMatch(message);
    expect(p.model.tasks.list()).toHaveLength(tasks);
    expect(p.model.clock.pendingWork).toBe(0);
    expect(footprint(p.model)).toBe(before);
  });

  it('accepts 1 and 128 vCPUs and exactly 4 MB of memory at submit', () => {
    const p = smallCluster();
    for (const [name, numCpu, memoryMB] of [['one', 1, 4], ['max', 128, 4096]] as const) {
      expect(() => createVM(p.model, { name, pool: p.rootPool.id, numCpu, memoryMB })).not.toThrow();
    }
  });

  it('with the name of an existing VM throws DuplicateName at submit and changes nothing', () => {
    const p = smallCluster();
    makeVm(p, { name: 'web' });
    const before = footprint(p.model);
    const e = thrown(() => createVM(p.model, { name: 'web', pool: p.rootPool.id })) as DuplicateNameError;
    expect(e).toBeInstanceOf(DuplicateNameError);
    expect(e.code).toBe('DuplicateName');
    expect(e.message).toContain('"web"');
    expect(footprint(p.model)).toBe(before);
  });

  it('twice with one name at once lets the first finish and fails the second with DuplicateName', () => {
    const p = smallCluster();
    const first = createVM(p.model, { name: 'twin', pool: p.rootPool.id, disks: [{ capacityBytes: GiB }] });
    const second = createVM(p.model, { name: 'twin', pool: p.rootPool.id, disks: [{ capacityBytes: GiB }] });
    succeed(p.model, first);
    expect(fail(p.model, second)).toBeInstanceOf(DuplicateNameError);
    expect([...p.model.registry.all('VirtualMachine')]).toHaveLength(1);
    expectConsistent(p.model);
  });

  it('places the VM on the connected host with the most unconsumed memory', () => {
    const p = smallCluster({ hosts: 3 });
    const [h0, h1, h2] = [p.hosts[0]!, p.hosts[1]!, p.hosts[2]!];
    runningVm(p, { name: 'big-on-h0', host: h0.id, memoryMB: 8192 });
    runningVm(p, { name: 'small-on-h1', host: h1.id, memoryMB: 1024 });
    runningVm(p, { name: 'mid-on-h2', host: h2.id, memoryMB: 4096 });
    expect(makeVm(p, { name: 'placed' }).host).toBe(h1.id);
    failHost(p.model, h1.id);
    expect(makeVm(p, { name: 'placed-after-failure' }).host).toBe(h2.id);
  });

  it('makes the folder, a readable .vmx naming the VM and its memory, and a descriptor and extent per disk', () => {
    const p = smallCluster();
    const vm = makeVm(p, { name: 'web', memoryMB: 3072, disks: [{ capacityBytes: 8 * GiB }, { capacityBytes: GiB }], nics: [{ network: p.network.id }] });
    const files = p.model.files(p.datastore.id);
    expect(vm.folder).toBe('web');
    expect(files.readdir('web')).toEqual(['web-flat.vmdk', 'web.vmdk', 'web.vmx', 'web_1-flat.vmdk', 'web_1.vmdk']);
    const vmx = files.readFile('web/web.vmx');
    expect(vmx).toContain('displayName = "web"');
    expect(vmx).toContain('memSize = "3072"');
    expect(vmx).toContain('scsi0:1.fileName = "web_1.vmdk"');
    expect(vmx).toContain('ethernet0.networkName = "VM Network"');
    expect(files.stat('web/web.vmx').size).toBe(Buffer.byteLength(vmx));
    expect(files.readFile('web/web.vmdk')).toMatch(/createType="vmfs"[\s\S]*RW \d+ VMFS "web-flat.vmdk"/);
    expect(vm.config.devices.filter((d) => d.type === 'disk').map((d) => d.fileName)).toEqual(['[DC0_DS0] web/web.vmdk', '[DC0_DS0] web/web_1.vmdk']);
    expect(p.model.events.history().at(-1)).toMatchObject({ type: 'VmCreatedEvent', vm: vm.id });
    expectConsistent(p.model);
  });
});

describe('power operations', () => {
  it('move a VM on, suspend it, resume it, reset it and turn it off, logging each event', () => {
    const p = smallCluster();
    const vm = makeVm(p, { name: 'vm' });
    const steps: [PowerOp, string, string][] = [
      ['powerOn', 'poweredOn', 'VmPoweredOnEvent'],
      ['suspend', 'suspended', 'VmSuspendedEvent'],
      ['powerOn', 'poweredOn', 'VmPoweredOnEvent'],
      ['reset', 'poweredOn', 'VmResettingEvent'],
      ['powerOff', 'poweredOff', 'VmPoweredOffEvent'],
    ];
    for (const [op, state, event] of steps) {
      succeed(p.model, powerVM(p.model, vm.id, op));
      expect(vmOf(p.model, vm.id).powerState, op).toBe(state);
      expect(p.model.events.history().at(-1)).toMatchObject({ type: event, vm: vm.id });
      expectConsistent(p.model);
    }
  });

  it('release a suspended VM’s reservations and take them back when it resumes', () => {
    const p = smallCluster();
    const vm = runningVm(p, { name: 'vm', cpuAllocation: { reservation: 1000 } });
    succeed(p.model, powerVM(p.model, vm.id, 'suspend'));
    expect(p.model.accounting.used(p.rootPool.id)).toEqual({ cpu: 0, memory: 0 });
    expect(p.model.consumedMB(vm.host)).toBe(0);
    succeed(p.model, powerVM(p.model, vm.id, 'powerOn'));
    expect(p.model.accounting.used(p.rootPool.id).cpu).toBe(1000);
  });

  const disallowed: [string, PowerOp[], PowerOp, string, string][] = [
    ['powering off a powered-off VM', [], 'powerOff', 'poweredOff', 'poweredOff'],
    ['suspending a powered-off VM', [], 'suspend', 'poweredOff', 'suspended'],
    ['resetting a powered-off VM', [], 'reset', 'poweredOff', 'poweredOn'],
    ['powering on a running VM', ['powerOn'], 'powerOn', 'poweredOn', 'poweredOn'],
    ['suspending a suspended VM', ['powerOn', 'suspend'], 'suspend', 'suspended', 'suspended'],
    ['resetting a suspended VM', ['powerOn', 'suspend'], 'reset', 'suspended', 'poweredOn'],
  ];

  it.each(disallowed)('fail %s with InvalidPowerState carrying the existing and requested states', (_, setup, op, existing, requested) => {
    const p = smallCluster();
    const vm = makeVm(p, { name: 'vm' });
    for (const s of setup) succeed(p.model, powerVM(p.model, vm.id, s));
    const before = footprint(p.model);
    const e = fail(p.model, powerVM(p.model, vm.id, op)) as InvalidPowerStateError;
    expect(e).toBeInstanceOf(InvalidPowerStateError);
    expect(e.code).toBe('InvalidPowerState');
    expect(e.existing).toBe(existing);
    expect(e.requested).toBe(requested);
    expect(e.message).toContain(existing);
    expect(footprint(p.model)).toBe(before);
  });

  it('on one VM run one after another, each waiting for the one before', () => {
    const p = smallCluster();
    const vm = makeVm(p, { name: 'vm' });
    const t0 = p.model.clock.now();
    const on = powerVM(p.model, vm.id, 'powerOn');
    const off = powerVM(p.model, vm.id, 'powerOff');
    expect(p.model.tasks.info(on.id).state).toBe('running');
    expect(p.model.tasks.info(off.id).state).toBe('queued');
    const [a, b] = [finish(p.model, on), finish(p.model, off)];
    const { powerOnMs, powerOffMs } = p.model.calibration.latency;
    expect([a.startTime, a.completeTime]).toEqual([t0, t0 + powerOnMs]);
    expect([b.queueTime, b.startTime, b.completeTime]).toEqual([t0, t0 + powerOnMs, t0 + powerOnMs + powerOffMs]);
    expect(vmOf(p.model, vm.id).powerState).toBe('poweredOff');
  });

  it('on different VMs overlap in simulated time', () => {
    const p = smallCluster();
    const ids = ['a', 'b', 'c'].map((name) => makeVm(p, { name }).id);
    const t0 = p.model.clock.now();
    const tasks = ids.map((id) => powerVM(p.model, id, 'powerOn'));
    p.model.clock.runUntilIdle();
    for (const t of tasks) expect(p.model.tasks.info(t.id)).toMatchObject({ state: 'success', startTime: t0, completeTime: t0 + p.model.calibration.latency.powerOnMs });
  });

  it('throw InvalidArgumentError at submit for an unknown operation', () => {
    const p = smallCluster();
    const vm = makeVm(p, { name: 'vm' });
    expect(thrown(() => powerVM(p.model, vm.id, 'explode' as PowerOp))).toBeInstanceOf(InvalidArgumentError);
  });
});

describe('reconfiguring a VM', () => {
  it('refuses a vCPU or memory change while the VM runs, and allows it once off', () => {
    const p = smallCluster();
    const vm = runningVm(p, { name: 'vm', numCpu: 2, memoryMB: 2048 });
    for (const spec of [{ numCpu: 4 }, { memoryMB: 4096 }]) {
      const before = footprint(p.model);
      const e = fail(p.model, reconfigureVM(p.model, vm.id, spec)) as InvalidPowerStateError;
      expect(e).toBeInstanceOf(InvalidPowerStateError);
      expect([e.existing, e.requested]).toEqual(['poweredOn', 'poweredOff']);
      expect(footprint(p.model)).toBe(before);
    }
    succeed(p.model, powerVM(p.model, vm.id, 'powerOff'));
    succeed(p.model, reconfigureVM(p.model, vm.id, { numCpu: 4, memoryMB: 4096 }));
    expect(vmOf(p.model, vm.id).config).toMatchObject({ numCpu: 4, memoryMB: 4096 });
    expect(p.model.files(p.datastore.id).readFile('vm/vm.vmx')).toContain('memSize = "4096"');
  });

  it('re-checks admission when a running VM’s reservation grows, and keeps the old one when refused', () => {
    const p = smallCluster();
    const pool = createPool(p.model, p.rootPool.id, 'p', { memory: { reservation: 3072, expandableReservation: false } });
    const vm = runningVm(p, { name: 'vm', pool: pool.id, numCpu: 2, memoryMB: 4096, memoryAllocation: { reservation: 1024 } });
    succeed(p.model, reconfigureVM(p.model, vm.id, { memoryAllocation: { reservation: 2048 } }));
    expect(p.model.accounting.used(pool.id).memory).toBe(2048 + p.model.overheadOf(vm));
    const before = footprint(p.model);
    const e = fail(p.model, reconfigureVM(p.model, vm.id, { memoryAllocation: { reservation: 4096 } })) as InsufficientResourcesError;
    expect(e).toBeInstanceOf(InsufficientResourcesError);
    expect(e.scope).toContain(pool.id);
    expect(footprint(p.model)).toBe(before);
    expect(vmOf(p.model, vm.id)).toMatchObject({ powerState: 'poweredOn', config: { memoryAllocation: { reservation: 2048 } } });
    expectConsistent(p.model);
  });

  it('merges extraConfig, removes a key given an empty value, and writes the result into the .vmx', () => {
    const p = smallCluster();
    const vm = makeVm(p, { name: 'vm', extraConfig: { 'guestinfo.a': '1' } });
    succeed(p.model, reconfigureVM(p.model, vm.id, { extraConfig: { 'guestinfo.b': '2' } }));
    expect(vmOf(p.model, vm.id).config.extraConfig).toEqual({ 'guestinfo.a': '1', 'guestinfo.b': '2' });
    succeed(p.model, reconfigureVM(p.model, vm.id, { extraConfig: { 'guestinfo.a': '' } }));
    expect(vmOf(p.model, vm.id).config.extraConfig).toEqual({ 'guestinfo.b': '2' });
    const vmx = p.model.files(p.datastore.id).readFile('vm/vm.vmx');
    expect(vmx).toContain('guestinfo.b = "2"');
    expect(vmx).not.toContain('guestinfo.a');
    expectConsistent(p.model);
  });

  it('adds thin disks with their files, next to the existing ones', () => {
    const p = smallCluster();
    const vm = makeVm(p, { name: 'vm' });
    succeed(p.model, reconfigureVM(p.model, vm.id, { addDisks: [{ capacityBytes: 2 * GiB }] }));
    const disks = vmOf(p.model, vm.id).config.devices.filter((d) => d.type === 'disk');
    expect(disks.map((d) => [d.key, d.fileName, d.capacityBytes])).toEqual([
      [2000, '[DC0_DS0] vm/vm.vmdk', 8 * GiB],
      [2001, '[DC0_DS0] vm/vm_1.vmdk', 2 * GiB],
    ]);
    expect(p.model.files(p.datastore.id).exists('vm/vm_1-flat.vmdk')).toBe(true);
    expect(p.model.diskRefs.get('[DC0_DS0] vm/vm_1.vmdk')).toBe(1);
    expectConsistent(p.model);
  });

  it('throws InvalidArgumentError at submit for a bad size, and fails DuplicateName for a taken name', () => {
    const p = smallCluster();
    const vm = makeVm(p, { name: 'vm' });
    makeVm(p, { name: 'other' });
    expect(thrown(() => reconfigureVM(p.model, vm.id, { memoryMB: 1001 }))).toBeInstanceOf(InvalidArgumentError);
    expect(fail(p.model, reconfigureVM(p.model, vm.id, { name: 'other' }))).toBeInstanceOf(DuplicateNameError);
  });
});

describe('relocating a VM', () => {
  it('moves a powered-off VM to another host (cold migration)', () => {
    const p = smallCluster();
    const vm = makeVm(p, { name: 'vm', host: p.hosts[0]!.id });
    succeed(p.model, relocateVM(p.model, vm.id, { host: p.hosts[1]!.id }));
    expect(vmOf(p.model, vm.id).host).toBe(p.hosts[1]!.id);
    expect(p.model.events.history().at(-1)).toMatchObject({ type: 'VmRelocatedEvent', host: p.hosts[1]!.id });
    expectConsistent(p.model);
  });

  it('vMotions a running VM, which keeps running and moves its reservation, logging VmMigratedEvent', () => {
    const p = smallCluster();
    const [h0, h1] = [p.hosts[0]!, p.hosts[1]!];
    const vm = runningVm(p, { name: 'vm', host: h0.id, cpuAllocation: { reservation: 1000 } });
    const held = { ...p.model.accounting.hostUsed(h0.id) };
    succeed(p.model, relocateVM(p.model, vm.id, { host: h1.id }));
    expect(vmOf(p.model, vm.id)).toMatchObject({ host: h1.id, powerState: 'poweredOn' });
    expect(p.model.accounting.hostUsed(h0.id)).toEqual({ cpu: 0, memory: 0 });
    expect(p.model.accounting.hostUsed(h1.id)).toEqual(held);
    expect(p.model.events.history().at(-1)).toMatchObject({ type: 'VmMigratedEvent', vm: vm.id, host: h1.id, data: { sourceHost: h0.id } });
    expectConsistent(p.model);
  });

  it('to another datastore consolidates each disk chain into a base disk and moves the VM’s files', () => {
    const p = smallCluster();
    const ds1 = addDatastore(p.model, p.datacenter.id, { name: 'DS1', capacityBytes: 100 * GiB });
    const src = makeVm(p, { name: 'src' });
    guestWrite(p.model, '[DC0_DS0] src/src.vmdk', 3 * MiB);
    succeed(p.model, createSnapshot(p.model, src.id, 's1'));
    const cloneId = succeed<VmId>(p.model, cloneVM(p.model, src.id, { name: 'linked', mode: 'linked' }));
    guestWrite(p.model, '[DC0_DS0] linked/linked.vmdk', MiB, 3 * MiB);
    p.model.files(p.datastore.id).writeFile('linked/vmware.log', 'booted\n');
    succeed(p.model, relocateVM(p.model, cloneId, { datastore: ds1.id }));
    const moved = vmOf(p.model, cloneId);
    expect(moved.datastore).toBe(ds1.id);
    const disk = getDisk(p.model, '[DS1] linked/linked.vmdk');
    expect(disk).toMatchObject({ parentPath: undefined, depth: 0 });
    expect(disk.allocatedGrains * disk.grainBytes).toBe(4 * MiB);
    expect(disk.extentPath).toBe('[DS1] linked/linked-flat.vmdk');
    expect(p.model.files(ds1.id).stat('linked/linked-flat.vmdk').size).toBe(disk.allocatedBytes);
    const dst = p.model.files(ds1.id);
    expect(dst.readdir('linked')).toEqual(['linked-flat.vmdk', 'linked.vmdk', 'linked.vmx', 'vmware.log']);
    expect(dst.readFile('linked/vmware.log')).toBe('booted\n');
    expect(dst.readFile('linked/linked.vmx')).toContain('displayName = "linked"');
    expect(p.model.files(p.datastore.id).exists('linked')).toBe(false);
    expect(p.model.vmdks.has('[DC0_DS0] src/src.vmdk')).toBe(true);
    expectConsistent(p.model);
  });

  it('refuses a host that is not connected, leaving the VM where it was', () => {
    const p = smallCluster();
    const vm = makeVm(p, { name: 'vm', host: p.hosts[0]!.id });
    failHost(p.model, p.hosts[1]!.id);
    const before = footprint(p.model);
    const e = fail(p.model, relocateVM(p.model, vm.id, { host: p.hosts[1]!.id })) as InvalidStateError;
    expect([e.code, e.existing]).toEqual(['InvalidHostState', 'failed']);
    expect(footprint(p.model)).toBe(before);
  });

  it('to another datastore with snapshots throws NotSupported at submit and changes nothing', () => {
    const p = smallCluster();
    const ds1 = addDatastore(p.model, p.datacenter.id, { name: 'DS1', capacityBytes: 100 * GiB });
    const vm = makeVm(p, { name: 'vm' });
    succeed(p.model, createSnapshot(p.model, vm.id, 's1'));
    const before = footprint(p.model);
    expect(thrown(() => relocateVM(p.model, vm.id, { datastore: ds1.id }))).toBeInstanceOf(NotSupportedError);
    expect(footprint(p.model)).toBe(before);
  });
});

describe('destroying a VM', () => {
  it('refuses a running VM with InvalidPowerState and leaves it in place', () => {
    const p = smallCluster();
    const vm = runningVm(p, { name: 'vm' });
    const before = footprint(p.model);
    const e = fail(p.model, destroyVM(p.model, vm.id)) as InvalidPowerStateError;
    expect(e).toBeInstanceOf(InvalidPowerStateError);
    expect(e.existing).toBe('poweredOn');
    expect(footprint(p.model)).toBe(before);
  });

  it('removes the VM, every one of its files and its folder, freeing the space', () => {
    const p = smallCluster();
    const files = p.model.files(p.datastore.id);
    const usage = files.usage;
    const vm = makeVm(p, { name: 'vm', disks: [{ capacityBytes: GiB }, { capacityBytes: GiB }], serialLog: true });
    guestWrite(p.model, '[DC0_DS0] vm/vm.vmdk', 5 * MiB);
    files.writeFile('vm/serial.log', 'hello\n');
    succeed(p.model, createSnapshot(p.model, vm.id, 's'));
    succeed(p.model, destroyVM(p.model, vm.id));
    expect(p.model.registry.find(vm.id)).toBeUndefined();
    expect(files.exists('vm')).toBe(false);
    expect(files.usage).toBe(usage);
    expect(p.model.vmdks.paths()).toEqual([]);
    expect(p.model.vmByName('vm')).toBeUndefined();
    expect(p.model.events.history().at(-1)).toMatchObject({ type: 'VmRemovedEvent', vm: vm.id });
    expectConsistent(p.model);
  });
});

describe('host failures and maintenance', () => {
  it('a failed host powers off its VMs and releases their reservations', () => {
    const p = smallCluster();
    const [h0, h1] = [p.hosts[0]!, p.hosts[1]!];
    const a = runningVm(p, { name: 'a', host: h0.id, cpuAllocation: { reservation: 500 } });
    const b = runningVm(p, { name: 'b', host: h1.id, cpuAllocation: { reservation: 700 } });
    failHost(p.model, h0.id);
    expect(vmOf(p.model, a.id).powerState).toBe('poweredOff');
    expect(vmOf(p.model, b.id).powerState).toBe('poweredOn');
    expect(p.model.accounting.used(p.rootPool.id).cpu).toBe(700);
    expect(p.model.consumedMB(h0.id)).toBe(0);
    expect(p.model.events.history().map((e) => e.type)).toContain('HostConnectionLostEvent');
    expect(fail(p.model, powerVM(p.model, a.id, 'powerOn')).code).toBe('InvalidHostState');
    expectConsistent(p.model);
  });

  it('entering maintenance fails while VMs run on the host, and succeeds once they are off', () => {
    const p = smallCluster();
    const h0 = p.hosts[0]!;
    const vm = runningVm(p, { name: 'vm', host: h0.id });
    const e = fail(p.model, changeHost(p.model, h0.id, 'enterMaintenance')) as InvalidStateError;
    expect(e).toBeInstanceOf(InvalidStateError);
    expect(e.message).toMatch(/still runs 1 powered-on VM/);
    expect(p.model.registry.get('Host', h0.id).state).toBe('connected');
    succeed(p.model, powerVM(p.model, vm.id, 'powerOff'));
    succeed(p.model, changeHost(p.model, h0.id, 'enterMaintenance'));
    expect(p.model.registry.get('Host', h0.id).state).toBe('maintenance');
    expect(fail(p.model, changeHost(p.model, h0.id, 'reconnect')).code).toBe('InvalidHostState');
    expectConsistent(p.model);
  });
});

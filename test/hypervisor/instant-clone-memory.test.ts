import { describe, expect, it } from 'vitest';
import { ModelBackend } from '../../src/backend/model/index.js';
import { cloneVM, clusterPreset, createVM, freezeVM, powerVM, type Preset } from '../../src/hypervisor/index.js';
import type { VmId } from '../../src/sim/ids.js';
import { overheadMB } from '../../src/sim/overhead.js';
import { MiB } from '../../src/sim/units.js';
import { Rng } from '../../src/sim/rng.js';
import { modelViolations } from '../../src/testing/invariants.js';

const W = 256; // MB the template touched
const D = 16; // MB each clone dirties
const N = 64;

function oneHost(): Preset {
  return clusterPreset({ hosts: 1, seed: 5 });
}

function run(p: Preset, id: VmId, op: 'powerOn'): void {
  powerVM(p.model, id, op);
  p.model.clock.runUntilIdle();
}

function createOn(p: Preset, name: string): VmId {
  const t = createVM(p.model, { name, pool: p.rootPool.id, memoryMB: 2048, numCpu: 2, disks: [{ capacityBytes: 2 ** 30 }] });
  p.model.clock.runUntilIdle();
  return p.model.tasks.info(t.id).result as VmId;
}

describe('instant clone memory in the model', () => {
  it('reproduces the calibration density formula: full ≈ W + O per VM, instant ≈ D + O + W/N', () => {
    const O = Math.ceil(overheadMB(2048, 2));
    const full = oneHost();
    for (let i = 0; i < N; i++) {
      const id = createOn(full, `full-${i}`);
      run(full, id, 'powerOn');
      full.model.memoryOf(full.hosts[0]!.id).write(id, 0, W * MiB);
    }
    const inst = oneHost();
    const mem = inst.model.memoryOf(inst.hosts[0]!.id);
    const template = createOn(inst, 'template');
    run(inst, template, 'powerOn');
    mem.write(template, 0, W * MiB);
    freezeVM(inst.model, template);
    for (let i = 0; i < N; i++) cloneVM(inst.model, template, { name: `ic-${i}`, mode: 'instant' });
    inst.model.clock.runUntilIdle();
    for (const id of mem.vms()) if (id !== template) mem.write(id, 0, D * MiB);

    const perFull = full.model.consumedMB(full.hosts[0]!.id) / N;
    const perInstant = (inst.model.consumedMB(inst.hosts[0]!.id) - O) / N;
    expect(perFull).toBeCloseTo(W + O, 0);
    expect(Math.abs(perInstant / (D + O + W / N) - 1)).toBeLessThan(0.01);
    expect(Math.abs(perFull / perInstant / ((W + O) / (D + O + W / N)) - 1)).toBeLessThan(0.01);
    expect(mem.stats().sharedByForkMB).toBeCloseTo(W, 0); // the frozen generation keeps every page it holds
    expect(modelViolations(inst.model)).toEqual([]);
  });

  it('forks from a frozen template at depth 1 and leaves the template disks alone', () => {
    const p = oneHost();
    const t = createOn(p, 'template');
    run(p, t, 'powerOn');
    freezeVM(p.model, t);
    const before = p.model.registry.get('VirtualMachine', t).config.devices;
    for (let i = 0; i < 3; i++) cloneVM(p.model, t, { name: `c${i}`, mode: 'instant' });
    p.model.clock.runUntilIdle();
    expect(p.model.registry.get('VirtualMachine', t).config.devices).toEqual(before);
    for (const id of p.model.memoryOf(p.hosts[0]!.id).vms()) if (id !== t) expect(p.model.memoryOf(p.hosts[0]!.id).vmStats(id).generations).toBe(1);
  });

  it('serializes half of each clone per template, and stuns a running source', () => {
    const p = oneHost();
    const src = createOn(p, 'src');
    run(p, src, 'powerOn');
    const t0 = p.model.clock.now();
    const running = [0, 1].map((i) => cloneVM(p.model, src, { name: `r${i}`, mode: 'instant' }));
    p.model.clock.runUntilIdle();
    const l = p.model.calibration.latency;
    const serialized = l.instantCloneMs * l.instantCloneSerializedFraction + l.runningSourceStunMs;
    expect(running.map((t) => p.model.tasks.info(t.id).completeTime! - t0)).toEqual([l.instantCloneMs + l.runningSourceStunMs, serialized + l.instantCloneMs + l.runningSourceStunMs]);
    freezeVM(p.model, src);
    const t1 = p.model.clock.now();
    const frozen = [0, 1, 2].map((i) => cloneVM(p.model, src, { name: `f${i}`, mode: 'instant' }));
    p.model.clock.runUntilIdle();
    expect(frozen.map((t) => p.model.tasks.info(t.id).completeTime! - t1)).toEqual([100, 150, 200]);
  });

  it('moves resident memory with a vMotion and frees it on the source host', () => {
    const p = clusterPreset({ hosts: 2 });
    const id = createOn(p, 'vm');
    run(p, id, 'powerOn');
    const from = p.model.registry.get('VirtualMachine', id).host;
    const to = p.hosts.find((h) => h.id !== from)!.id;
    p.model.memoryOf(from).write(id, 0, 100 * MiB);
    p.model.clock.runUntilIdle();
    const backend = new ModelBackend(p.model);
    return backend.relocateVM(id, { host: to }).then(async (t) => {
      await t.wait();
      expect(p.model.memoryOf(from).has(id)).toBe(false);
      expect(p.model.memoryOf(to).vmStats(id).privateMB).toBeCloseTo(100, 0);
      expect((await backend.vm(id)).memory?.privateMB).toBeCloseTo(100, 0);
      expect(modelViolations(p.model)).toEqual([]);
    });
  });

  it('runs guest workloads from extraConfig on the background tick, deterministically', () => {
    const go = () => {
      const p = oneHost();
      const t = createVM(p.model, { name: 'busy', pool: p.rootPool.id, memoryMB: 1024, extraConfig: { 'vicsim.workload.workingSet': '128m', 'vicsim.workload.dirtyRate': '2000', 'vicsim.workload.locality': '0.9' } });
      p.model.clock.runUntilIdle();
      run(p, p.model.tasks.info(t.id).result as VmId, 'powerOn');
      p.model.clock.advance(10_000);
      return p.model.memoryOf(p.hosts[0]!.id).vmStats(p.model.tasks.info(t.id).result as VmId);
    };
    const a = go();
    expect(a.privateMB).toBeGreaterThan(25);
    expect(a.activeMB).toBe(128);
    expect(go()).toEqual(a);
  });

  it('refuses a workload profile out of range when the VM is created', () => {
    const p = oneHost();
    expect(() => createVM(p.model, { name: 'bad', pool: p.rootPool.id, extraConfig: { 'vicsim.workload.locality': '2', 'vicsim.workload.dirtyRate': '1' } })).toThrow(/vicsim.workload.locality must be a number from 0 to 0.999/);
  });
});

describe('a host out of memory', () => {
  it('refuses to power on more VMs while its active memory does not fit (the low state)', () => {
    const p = clusterPreset({ hosts: 1, host: { cpuCores: 16, cpuMhzPerCore: 2400, memoryMB: 16 * 1024 } });
    const mem = p.model.memoryOf(p.hosts[0]!.id);
    for (let i = 0; i < 8; i++) {
      const id = createOn(p, `vm${i}`);
      run(p, id, 'powerOn');
      mem.runWorkload(id, { workingSetBytes: 2000 * MiB, dirtyPagesPerSec: 0, locality: 0.9, zeroShare: 0 }, Rng.seeded(i), 1000);
      mem.write(id, 0, 2000 * MiB);
    }
    const late = createOn(p, 'late');
    const power = powerVM(p.model, late, 'powerOn');
    p.model.clock.runUntilIdle();
    if (mem.state === 'low') {
      expect(p.model.tasks.info(power.id).error).toMatchObject({ code: 'InsufficientResourcesFault' });
      expect(p.model.tasks.info(power.id).error?.message).toMatch(/low memory state/);
    } else {
      expect.unreachable(`expected the low state, got ${mem.state} with ${mem.stats().freeMB} MB free`);
    }
  });
});

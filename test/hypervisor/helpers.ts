/**
 * Shared set-up for the hypervisor unit tests: small preset clusters, running a task to its end on
 * the virtual clock, and a footprint of the model to prove that a refused operation changed nothing.
 */
import { expect } from 'vitest';
import { writeDisk } from '../../src/hypervisor/disks.js';
import { clusterPreset, type ClusterPresetOptions, type Preset } from '../../src/hypervisor/presets.js';
import type { VSphereModel } from '../../src/hypervisor/model.js';
import type { TaskRecord } from '../../src/hypervisor/tasks.js';
import type { VirtualMachine } from '../../src/hypervisor/types.js';
import { createVM, type VmCreateSpec } from '../../src/hypervisor/vm-create.js';
import { powerVM } from '../../src/hypervisor/vm-power.js';
import type { VicsimError } from '../../src/sim/errors.js';
import type { VmId } from '../../src/sim/ids.js';
import { GiB } from '../../src/sim/units.js';
import { modelViolations } from '../../src/testing/invariants.js';

/** A small host: 8 cores at 2000 MHz (16,000 MHz), 16 GB. */
export const SMALL_HOST = { cpuCores: 8, cpuMhzPerCore: 2000, memoryMB: 16 * 1024 } as const;

/** A preset cluster of `hosts` small hosts (default 2) and a 1 TiB datastore, unless overridden. */
export function smallCluster(opts: ClusterPresetOptions = {}): Preset {
  return clusterPreset({ hosts: 2, host: SMALL_HOST, datastoreBytes: 1024 * GiB, ...opts });
}

/** Runs the clock until no work is pending and returns the task's final record. */
export function finish(model: VSphereModel, task: TaskRecord): TaskRecord {
  model.clock.runUntilIdle();
  return model.tasks.info(task.id);
}

/** Runs a task to its end and returns its result; fails the test when the task failed. */
export function succeed<T = string>(model: VSphereModel, task: TaskRecord): T {
  const info = finish(model, task);
  expect(info.error, `${info.descriptionId} failed`).toBeUndefined();
  expect(info.state).toBe('success');
  return info.result as T;
}

/** Runs a task to its end and returns its typed error; fails the test when the task succeeded. */
export function fail(model: VSphereModel, task: TaskRecord): VicsimError {
  const info = finish(model, task);
  expect(info.state, `${info.descriptionId} should have failed`).toBe('error');
  const error = model.tasks.errorOf(task.id);
  expect(error).toBeDefined();
  expect(info.error).toEqual({ code: error!.code, message: error!.message });
  return error!;
}

/** Calls `fn`, expects it to throw, and returns what it threw. */
export function thrown<E = VicsimError>(fn: () => unknown): E {
  try {
    fn();
  } catch (e) {
    return e as E;
  }
  throw new Error('expected the call to throw');
}

/** Creates a VM (default: 2 vCPUs, 2 GB, one 8 GiB thin disk, in the root pool) and returns its record. */
export function makeVm(p: Preset, spec: Partial<VmCreateSpec> & { readonly name: string }): VirtualMachine {
  const id = succeed<VmId>(p.model, createVM(p.model, { pool: p.rootPool.id, disks: [{ capacityBytes: 8 * GiB }], ...spec }));
  return vmOf(p.model, id);
}

/** Creates a VM and powers it on; returns its record. */
export function runningVm(p: Preset, spec: Partial<VmCreateSpec> & { readonly name: string }): VirtualMachine {
  const vm = makeVm(p, spec);
  succeed(p.model, powerVM(p.model, vm.id, 'powerOn'));
  return vmOf(p.model, vm.id);
}

/** The VM's current record. */
export function vmOf(model: VSphereModel, id: VmId): VirtualMachine {
  return model.registry.get('VirtualMachine', id);
}

/**
 * Everything a failed operation must leave as it was: inventory records, disk reference counts,
 * every datastore file (descriptors and extents included) with its size, and the pool and host
 * reservations.
 */
export function footprint(model: VSphereModel, opts: { memory?: boolean } = {}): string {
  const datastores = [...model.registry.all('Datastore')];
  return JSON.stringify({
    objects: [...model.registry.values()],
    refs: [...model.diskRefs.entries()],
    files: datastores.map((d) => [d.id, model.files(d.id).usage, model.files(d.id).files()]),
    pools: [...model.registry.all('ResourcePool')].map((p) => [p.id, model.accounting.used(p.id)]),
    hosts: [...model.registry.all('Host')].map((h) => [h.id, model.accounting.hostUsed(h.id), ...(opts.memory === false ? [] : [model.consumedMB(h.id)])]),
  });
}

/** A guest write of `bytes` at `offset` (default 0) into the top disk `dsPath`, content tag 7. */
export function guestWrite(model: VSphereModel, dsPath: string, bytes: number, offset = 0): void {
  writeDisk(model, dsPath, offset, bytes, 7);
}

/** Asserts the model's invariants hold (modelViolations finds nothing). */
export function expectConsistent(model: VSphereModel): void {
  expect(modelViolations(model)).toEqual([]);
}

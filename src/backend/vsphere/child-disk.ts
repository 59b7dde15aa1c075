/**
 * Stand-alone delta disks on servers without VirtualDiskManager.CreateChildDisk_Task (an internal vim
 * method; govmomi vcsim 0.24 has no vmomi type for it), done as VIC did with its appliance VM
 * (pkg/vsphere/disk: CreateAndAttach, then Detach): a ReconfigVM_Task adds a disk device whose backing
 * names the wanted path with `parent` set and fileOperation `create` — the server makes the delta
 * file — and a second ReconfigVM_Task removes the device with no fileOperation, which keeps the file.
 * vicsim has no appliance VM, so the backend makes a small powered-off helper VM of its own
 * ({@link DISK_HELPER_VM_PREFIX}-<8 hex>) on first use and destroys it on close. Tasks made this way
 * carry descriptionId {@link CHILD_DISK_FALLBACK}.
 */
import { randomUUID } from 'node:crypto';
import { SystemError } from '../../sim/errors.js';
import type { ResourcePoolId, TaskId } from '../../sim/ids.js';
import type { Task } from '../backend.js';
import type { VSphereInventory } from './inventory.js';
import { idOf, list, num, obj, ref } from './refs.js';
import { resultRef } from './tasks.js';
import { createConfigSpec, diskFileOf } from './vm-config.js';
import {
  createVmTask,
  destroyTask,
  deviceChange,
  paraVirtualScsiController,
  reconfigVmTask,
  runTask,
  virtualDisk,
  waitForTask,
  type ManagedObjectReference,
  type VimClient,
  type VimValue,
} from './vim25/index.js';

/** descriptionId of a delta disk made by attaching it to the helper VM because the server lacks CreateChildDisk_Task. */
export const CHILD_DISK_FALLBACK = 'VirtualDiskManager.createChildDisk.helperVmFallback';

/** Name prefix of the helper VM the fallback attaches new delta disks to. */
export const DISK_HELPER_VM_PREFIX = 'vicsim-disk-helper';

/** Size of the helper VM (never powered on; estimate, smallest vCenter accepts comfortably). */
const HELPER_SIZE = { numCpu: 1, memoryMB: 128 } as const;
/** SCSI units 0–15 without 7 (the controller's own). */
const SCSI_UNITS = [...Array(16).keys()].filter((u) => u !== 7);

/** A delta disk to make: `path` on `parent`, with the parent's capacity when it is known. */
export interface ChildDiskRequest {
  readonly path: string;
  readonly parent: string;
  readonly capacityBytes: number | undefined;
}

function isScsiController(device: VimValue): boolean {
  const d = obj(device);
  return d !== undefined && d['busNumber'] !== undefined && /SCSI|LsiLogic|BusLogic/i.test(d.$type);
}

/** Makes delta disks through a helper VM, one at a time (the attach–detach pairs must not interleave). */
export class ChildDiskHelper {
  readonly #name = `${DISK_HELPER_VM_PREFIX}-${randomUUID().slice(0, 8)}`;
  #helper: Promise<ManagedObjectReference> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  /** Precondition: the client is logged in; the inventory was resolved with it. */
  constructor(
    private readonly client: VimClient,
    private readonly inventory: VSphereInventory,
  ) {}

  /**
   * Starts making the delta: resolves with the attach's task once it is started (after earlier
   * requests finished); wait() resolves when the device is detached again. Two ReconfigVM_Tasks and
   * two device reads; the first call also creates the helper VM on the child's datastore.
   */
  async start(request: ChildDiskRequest): Promise<Task<void>> {
    let started!: (task: ManagedObjectReference) => void;
    const attachStarted = new Promise<ManagedObjectReference>((resolve) => (started = resolve));
    const done = this.#serialized(() => this.#make(request, started));
    const task = await Promise.race([attachStarted, done.then(() => Promise.reject(new SystemError('the child disk fallback ended before its attach started')))]);
    return { id: task.value as TaskId, descriptionId: CHILD_DISK_FALLBACK, wait: () => done };
  }

  /** Destroys the helper VM if one was made. Idempotent. */
  async dispose(): Promise<void> {
    const helper = this.#helper;
    this.#helper = undefined;
    if (helper === undefined) return;
    await this.#queue.catch(() => undefined);
    const vm = await helper.catch(() => undefined);
    if (vm !== undefined) await runTask(this.client, destroyTask(this.client, vm));
  }

  #serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #make(request: ChildDiskRequest, started: (task: ManagedObjectReference) => void): Promise<void> {
    const helper = await this.#helperVm(request.path);
    const devices = await this.#devices(helper);
    const controller = obj(devices.find(isScsiController));
    if (controller === undefined) throw new SystemError(`the disk helper VM ${this.#name} has no SCSI controller`);
    const controllerKey = num(controller['key']);
    const used = new Set(devices.map(obj).filter((d) => d !== undefined && num(d['controllerKey'], NaN) === controllerKey).map((d) => num(d?.['unitNumber'], -1)));
    const unitNumber = SCSI_UNITS.find((u) => !used.has(u));
    if (unitNumber === undefined) throw new SystemError(`the disk helper VM ${this.#name} has no free SCSI unit`);
    const backing = { fileName: request.path, diskMode: 'persistent' as const, thinProvisioned: true, parent: { fileName: request.parent, diskMode: 'persistent' as const } };
    const capacity = request.capacityBytes === undefined ? {} : { capacityInKB: Math.ceil(request.capacityBytes / 1024) };
    const add = deviceChange({ operation: 'add', fileOperation: 'create', device: virtualDisk({ key: -1, controllerKey, unitNumber, ...capacity, backing }) });
    const attach = await reconfigVmTask(this.client, helper, { deviceChange: [add] });
    started(attach);
    await waitForTask(this.client, attach);
    await this.#detach(helper, request.path);
  }

  /** Removes the device backed by `path` without a fileOperation: the file stays. */
  async #detach(helper: ManagedObjectReference, path: string): Promise<void> {
    const device = (await this.#devices(helper)).find((d) => diskFileOf(d) === path);
    if (device === undefined) throw new SystemError(`the disk helper VM ${this.#name} does not show the new disk ${path}`);
    await runTask(this.client, reconfigVmTask(this.client, helper, { deviceChange: [deviceChange({ operation: 'remove', device: device as never })] }));
  }

  async #devices(vm: ManagedObjectReference): Promise<readonly VimValue[]> {
    return list((await this.inventory.read(vm, ['config.hardware.device'])).get('config.hardware.device'));
  }

  #helperVm(diskPath: string): Promise<ManagedObjectReference> {
    this.#helper ??= this.#createHelper(diskPath);
    const made = this.#helper;
    made.catch(() => {
      if (this.#helper === made) this.#helper = undefined;
    });
    return made;
  }

  /** CreateVM_Task of a powered-off VM with one paravirtual SCSI controller, in the scope's pool (or the first cluster's root pool). */
  async #createHelper(diskPath: string): Promise<ManagedObjectReference> {
    const datastoreName = /^\[([^\]]+)\]/.exec(diskPath)?.[1] ?? '';
    const poolId = this.inventory.scope.pool === undefined ? (await this.inventory.clusters())[0]?.rootPool : idOf<ResourcePoolId>(this.inventory.scope.pool);
    if (poolId === undefined) throw new SystemError('no resource pool in scope for the disk helper VM');
    const pool = ref('pool', poolId);
    const base = createConfigSpec(
      { name: this.#name, pool: poolId, ...HELPER_SIZE, annotation: 'vicsim: makes stand-alone delta disks (CreateChildDisk_Task is missing); never powered on' },
      { datastoreName, networks: new Map() },
    );
    const controller = deviceChange({ operation: 'add', device: paraVirtualScsiController({ key: -100, busNumber: 0 }) });
    const task = createVmTask(this.client, { folder: await this.inventory.vmFolderOf(pool), config: { ...base, deviceChange: [controller] }, pool });
    return resultRef(await runTask(this.client, task), 'CreateVM_Task');
  }
}

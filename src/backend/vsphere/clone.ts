/**
 * Cloning on the live backend. Linked: CloneVM_Task from a snapshot with createNewChildDiskBacking.
 * Full: CloneVM_Task copying the disks. Instant: InstantClone_Task where the server has it; where it
 * answers MethodNotFound or NotSupported (vcsim, vCenter before 6.7) the backend falls back to a linked
 * clone of a fresh snapshot of the running source, on the source's host, then powers the clone on.
 * The Task handle says which path ran: descriptionId `VirtualMachine.instantClone` for the real one,
 * {@link INSTANT_CLONE_FALLBACK} for the fallback (whose id is the CloneVM_Task's).
 */
import { InvalidArgumentError, InvalidPowerStateError, InvalidStateError, NotSupportedError } from '../../sim/errors.js';
import type { SnapshotId, VmId } from '../../sim/ids.js';
import type { CloneVmSpec, Task, VmInfo } from '../backend.js';
import type { VSphereInventory } from './inventory.js';
import { idOf, ref } from './refs.js';
import { resultRef, taskHandle } from './tasks.js';
import {
  cloneVmTask,
  createSnapshotTask,
  instantCloneTask,
  linkedClone,
  powerOnVmTask,
  runTask,
  type CloneSpecInput,
  type ManagedObjectReference,
  type VimClient,
} from './vim25/index.js';

/** descriptionId of an instant clone done as linked clone + power-on because the server lacks InstantClone_Task. */
export const INSTANT_CLONE_FALLBACK = 'VirtualMachine.instantClone.linkedCloneFallback';

/** What cloning needs from the backend. */
export interface CloneContext {
  readonly client: VimClient;
  readonly inventory: VSphereInventory;
  /** Set once the server refused InstantClone_Task, so later instant clones go straight to the fallback. */
  instantCloneMissing: boolean;
}

function vmResult(method: string) {
  return (value: Parameters<typeof resultRef>[0]): VmId => idOf<VmId>(resultRef(value, method));
}

function locationOf(source: VmInfo, spec: CloneVmSpec): { pool: ManagedObjectReference; host?: ManagedObjectReference; datastore?: ManagedObjectReference } {
  return {
    pool: ref('pool', spec.pool ?? source.pool),
    ...(spec.host === undefined ? {} : { host: ref('host', spec.host) }),
    ...(spec.datastore === undefined ? {} : { datastore: ref('datastore', spec.datastore) }),
  };
}

function snapshotOf(source: VmInfo, requested: SnapshotId | undefined): ManagedObjectReference {
  if (requested !== undefined && !source.snapshots.some((s) => s.id === requested)) {
    throw new InvalidArgumentError('snapshot', `${source.name} has no snapshot ${requested}`);
  }
  const id = requested ?? source.currentSnapshot;
  if (id === undefined) throw new InvalidStateError('SnapshotFault', source.id, 'no snapshot', `a linked clone of ${source.name} needs a snapshot to branch from`);
  return ref('snapshot', id);
}

/** CloneVM_Task for a linked or full clone. Argument errors reject at once. */
async function copyClone(context: CloneContext, source: VmInfo, spec: CloneVmSpec): Promise<Task<VmId>> {
  const location = locationOf(source, spec);
  const cloneSpec: CloneSpecInput =
    spec.mode === 'linked'
      ? linkedClone({ snapshot: snapshotOf(source, spec.snapshot), powerOn: spec.powerOn ?? false, ...location })
      : { location, template: false, powerOn: spec.powerOn ?? false, ...(spec.snapshot === undefined ? {} : { snapshot: snapshotOf(source, spec.snapshot) }) };
  const vm = ref('vm', source.id);
  const task = await cloneVmTask(context.client, vm, { folder: await context.inventory.vmFolderOf(vm), name: spec.name, spec: cloneSpec });
  return taskHandle(context.client, task, 'VirtualMachine.clone', vmResult('CloneVM_Task'));
}

/** The fallback: snapshot the running source, linked-clone it onto the source's host, power the clone on. */
async function instantCloneFallback(context: CloneContext, source: VmInfo, spec: CloneVmSpec): Promise<Task<VmId>> {
  if (source.powerState !== 'poweredOn') throw new InvalidPowerStateError(source.name, 'instant clone', source.powerState, 'poweredOn');
  const client = context.client;
  const vm = ref('vm', source.id);
  const snapshotName = `instant clone ${spec.name}`.slice(0, 80);
  const snapshot = resultRef(await runTask(client, createSnapshotTask(client, vm, { name: snapshotName, memory: false, quiesce: false })), 'CreateSnapshot_Task');
  const location = { ...locationOf(source, spec), host: ref('host', source.host) };
  const task = await cloneVmTask(client, vm, { folder: await context.inventory.vmFolderOf(vm), name: spec.name, spec: linkedClone({ snapshot, powerOn: false, ...location }) });
  return taskHandle(client, task, INSTANT_CLONE_FALLBACK, async (value) => {
    const clone = resultRef(value, 'CloneVM_Task');
    await runTask(client, powerOnVmTask(client, clone));
    return idOf<VmId>(clone);
  });
}

async function instantClone(context: CloneContext, source: VmInfo, spec: CloneVmSpec): Promise<Task<VmId>> {
  if (spec.host !== undefined && spec.host !== source.host) throw new InvalidArgumentError('host', `an instant clone stays on its source's host ${source.host}`);
  if (!context.instantCloneMissing) {
    const location = { ...locationOf(source, spec), folder: await context.inventory.vmFolderOf(ref('vm', source.id)) };
    try {
      const task = await instantCloneTask(context.client, ref('vm', source.id), { name: spec.name, location });
      return taskHandle(context.client, task, 'VirtualMachine.instantClone', vmResult('InstantClone_Task'));
    } catch (error) {
      if (!(error instanceof NotSupportedError)) throw error;
      context.instantCloneMissing = true;
    }
  }
  return instantCloneFallback(context, source, spec);
}

/**
 * Starts a clone of `source` (its current state read first). Instant: the source must be powered on
 * (the fallback checks this itself and rejects at once with InvalidPowerStateError); linked: the
 * source needs the given or a current snapshot.
 */
export async function startClone(context: CloneContext, source: VmInfo, spec: CloneVmSpec): Promise<Task<VmId>> {
  if (spec.mode === 'instant') return instantClone(context, source, spec);
  if (spec.mode === 'linked' || spec.mode === 'full') return copyClone(context, source, spec);
  throw new InvalidArgumentError('mode', `clone mode must be instant, linked or full, got '${String(spec.mode)}'`);
}

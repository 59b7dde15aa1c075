/**
 * VM snapshots: CreateSnapshot_Task freezes each disk and puts a new delta on top (for real, in the
 * disk catalog); RevertToSnapshot_Task discards the current deltas for fresh ones on the snapshot's
 * disks; RemoveSnapshot_Task drops the snapshot and its hold on the frozen links. The disk store
 * limits snapshot chains to 32 levels (vSphere's supported maximum: TooManySnapshotLevels).
 */
import { InvalidArgumentError } from '../sim/errors.js';
import type { SnapshotId, VmId } from '../sim/ids.js';
import { createDisk, discardDisk, getDisk, releaseChain, retainChain } from './disks.js';
import type { VSphereModel } from './model.js';
import type { TaskRecord } from './tasks.js';
import type { Snapshot, VirtualDevice, VirtualMachine } from './types.js';
import { hostName } from './vm-create.js';
import { resizeVmx } from './vm-config.js';
import { freeDeltaPath } from './vm-clone.js';
import { applyPower } from './vm-power.js';

/** Queues CreateSnapshot_Task. */
export function createSnapshot(model: VSphereModel, id: VmId, name: string, description = ''): TaskRecord {
  const vm = model.registry.get('VirtualMachine', id);
  if (typeof name !== 'string' || name.length === 0 || name.length > 80) throw new InvalidArgumentError('name', `a snapshot name must be 1 to 80 characters, got ${JSON.stringify(name)}`);
  return submit(model, vm, 'VirtualMachine.createSnapshot', () => applyCreate(model, id, name, description));
}

/** Queues RevertToSnapshot_Task. The VM ends powered off (snapshots do not capture memory). */
export function revertToSnapshot(model: VSphereModel, id: VmId, snapshot: SnapshotId): TaskRecord {
  const vm = model.registry.get('VirtualMachine', id);
  findSnapshot(vm, snapshot);
  return submit(model, vm, 'VirtualMachine.revertToSnapshot', () => applyRevert(model, id, snapshot));
}

/** Queues RemoveSnapshot_Task; the snapshot's children move up to its parent. */
export function removeSnapshot(model: VSphereModel, id: VmId, snapshot: SnapshotId): TaskRecord {
  const vm = model.registry.get('VirtualMachine', id);
  findSnapshot(vm, snapshot);
  return submit(model, vm, 'VirtualMachine.removeSnapshot', () => applyRemove(model, id, snapshot));
}

function submit(model: VSphereModel, vm: VirtualMachine, descriptionId: string, execute: () => string): TaskRecord {
  return model.tasks.submit({ descriptionId, entity: vm.id, entityName: vm.name, lock: vm.id, durationMs: model.calibration.latency.snapshotMs, execute });
}

function applyCreate(model: VSphereModel, id: VmId, name: string, description: string): SnapshotId {
  const vm = model.registry.get('VirtualMachine', id);
  const frozen: string[] = [];
  const devices = putDeltas(
    model,
    vm,
    (top) => {
      frozen.push(top);
      return top;
    },
    diskTops(vm.config.devices),
  );
  const snap: Snapshot = {
    id: model.ids.next('snapshot'),
    name,
    description,
    createTime: model.clock.now(),
    parent: vm.currentSnapshot,
    disks: frozen,
    powerState: vm.powerState,
  };
  for (const p of frozen) retainChain(model, p);
  const updated = model.registry.update({ ...vm, config: { ...vm.config, devices }, snapshots: [...vm.snapshots, snap], currentSnapshot: snap.id });
  resizeVmx(model, updated);
  log(model, updated, 'VmSnapshotCreatedEvent', `Created snapshot ${name} of ${vm.name}`);
  return snap.id;
}

function applyRevert(model: VSphereModel, id: VmId, snapshot: SnapshotId): SnapshotId {
  let vm = model.registry.get('VirtualMachine', id);
  const snap = findSnapshot(vm, snapshot);
  if (vm.powerState !== 'poweredOff') vm = applyPower(model, id, 'powerOff');
  let i = 0;
  const devices = putDeltas(model, { ...vm, config: { ...vm.config, devices: snapshotDevices(model, vm, snap) } }, () => snap.disks[i++]!, diskTops(vm.config.devices));
  const updated = model.registry.update({ ...vm, config: { ...vm.config, devices }, currentSnapshot: snap.id });
  resizeVmx(model, updated);
  log(model, updated, 'VmSnapshotRevertedEvent', `Reverted ${vm.name} to snapshot ${snap.name}`);
  return snap.id;
}

function applyRemove(model: VSphereModel, id: VmId, snapshot: SnapshotId): SnapshotId {
  const vm = model.registry.get('VirtualMachine', id);
  const snap = findSnapshot(vm, snapshot);
  const snapshots = vm.snapshots.filter((s) => s.id !== snapshot).map((s) => (s.parent === snapshot ? { ...s, parent: snap.parent } : s));
  const currentSnapshot = vm.currentSnapshot === snapshot ? snap.parent : vm.currentSnapshot;
  const updated = model.registry.update({ ...vm, snapshots, currentSnapshot });
  for (const p of snap.disks) releaseChain(model, p);
  log(model, updated, 'VmSnapshotRemovedEvent', `Removed snapshot ${snap.name} of ${vm.name}`);
  return snap.id;
}

/**
 * The VM's devices shaped as the snapshot's disks: disks added after the snapshot are left out,
 * disks the snapshot holds beyond the VM's current ones come back (as vSphere's revert does).
 * Disk file names are placeholders for putDeltas to replace.
 */
function snapshotDevices(model: VSphereModel, vm: VirtualMachine, snap: Snapshot): VirtualDevice[] {
  const current = diskTops(vm.config.devices);
  const dropped = new Set(current.slice(snap.disks.length));
  let key = Math.max(1999, ...vm.config.devices.map((d) => d.key).filter((k) => k < 3000)) + 1;
  const restored = snap.disks.slice(current.length).map((p) => ({ type: 'disk' as const, key: key++, fileName: p, capacityBytes: getDisk(model, p).capacityBytes }));
  return [...vm.config.devices.filter((d) => d.type !== 'disk' || !dropped.has(d.fileName)), ...restored];
}

function diskTops(devices: readonly VirtualDevice[]): string[] {
  return devices.flatMap((d) => (d.type === 'disk' ? [d.fileName] : []));
}

/**
 * Replaces each disk's top with a new delta whose parent `parentOf(currentTop)` names, then
 * releases `replaced` (the chains the VM held). All deltas are made before anything is released;
 * on failure they are deleted.
 */
function putDeltas(model: VSphereModel, vm: VirtualMachine, parentOf: (top: string) => string, replaced: readonly string[]): VirtualMachine['config']['devices'] {
  const made: string[] = [];
  try {
    const devices = vm.config.devices.map((d) => {
      if (d.type !== 'disk') return d;
      const parent = parentOf(d.fileName);
      const delta = createDisk(model, { datastore: vm.datastore, path: freeDeltaPath(model, vm, parent), capacityBytes: d.capacityBytes, parent, purpose: 'snapshot' });
      made.push(delta.path);
      return { ...d, fileName: delta.path };
    });
    for (const p of made) retainChain(model, p);
    for (const p of replaced) releaseChain(model, p);
    return devices;
  } catch (e) {
    for (const p of made) discardDisk(model, p);
    throw e;
  }
}

function findSnapshot(vm: VirtualMachine, id: SnapshotId): Snapshot {
  const s = vm.snapshots.find((x) => x.id === id);
  if (!s) throw new InvalidArgumentError('snapshot', `${vm.name} has no snapshot ${id}`);
  return s;
}

function log(model: VSphereModel, vm: VirtualMachine, type: 'VmSnapshotCreatedEvent' | 'VmSnapshotRevertedEvent' | 'VmSnapshotRemovedEvent', message: string): void {
  model.events.log({ type, vm: vm.id, host: vm.host, pool: vm.pool, cluster: vm.cluster, fullFormattedMessage: `${message} on ${hostName(model, vm.host)}` });
}

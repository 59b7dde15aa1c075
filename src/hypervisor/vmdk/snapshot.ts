/**
 * Snapshots of a VM's disk, done the way ESXi does them: taking one freezes the disk the VM runs on
 * and puts a new delta on top; reverting discards the running delta and starts a fresh one on the
 * snapshot's disk. Deleting a snapshot is a consolidation ({@link VmdkStore.consolidateIntoParent}).
 */
import { DuplicateNameError, InvalidArgumentError, InvalidStateError } from '../../sim/errors.js';
import { checkDiskPath, numberedDeltaPath } from './paths.js';
import type { VmdkStore } from './vmdk-store.js';

/** The disks after a snapshot was taken. */
export interface SnapshotTaken {
  /** The disk frozen as the snapshot's content (the VM's former top). */
  readonly snapshotDisk: string;
  /** The new delta the VM runs on. */
  readonly top: string;
}

/** The disks after a revert. */
export interface SnapshotReverted {
  /** The running delta that was discarded. */
  readonly discarded: string;
  /** Its allocated bytes, now free. */
  readonly bytesFreed: number;
  /** The fresh delta on the snapshot's disk the VM now runs on. */
  readonly top: string;
}

/**
 * The first free ESXi-style delta name for `path`'s disk: `vm.vmdk` → `vm-000001.vmdk`, then
 * `-000002` and so on, in the same directory. O(deltas of that name).
 */
export function nextDeltaPath(store: VmdkStore, path: string): string {
  let n = 1;
  while (store.has(numberedDeltaPath(path, n))) n++;
  return numberedDeltaPath(path, n);
}

/**
 * Snapshots the chain whose running (writable) top is `topPath`: the top is frozen as the
 * snapshot's disk and a new snapshot delta is created on it at `newTopPath` (default
 * {@link nextDeltaPath}). O(1) plus the name search.
 * @throws NotFoundError; InvalidStateError (SnapshotFault) when `topPath` already has children;
 *   ChainLimitError when the chain holds the maximum snapshot or redo levels.
 */
export function takeSnapshot(store: VmdkStore, topPath: string, newTopPath?: string): SnapshotTaken {
  if (!store.info(topPath).writable) {
    throw new InvalidStateError('SnapshotFault', topPath, 'frozen', `cannot snapshot ${topPath}: it is not the running top of its chain`);
  }
  const top = newTopPath ?? nextDeltaPath(store, topPath);
  store.createDelta(top, topPath, 'snapshot');
  return { snapshotDisk: topPath, top };
}

/**
 * Reverts the chain running on `topPath` to the snapshot whose disk is `snapshotDiskPath` (an
 * ancestor of `topPath`): the running delta is deleted and a fresh snapshot delta is created on the
 * snapshot's disk at `newTopPath` (default {@link nextDeltaPath} of the snapshot's disk). Other
 * snapshots' disks are kept. O(depth) plus the name search.
 * @throws NotFoundError; InvalidArgumentError when `snapshotDiskPath` is not an ancestor of
 *   `topPath` or `newTopPath` is not a descriptor path; DuplicateNameError when `newTopPath` is taken;
 *   InvalidStateError (ResourceInUse) when `topPath` has children. Nothing changes when it throws.
 */
export function revertToSnapshot(store: VmdkStore, topPath: string, snapshotDiskPath: string, newTopPath?: string): SnapshotReverted {
  if (!store.chain(topPath).slice(1).includes(snapshotDiskPath)) {
    throw new InvalidArgumentError('snapshotDiskPath', `${snapshotDiskPath} is not a disk below ${topPath}`);
  }
  if (newTopPath !== undefined) {
    checkDiskPath(newTopPath);
    if (newTopPath !== topPath && store.has(newTopPath)) throw new DuplicateNameError('disk', newTopPath, 'the datastore');
  }
  const bytesFreed = store.remove(topPath);
  const top = newTopPath ?? nextDeltaPath(store, snapshotDiskPath);
  store.createDelta(top, snapshotDiskPath, 'snapshot');
  return { discarded: topPath, bytesFreed, top };
}

/**
 * Consolidation: folding one disk of a chain into its neighbour, as vSphere does when a snapshot is
 * deleted. Either way every remaining disk reads exactly what it read before; the disk that absorbs
 * the other gets a new CID (its content changed) and its children's parentCID follows.
 *
 * Cached indexes stay valid: the surviving disk reads what the removed one read (child into parent)
 * or what it read before (parent into child), and descendants read the same as before.
 */
import { InvalidStateError } from '../../sim/errors.js';
import type { ContentId } from './content-id.js';
import type { VirtualDisk } from './disk.js';

/** What the consolidation functions need from the store that owns the disks. */
export interface ChainAccess {
  /** The disk at `path`; throws NotFoundError when there is none. */
  disk(path: string): VirtualDisk;
  /** Drops the disk at `path` from the store. */
  forget(path: string): void;
  /** A fresh content id. */
  newContentId(): ContentId;
}

/** The outcome of a consolidation. */
export interface ConsolidationResult {
  /** The disk that now holds the merged content. */
  readonly survivor: string;
  /** The disk that no longer exists (its descriptor and extent files should be deleted). */
  readonly removed: string;
  /** Allocated bytes before minus after: grains both disks held, plus the removed extent's metadata. */
  readonly bytesFreed: number;
  /** Disks whose descriptor text changed (the survivor's CID, its children's parentCID and hint). */
  readonly rewritten: readonly string[];
}

/**
 * Merges delta `childPath` into its parent: the parent takes the child's grains where both hold
 * one, adopts the child's children, and the child is deleted. The parent must have no other child
 * (they would see the change). O(m log n) in the child's and parent's runs, plus O(descendants).
 * @throws NotFoundError; InvalidStateError — InvalidState for a base, ResourceInUse when the parent has other children.
 */
export function mergeChildIntoParent(chain: ChainAccess, childPath: string): ConsolidationResult {
  const child = chain.disk(childPath);
  const parent = parentOf(chain, child);
  const before = parent.allocatedBytes + child.allocatedBytes;
  parent.own.overlay(child.heldGrains);
  parent.resolved = child.resolved;
  parent.removeChild(child.path);
  for (const path of child.children) {
    chain.disk(path).parentPath = parent.path;
    parent.addChild(path);
  }
  chain.forget(child.path);
  renewContentId(chain, parent);
  updateDepths(chain, parent);
  return { survivor: parent.path, removed: child.path, bytesFreed: before - parent.allocatedBytes, rewritten: [parent.path, ...parent.children] };
}

/**
 * Merges the parent of delta `childPath` into it: the child takes the parent's grains where it
 * holds none, moves onto the grandparent, and the parent is deleted. The parent must be a delta
 * (a base stays the base: merge its child into it instead) with no other child.
 * O(n + m log n) in the runs of both, plus O(descendants).
 * @throws NotFoundError; InvalidStateError — InvalidState when the parent is a base, ResourceInUse when it has other children.
 */
export function mergeParentIntoChild(chain: ChainAccess, childPath: string): ConsolidationResult {
  const child = chain.disk(childPath);
  const parent = parentOf(chain, child);
  if (parent.parentPath === undefined) {
    throw new InvalidStateError('InvalidState', parent.path, 'base', `cannot merge base disk ${parent.path} into ${child.path}: merge the child into the base instead`);
  }
  const grandparent = chain.disk(parent.parentPath);
  const before = parent.allocatedBytes + child.allocatedBytes;
  const merged = parent.heldGrains.clone();
  merged.overlay(child.heldGrains);
  child.own = merged;
  grandparent.removeChild(parent.path);
  grandparent.addChild(child.path);
  child.parentPath = grandparent.path;
  chain.forget(parent.path);
  renewContentId(chain, child);
  updateDepths(chain, grandparent);
  return { survivor: child.path, removed: parent.path, bytesFreed: before - child.allocatedBytes, rewritten: [child.path, ...child.children] };
}

/** The parent of `child`, checked to be consolidatable with it. */
function parentOf(chain: ChainAccess, child: VirtualDisk): VirtualDisk {
  if (child.parentPath === undefined) {
    throw new InvalidStateError('InvalidState', child.path, 'base', `cannot consolidate ${child.path}: it is a base disk with no parent`);
  }
  const parent = chain.disk(child.parentPath);
  if (parent.children.size !== 1) {
    throw new InvalidStateError(
      'ResourceInUse',
      parent.path,
      `${parent.children.size} children`,
      `cannot consolidate ${child.path} with ${parent.path}: ${parent.path} has other children that depend on its content`,
    );
  }
  return parent;
}

/** Gives `disk` a new CID and points its children's parentCID (and its own) at the right CIDs. */
function renewContentId(chain: ChainAccess, disk: VirtualDisk): void {
  disk.contentId = chain.newContentId();
  disk.writtenSinceCid = false;
  if (disk.parentPath !== undefined) disk.parentCid = chain.disk(disk.parentPath).cid;
  for (const path of disk.children) chain.disk(path).parentCid = disk.cid;
}

/** Recomputes depth and snapshot depth of every descendant of `root`. O(descendants). */
function updateDepths(chain: ChainAccess, root: VirtualDisk): void {
  const pending = [root];
  for (let disk = pending.pop(); disk; disk = pending.pop()) {
    for (const path of disk.children) {
      const child = chain.disk(path);
      child.depth = disk.depth + 1;
      child.snapshotDepth = disk.snapshotDepth + (child.purpose === 'snapshot' ? 1 : 0);
      pending.push(child);
    }
  }
}

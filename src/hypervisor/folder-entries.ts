/**
 * The projected and extent entries of one datastore folder, by path (the clean path inside the
 * datastore, as the caller gave it: no base name is sliced off it, so no slice keeps a longer
 * string alive). Most folders hold a few (a VM's folder: its `.vmx`, a disk descriptor and the
 * disk's extent), so a folder of up to {@link SMALL_FOLDER} entries is one array of path, entry
 * pairs searched from the start (about 100 B for three entries, where a Map with its hash table
 * takes about 190 B: one per VM adds up); a folder that grows beyond that becomes a Map and stays
 * one. Pairs keep insertion order, as a Map does.
 *
 * A pair's path is not kept as a string of its own when the entry's owner ends with it (a disk's
 * descriptor: owner `[ds] web-1/web-1.vmdk`, path `web-1/web-1.vmdk`): the pair holds the offset of
 * the path in the owner instead, and the path is the owner from there (≈ 32 B less per VM folder).
 */
import type { VirtualEntry } from './datastore-files.js';

/**
 * A folder's entries: `[key, entry, key, entry, …]` while small, a Map by path once bigger. A key is
 * the path, or the offset in the entry's owner where the path starts (the owner ends with it).
 */
export type FolderEntries = (string | number | VirtualEntry)[] | Map<string, VirtualEntry>;

/** The key a pair of `path` and `entry` holds: the offset of the path in the owner when the owner ends with it, else the path. O(path length). */
function keyOf(path: string, entry: VirtualEntry): string | number {
  const at = entry.owner.length - path.length;
  return at > 0 && entry.owner.endsWith(path) ? at : path;
}

/** Whether pair i (a key at f[i], its entry at f[i + 1]) is at `path`. O(path length). */
function isAt(f: readonly (string | number | VirtualEntry)[], i: number, path: string): boolean {
  const key = f[i];
  if (typeof key !== 'number') return key === path;
  const owner = (f[i + 1] as VirtualEntry).owner;
  return owner.length - key === path.length && owner.endsWith(path);
}

/** The path of pair i. O(1) for a path kept as a string, O(path length) for one in the owner. */
function pathAt(f: readonly (string | number | VirtualEntry)[], i: number): string {
  const key = f[i];
  return typeof key === 'number' ? (f[i + 1] as VirtualEntry).owner.slice(key) : (key as string);
}

/** Entries a folder keeps as pairs before it becomes a Map. */
export const SMALL_FOLDER = 8;

/** A folder with one entry. O(1). */
export function folderOf(path: string, entry: VirtualEntry): FolderEntries {
  return [keyOf(path, entry), entry];
}

/** The entry at `path`, if any. O(entries) while small (≤ {@link SMALL_FOLDER}), O(1) after. */
export function folderGet(f: FolderEntries, path: string): VirtualEntry | undefined {
  if (!Array.isArray(f)) return f.get(path);
  for (let i = 0; i < f.length; i += 2) if (isAt(f, i, path)) return f[i + 1] as VirtualEntry;
  return undefined;
}

/**
 * Adds or replaces the entry at `path`; returns the folder to keep from now on (the same one, a
 * longer array, or the Map a full array became). O(entries) while small, O(1) after.
 */
export function folderSet(f: FolderEntries, path: string, entry: VirtualEntry): FolderEntries {
  if (!Array.isArray(f)) return f.set(path, entry);
  for (let i = 0; i < f.length; i += 2) {
    if (isAt(f, i, path)) {
      f[i] = keyOf(path, entry);
      f[i + 1] = entry;
      return f;
    }
  }
  if (f.length < 2 * SMALL_FOLDER) {
    // A new array of the exact size: push would leave room for 16 more elements in every folder.
    const grown = new Array<string | number | VirtualEntry>(f.length + 2);
    for (let i = 0; i < f.length; i++) grown[i] = f[i]!;
    grown[f.length] = keyOf(path, entry);
    grown[f.length + 1] = entry;
    return grown;
  }
  const map = new Map<string, VirtualEntry>();
  for (let i = 0; i < f.length; i += 2) map.set(pathAt(f, i), f[i + 1] as VirtualEntry);
  return map.set(path, entry);
}

/** Removes the entry at `path`; returns whether it was there. O(entries) while small, O(1) after. */
export function folderDelete(f: FolderEntries, path: string): boolean {
  if (!Array.isArray(f)) return f.delete(path);
  for (let i = 0; i < f.length; i += 2) {
    if (isAt(f, i, path)) {
      f.splice(i, 2);
      return true;
    }
  }
  return false;
}

/** How many entries the folder holds. O(1). */
export function folderSize(f: FolderEntries): number {
  return Array.isArray(f) ? f.length / 2 : f.size;
}

/** The folder's file names, in insertion order: each path without its first `dirLength` characters. O(entries). */
export function folderNames(f: FolderEntries, dirLength: number): string[] {
  const names: string[] = [];
  if (!Array.isArray(f)) for (const p of f.keys()) names.push(p.slice(dirLength));
  else for (let i = 0; i < f.length; i += 2) names.push(pathAt(f, i).slice(dirLength));
  return names;
}

/** The folder's path, entry pairs, in insertion order. O(entries). */
export function folderEntries(f: FolderEntries): [string, VirtualEntry][] {
  if (!Array.isArray(f)) return [...f];
  const pairs: [string, VirtualEntry][] = [];
  for (let i = 0; i < f.length; i += 2) pairs.push([pathAt(f, i), f[i + 1] as VirtualEntry]);
  return pairs;
}

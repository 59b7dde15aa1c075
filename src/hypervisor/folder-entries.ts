/**
 * The projected and extent entries of one datastore folder, by path (the clean path inside the
 * datastore, as the caller gave it: no base name is sliced off it, so no slice keeps a longer
 * string alive). Most folders hold a few (a VM's folder: its `.vmx`, a disk descriptor and the
 * disk's extent), so a folder of up to {@link SMALL_FOLDER} entries is one array of path, entry
 * pairs searched from the start (about 100 B for three entries, where a Map with its hash table
 * takes about 190 B: one per VM adds up); a folder that grows beyond that becomes a Map and stays
 * one. Pairs keep insertion order, as a Map does.
 */
import type { VirtualEntry } from './datastore-files.js';

/** A folder's entries: `[path, entry, path, entry, …]` while small, a Map by path once bigger. */
export type FolderEntries = (string | VirtualEntry)[] | Map<string, VirtualEntry>;

/** Entries a folder keeps as pairs before it becomes a Map. */
export const SMALL_FOLDER = 8;

/** A folder with one entry. O(1). */
export function folderOf(path: string, entry: VirtualEntry): FolderEntries {
  return [path, entry];
}

/** The entry at `path`, if any. O(entries) while small (≤ {@link SMALL_FOLDER}), O(1) after. */
export function folderGet(f: FolderEntries, path: string): VirtualEntry | undefined {
  if (!Array.isArray(f)) return f.get(path);
  for (let i = 0; i < f.length; i += 2) if (f[i] === path) return f[i + 1] as VirtualEntry;
  return undefined;
}

/**
 * Adds or replaces the entry at `path`; returns the folder to keep from now on (the same one, a
 * longer array, or the Map a full array became). O(entries) while small, O(1) after.
 */
export function folderSet(f: FolderEntries, path: string, entry: VirtualEntry): FolderEntries {
  if (!Array.isArray(f)) return f.set(path, entry);
  for (let i = 0; i < f.length; i += 2) {
    if (f[i] === path) {
      f[i + 1] = entry;
      return f;
    }
  }
  if (f.length < 2 * SMALL_FOLDER) {
    // A new array of the exact size: push would leave room for 16 more elements in every folder.
    const grown = new Array<string | VirtualEntry>(f.length + 2);
    for (let i = 0; i < f.length; i++) grown[i] = f[i]!;
    grown[f.length] = path;
    grown[f.length + 1] = entry;
    return grown;
  }
  const map = new Map<string, VirtualEntry>();
  for (let i = 0; i < f.length; i += 2) map.set(f[i] as string, f[i + 1] as VirtualEntry);
  return map.set(path, entry);
}

/** Removes the entry at `path`; returns whether it was there. O(entries) while small, O(1) after. */
export function folderDelete(f: FolderEntries, path: string): boolean {
  if (!Array.isArray(f)) return f.delete(path);
  for (let i = 0; i < f.length; i += 2) {
    if (f[i] === path) {
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
  else for (let i = 0; i < f.length; i += 2) names.push((f[i] as string).slice(dirLength));
  return names;
}

/** The folder's path, entry pairs, in insertion order. O(entries). */
export function folderEntries(f: FolderEntries): [string, VirtualEntry][] {
  if (!Array.isArray(f)) return [...f];
  const pairs: [string, VirtualEntry][] = [];
  for (let i = 0; i < f.length; i += 2) pairs.push([f[i] as string, f[i + 1] as VirtualEntry]);
  return pairs;
}

/**
 * `docker rmi` and `docker image prune`, with dockerd's rules (daemon/images/image_delete.go): a
 * tag or digest reference is untagged first and the image deleted only when no reference is left;
 * an id deletes the image with all its references when they are within one repository. Conflicts
 * use docker's 409 wording — "conflict: unable to delete <id> (must be forced) - image is being used
 * by stopped container <id>", "(cannot be forced) - image is being used by running container <id>"
 * (VIC answered these with "Failed to remove image"). Deleting an image deletes the layers no other
 * image and no container uses, and reports them as `Deleted: <chain id>` as dockerd does.
 */
import type { Digest } from '../archive/image.js';
import type { Filters } from '../engine/engine.js';
import { BadParameterError, ConflictError } from '../engine/errors.js';
import { parseReference } from '../registry/reference.js';
import { familiar, ImageIndex, referenceKey, type ImageRecord } from './image-index.js';
import type { ImageStoreCore } from './store-core.js';
import { imageLabels, isDangling } from './views.js';

/** One line of an rmi or prune answer. */
export type DeleteItem = { readonly Untagged: string } | { readonly Deleted: string };

/** Conflict kinds (dockerd's conflictType). */
const RUNNING = 1;
const ACTIVE_REFERENCE = 2;
const STOPPED = 4;
const HARD = RUNNING;
const SOFT = ACTIVE_REFERENCE | STOPPED;

const short = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);

/**
 * Removes `text` (a reference or an id). O(images + layers); datastore deletes for freed layers.
 * @throws NoSuchObjectError; ConflictError (409) as described in the module comment.
 */
export async function removeImage(store: ImageStoreCore, text: string, force: boolean): Promise<DeleteItem[]> {
  const record = store.resolve(text);
  const items: DeleteItem[] = [];
  if (!ImageIndex.isIdReference(text, record)) {
    const user = store.users(record.id)[0];
    if (!force && isSingleReference(record) && user) {
      throw new ConflictError(`conflict: unable to remove repository reference "${text}" (must force) - container ${short(user.containerId)} is using its referenced image ${short(record.id)}`);
    }
    untagReference(store, record, referenceKey(parseReference(text)), items);
    if (record.repoTags.length + record.repoDigests.length > 0) {
      await store.persist();
      return items;
    }
  } else if (isSingleReference(record)) {
    checkConflicts(store, record, force ? HARD : HARD | STOPPED);
    for (const key of [...record.repoTags, ...record.repoDigests]) untag(store, record, key, items);
  }
  checkConflicts(store, record, force ? HARD : HARD | SOFT);
  for (const key of [...record.repoTags, ...record.repoDigests]) untag(store, record, key, items);
  items.push(...(await deleteUnreferenced(store, record)).deleted);
  await store.persist();
  return items;
}

/**
 * Removes dangling images (filter `dangling=true`, the default) or every image no container uses
 * (`dangling=false`), narrowed by `label` / `label!` filters. Returns docker's prune report.
 * @throws BadParameterError "invalid filter '…'" for other keys or a bad dangling value.
 */
export async function pruneImages(store: ImageStoreCore, filters: Filters): Promise<{ ImagesDeleted: DeleteItem[]; SpaceReclaimed: number }> {
  for (const key of Object.keys(filters)) if (key !== 'dangling' && key !== 'label' && key !== 'label!') throw new BadParameterError(`invalid filter '${key}'`);
  const dangling = filters.dangling?.[0] ?? 'true';
  if (!['true', '1', 'false', '0'].includes(dangling)) throw new BadParameterError(`invalid filter 'dangling=${dangling}'`);
  const danglingOnly = dangling === 'true' || dangling === '1';
  const items: DeleteItem[] = [];
  let reclaimed = 0;
  for (const record of store.index.all()) {
    if (store.users(record.id).length > 0 || (danglingOnly && !isDangling(record)) || !labelsMatch(record, filters)) continue;
    for (const key of [...record.repoTags, ...record.repoDigests]) untag(store, record, key, items);
    const { deleted, bytes } = await deleteUnreferenced(store, record);
    items.push(...deleted);
    reclaimed += bytes;
  }
  await store.persist();
  return { ImagesDeleted: items, SpaceReclaimed: reclaimed };
}

/**
 * dockerd's isSingleReference: exactly one reference, or one tag plus digests all in its repository.
 */
function isSingleReference(record: ImageRecord): boolean {
  const refs = [...record.repoTags, ...record.repoDigests];
  if (refs.length <= 1) return refs.length === 1;
  if (record.repoTags.length > 1) return false;
  const digestRepos = new Set(record.repoDigests.map((key) => parseReference(key).name));
  const single = record.repoTags[0] ?? record.repoDigests[0]!;
  return digestRepos.size === 1 && digestRepos.has(parseReference(single).name);
}

function checkConflicts(store: ImageStoreCore, record: ImageRecord, mask: number): void {
  const users = store.users(record.id);
  const running = users.find((u) => u.running);
  if (mask & RUNNING && running) {
    throw new ConflictError(`conflict: unable to delete ${short(record.id)} (cannot be forced) - image is being used by running container ${short(running.containerId)}`);
  }
  if (mask & ACTIVE_REFERENCE && record.repoTags.length + record.repoDigests.length > 0) {
    throw new ConflictError(`conflict: unable to delete ${short(record.id)} (must be forced) - image is referenced in multiple repositories`);
  }
  const stopped = users.find((u) => !u.running);
  if (mask & STOPPED && stopped) {
    throw new ConflictError(`conflict: unable to delete ${short(record.id)} (must be forced) - image is being used by stopped container ${short(stopped.containerId)}`);
  }
}

/** Untags a tag or digest reference; after the last tag of a repository its digests there go too. */
function untagReference(store: ImageStoreCore, record: ImageRecord, key: string, items: DeleteItem[]): void {
  untag(store, record, key, items);
  if (key.includes('@')) return;
  const name = parseReference(key).name;
  if (record.repoTags.some((tag) => parseReference(tag).name === name)) return;
  for (const digest of record.repoDigests.filter((d) => parseReference(d).name === name)) untag(store, record, digest, items);
}

function untag(store: ImageStoreCore, record: ImageRecord, key: string, items: DeleteItem[]): void {
  if (!store.index.removeReference(key)) return;
  items.push({ Untagged: familiar(key) });
  store.emit('untag', record.id, { name: record.id });
}

/** Deletes the image and its unused layers; the items and the bytes those layers held. */
async function deleteUnreferenced(store: ImageStoreCore, record: ImageRecord): Promise<{ deleted: DeleteItem[]; bytes: number }> {
  const sizes = new Map<Digest, number>(record.chainIds.map((c) => [c, store.layerSize(c)]));
  const layers = await store.deleteImage(record);
  store.emit('delete', record.id, { name: record.id });
  return { deleted: [{ Deleted: record.id }, ...layers.map((c) => ({ Deleted: c }))], bytes: layers.reduce((sum, c) => sum + (sizes.get(c) ?? 0), 0) };
}

function labelsMatch(record: ImageRecord, filters: Filters): boolean {
  const labels = imageLabels(record);
  const has = (filter: string): boolean => {
    const eq = filter.indexOf('=');
    return eq === -1 ? filter in labels : labels[filter.slice(0, eq)] === filter.slice(eq + 1);
  };
  return (filters.label ?? []).every(has) && !(filters['label!'] ?? []).some(has);
}

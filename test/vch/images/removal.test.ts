/** `docker rmi` and `docker image prune` semantics, with dockerd's conflicts. */
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/vch/engine/errors.js';
import type { ImageEvent } from '../../../src/vch/images/index.js';
import { modelStore, pull } from './fixture.js';

const CONTAINER = 'c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789';

describe('removing images', () => {
  it('untags one of several tags, then deletes the image with its layers when the last tag goes', async () => {
    const { store } = await modelStore();
    await pull(store, 'busybox');
    await store.tagImage('busybox', 'mine', 'v1');
    const image = store.resolve('busybox');
    const digest = image.repoDigests[0]!.split('@')[1]!;
    expect(await store.removeImage('mine:v1', { force: false })).toEqual([{ Untagged: 'mine:v1' }]);
    const removed = await store.removeImage('busybox', { force: false });
    expect(removed).toEqual([{ Untagged: 'busybox:latest' }, { Untagged: `busybox@${digest}` }, { Deleted: image.id }, { Deleted: image.chainIds[0] }]);
    expect(store.layers().size).toBe(0);
  });

  it('keeps a layer another image still uses', async () => {
    const { store } = await modelStore();
    await pull(store, 'nginx');
    await pull(store, 'redis');
    const redis = store.resolve('redis');
    const removed = await store.removeImage('redis', { force: false });
    const deletedLayers = removed.flatMap((r) => ('Deleted' in r && r.Deleted !== redis.id ? [r.Deleted] : []));
    expect(deletedLayers).toEqual([...redis.chainIds.slice(1)].reverse());
    expect(store.layers().has(redis.chainIds[0]!)).toBe(true);
  });

  it('refuses to delete by id an image referenced in several repositories unless forced', async () => {
    const { store } = await modelStore();
    await pull(store, 'alpine');
    await store.tagImage('alpine', 'other', undefined);
    const id = store.resolve('alpine').id.slice(7, 19);
    await expect(store.removeImage(id, { force: false })).rejects.toThrow(`conflict: unable to delete ${id} (must be forced) - image is referenced in multiple repositories`);
    const removed = await store.removeImage(id, { force: true });
    expect(removed.filter((r) => 'Untagged' in r)).toHaveLength(3);
  });

  it('answers 409 for an image a stopped container uses, deletes it when forced and frees its layers only after the container lets go', async () => {
    const { store } = await modelStore();
    await pull(store, 'busybox');
    const image = store.resolve('busybox');
    await store.acquireImage('busybox', CONTAINER);
    const id = image.id.slice(7, 19);
    const error = await store.removeImage(id, { force: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).status).toBe(409);
    expect((error as Error).message).toBe(`conflict: unable to delete ${id} (must be forced) - image is being used by stopped container ${CONTAINER.slice(0, 12)}`);
    await expect(store.removeImage('busybox', { force: false })).rejects.toThrow(`conflict: unable to remove repository reference "busybox" (must force) - container ${CONTAINER.slice(0, 12)} is using its referenced image ${id}`);
    const removed = await store.removeImage(id, { force: true });
    expect(removed.at(-1)).toEqual({ Deleted: image.id });
    expect(store.layers().has(image.chainIds[0]!)).toBe(true);
    await store.releaseImage(CONTAINER);
    expect(store.layers().size).toBe(0);
  });

  it('refuses even a forced delete while a running container uses the image', async () => {
    const { store } = await modelStore();
    await pull(store, 'busybox');
    store.useContainerStates((id) => id === CONTAINER);
    await store.acquireImage('busybox', CONTAINER);
    const id = store.resolve('busybox').id.slice(7, 19);
    await expect(store.removeImage(id, { force: true })).rejects.toThrow(`conflict: unable to delete ${id} (cannot be forced) - image is being used by running container ${CONTAINER.slice(0, 12)}`);
  });

  it('reports untag and delete events in docker\'s shape', async () => {
    const { store } = await modelStore();
    await pull(store, 'busybox');
    const events: ImageEvent[] = [];
    store.onEvent((e) => events.push(e));
    const image = store.resolve('busybox');
    await store.removeImage('busybox:latest', { force: false });
    expect(events.map((e) => [e.Action, e.Actor.ID])).toEqual([
      ['untag', image.id],
      ['untag', image.id],
      ['delete', image.id],
    ]);
    expect(events[0]).toMatchObject({ Type: 'image', scope: 'local', status: 'untag', id: image.id, Actor: { Attributes: { name: image.id } } });
  });

  it('prunes dangling images only by default, and every unused image with dangling=false', async () => {
    const { store } = await modelStore();
    await pull(store, 'busybox');
    await pull(store, 'alpine');
    await store.tagImage('busybox', 'alpine', 'latest');
    const old = (await store.listImages({ filters: {} })).find((i) => i.RepoTags.length === 0);
    expect(old?.RepoDigests[0]).toMatch(/^alpine@sha256:/);
    expect((await store.pruneImages({})).ImagesDeleted).toEqual([]);
    await store.removeImage(old!.RepoDigests[0]!, { force: false });
    expect((await store.listImages({ filters: {} })).map((i) => i.RepoTags)).toEqual([['busybox:latest', 'alpine:latest']]);
    const pruned = await store.pruneImages({ dangling: ['false'] });
    expect(pruned.SpaceReclaimed).toBe(4_261_550);
    expect(await store.listImages({ filters: {} })).toEqual([]);
  });
});

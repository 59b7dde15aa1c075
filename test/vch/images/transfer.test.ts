/** `docker save` / `docker load` through the store, and the image listing's filters. */
import { describe, expect, it } from 'vitest';
import { readDockerArchive } from '../../../src/vch/archive/docker-archive.js';
import { BadParameterError } from '../../../src/vch/engine/errors.js';
import type { ImageEvent } from '../../../src/vch/images/index.js';
import { modelStore, pull } from './fixture.js';

describe('save and load', () => {
  it('round-trips several images into another VCH with the same ids, tags and sizes, storing shared layers once', async () => {
    const source = await modelStore();
    await pull(source.store, 'nginx');
    await pull(source.store, 'redis');
    const archive = await source.store.saveImages(['nginx', 'redis:latest']);
    expect((await readDockerArchive(archive)).map((i) => i.repoTags)).toEqual([['nginx:latest'], ['redis:latest']]);
    const target = await modelStore();
    const events: ImageEvent[] = [];
    target.store.onEvent((e) => events.push(e));
    expect(await target.store.loadImages(archive)).toEqual(['Loaded image: nginx:latest', 'Loaded image: redis:latest']);
    for (const name of ['nginx', 'redis']) {
      const before = await source.store.inspectImage(name);
      const after = await target.store.inspectImage(name);
      expect(after.Id).toBe(before.Id);
      expect(after.Size).toBe(before.Size);
      expect(after.RepoTags).toEqual([`${name}:latest`]);
    }
    expect(target.store.layers().size).toBe(source.store.layers().size);
    expect(events.map((e) => e.Action)).toEqual(['load', 'load']);
  });

  it('saves an image named by id untagged and loads it as "Loaded image ID"', async () => {
    const { store } = await modelStore();
    await pull(store, 'busybox');
    const id = store.resolve('busybox').id;
    const archive = await store.saveImages([id.slice(7, 19)]);
    const other = await modelStore();
    expect(await other.store.loadImages(archive)).toEqual([`Loaded image ID: ${id}`]);
    expect((await other.store.listImages({ filters: { dangling: ['true'] } })).map((i) => i.Id)).toEqual([id]);
  });

  it('says when a loaded tag moves from another image', async () => {
    const { store } = await modelStore();
    await pull(store, 'busybox');
    await pull(store, 'alpine');
    const archive = await store.saveImages(['alpine']);
    const other = await modelStore();
    await pull(other.store, 'busybox');
    await other.store.tagImage('busybox', 'alpine', 'latest');
    const old = other.store.resolve('busybox').id;
    expect(await other.store.loadImages(archive)).toEqual([`The image alpine:latest already exists, renaming the old one with ID ${old} to empty string`, 'Loaded image: alpine:latest']);
  });
});

describe('listing images', () => {
  it('filters by reference glob, label, dangling and before/since, newest first', async () => {
    const { store } = await modelStore();
    for (const name of ['busybox', 'alpine', 'nginx']) await pull(store, name);
    await store.tagImage('busybox', 'myreg.local:5000/team/bb', 'v1');
    const tags = async (filters: Record<string, string[]>): Promise<string[][]> => (await store.listImages({ filters })).map((i) => i.RepoTags);
    expect(await tags({})).toEqual([['nginx:latest'], ['alpine:latest'], ['busybox:latest', 'myreg.local:5000/team/bb:v1']]);
    expect(await tags({ reference: ['busy*'] })).toEqual([['busybox:latest']]);
    expect(await tags({ reference: ['*/team/*:v1'] })).toEqual([['myreg.local:5000/team/bb:v1']]);
    expect(await tags({ label: ['vicsim.workload.listen=80/http'] })).toEqual([['nginx:latest']]);
    expect(await tags({ before: ['nginx'] })).toEqual([['alpine:latest'], ['busybox:latest', 'myreg.local:5000/team/bb:v1']]);
    expect(await tags({ since: ['alpine'] })).toEqual([['nginx:latest']]);
    expect(await tags({ dangling: ['true'] })).toEqual([]);
    await expect(store.listImages({ filters: { colour: ['red'] } })).rejects.toBeInstanceOf(BadParameterError);
    await expect(store.listImages({ filters: { dangling: ['maybe'] } })).rejects.toThrow("invalid filter 'dangling=maybe'");
  });

  it('refuses to tag with a digest and reports tag events', async () => {
    const { store } = await modelStore();
    await pull(store, 'busybox');
    const events: ImageEvent[] = [];
    store.onEvent((e) => events.push(e));
    await expect(store.tagImage('busybox', `bb@sha256:${'a'.repeat(64)}`, undefined)).rejects.toThrow('refusing to create a tag with a digest reference');
    await expect(store.tagImage('busybox', 'Upper', undefined)).rejects.toBeInstanceOf(BadParameterError);
    await store.tagImage('busybox', 'bb', 'v2');
    expect(events).toEqual([{ Type: 'image', Action: 'tag', status: 'tag', id: store.resolve('bb:v2').id, scope: 'local', Actor: { ID: store.resolve('bb:v2').id, Attributes: expect.objectContaining({ name: 'bb:v2' }) } }]);
  });
});

/** The layer file cache: a byte budget for unpinned layers, pinned layers never evicted, reloads after eviction. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LayerCache } from '../../../src/vch/images/index.js';
import { modelStore, pull } from './fixture.js';

type Op = { kind: 'get' | 'pin' | 'unpin'; key: string };

const sizes: Record<string, number> = { a: 10, b: 25, c: 40, d: 5, e: 60, f: 15, g: 120 };
const keys = Object.keys(sizes);

describe('the layer cache', () => {
  it('never drops a pinned layer and keeps unpinned layers within the budget', async () => {
    const op = fc.record({ kind: fc.constantFrom<Op['kind']>('get', 'pin', 'unpin'), key: fc.constantFrom(...keys) });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 20, max: 150 }), fc.array(op, { maxLength: 60 }), async (budget, ops) => {
        const loads: string[] = [];
        const cache = new LayerCache<string, { key: string }>(budget, async (key) => {
          loads.push(key);
          return { value: { key }, size: sizes[key]! };
        });
        const pins = new Map<string, number>();
        for (const { kind, key } of ops) {
          if (kind === 'get') expect((await cache.get(key)).key).toBe(key);
          if (kind === 'pin') {
            await cache.pin(key);
            pins.set(key, (pins.get(key) ?? 0) + 1);
          }
          if (kind === 'unpin' && pins.has(key)) {
            cache.unpin(key);
            const left = pins.get(key)! - 1;
            if (left === 0) pins.delete(key);
            else pins.set(key, left);
          }
          for (const pinned of pins.keys()) expect(cache.has(pinned)).toBe(true);
          const stats = cache.stats();
          expect(stats.cachedBytes).toBeLessThanOrEqual(budget);
          expect(stats.pinnedLayers).toBe(pins.size);
        }
        const before = loads.length;
        for (const pinned of pins.keys()) await cache.get(pinned);
        expect(loads.length).toBe(before);
      }),
      { numRuns: 200 },
    );
  });

  it('shares one load between concurrent requests for the same layer', async () => {
    let loads = 0;
    const cache = new LayerCache<string, object>(100, async () => {
      loads++;
      return { value: {}, size: 1 };
    });
    const [x, y] = await Promise.all([cache.get('k'), cache.get('k')]);
    expect(x).toBe(y);
    expect(loads).toBe(1);
  });

  it('reloads an evicted layer from its stored tar, with the same files', async () => {
    const { store } = await modelStore({ layerCacheBytes: 4096 });
    await pull(store, 'busybox');
    await pull(store, 'alpine');
    const [first] = await store.layerTrees('busybox');
    await store.layerTrees('alpine');
    const again = (await store.layerTrees('busybox'))[0]!;
    expect(again).not.toBe(first);
    expect(again.root.children.get('bin')).toBeDefined();
    expect(store.cacheStats().loads).toBe(3);
  });

  it('pins an image\'s layers while a container holds it, and lets them go on release', async () => {
    const { store } = await modelStore({ layerCacheBytes: 4096 });
    await pull(store, 'nginx');
    const rootfs = await store.acquireImage('nginx', 'c1');
    expect(rootfs.layers).toHaveLength(7);
    expect(rootfs.parentDisk).toBe(store.layerDisk(store.resolve('nginx').chainIds.at(-1)!));
    expect(rootfs.config.Cmd).toEqual(['nginx', '-g', 'daemon off;']);
    expect(store.cacheStats().pinnedLayers).toBe(7);
    await store.layerTrees('nginx');
    expect(store.cacheStats().loads).toBe(7);
    await store.releaseImage('c1');
    expect(store.cacheStats()).toMatchObject({ pinnedLayers: 0 });
    expect(store.cacheStats().cachedBytes).toBeLessThanOrEqual(4096);
  });
});

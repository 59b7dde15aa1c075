/**
 * The layer file cache: parsed layers kept in memory under a byte budget, least recently used
 * evicted first (lru-cache). Layers in use by containers are pinned: a pinned layer leaves the LRU
 * (so it is never evicted and does not count against the budget) until its last pin is released.
 * An evicted layer is loaded again (from its stored tar) the next time it is asked for; concurrent
 * requests for one layer share one load.
 */
import { LRUCache } from 'lru-cache';
import { InvalidArgumentError } from '../../sim/errors.js';
import { MiB } from '../../sim/units.js';

/** A loaded value and the bytes it holds in memory (≥ 1). */
export interface SizedValue<V> {
  readonly value: V;
  readonly size: number;
}

/** Default budget for unpinned layers (estimate: room for a handful of large images' files). */
export const DEFAULT_LAYER_CACHE_BYTES = 512 * MiB;

/** What the cache holds now. */
export interface LayerCacheStats {
  /** Bytes of unpinned layers in the LRU (never above the budget). */
  readonly cachedBytes: number;
  readonly cachedLayers: number;
  /** Bytes of pinned layers (outside the budget). */
  readonly pinnedBytes: number;
  readonly pinnedLayers: number;
  /** Loads so far (first loads and reloads after eviction). */
  readonly loads: number;
}

/** A byte-budgeted LRU of layers with pinning. Keys are layer ids; values are immutable. */
export class LayerCache<K extends string, V extends object> {
  readonly #lru: LRUCache<K, SizedValue<V>>;
  readonly #pins = new Map<K, number>();
  readonly #pinned = new Map<K, SizedValue<V>>();
  readonly #loading = new Map<K, Promise<SizedValue<V>>>();
  #loads = 0;

  /**
   * @param budgetBytes maximum bytes of unpinned layers kept (≥ 1); a single layer larger than this is not kept.
   * @param load reads a layer that is not in memory; rejects when it does not exist.
   */
  constructor(
    readonly budgetBytes: number,
    private readonly load: (key: K) => Promise<SizedValue<V>>,
  ) {
    if (!Number.isSafeInteger(budgetBytes) || budgetBytes < 1) throw new InvalidArgumentError('layerCacheBytes', `layer cache budget must be a positive number of bytes, got ${budgetBytes}`);
    this.#lru = new LRUCache<K, SizedValue<V>>({ maxSize: budgetBytes, sizeCalculation: (entry) => Math.max(1, entry.size) });
  }

  /** The layer, from memory or loaded (and then cached). O(1) when in memory. */
  async get(key: K): Promise<V> {
    return (await this.#entry(key)).value;
  }

  /** Puts a layer the caller already has in memory (e.g. just pulled) into the cache. O(1) amortised. */
  put(key: K, value: V, size: number): void {
    this.#place(key, { value, size });
  }

  /** Pins a layer (loading it if needed) and returns it; each pin needs one {@link unpin}. */
  async pin(key: K): Promise<V> {
    this.#pins.set(key, (this.#pins.get(key) ?? 0) + 1);
    const cached = this.#lru.get(key);
    if (cached) {
      this.#lru.delete(key);
      this.#pinned.set(key, cached);
    }
    try {
      return await this.get(key);
    } catch (error) {
      this.unpin(key);
      throw error;
    }
  }

  /** Releases one pin; with the last one the layer goes back into the LRU (most recently used). */
  unpin(key: K): void {
    const count = this.#pins.get(key);
    if (count === undefined) return;
    if (count > 1) {
      this.#pins.set(key, count - 1);
      return;
    }
    this.#pins.delete(key);
    const entry = this.#pinned.get(key);
    this.#pinned.delete(key);
    if (entry) this.#lru.set(key, entry);
  }

  /** True while the layer has pins. */
  isPinned(key: K): boolean {
    return this.#pins.has(key);
  }

  /** True when the layer is in memory (pinned or cached), without touching its recency. */
  has(key: K): boolean {
    return this.#pinned.has(key) || this.#lru.has(key);
  }

  /** Drops an unpinned layer from memory (its layer was deleted). */
  forget(key: K): void {
    if (!this.#pins.has(key)) this.#lru.delete(key);
  }

  /** Current figures. O(pinned layers). */
  stats(): LayerCacheStats {
    let pinnedBytes = 0;
    for (const entry of this.#pinned.values()) pinnedBytes += entry.size;
    return { cachedBytes: this.#lru.calculatedSize, cachedLayers: this.#lru.size, pinnedBytes, pinnedLayers: this.#pinned.size, loads: this.#loads };
  }

  async #entry(key: K): Promise<SizedValue<V>> {
    const inMemory = this.#pinned.get(key) ?? this.#lru.get(key);
    if (inMemory) return inMemory;
    let loading = this.#loading.get(key);
    if (!loading) {
      this.#loads++;
      loading = this.load(key).finally(() => this.#loading.delete(key));
      this.#loading.set(key, loading);
    }
    const entry = await loading;
    if (!this.has(key)) this.#place(key, entry);
    return entry;
  }

  #place(key: K, entry: SizedValue<V>): void {
    if (this.#pins.has(key)) this.#pinned.set(key, entry);
    else this.#lru.set(key, entry);
  }
}

/** One entry point for both pool modes. */
import { ExactMemoryPool } from './exact-pool.js';
import { ExtentMemoryPool } from './extent-pool.js';
import type { MemoryImages, MemoryPoolOptions, PoolMode } from './types.js';

/**
 * A memory pool (one host's guest memory) in the given mode: 'extent' for the model (default),
 * 'exact' for tests (O(pages) per operation).
 */
export function createMemoryPool(mode: PoolMode = 'extent', options: MemoryPoolOptions = {}): MemoryImages {
  return mode === 'exact' ? new ExactMemoryPool(options) : new ExtentMemoryPool(options);
}

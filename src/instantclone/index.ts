/** Instant clone: copy-on-write memory images, forks, generations and guest memory activity. */
export * from './types.js';
export * from './errors.js';
export * from './generations.js';
export * from './extent-layer.js';
export * from './extent-pool.js';
export * from './exact-pool.js';
export * from './pool.js';
export * from './byte-range.js';
export * from './tally.js';
export * from './tables.js';
export * from './workload.js';
export * from './memory-state.js';
export * from './reclamation.js';
export * from './host-memory.js';
export * from './page-scan.js';
export * from './page-sharing.js';
export * from './memory-stats.js';

/** The running totals of a memory pool, kept incrementally by the generation tree. */
import type { PoolCounters } from './types.js';

/** Mutable running totals; {@link PoolTally.snapshot} gives the public, frozen view. */
export class PoolTally {
  images = 0;
  layers = 0;
  generations = 0;
  references = 0;
  configured = 0;
  mapped = 0;
  physical = 0;
  private = 0;
  cowEvents = 0;
  writes = 0;
  forks = 0;
  changes = 0;

  /** The totals as {@link PoolCounters}. O(1). */
  snapshot(): PoolCounters {
    return {
      images: this.images,
      layers: this.layers,
      generations: this.generations,
      references: this.references,
      configuredPages: this.configured,
      mappedPages: this.mapped,
      zeroPages: this.configured - this.mapped,
      physicalPages: this.physical,
      privatePages: this.private,
      sharedPages: this.physical - this.private,
      cowEvents: this.cowEvents,
      writes: this.writes,
      forks: this.forks,
      changes: this.changes,
    };
  }
}

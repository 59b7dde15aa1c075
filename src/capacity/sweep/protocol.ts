/** The messages between the sweep's worker pool (pool.ts) and its workers (worker.ts). */
import type { CapacityTotals } from '../report/result.js';
import type { Scenario } from '../scenario/types.js';

/** Pool → worker: run one point. */
export interface RunPointRequest {
  readonly index: number;
  readonly scenario: Scenario;
}

/** What one finished point yields: the run's totals and how far it got. */
export interface PointResult {
  readonly index: number;
  /** False only if the run itself stopped early (a sweep never aborts a run it keeps). */
  readonly completed: boolean;
  readonly simulatedMs: number;
  readonly totals: CapacityTotals;
  /** Wall-clock time the run took in its worker, ms (informational; not part of the results). */
  readonly wallMs: number;
}

/** Worker → pool: a point's result, or the error its run threw. */
export type RunPointReply = ({ readonly kind: 'done' } & PointResult) | { readonly kind: 'failed'; readonly index: number; readonly message: string };

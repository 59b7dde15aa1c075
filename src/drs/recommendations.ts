/** What a DRS pass recommends and what it turned down, each with the numbers behind it. */
import type { HostId, VmId } from '../sim/ids.js';
import type { MoveRefusal } from './moves.js';

/** Why a move is made: evacuating a host for maintenance, fixing a rule, or balancing load. */
export type MoveReason = 'maintenance' | 'rule' | 'balance';

/** A recommended migration, applied in this order. */
export interface Recommendation {
  readonly vm: VmId;
  readonly from: HostId;
  readonly to: HostId;
  readonly reason: MoveReason;
  /** 1 (mandatory) to 5; a threshold t applies priorities ≤ t. */
  readonly priority: number;
  readonly imbalanceBefore: number;
  readonly imbalanceAfter: number;
  /** imbalanceBefore − imbalanceAfter (may be negative for mandatory moves). */
  readonly goodness: number;
  /** Simulated vMotion time, s (vmotion.ts). */
  readonly migrationSeconds: number;
  /**
   * Balance moves, in imbalance-seconds: the benefit is the goodness held from the end of the
   * vMotion to the horizon, goodness × (horizon − migration time); the cost is the imbalance the
   * VM adds while it is on both hosts, × migration time. A move needs benefit > cost.
   */
  readonly benefit?: number;
  readonly cost?: number;
  /** One sentence a person can read. */
  readonly explanation: string;
}

/** Which filter turned a move down. */
export type RejectionFilter = 'min-goodness' | 'cost-benefit' | 'no-host' | 'threshold';

/** A move considered and turned down. */
export interface RejectedMove {
  readonly vm: VmId;
  readonly from: HostId;
  /** The destination considered (absent when no host qualified). */
  readonly to?: HostId;
  readonly filter: RejectionFilter;
  readonly goodness?: number;
  readonly benefit?: number;
  readonly cost?: number;
  /** Each host's refusal (filter `no-host`). */
  readonly refusals?: readonly MoveRefusal[];
  readonly explanation: string;
}

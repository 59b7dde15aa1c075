/**
 * Reservation, limit and shares of VMs and resource pools, validated the way vSphere validates
 * them. Share values by level are vSphere's (shared/reference/calibration.md, DRS section).
 */
import { InvalidArgumentError } from '../sim/errors.js';
import type { Allocation, Shares, SharesLevel } from './types.js';

/** What a user may give for one resource; omitted fields keep their current or default value. */
export interface AllocationSpec {
  readonly reservation?: number;
  /** -1 = unlimited. */
  readonly limit?: number;
  /** A level, or a number for custom shares. */
  readonly shares?: SharesLevel | number;
  readonly expandableReservation?: boolean;
}

/** Which allocation a spec is for: the level values differ. */
export type AllocationKind = 'vmCpu' | 'vmMemory' | 'poolCpu' | 'poolMemory';

/**
 * Share values per level. VM values are per vCPU (CPU) and per MB (memory); pool values are absolute.
 * VM High/Normal/Low = 2000/1000/500 per vCPU and 20/10/5 per MB; pool Normal = 4000 CPU /
 * 163,840 memory, High = 8000 / 327,680 (Low is half of Normal).
 */
export const SHARES_PER_LEVEL: Record<AllocationKind, Record<Exclude<SharesLevel, 'custom'>, number>> = {
  vmCpu: { low: 500, normal: 1000, high: 2000 },
  vmMemory: { low: 5, normal: 10, high: 20 },
  poolCpu: { low: 2000, normal: 4000, high: 8000 },
  poolMemory: { low: 81_920, normal: 163_840, high: 327_680 },
};

/** The share count of a level for a VM with `units` vCPUs or MB (pools: units = 1). */
export function sharesFor(kind: AllocationKind, level: SharesLevel | number, units = 1): Shares {
  if (typeof level === 'number') {
    if (!Number.isInteger(level) || level < 0) throw new InvalidArgumentError('shares', `custom shares must be an integer ≥ 0, got ${level}`);
    return { level: 'custom', shares: level };
  }
  if (level === 'custom') throw new InvalidArgumentError('shares', 'custom shares need a number');
  const per = SHARES_PER_LEVEL[kind][level];
  if (per === undefined) throw new InvalidArgumentError('shares', `unknown shares level '${String(level)}' (low, normal, high or a number)`);
  return { level, shares: per * units };
}

const DEFAULTS = new Map<string, Allocation>();

/** The default allocation: no reservation, unlimited, normal shares (frozen, shared). */
export function defaultAllocation(kind: AllocationKind, units = 1): Allocation {
  const key = `${kind}:${units}`;
  let a = DEFAULTS.get(key);
  if (!a) {
    a = Object.freeze({
      reservation: 0,
      limit: -1,
      shares: Object.freeze(sharesFor(kind, 'normal', units)),
      expandableReservation: kind.startsWith('pool'),
    });
    DEFAULTS.set(key, a);
  }
  return a;
}

/**
 * Applies `spec` over `base` and validates the result: reservation ≥ 0, limit -1 or ≥ reservation,
 * a VM's memory reservation ≤ its configured memory.
 * @param what names the object and resource in error messages, e.g. "pool web memory".
 * @param units vCPUs or MB of a VM (scales level shares); 1 for pools.
 * @param max the most a VM may reserve (its configured memory), when that applies.
 */
export function applyAllocation(
  base: Allocation,
  spec: AllocationSpec | undefined,
  kind: AllocationKind,
  what: string,
  units = 1,
  max?: number,
): Allocation {
  if (!spec) return rescaleShares(base, kind, units);
  const reservation = spec.reservation ?? base.reservation;
  const limit = spec.limit ?? base.limit;
  if (!Number.isFinite(reservation) || reservation < 0) throw new InvalidArgumentError('reservation', `${what} reservation must be ≥ 0, got ${reservation}`);
  if (!Number.isFinite(limit) || (limit !== -1 && limit < 0)) throw new InvalidArgumentError('limit', `${what} limit must be -1 (unlimited) or ≥ 0, got ${limit}`);
  if (limit !== -1 && reservation > limit) throw new InvalidArgumentError('reservation', `${what} reservation ${reservation} exceeds its limit ${limit}`);
  if (max !== undefined && reservation > max) throw new InvalidArgumentError('reservation', `${what} reservation ${reservation} exceeds the configured ${max}`);
  if (spec.expandableReservation !== undefined && !kind.startsWith('pool')) {
    throw new InvalidArgumentError('expandableReservation', `${what}: only resource pools have expandable reservations`);
  }
  const shares = spec.shares !== undefined ? sharesFor(kind, spec.shares, units) : rescaleShares(base, kind, units).shares;
  return {
    reservation,
    limit,
    shares,
    expandableReservation: spec.expandableReservation ?? base.expandableReservation,
  };
}

/** Level shares follow the VM's size; custom shares stay as given. */
function rescaleShares(a: Allocation, kind: AllocationKind, units: number): Allocation {
  if (a.shares.level === 'custom') return a;
  const shares = sharesFor(kind, a.shares.level, units);
  if (shares.shares === a.shares.shares) return a;
  if (a.reservation === 0 && a.limit === -1 && a.shares.level === 'normal') return defaultAllocation(kind, units);
  return { ...a, shares };
}

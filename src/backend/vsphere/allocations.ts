/**
 * Backend allocation specs → vim25 ResourceAllocationInfo inputs. The live backend always sends a
 * whole allocation (the current or default one with the caller's changes applied): vCenter merges
 * partial allocations, but vcsim replaces a VM's allocation with whatever arrives, so a whole one is
 * the only form both read back the same.
 */
import type { AllocationInfo, AllocationSpec, SharesInfo } from '../backend.js';
import type { AllocationInput } from './vim25/index.js';

/** What an allocation belongs to: share counts per level differ. */
export type AllocationKind = 'vmCpu' | 'vmMemory' | 'poolCpu' | 'poolMemory';

/**
 * vSphere's share counts per level (shared/reference/calibration.md, DRS section): per vCPU / per MB
 * for VMs, absolute for pools. vCenter computes these itself for non-custom levels and ignores the
 * number sent; vcsim stores what it is sent, so the backend sends vCenter's numbers.
 */
export const SHARES_PER_LEVEL: Readonly<Record<AllocationKind, Readonly<Record<'low' | 'normal' | 'high', number>>>> = {
  vmCpu: { low: 500, normal: 1000, high: 2000 },
  vmMemory: { low: 5, normal: 10, high: 20 },
  poolCpu: { low: 2000, normal: 4000, high: 8000 },
  poolMemory: { low: 81_920, normal: 163_840, high: 327_680 },
};

/** The default allocation: no reservation, unlimited, normal shares; pools expandable, VMs not. */
export function defaultAllocation(kind: AllocationKind, units: number): AllocationInfo {
  return {
    reservation: 0,
    limit: -1,
    shares: { level: 'normal', shares: SHARES_PER_LEVEL[kind].normal * units },
    expandableReservation: kind.startsWith('pool'),
  };
}

function shares(kind: AllocationKind, requested: AllocationSpec['shares'], current: SharesInfo, units: number): SharesInfo {
  if (typeof requested === 'number') return { level: 'custom', shares: requested };
  const level = requested ?? current.level;
  if (level === 'custom') return current;
  return { level, shares: SHARES_PER_LEVEL[kind][level] * units };
}

/**
 * `current` with `spec` applied (omitted fields keep their value); level shares are rescaled to
 * `units` (vCPUs or MB of a VM, 1 for pools). O(1).
 */
export function mergeAllocation(kind: AllocationKind, current: AllocationInfo, spec: AllocationSpec | undefined, units: number): AllocationInfo {
  return {
    reservation: spec?.reservation ?? current.reservation,
    limit: spec?.limit ?? current.limit,
    shares: shares(kind, spec?.shares, current.shares, units),
    expandableReservation: spec?.expandableReservation ?? current.expandableReservation,
  };
}

/** An AllocationInfo as the spec builders' input. */
export function allocationInput(a: AllocationInfo): AllocationInput {
  return { reservation: a.reservation, expandableReservation: a.expandableReservation, limit: a.limit, shares: { level: a.shares.level, shares: a.shares.shares } };
}

/**
 * Whether a new snapshot of a cluster has the same make-up as the one a DRS session holds — the
 * same hosts, pools, root, rules, and VMs in the same order with the same settings — so that the
 * session may take it by writing demand, dirty rates and hosts in place (session.ts, sync).
 * Demand, dirty rate, host and restart priority are what may differ.
 */
import type { ClusterSnapshot, DrsRule, HostSnapshot, PoolAllocation, PoolSnapshot, VmAllocation, VmSnapshot } from './snapshot.js';

/** Whether `next` has the make-up of `held` (see the file comment). O(V + H + P + rule members). */
export function sameMakeUp(held: ClusterSnapshot, next: ClusterSnapshot): boolean {
  return (
    held.rootPool === next.rootPool &&
    sameList(held.hosts, next.hosts, sameHost) &&
    sameList(held.pools, next.pools, samePool) &&
    sameList(held.rules, next.rules, sameRule) &&
    sameList(held.vms, next.vms, sameVmSettings)
  );
}

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!same(a[i]!, b[i]!)) return false;
  return true;
}

function sameHost(a: HostSnapshot, b: HostSnapshot): boolean {
  return a === b || (a.id === b.id && a.cpuMHz === b.cpuMHz && a.coreMHz === b.coreMHz && a.memoryMB === b.memoryMB && a.state === b.state && a.vmotionGbps === b.vmotionGbps && a.maxVms === b.maxVms);
}

function sameAllocation(a: VmAllocation, b: VmAllocation): boolean {
  return a.reservation === b.reservation && a.limit === b.limit && a.shares === b.shares;
}

function samePoolAllocation(a: PoolAllocation, b: PoolAllocation): boolean {
  return sameAllocation(a, b) && a.expandable === b.expandable;
}

function samePool(a: PoolSnapshot, b: PoolSnapshot): boolean {
  return a === b || (a.id === b.id && a.parent === b.parent && samePoolAllocation(a.cpu, b.cpu) && samePoolAllocation(a.memory, b.memory));
}

function sameRule(a: DrsRule, b: DrsRule): boolean {
  if (a === b) return true;
  if (a.id !== b.id || a.kind !== b.kind || !sameList(a.vms, b.vms, (x, y) => x === y)) return false;
  if (a.kind !== 'vm-host' || b.kind !== 'vm-host') return true;
  return a.affine === b.affine && a.mandatory === b.mandatory && sameList(a.hosts, b.hosts, (x, y) => x === y);
}

function sameVmSettings(a: VmSnapshot, b: VmSnapshot): boolean {
  return a.id === b.id && a.pool === b.pool && a.vcpus === b.vcpus && a.memoryMB === b.memoryMB && a.overheadMB === b.overheadMB && sameAllocation(a.cpu, b.cpu) && sameAllocation(a.memory, b.memory);
}

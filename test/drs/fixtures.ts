/** Builders of small cluster snapshots for the DRS tests: defaults everywhere, overrides by spread. */
import type { HostId, ResourcePoolId, VmId } from '../../src/sim/ids.js';
import type { ClusterSnapshot, DrsRule, HostSnapshot, PoolSnapshot, VmSnapshot } from '../../src/drs/snapshot.js';

/** The root pool id every fixture cluster uses. */
export const ROOT: ResourcePoolId = 'resgroup-1';

/** A connected host: 2 GHz cores, 10 GbE vMotion, the given capacity. */
export function host(n: number, cpuMHz: number, memoryMB: number, extra: Partial<HostSnapshot> = {}): HostSnapshot {
  return { id: `host-${n}` as HostId, cpuMHz, coreMHz: 2000, memoryMB, state: 'connected', vmotionGbps: 10, ...extra };
}

/** A pool under `parent` (default the root) with no reservation, no limit, normal shares, expandable. */
export function pool(n: number, extra: Partial<PoolSnapshot> = {}): PoolSnapshot {
  const open = { reservation: 0, shares: 'normal' as const, expandable: true };
  return { id: `resgroup-${n}` as ResourcePoolId, parent: ROOT, cpu: open, memory: open, ...extra };
}

/** The root pool. */
export function rootPool(): PoolSnapshot {
  const open = { reservation: 0, shares: 'normal' as const, expandable: false };
  return { id: ROOT, cpu: open, memory: open };
}

/** What a VM uses: CPU MHz (all of it run time) and memory MB (active = consumed). */
export interface Usage {
  readonly cpuMHz: number;
  readonly memMB: number;
}

/** A 2-vCPU, 2 GB VM on `hostN` in the root pool, with no reservations, using `use`. */
export function vm(n: number, hostN: number, use: Usage = { cpuMHz: 500, memMB: 1024 }, extra: Partial<VmSnapshot> = {}): VmSnapshot {
  return {
    id: `vm-${n}` as VmId,
    host: `host-${hostN}` as HostId,
    pool: ROOT,
    vcpus: 2,
    memoryMB: 2048,
    overheadMB: 37.5,
    cpu: { reservation: 0, shares: 'normal' },
    memory: { reservation: 0, shares: 'normal' },
    demand: { cpuRunMHz: use.cpuMHz, cpuReadyMHz: 0, memActiveMB: use.memMB, memConsumedMB: use.memMB },
    dirtyMBps: 20,
    restartPriority: 'medium',
    ...extra,
  };
}

/** A cluster of `hosts` and `vms` under the root pool (plus `pools`), with `rules`. */
export function cluster(hosts: HostSnapshot[], vms: VmSnapshot[], rules: DrsRule[] = [], pools: PoolSnapshot[] = []): ClusterSnapshot {
  return { hosts, pools: [rootPool(), ...pools], rootPool: ROOT, vms, rules };
}

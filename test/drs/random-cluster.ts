/**
 * Seeded random clusters for the DRS property and quality tests: up to 6 hosts and 30 VMs, with
 * reservations, limits, shares, a child pool and rules, all drawn from one seed.
 */
import type { HostId, ResourcePoolId, VmId } from '../../src/sim/ids.js';
import { Rng } from '../../src/sim/rng.js';
import { overheadMB } from '../../src/sim/overhead.js';
import type { ClusterSnapshot, DrsHostState, DrsRule, HostSnapshot, PoolSnapshot, SharesSetting, VmSnapshot } from '../../src/drs/snapshot.js';
import { ROOT, rootPool } from './fixtures.js';

/** What a random cluster may contain. */
export interface RandomClusterShape {
  readonly maxHosts?: number;
  readonly maxVms?: number;
  /** Allow hosts in maintenance, failed or standby (default false: all connected). */
  readonly hostStates?: boolean;
  /** Add rules (default true). */
  readonly rules?: boolean;
}

const LEVELS: SharesSetting[] = ['low', 'normal', 'high', 'normal', 1500];

/** A random cluster from `seed`. */
export function randomCluster(seed: number, shape: RandomClusterShape = {}): ClusterSnapshot {
  const rng = Rng.seeded(seed);
  const hostCount = rng.int(2, shape.maxHosts ?? 6);
  const hosts = Array.from({ length: hostCount }, (_, i) => randomHost(rng, i + 1, shape.hostStates ?? false));
  const child: PoolSnapshot = randomPool(rng);
  const vms = Array.from({ length: rng.int(1, shape.maxVms ?? 30) }, (_, i) => randomVm(rng, i + 1, hostCount, child.id));
  const rules = shape.rules === false ? [] : randomRules(rng, vms, hosts);
  return { hosts, pools: [rootPool(), child], rootPool: ROOT, vms, rules };
}

function randomHost(rng: Rng, n: number, states: boolean): HostSnapshot {
  const state: DrsHostState = states && n > 1 ? rng.pick<DrsHostState>(['connected', 'connected', 'connected', 'maintenance', 'failed', 'standby']) : 'connected';
  return { id: `host-${n}` as HostId, cpuMHz: rng.int(8, 32) * 1000, coreMHz: 2000, memoryMB: rng.int(16, 64) * 1024, state, vmotionGbps: rng.pick([1, 10]) };
}

function randomPool(rng: Rng): PoolSnapshot {
  const alloc = (unit: number) => {
    const reservation = rng.chance(0.5) ? rng.int(0, 8) * unit : 0;
    const limit = rng.chance(0.3) ? reservation + rng.int(1, 16) * unit : undefined;
    return { reservation, ...(limit === undefined ? {} : { limit }), shares: rng.pick(LEVELS), expandable: rng.chance(0.5) };
  };
  return { id: 'resgroup-2' as ResourcePoolId, parent: ROOT, cpu: alloc(1000), memory: alloc(1024) };
}

function randomVm(rng: Rng, n: number, hostCount: number, childPool: ResourcePoolId): VmSnapshot {
  const memoryMB = rng.pick([512, 1024, 2048, 4096]);
  const vcpus = rng.int(1, 4);
  const active = rng.int(0, memoryMB);
  const cpuRes = rng.chance(0.3) ? rng.int(0, 1000) : 0;
  const memRes = rng.chance(0.3) ? rng.int(0, memoryMB / 2) : 0;
  return {
    id: `vm-${n}` as VmId,
    host: `host-${rng.int(1, hostCount)}` as HostId,
    pool: rng.chance(0.4) ? childPool : ROOT,
    vcpus,
    memoryMB,
    overheadMB: overheadMB(memoryMB, vcpus),
    cpu: { reservation: cpuRes, ...(rng.chance(0.2) ? { limit: cpuRes + rng.int(100, 4000) } : {}), shares: rng.pick(LEVELS) },
    memory: { reservation: memRes, ...(rng.chance(0.2) ? { limit: memRes + rng.int(128, 4096) } : {}), shares: rng.pick(LEVELS) },
    demand: { cpuRunMHz: rng.int(0, 3000), cpuReadyMHz: rng.int(0, 300), memActiveMB: active, memConsumedMB: rng.int(active, memoryMB) },
    dirtyMBps: rng.int(0, 200),
    restartPriority: rng.pick(['highest', 'high', 'medium', 'low', 'lowest', 'disabled'] as const),
  };
}

function randomRules(rng: Rng, vms: readonly VmSnapshot[], hosts: readonly HostSnapshot[]): DrsRule[] {
  const rules: DrsRule[] = [];
  const someVms = (k: number) => Array.from(new Set(Array.from({ length: k }, () => rng.pick(vms).id)));
  if (rng.chance(0.6)) rules.push({ id: 'rule-anti', kind: 'vm-anti-affinity', vms: someVms(rng.int(2, 3)) });
  if (rng.chance(0.4)) rules.push({ id: 'rule-together', kind: 'vm-affinity', vms: someVms(2) });
  if (rng.chance(0.6)) {
    const chosen = hosts.filter(() => rng.chance(0.5)).map((h) => h.id);
    rules.push({ id: 'rule-must', kind: 'vm-host', vms: someVms(rng.int(1, 3)), hosts: chosen.length ? chosen : [hosts[0]!.id], affine: rng.chance(0.7), mandatory: true });
  }
  if (rng.chance(0.4)) rules.push({ id: 'rule-should', kind: 'vm-host', vms: someVms(2), hosts: [rng.pick(hosts).id], affine: true, mandatory: false });
  return rules;
}

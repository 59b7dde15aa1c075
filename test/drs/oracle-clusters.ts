/**
 * The regression oracle's generated clusters (fixtures/decisions.json was recorded over them), shared
 * by the oracle (decisions-regression.test.ts) and its run through DrsSession (session-oracle.test.ts).
 */
import type { BalanceOptions } from '../../src/drs/balance.js';
import type { ClusterSnapshot, DrsRule, HostSnapshot, PoolSnapshot, SharesSetting, VmSnapshot } from '../../src/drs/snapshot.js';
import type { HostId, ResourcePoolId, VmId } from '../../src/sim/ids.js';
import { overheadMB } from '../../src/sim/overhead.js';
import { Rng } from '../../src/sim/rng.js';

export const ROOT = 'resgroup-1' as ResourcePoolId;
const LEVELS: SharesSetting[] = ['low', 'normal', 'high', 'normal', 'normal', 3000];

/** What a generated cluster holds. */
export interface Shape {
  readonly hosts: number;
  readonly vms: number;
  /** Host `maintenanceHost` (index) is in maintenance; another is standby. */
  readonly maintenanceHost?: number;
  /** Weight of the last host over the first when VMs pick a host (skew). */
  readonly skew: number;
  readonly rules: boolean;
}

/** A cluster of `shape` from `seed`: two child pools (one nested, one with a reservation and limit), some VM reservations and limits, mixed links, rules. */
export function generatedCluster(seed: number, shape: Shape): ClusterSnapshot {
  const rng = Rng.seeded(seed);
  const hosts: HostSnapshot[] = Array.from({ length: shape.hosts }, (_, i) => ({
    id: `host-${i + 1}` as HostId,
    cpuMHz: rng.int(16, 48) * 2400,
    coreMHz: rng.pick([2000, 2400, 2600]),
    memoryMB: rng.int(96, 384) * 1024,
    state: i === shape.maintenanceHost ? 'maintenance' : i === shape.hosts - 1 && shape.maintenanceHost !== undefined ? 'standby' : 'connected',
    vmotionGbps: rng.pick([1, 10, 10, 25]),
  }));
  const open = { reservation: 0, shares: 'normal' as const, expandable: true };
  const pools: PoolSnapshot[] = [
    { id: ROOT, cpu: { ...open, expandable: false }, memory: { ...open, expandable: false } },
    { id: 'resgroup-2' as ResourcePoolId, parent: ROOT, cpu: { reservation: 20_000, limit: 400_000, shares: 'high', expandable: true }, memory: { reservation: 64 * 1024, shares: 'low', expandable: false } },
    { id: 'resgroup-3' as ResourcePoolId, parent: 'resgroup-2' as ResourcePoolId, cpu: open, memory: { ...open, limit: 512 * 1024 } },
  ];
  const weights = hosts.map((_, i) => 1 + ((shape.skew - 1) * i) / Math.max(1, shape.hosts - 1));
  const total = weights.reduce((a, w) => a + w, 0);
  const pickHost = (): HostId => {
    let r = rng.next() * total;
    for (let i = 0; i < shape.hosts; i++) if ((r -= weights[i]!) <= 0) return hosts[i]!.id;
    return hosts[shape.hosts - 1]!.id;
  };
  const placeable = hosts.filter((h) => h.state !== 'standby').map((h) => h.id);
  const vms = Array.from({ length: shape.vms }, (_, i) => generatedVm(rng, i + 1, rng.chance(0.9) ? pickHost() : rng.pick(placeable), rng.pick([ROOT, ROOT, 'resgroup-2', 'resgroup-3'] as ResourcePoolId[])));
  const fixed = vms.map((v) => (hosts.find((h) => h.id === v.host)!.state === 'standby' ? { ...v, host: hosts[0]!.id } : v));
  return { hosts, pools, rootPool: ROOT, vms: fixed, rules: shape.rules ? generatedRules(rng, fixed, hosts) : [] };
}

export function generatedVm(rng: Rng, n: number, host: HostId, pool: ResourcePoolId): VmSnapshot {
  const vcpus = rng.pick([1, 2, 2, 4, 8]);
  const memoryMB = rng.pick([1024, 2048, 4096, 4096, 8192, 16384]);
  const active = Math.round(memoryMB * (0.1 + 0.6 * rng.next()));
  const cpuRes = rng.chance(0.15) ? rng.int(100, 2000) : 0;
  const memRes = rng.chance(0.15) ? rng.int(0, memoryMB / 2) : 0;
  return {
    id: `vm-${n}` as VmId,
    host,
    pool,
    vcpus,
    memoryMB,
    overheadMB: overheadMB(memoryMB, vcpus),
    cpu: { reservation: cpuRes, ...(rng.chance(0.1) ? { limit: cpuRes + rng.int(200, 6000) } : {}), shares: rng.pick(LEVELS) },
    memory: { reservation: memRes, ...(rng.chance(0.1) ? { limit: memRes + rng.int(512, 8192) } : {}), shares: rng.pick(LEVELS) },
    demand: { cpuRunMHz: vcpus * 2400 * (0.02 + 0.3 * rng.next()), cpuReadyMHz: rng.chance(0.2) ? rng.int(0, 400) : 0, memActiveMB: active, memConsumedMB: Math.min(memoryMB, active + rng.int(0, memoryMB)) },
    dirtyMBps: rng.chance(0.05) ? rng.int(1300, 4000) : 2 + 80 * rng.next(),
    restartPriority: 'medium',
  };
}

function generatedRules(rng: Rng, vms: readonly VmSnapshot[], hosts: readonly HostSnapshot[]): DrsRule[] {
  const some = (k: number): VmId[] => Array.from(new Set(Array.from({ length: k }, () => rng.pick(vms).id)));
  const someHosts = (k: number): HostId[] => Array.from(new Set(Array.from({ length: k }, () => rng.pick(hosts).id)));
  return [
    { id: 'anti-1', kind: 'vm-anti-affinity', vms: some(4) },
    { id: 'anti-2', kind: 'vm-anti-affinity', vms: some(3) },
    { id: 'together-1', kind: 'vm-affinity', vms: some(3) },
    { id: 'must-1', kind: 'vm-host', vms: some(6), hosts: someHosts(Math.max(2, hosts.length >> 2)), affine: true, mandatory: true },
    { id: 'mustnot-1', kind: 'vm-host', vms: some(5), hosts: someHosts(2), affine: false, mandatory: true },
    { id: 'should-1', kind: 'vm-host', vms: some(8), hosts: someHosts(3), affine: true, mandatory: false },
  ];
}

/** The generated clusters the oracle records passes over. */
export const SHAPES: Record<string, Shape> = {
  'small-8x300': { hosts: 8, vms: 300, skew: 1.6, rules: true },
  'maintenance-12x600': { hosts: 12, vms: 600, skew: 1.3, rules: true, maintenanceHost: 2 },
  'medium-16x1000': { hosts: 16, vms: 1000, skew: 1.5, rules: true },
  'large-32x2000': { hosts: 32, vms: 2000, skew: 1.4, rules: false },
  'large-rules-32x2000': { hosts: 32, vms: 2000, skew: 1.8, rules: true },
};

/** The pass options each shape runs with. */
export const PASS_OPTIONS: Record<string, BalanceOptions> = {
  default: {},
  t5: { threshold: 5 },
  't2-two-pass': { threshold: 2, entitlement: { twoPass: true } },
  'no-filters': { threshold: 4, costBenefit: false, pairwiseGap: false, minGoodness: 0 },
  'budget-7-ha-reserve': { maxMoves: 7, ledger: { capacityReserveFraction: 0.25 } },
};

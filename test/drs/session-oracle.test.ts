/**
 * The regression oracle's scenarios (decisions-regression.test.ts, fixtures/decisions.json) run
 * through a DrsSession instead of balanceCluster: every recorded pass — single passes and the
 * multi-step runs with demand drift and applied moves — must come out exactly as recorded. The
 * cluster generator is the oracle's, copied verbatim (the oracle file is not to be edited).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BalanceOptions, BalanceResult } from '../../src/drs/balance.js';
import { DrsSession } from '../../src/drs/session.js';
import type { ClusterSnapshot, DrsRule, HostSnapshot, PoolSnapshot, SharesSetting, VmSnapshot } from '../../src/drs/snapshot.js';
import type { HostId, ResourcePoolId, VmId } from '../../src/sim/ids.js';
import { overheadMB } from '../../src/sim/overhead.js';
import { Rng } from '../../src/sim/rng.js';
import { randomCluster } from './random-cluster.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'decisions.json');

const ROOT = 'resgroup-1' as ResourcePoolId;
const LEVELS: SharesSetting[] = ['low', 'normal', 'high', 'normal', 'normal', 3000];

/** What a generated cluster holds. */
interface Shape {
  readonly hosts: number;
  readonly vms: number;
  /** Host `maintenanceHost` (index) is in maintenance; another is standby. */
  readonly maintenanceHost?: number;
  /** Weight of the last host over the first when VMs pick a host (skew). */
  readonly skew: number;
  readonly rules: boolean;
}

/** A cluster of `shape` from `seed`: two child pools (one nested, one with a reservation and limit), some VM reservations and limits, mixed links, rules. */
function generatedCluster(seed: number, shape: Shape): ClusterSnapshot {
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

function generatedVm(rng: Rng, n: number, host: HostId, pool: ResourcePoolId): VmSnapshot {
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

/** The part of a pass result the oracle keeps (everything but the entitlement maps), as JSON would carry it. */
function passRecord(result: BalanceResult): unknown {
  const { entitlements: _, ...rest } = result;
  return JSON.parse(JSON.stringify(rest));
}

/** The oracle's multi-step run on a session: drift written in place, each pass's moves applied. */
function multiStep(snapshot: ClusterSnapshot, steps: number, seed: number, options: BalanceOptions): unknown[] {
  const rng = Rng.seeded(seed);
  const session = new DrsSession(snapshot, options);
  const out: unknown[] = [];
  for (let s = 0; s < steps; s++) {
    snapshot.vms.forEach((v, i) => {
      const f = (1 + 0.3 * Math.sin(s + (i % 4))) * (0.9 + 0.2 * rng.next());
      const d = v.demand;
      const active = Math.min(v.memoryMB, d.memActiveMB * f);
      session.setDemand(i, { ...d, cpuRunMHz: d.cpuRunMHz * f, memActiveMB: active, memConsumedMB: Math.max(active, d.memConsumedMB) });
    });
    const result = session.balance();
    out.push(passRecord(result));
    session.applyMoves(result.recommendations);
  }
  return out;
}

const SHAPES: Record<string, Shape> = {
  'small-8x300': { hosts: 8, vms: 300, skew: 1.6, rules: true },
  'maintenance-12x600': { hosts: 12, vms: 600, skew: 1.3, rules: true, maintenanceHost: 2 },
  'medium-16x1000': { hosts: 16, vms: 1000, skew: 1.5, rules: true },
  'large-32x2000': { hosts: 32, vms: 2000, skew: 1.4, rules: false },
  'large-rules-32x2000': { hosts: 32, vms: 2000, skew: 1.8, rules: true },
};

const PASS_OPTIONS: Record<string, BalanceOptions> = {
  default: {},
  t5: { threshold: 5 },
  't2-two-pass': { threshold: 2, entitlement: { twoPass: true } },
  'no-filters': { threshold: 4, costBenefit: false, pairwiseGap: false, minGoodness: 0 },
  'budget-7-ha-reserve': { maxMoves: 7, ledger: { capacityReserveFraction: 0.25 } },
};

/** The oracle's pass cases, each through a fresh session. */
function sessionDecisions(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let seed = 1; seed <= 40; seed++) {
    const c = randomCluster(seed, { hostStates: seed % 2 === 0 });
    out[`random-${seed}`] = [2, 3, 5].map((threshold) => passRecord(new DrsSession(c, { threshold }).balance()));
  }
  for (const [name, shape] of Object.entries(SHAPES)) {
    const c = generatedCluster(shape.hosts * 7 + shape.vms, shape);
    for (const [optName, options] of Object.entries(PASS_OPTIONS)) out[`pass/${name}/${optName}`] = passRecord(new DrsSession(c, options).balance());
  }
  out['steps/medium-16x1000'] = multiStep(generatedCluster(5, SHAPES['medium-16x1000']!), 6, 9, {});
  out['steps/large-32x2000'] = multiStep(generatedCluster(6, SHAPES['large-32x2000']!), 4, 10, { threshold: 4 });
  return out;
}

describe('the regression oracle\'s scenarios through a DrsSession', () => {
  const expected = existsSync(FIXTURE) ? (JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>) : {};
  const actual = sessionDecisions();

  it('covers every recorded pass case', () => {
    expect(Object.keys(actual).length).toBe(40 + 5 * 5 + 2);
    for (const name of Object.keys(actual)) expect(expected).toHaveProperty([name]);
  });

  for (const name of Object.keys(actual)) {
    it(`gives the recorded moves, rejections and imbalances for ${name}`, () => {
      expect(actual[name]).toEqual(expected[name]);
    });
  }
});

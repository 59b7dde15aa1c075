/**
 * Regression oracle of DRS decisions: seeded balancing passes, multi-step runs and placements
 * over generated clusters (up to 32 hosts / 2,000 VMs) must give exactly the recommendations,
 * rejections, imbalance figures and placements recorded in fixtures/decisions.json, which the
 * code of commit "drs: decisions regression oracle" produced before any speed work. A speed-up
 * that changes one move, one goodness or one float of an imbalance fails here.
 *
 * To re-record after an intended change of behaviour (never for a speed-up):
 * `DRS_DECISIONS_RECORD=1 npx vitest run test/drs/decisions-regression.test.ts`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balanceCluster, type BalanceOptions, type BalanceResult } from '../../src/drs/balance.js';
import { computeEntitlements } from '../../src/drs/entitlement.js';
import { HostVmIndex } from '../../src/drs/host-vm-index.js';
import { HostLedger } from '../../src/drs/ledger.js';
import { commitPlacement, drsPlacement, firstFitPlacement, type PlacementStrategy } from '../../src/drs/placement.js';
import { RuleIndex } from '../../src/drs/rules.js';
import type { ClusterSnapshot, DrsRule, HostSnapshot, PoolSnapshot, SharesSetting, VmSnapshot } from '../../src/drs/snapshot.js';
import type { HostId, ResourcePoolId, VmId } from '../../src/sim/ids.js';
import { overheadMB } from '../../src/sim/overhead.js';
import { Rng } from '../../src/sim/rng.js';
import { randomCluster } from './random-cluster.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'decisions.json');
const RECORD = process.env['DRS_DECISIONS_RECORD'] === '1';
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

/** The part of a pass result the oracle keeps (everything but the entitlement maps). */
function passRecord(result: BalanceResult): unknown {
  const { entitlements: _, ...rest } = result;
  return rest;
}

/** Moves of `result` applied to `snapshot`. */
function applied(snapshot: ClusterSnapshot, result: BalanceResult): ClusterSnapshot {
  const to = new Map(result.recommendations.map((r) => [r.vm, r.to]));
  return { ...snapshot, vms: snapshot.vms.map((v) => (to.has(v.id) ? { ...v, host: to.get(v.id)! } : v)) };
}

/** `steps` rounds of demand drift (seeded) then a pass whose moves apply; one record per pass. */
function multiStep(snapshot: ClusterSnapshot, steps: number, seed: number, options: BalanceOptions): unknown[] {
  const rng = Rng.seeded(seed);
  const out: unknown[] = [];
  let current = snapshot;
  for (let s = 0; s < steps; s++) {
    const vms = current.vms.map((v, i) => {
      const f = (1 + 0.3 * Math.sin(s + (i % 4))) * (0.9 + 0.2 * rng.next());
      const d = snapshot.vms[i]!.demand;
      const active = Math.min(v.memoryMB, d.memActiveMB * f);
      return { ...v, demand: { ...d, cpuRunMHz: d.cpuRunMHz * f, memActiveMB: active, memConsumedMB: Math.max(active, d.memConsumedMB) } };
    });
    const result = balanceCluster({ ...current, vms }, options);
    out.push(passRecord(result));
    current = applied({ ...current, vms }, result);
  }
  return out;
}

/** `count` new VMs placed one by one with `strategy` into the ledger of `snapshot`; some limited to a few hosts, some with shared memory. */
function placements(snapshot: ClusterSnapshot, strategy: PlacementStrategy, count: number, seed: number): unknown[] {
  const rng = Rng.seeded(seed);
  const ledger = HostLedger.fromSnapshot(snapshot, computeEntitlements(snapshot));
  const rules = new RuleIndex(snapshot.rules);
  const out: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const vm = generatedVm(rng, 100_000 + i, snapshot.hosts[0]!.id, ROOT);
    const allowedHosts = rng.chance(0.2) ? new Set([rng.pick(snapshot.hosts).id, rng.pick(snapshot.hosts).id]) : undefined;
    const template = rng.pick(snapshot.hosts).id;
    const sharedMB = rng.chance(0.3) ? (h: HostId) => (h === template ? vm.memoryMB / 2 : 0) : undefined;
    const request = { vm, ...(allowedHosts ? { allowedHosts } : {}), ...(sharedMB ? { sharedMB } : {}) };
    const result = strategy({ ledger, rules }, request);
    out.push(result);
    if (result.ok) commitPlacement(ledger, request, result);
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

/** Every case's record, keyed by a stable name. */
function allDecisions(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let seed = 1; seed <= 40; seed++) {
    const c = randomCluster(seed, { hostStates: seed % 2 === 0 });
    out[`random-${seed}`] = [2, 3, 5].map((threshold) => passRecord(balanceCluster(c, { threshold })));
  }
  for (const [name, shape] of Object.entries(SHAPES)) {
    const c = generatedCluster(shape.hosts * 7 + shape.vms, shape);
    for (const [optName, options] of Object.entries(PASS_OPTIONS)) out[`pass/${name}/${optName}`] = passRecord(balanceCluster(c, options));
    out[`placement-drs/${name}`] = placements(c, drsPlacement, 150, shape.hosts);
    out[`placement-first-fit/${name}`] = placements(c, firstFitPlacement, 40, shape.hosts + 1);
  }
  out['steps/medium-16x1000'] = multiStep(generatedCluster(5, SHAPES['medium-16x1000']!), 6, 9, {});
  out['steps/large-32x2000'] = multiStep(generatedCluster(6, SHAPES['large-32x2000']!), 4, 10, { threshold: 4 });
  return out;
}

describe('DRS decisions against the recorded oracle', () => {
  const actual = JSON.parse(JSON.stringify(allDecisions())) as Record<string, unknown>;
  if (RECORD) {
    mkdirSync(dirname(FIXTURE), { recursive: true });
    writeFileSync(FIXTURE, JSON.stringify(actual) + '\n');
  }
  const expected = existsSync(FIXTURE) ? (JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>) : {};

  it('covers the same cases as the recording', () => {
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const name of Object.keys(expected)) {
    it(`gives the recorded moves, rejections, imbalances and placements for ${name}`, () => {
      expect(actual[name]).toEqual(expected[name]);
    });
  }
});

describe('the per-host VM index the scans rely on', () => {
  it('lists exactly the VMs on the flagged hosts, ascending, after any adds and moves', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 150 }), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), (hosts, ops, flags) => {
        const index = new HostVmIndex(hosts);
        const where: number[] = [];
        for (const [a, b] of ops) {
          if (where.length === 0 || a % 3 === 0) {
            where.push(b % hosts);
            index.add(b % hosts, where.length - 1);
          } else {
            const v = a % where.length;
            index.remove(where[v]!, v);
            where[v] = b % hosts;
            index.add(where[v]!, v);
          }
        }
        const flagged = Uint8Array.from({ length: hosts }, (_, h) => (flags[h] ? 1 : 0));
        const out = new Int32Array(where.length);
        const count = index.vmsOn(flagged, out);
        expect(Array.from(out.subarray(0, count))).toEqual(where.flatMap((h, v) => (flagged[h] ? [v] : [])));
      }),
      { numRuns: 200 },
    );
  });
});

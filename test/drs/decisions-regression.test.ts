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
import type { ClusterSnapshot } from '../../src/drs/snapshot.js';
import type { HostId } from '../../src/sim/ids.js';
import { Rng } from '../../src/sim/rng.js';
import { generatedCluster, generatedVm, PASS_OPTIONS, ROOT, SHAPES } from './oracle-clusters.js';
import { randomCluster } from './random-cluster.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'decisions.json');
const RECORD = process.env['DRS_DECISIONS_RECORD'] === '1';
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

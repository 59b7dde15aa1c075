/**
 * The regression oracle's scenarios (decisions-regression.test.ts, fixtures/decisions.json) run
 * through a DrsSession instead of balanceCluster: every recorded pass — single passes and the
 * multi-step runs with demand drift and applied moves — must come out exactly as recorded, over
 * the oracle's generated clusters (oracle-clusters.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BalanceOptions, BalanceResult } from '../../src/drs/balance.js';
import { DrsSession } from '../../src/drs/session.js';
import type { ClusterSnapshot } from '../../src/drs/snapshot.js';
import { Rng } from '../../src/sim/rng.js';
import { generatedCluster, PASS_OPTIONS, SHAPES } from './oracle-clusters.js';
import { randomCluster } from './random-cluster.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'decisions.json');

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

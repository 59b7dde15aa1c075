/**
 * DRS benchmarks (issue 5), on the pure functions over cluster snapshots:
 * - one balancing pass at 8/32/64/96 hosts with 1,000–10,000 VMs (64 hosts / 8,000 VMs is the
 *   headline; target ≤ 250 ms);
 * - initial placement per VM into a half-full 64-host cluster (target ≤ 50 µs/VM);
 * - a 24-hour simulated run of 64 hosts / 8,000 VMs: every 5 minutes each VM's demand follows a
 *   diurnal curve with noise, then a DRS pass runs and its moves are applied (instantly: the
 *   vMotion tasks are the model driver's business), in wall seconds and VM-steps per second
 *   (VMs × 5-minute steps; target ≥ 3,000,000). Too slow for a benny loop, it is timed once.
 *
 * The clusters: hosts of 64 cores × 2.6 GHz and 768 GB; VMs of 1–4 vCPUs and 2–8 GB using 3–25%
 * of their vCPUs and 20–60% of their memory actively (consumed 60–100%), which loads hosts to about
 * 60% CPU and 35% memory. "Mildly skewed": each VM lands on a host drawn with weights rising
 * linearly from 0.8 (first host) to 1.2 (last), so host loads spread about ±20% around the mean —
 * above the threshold-3 target, as a cluster is after a day of unbalanced arrivals. Seeded.
 */
import b from 'benny';
import { balanceCluster } from '../src/drs/balance.js';
import { computeEntitlements } from '../src/drs/entitlement.js';
import { HostLedger } from '../src/drs/ledger.js';
import { commitPlacement, drsPlacement } from '../src/drs/placement.js';
import { RuleIndex } from '../src/drs/rules.js';
import { DrsSession } from '../src/drs/session.js';
import type { ClusterSnapshot, HostSnapshot, VmSnapshot } from '../src/drs/snapshot.js';
import type { HostId, ResourcePoolId, VmId } from '../src/sim/ids.js';
import { overheadMB } from '../src/sim/overhead.js';
import { Rng } from '../src/sim/rng.js';
import type { BenchResult } from './report.js';

const ROOT = 'resgroup-1' as ResourcePoolId;
const CORE_MHZ = 2600;
const STEP_SEC = 300;

/** A host of the benchmark clusters. */
function benchHost(i: number): HostSnapshot {
  return { id: `host-${i + 1}` as HostId, cpuMHz: 64 * CORE_MHZ, coreMHz: CORE_MHZ, memoryMB: 768 * 1024, state: 'connected', vmotionGbps: 10 };
}

/** A VM of the benchmark mix on `host`. */
function benchVm(rng: Rng, n: number, host: HostId): VmSnapshot {
  const vcpus = rng.pick([1, 2, 2, 4]);
  const memoryMB = rng.pick([2048, 4096, 4096, 8192]);
  const active = memoryMB * (0.2 + 0.4 * rng.next());
  const open = { reservation: 0, shares: 'normal' as const };
  return {
    id: `vm-${n}` as VmId,
    host,
    pool: ROOT,
    vcpus,
    memoryMB,
    overheadMB: overheadMB(memoryMB, vcpus),
    cpu: open,
    memory: open,
    demand: { cpuRunMHz: vcpus * CORE_MHZ * (0.03 + 0.22 * rng.next()), cpuReadyMHz: 0, memActiveMB: active, memConsumedMB: Math.max(active, memoryMB * (0.6 + 0.4 * rng.next())) },
    dirtyMBps: 5 + 45 * rng.next(),
    restartPriority: 'medium',
  };
}

/** A mildly skewed cluster of `hostCount` hosts and `vmCount` VMs (see the file comment). */
export function skewedCluster(hostCount: number, vmCount: number, seed = 1): ClusterSnapshot {
  const rng = Rng.seeded(seed);
  const hosts = Array.from({ length: hostCount }, (_, i) => benchHost(i));
  const weights = hosts.map((_, i) => 0.8 + (0.4 * i) / Math.max(1, hostCount - 1));
  const total = weights.reduce((a, w) => a + w, 0);
  const pickHost = (): HostId => {
    let r = rng.next() * total;
    for (let i = 0; i < hostCount; i++) if ((r -= weights[i]!) <= 0) return hosts[i]!.id;
    return hosts[hostCount - 1]!.id;
  };
  const vms = Array.from({ length: vmCount }, (_, i) => benchVm(rng, i + 1, pickHost()));
  const open = { reservation: 0, shares: 'normal' as const, expandable: true };
  return { hosts, pools: [{ id: ROOT, cpu: open, memory: open }], rootPool: ROOT, vms, rules: [] };
}

/** Median of `runs` timings of placing `count` new VMs, one at a time, into a ledger already holding `snapshot`; µs per VM. */
export function placementMicrosPerVm(snapshot: ClusterSnapshot, count: number, runs = 5): number {
  const rng = Rng.seeded(7);
  const newcomers = Array.from({ length: count }, (_, i) => benchVm(rng, 1_000_000 + i, snapshot.hosts[0]!.id));
  const rules = new RuleIndex([]);
  const timings: number[] = [];
  for (let r = 0; r < runs; r++) {
    const ledger = HostLedger.fromSnapshot(snapshot, computeEntitlements(snapshot));
    const t0 = performance.now();
    for (const vm of newcomers) {
      const result = drsPlacement({ ledger, rules }, { vm });
      if (!result.ok) throw new Error(`placement benchmark: no host for ${vm.id}`);
      commitPlacement(ledger, { vm }, result);
    }
    timings.push(((performance.now() - t0) * 1000) / count);
  }
  return timings.sort((a, b) => a - b)[runs >> 1]!;
}

/**
 * A day of 5-minute steps on `snapshot`: each VM's demand = its base × a diurnal factor (peak
 * +30%, in one of four phases — VM i in phase i mod 4 — so hosts drift apart) × noise (±10%), then a DRS pass whose moves
 * are applied (instantly: the vMotion tasks are the model driver's business). The cluster lives
 * in a DrsSession (src/drs/session.ts), as a model driver would keep it: demand is written in
 * place each step and the pass reuses what did not change; its results are balanceCluster's for
 * the same snapshot, to the bit. Returns wall seconds, VM-steps and moves.
 */
export function simulateDay(snapshot: ClusterSnapshot, hours = 24): { seconds: number; vmSteps: number; moves: number } {
  const rng = Rng.seeded(11);
  const steps = (hours * 3600) / STEP_SEC;
  const base = snapshot.vms.map((v) => v.demand);
  const phases = [0, 1, 2, 3].map((k) => k * (Math.PI / 2));
  const diurnal = new Float64Array(4);
  const memoryMB = snapshot.vms.map((v) => v.memoryMB);
  const demand = { cpuRunMHz: 0, cpuReadyMHz: 0, memActiveMB: 0, memConsumedMB: 0 };
  let moves = 0;
  const t0 = performance.now();
  const session = new DrsSession(snapshot);
  for (let s = 1; s <= steps; s++) {
    const angle = (2 * Math.PI * s * STEP_SEC) / 86_400;
    for (let k = 0; k < 4; k++) diurnal[k] = 1 + 0.3 * Math.sin(angle + phases[k]!);
    for (let i = 0; i < base.length; i++) {
      const f = diurnal[i & 3]! * (0.9 + 0.2 * rng.next());
      const d = base[i]!;
      demand.cpuRunMHz = d.cpuRunMHz * f;
      demand.memActiveMB = Math.min(memoryMB[i]!, d.memActiveMB * f);
      demand.memConsumedMB = Math.max(demand.memActiveMB, d.memConsumedMB);
      session.setDemand(i, demand);
    }
    const pass = session.balance();
    session.applyMoves(pass.recommendations);
    moves += new Set(pass.recommendations.map((r) => r.vm)).size;
  }
  return { seconds: (performance.now() - t0) / 1000, vmSteps: snapshot.vms.length * steps, moves };
}

const PASS_CASES: readonly [number, number][] = [
  [8, 1_000],
  [32, 4_000],
  [64, 8_000],
  [96, 10_000],
];

/** Runs the suite; returns its results for the report. */
export async function drsBench(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const clusters = new Map(PASS_CASES.map(([h, v]) => [`${h} hosts / ${v.toLocaleString('en-US')} VMs`, skewedCluster(h, v)]));
  const movesOf = new Map([...clusters].map(([name, c]) => [name, balanceCluster(c).recommendations.length]));
  await b.suite(
    'drs: one balancing pass',
    ...[...clusters].map(([name, c]) => b.add(`balancing pass, ${name}`, () => balanceCluster(c))),
    b.cycle(),
    b.complete((summary) => {
      for (const r of summary.results) {
        const name = r.name.replace('balancing pass, ', '');
        const headline = name.startsWith('64 hosts');
        results.push({ suite: 'drs', name: r.name, value: Math.round(r.details.mean * 1e4) / 10, unit: `ms/pass (${movesOf.get(name)} moves)`, target: headline ? '≤ 250' : '—', samples: r.samples, margin: r.margin });
      }
    }),
  );
  const half = skewedCluster(64, 4_000);
  const micros = placementMicrosPerVm(half, 4_000);
  results.push({ suite: 'drs', name: 'initial placement, 64 hosts holding 4,000 VMs, 4,000 more one by one', value: Math.round(micros * 10) / 10, unit: 'µs/VM (median of 5)', target: '≤ 50', samples: 5, margin: 0 });
  const day = simulateDay(skewedCluster(64, 8_000));
  results.push({ suite: 'drs', name: '24 h run, 64 hosts / 8,000 VMs, DRS every 5 min, diurnal demand', value: Math.round(day.seconds * 100) / 100, unit: `wall s (${day.moves} moves)`, target: '—', samples: 1, margin: 0 });
  results.push({ suite: 'drs', name: '24 h run: simulation speed', value: Math.round(day.vmSteps / day.seconds), unit: 'VM-steps/s', target: '≥ 3,000,000', samples: 1, margin: 0 });
  return results;
}

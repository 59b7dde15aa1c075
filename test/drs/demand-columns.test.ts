/**
 * A DRS session's demand columns: memoryVersion moves exactly when a VM's memory figures change, a
 * session VM reads its row, a snapshot of it is a plain record — and a pass that reuses the last
 * memory split (memory unchanged since) still decides exactly as balanceCluster does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balanceCluster, type BalanceOptions, type BalanceResult } from '../../src/drs/balance.js';
import { ColumnVm, DemandColumns } from '../../src/drs/demand-columns.js';
import { DrsSession } from '../../src/drs/session.js';
import type { VmDemand } from '../../src/drs/snapshot.js';
import { Rng } from '../../src/sim/rng.js';
import { randomCluster } from './random-cluster.js';

/** A few values, so that writes often repeat what a row holds. */
const figure = fc.constantFrom(0, 128, 512, 512.5, 2048);
const demand: fc.Arbitrary<VmDemand> = fc.record({ cpuRunMHz: figure, cpuReadyMHz: figure, memActiveMB: figure, memConsumedMB: figure });

/** A write to the columns: a whole demand record, only memory, or only the CPU figures (written in place, as DemandSources.refresh does). */
type Write =
  | { readonly kind: 'set'; readonly row: number; readonly demand: VmDemand }
  | { readonly kind: 'setMemory'; readonly row: number; readonly activeMB: number; readonly consumedMB: number }
  | { readonly kind: 'cpu'; readonly row: number; readonly runMHz: number };

const row = fc.nat(1000);
const writes: fc.Arbitrary<Write[]> = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('set' as const), row, demand }),
    fc.record({ kind: fc.constant('setMemory' as const), row, activeMB: figure, consumedMB: figure }),
    fc.record({ kind: fc.constant('cpu' as const), row, runMHz: figure }),
  ),
  { maxLength: 40 },
);

/** Applies `w` to row `w.row` modulo the row count; returns whether it changed that row's active or consumed memory. */
function write(columns: DemandColumns, w: Write): boolean {
  const i = w.row % columns.length;
  const [active, consumed] = [columns.memActiveMB[i], columns.memConsumedMB[i]];
  if (w.kind === 'set') columns.set(i, w.demand);
  else if (w.kind === 'setMemory') columns.setMemory(i, w.activeMB, w.consumedMB);
  else columns.cpuRunMHz[i] = w.runMHz;
  return columns.memActiveMB[i] !== active || columns.memConsumedMB[i] !== consumed;
}

describe('DemandColumns', () => {
  it('changes memoryVersion exactly when set or setMemory changes a VM\'s active or consumed memory', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), writes, (seed, ws) => {
        const columns = new DemandColumns(randomCluster(seed, { maxVms: 8 }).vms);
        for (const w of ws) {
          const version = columns.memoryVersion;
          const changed = write(columns, w);
          if (changed) expect(columns.memoryVersion).not.toBe(version);
          else expect(columns.memoryVersion).toBe(version);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('holds each VM\'s demand and dirty rate as the snapshot gives them, in its order', () => {
    const vms = randomCluster(11, { maxVms: 20 }).vms;
    const columns = new DemandColumns(vms);
    expect(columns.length).toBe(vms.length);
    vms.forEach((vm, i) => {
      expect(columns.demand(i)).toEqual(vm.demand);
      expect(columns.dirtyMBps[i]).toBe(vm.dirtyMBps);
    });
  });
});

describe('ColumnVm', () => {
  it('reads its own row of the columns, as they are at each read', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), writes, fc.array(fc.tuple(row, figure), { maxLength: 5 }), (seed, ws, dirty) => {
        const vms = randomCluster(seed, { maxVms: 8 }).vms;
        const columns = new DemandColumns(vms);
        const rows = vms.map((vm, i) => new ColumnVm(vm, columns, i));
        for (const w of ws) write(columns, w);
        for (const [r, mbps] of dirty) columns.dirtyMBps[r % columns.length] = mbps;
        rows.forEach((vm, i) => {
          expect(vm.demand).toEqual(columns.demand(i));
          expect(vm.dirtyMBps).toBe(columns.dirtyMBps[i]);
          expect(vm.id).toBe(vms[i]!.id);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('gives a plain record from toSnapshot: own data fields only, equal to the VM as it stands, untouched by later writes', () => {
    const vms = randomCluster(4, { maxVms: 6 }).vms;
    const columns = new DemandColumns(vms);
    const vm = new ColumnVm(vms[0]!, columns, 0);
    columns.set(0, { cpuRunMHz: 1234, cpuReadyMHz: 5, memActiveMB: 300, memConsumedMB: 400 });
    const snap = vm.toSnapshot();
    expect(Object.getPrototypeOf(snap)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(snap.demand)).toBe(Object.prototype);
    for (const d of Object.values(Object.getOwnPropertyDescriptors(snap))) expect(d.get).toBeUndefined();
    expect(snap).toEqual({ ...vms[0]!, demand: { cpuRunMHz: 1234, cpuReadyMHz: 5, memActiveMB: 300, memConsumedMB: 400 } });
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
    columns.set(0, { cpuRunMHz: 1, cpuReadyMHz: 1, memActiveMB: 1, memConsumedMB: 1 });
    columns.dirtyMBps[0] = 999;
    expect(snap.demand.cpuRunMHz).toBe(1234);
    expect(snap.dirtyMBps).toBe(vms[0]!.dirtyMBps);
  });
});

const OPTIONS: readonly BalanceOptions[] = [
  {},
  { threshold: 5 },
  { threshold: 2, entitlement: { twoPass: true } },
  { threshold: 4, entitlement: { idleMemoryFraction: 0.5 } },
  { maxMoves: 3, ledger: { capacityReserveFraction: 0.25 } },
];

/** Everything a pass returns, the entitlement maps as entries. */
function record(result: BalanceResult): unknown {
  const { entitlements, ...rest } = result;
  return { ...rest, vms: [...entitlements.vms], pools: [...entitlements.pools] };
}

/** Scales some VMs' CPU figures in place (columns written directly, as the driver's refresh does): memory untouched. */
function driftCpu(session: DrsSession, rng: Rng): void {
  const d = session.demand;
  for (let i = 0; i < d.length; i++) if (rng.chance(0.6)) d.cpuRunMHz[i] = d.cpuRunMHz[i]! * (0.5 + rng.next());
}

/** Changes some VMs' memory (through setMemory, within each VM's size, active ≤ consumed). */
function driftMemory(session: DrsSession, rng: Rng): void {
  const d = session.demand;
  const vms = session.snapshot().vms;
  for (let i = 0; i < d.length; i++) {
    if (!rng.chance(0.4)) continue;
    const consumed = Math.min(vms[i]!.memoryMB, d.memConsumedMB[i]! * (0.6 + 0.8 * rng.next()));
    d.setMemory(i, Math.min(consumed, d.memActiveMB[i]! * (0.6 + 0.8 * rng.next())), consumed);
  }
}

describe('a DrsSession pass that may keep the last memory split', () => {
  it('equals balanceCluster on the session\'s snapshot to the bit, after CPU-only changes, then memory changes, then none', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: OPTIONS.length - 1 }), (seed, o) => {
        const options = OPTIONS[o]!;
        const rng = Rng.seeded(seed);
        const session = new DrsSession(randomCluster(seed, { hostStates: seed % 3 === 0, maxVms: 40 }), options);
        const steps = [driftCpu, driftMemory, driftCpu, () => undefined, driftMemory];
        let last = session.balance();
        expect(record(last)).toEqual(record(balanceCluster(session.snapshot(), options)));
        for (const [s, change] of steps.entries()) {
          if (s % 2 === 0) session.applyMoves(last.recommendations);
          const version = session.demand.memoryVersion;
          change(session, rng);
          if (change === driftCpu) expect(session.demand.memoryVersion).toBe(version);
          const fresh = balanceCluster(session.snapshot(), options);
          last = session.balance();
          expect(last.imbalanceBefore).toBe(fresh.imbalanceBefore);
          expect(last.recommendations).toEqual(fresh.recommendations);
          expect(record(last)).toEqual(record(fresh));
        }
      }),
      { numRuns: 120 },
    );
  });

  it('recomputes the memory split when a VM\'s memory goes back to what it was at the last pass but one', () => {
    const session = new DrsSession(randomCluster(21, { maxVms: 30 }), { threshold: 5 });
    session.balance();
    const d = session.demand;
    const [active, consumed] = [d.memActiveMB[0]!, d.memConsumedMB[0]!];
    d.setMemory(0, 0, 0);
    expect(record(session.balance())).toEqual(record(balanceCluster(session.snapshot(), { threshold: 5 })));
    d.setMemory(0, active, consumed);
    expect(record(session.balance())).toEqual(record(balanceCluster(session.snapshot(), { threshold: 5 })));
  });
});

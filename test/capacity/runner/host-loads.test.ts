/**
 * Per-host container loads kept as containers arrive, leave and move (HostLoads): equal to a recount
 * over the containers at any time, and — in a capacity run where DRS moves containers — equal at
 * the end to what the model's hosts run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostLoads } from '../../../src/capacity/runner/host-loads.js';
import { runScenario, type CapacityInventory } from '../../../src/capacity/runner/index.js';
import type { VchRuntime } from '../../../src/capacity/runner/inventory.js';
import type { Container } from '../../../src/capacity/runner/state.js';
import { parseScenario } from '../../../src/capacity/scenario/load.js';
import type { WorkloadProfile } from '../../../src/capacity/scenario/types.js';
import { drsState } from '../../../src/drs/driver/index.js';
import { measuredDemand } from '../../../src/drs/driver/model-snapshot.js';
import type { GuestCpuProbe } from '../../../src/hypervisor/model.js';
import type { VmId } from '../../../src/sim/ids.js';
import { lastHosts } from '../../../src/capacity/report/host-series.js';

/** CPU probes several containers share: a constant and two curves of scenario time. */
const SHARED: readonly GuestCpuProbe[] = [() => 250, (t) => 400 + 300 * Math.sin(t / 7000), (t) => 0.001 * (t % 90_000)];

/** One change to the running containers; `who` picks a running one, modulo how many run. */
type Op =
  | { readonly kind: 'add'; readonly slot: number; readonly cpus: number; readonly shared: number | undefined; readonly phase: number }
  | { readonly kind: 'remove'; readonly who: number }
  | { readonly kind: 'move'; readonly who: number; readonly slot: number };

const HOSTS = 4;
const slot = fc.nat(HOSTS - 1);
const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('add' as const), slot, cpus: fc.integer({ min: 1, max: 8 }), shared: fc.option(fc.nat(SHARED.length - 1), { nil: undefined }), phase: fc.integer({ min: 0, max: 100_000 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), who: fc.nat(1000) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('move' as const), who: fc.nat(1000), slot }) },
  ),
  { minLength: 5, maxLength: 60 },
);

/** A container as HostLoads reads it (its profile's vCPUs, its CPU probe, its host slot); the rest is not read. */
function container(n: number, op: Extract<Op, { kind: 'add' }>): Container {
  const cpuAt: GuestCpuProbe = op.shared === undefined ? (t) => 100 + 50 * Math.cos((t - op.phase) / 3000) : SHARED[op.shared]!;
  return { vm: `vm-${n}` as VmId, vch: {} as VchRuntime, profile: { cpus: op.cpus } as WorkloadProfile, startedAtMs: op.phase, cpuAt, hostSlot: op.slot, departure: undefined };
}

/** The loads by counting the running containers one by one. */
function recount(running: readonly Container[], tMs: number): { containers: number[]; vcpus: number[]; cpuDemandMHz: number[] } {
  const out = { containers: new Array<number>(HOSTS).fill(0), vcpus: new Array<number>(HOSTS).fill(0), cpuDemandMHz: new Array<number>(HOSTS).fill(0) };
  for (const c of running) {
    out.containers[c.hostSlot]! += 1;
    out.vcpus[c.hostSlot]! += c.profile.cpus;
    out.cpuDemandMHz[c.hostSlot]! += c.cpuAt(tMs);
  }
  return out;
}

/** HostLoads.at(tMs) against a recount: counts and vCPUs exactly, CPU within 1e-9 relative. */
function expectLoads(loads: HostLoads, running: readonly Container[], tMs: number): void {
  const got = loads.at(tMs);
  const want = recount(running, tMs);
  expect([...got.containers]).toEqual(want.containers);
  expect([...got.vcpus]).toEqual(want.vcpus);
  for (let h = 0; h < HOSTS; h++) expect(Math.abs(got.cpuDemandMHz[h]! - want.cpuDemandMHz[h]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want.cpuDemandMHz[h]!)));
}

describe('HostLoads', () => {
  it('equals a recount of the running containers at any time, through arrivals, departures and moves, with shared and own CPU probes', () => {
    fc.assert(
      fc.property(ops, fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 3 }), (changes, times) => {
        const loads = new HostLoads(HOSTS);
        const running: Container[] = [];
        changes.forEach((op, n) => {
          if (op.kind === 'add') {
            const c = container(n, op);
            loads.add(c, op.shared !== undefined);
            running.push(c);
          } else if (running.length > 0) {
            const c = running[op.who % running.length]!;
            if (op.kind === 'move') loads.move(c, op.slot);
            else {
              loads.remove(c);
              running.splice(running.indexOf(c), 1);
            }
          }
          for (const t of times) expectLoads(loads, running, t);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('sets a moved container\'s host slot, and gives new arrays each time (a caller may keep them)', () => {
    const loads = new HostLoads(2);
    const c = container(1, { kind: 'add', slot: 0, cpus: 2, shared: 0, phase: 0 });
    loads.add(c, true);
    const before = loads.at(0);
    loads.move(c, 1);
    expect(c.hostSlot).toBe(1);
    expect([...before.containers]).toEqual([1, 0]);
    expect([...loads.at(0).containers]).toEqual([0, 1]);
    expect([...loads.at(0).cpuDemandMHz]).toEqual([0, 250]);
  });
});

/**
 * Three hosts, DRS at threshold 5 every 5 minutes. H2 is in maintenance when the containers arrive,
 * so they all land on H0 and H1; when it returns at 12m DRS must spread them. Three profiles: a
 * constant CPU, a curve on the scenario's clock (both shared probes) and one on each container's
 * own clock, whose containers leave at random times, some after moving.
 */
const DRS_SCENARIO = JSON.stringify({
  name: 'drs-moves-containers',
  seed: 11,
  duration: '1h',
  sampleInterval: '5m',
  drs: { enabled: true, migrationThreshold: 5, interval: '5m' },
  clusters: [{ name: 'c', preset: 'cluster', hosts: 3, host: { cores: 8, coreSpeed: '2GHz', memory: '32g' } }],
  vchs: [{ name: 'v', cluster: 'c', provisioning: 'boot' }],
  profiles: [
    { name: 'flat', memory: '1g', cpus: 2, workingSet: '64m', cpu: '1500MHz', lifetime: 'forever' },
    { name: 'day', memory: '1g', cpus: 1, workingSet: '64m', cpu: { clock: 'scenario', period: '24h', curve: [{ at: '0h', demand: '800MHz' }, { at: '1h', demand: '1.6GHz' }] }, lifetime: 'forever' },
    { name: 'own', memory: '1g', cpus: 1, workingSet: '64m', cpu: { clock: 'container', period: '30m', curve: [{ at: '0m', demand: '500MHz' }, { at: '15m', demand: '1.5GHz' }] }, lifetime: { distribution: 'exponential', mean: '50m' } },
  ],
  arrivals: [
    { kind: 'schedule', profile: 'flat', vch: 'v', batches: [{ at: '1m', count: 6 }] },
    { kind: 'schedule', profile: 'day', vch: 'v', batches: [{ at: '2m', count: 6 }] },
    { kind: 'schedule', profile: 'own', vch: 'v', batches: [{ at: '3m', count: 6 }] },
  ],
  events: [{ kind: 'maintenance', at: '0s', host: 'c_H2' }, { kind: 'recover', at: '12m', host: 'c_H2' }],
});

describe('a capacity run whose containers DRS moves', () => {
  it('samples per host as many containers as the model runs there at the end, after vMotions', async () => {
    let inventory: CapacityInventory | undefined;
    const r = await runScenario(parseScenario(DRS_SCENARIO), { onInventory: (i) => void (inventory = i) });
    const { model, hosts } = inventory!;
    const running = [...model.registry.all('VirtualMachine')].filter((vm) => vm.powerState === 'poweredOn' && vm.name.startsWith('c'));
    const onHost = hosts.map((h) => running.filter((vm) => vm.host === h.id));
    const last = lastHosts(r.hostSeries);
    expect(last.map((h) => h.containers)).toEqual(onHost.map((vms) => vms.length));
    expect(running.length).toBeGreaterThanOrEqual(12);
    // The sample's CPU per host is what DRS measures of the containers there now.
    onHost.forEach((vms, h) => {
      const measured = vms.reduce((sum, vm) => sum + measuredDemand(model, vm).cpuRunMHz, 0);
      expect(Math.abs(last[h]!.cpuDemandMHz - measured)).toBeLessThanOrEqual(1e-9 * Math.max(1, measured));
    });
    expect(drsState(model)!.migrations.filter((m) => m.state === 'success').length).toBeGreaterThan(0);
    expect(onHost[2]!.length).toBeGreaterThan(0);
  });
});

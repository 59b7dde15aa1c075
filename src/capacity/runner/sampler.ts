/**
 * One sampling instant of a run: the hosts' state, containers, CPU demand and memory stack (from
 * their HostMemory) summed, and offered host by host to the run's host series; per cluster the
 * imbalance; the interval's placements and refusals.
 */
import { standardDeviation } from '../../drs/imbalance.js';
import type { HostId } from '../../sim/ids.js';
import type { VSphereModel } from '../../hypervisor/model.js';
import type { HostState } from '../../hypervisor/types.js';
import { REFUSAL_REASONS, type CapacitySample, type HostMemorySample, type HostSample, type HostSampleState } from '../report/result.js';
import { noRefusals } from '../report/totals.js';
import type { RunState } from './state.js';
import { sumHostSamples, type HostTotals } from './host-series.js';
import { dpmSampleAt, haRestartsBetween, migrationsBetween } from './cluster-services.js';

const STATE: Record<HostState, HostSampleState> = { connected: 'connected', maintenance: 'maintenance', failed: 'failed', disconnected: 'failed', standby: 'standby' };

/**
 * Samples the run at scenario time `tMs` (the model's clock), offers every host to the run's host
 * series and resets the interval counters. Imbalance: the standard deviation over a cluster's
 * connected hosts of each host's load, the larger of CPU demand ÷ CPU capacity and consumed ÷
 * physical memory. O(hosts × shared CPU probes + containers with a CPU probe of their own + the
 * migration and HA restart histories).
 */
export function takeSample(state: RunState, tMs: number): CapacitySample {
  const hosts = hostSamples(state, tMs);
  state.hostSeries.offer(tMs, hosts);
  const { model } = state.inventory;
  const dpm = dpmSampleAt(model, state.lastSampleMs, tMs);
  const refused = state.interval.refused;
  const totals = hostTotals(state, hosts);
  const moves = migrationsBetween(model, state.lastSampleMs, tMs);
  // One literal naming every field keeps them in the object (spreads gave each sample a separate property array).
  const base: CapacitySample = {
    tMs,
    running: state.containers.size,
    placed: state.interval.placed,
    refused: REFUSAL_REASONS.some((r) => refused[r] > 0) ? { ...refused } : NO_REFUSALS,
    connected: totals.connected,
    vcpus: totals.vcpus,
    cpuDemandMHz: totals.cpuDemandMHz,
    cpuCapacityMHz: totals.cpuCapacityMHz,
    memory: totals.memory,
    imbalance: imbalanceByCluster(state, hosts),
    vmotions: moves.vmotions,
    vmotionMB: moves.vmotionMB,
    haRestarts: haRestartsBetween(model, state.lastSampleMs, tMs),
  };
  const sample = dpm ? { ...base, dpm } : base;
  state.lastSampleMs = tMs;
  state.interval.placed = 0;
  state.interval.refused = noRefusals();
  return sample;
}

/** The refusal counts of an interval without refusals, shared by every such sample. */
const NO_REFUSALS = Object.freeze(noRefusals());

/** Every host at `tMs`, in inventory order. O(hosts × shared CPU probes + containers with a probe of their own). */
function hostSamples(state: RunState, tMs: number): HostSample[] {
  const { model, hosts } = state.inventory;
  const { containers, vcpus, cpuDemandMHz } = state.loads.at(tMs);
  return hosts.map((h, i) => {
    const rec = model.registry.get('Host', h.id);
    const capacity = rec.state === 'connected' ? h.cpuCores * h.cpuMhzPerCore : 0;
    return { state: STATE[rec.state], containers: containers[i]!, vcpus: vcpus[i]!, cpuDemandMHz: cpuDemandMHz[i]!, cpuCapacityMHz: capacity, memory: memorySample(model, h.id) };
  });
}

/**
 * The sample's figures summed over the hosts, its memory stack and connected hosts shared with
 * the previous sample's when every figure is the same (a settled month keeps few of them). O(hosts).
 */
function hostTotals(state: RunState, points: readonly HostSample[]): HostTotals {
  const totals = sumHostSamples(points, state.inventory.hosts);
  const last = state.lastTotals;
  const memory = last && sameFigures(last.memory, totals.memory) ? last.memory : totals.memory;
  const connected = last && sameFigures(last.connected, totals.connected) ? last.connected : totals.connected;
  state.lastTotals = { memory, connected };
  return { connected, vcpus: totals.vcpus, cpuDemandMHz: totals.cpuDemandMHz, cpuCapacityMHz: totals.cpuCapacityMHz, memory };
}

/** Whether `a` holds the same value as `b` under every key of `b`. O(keys). */
function sameFigures<T extends object>(a: T, b: T): boolean {
  return (Object.keys(b) as (keyof T)[]).every((k) => a[k] === b[k]);
}

/** Per cluster of the scenario, the standard deviation of its connected hosts' loads. O(hosts × clusters). */
function imbalanceByCluster(state: RunState, points: readonly HostSample[]): number[] {
  const { hosts, clusterNames } = state.inventory;
  return clusterNames.map((name) => {
    const loads: number[] = [];
    hosts.forEach((h, i) => {
      const p = points[i]!;
      if (h.cluster === name && p.state === 'connected') loads.push(Math.max(p.cpuDemandMHz / p.cpuCapacityMHz, p.memory.consumedMB / p.memory.capacityMB));
    });
    return standardDeviation(loads);
  });
}

/**
 * A host's physical memory stack. Reclaimed memory (ballooned, half of compressed, swapped) comes
 * out of private guest memory, which is where reclamation takes it from, so the kinds stack to the
 * capacity. O(1).
 */
export function memorySample(model: VSphereModel, host: HostId): HostMemorySample {
  const mem = model.memoryOf(host);
  const s = mem.stats();
  const reclaimedMB = s.balloonedMB + s.compressedMB / 2 + s.swappedMB;
  return {
    capacityMB: s.capacityMB,
    consumedMB: Math.min(s.capacityMB, s.consumedMB),
    privateMB: Math.max(0, s.privateMB - reclaimedMB),
    sharedByForkMB: s.sharedByForkMB,
    sharedByTpsMB: 0,
    zeroMB: s.zeroMB,
    overheadMB: s.overheadMB,
    freeMB: Math.max(0, s.freeMB),
    configuredMB: mem.configuredMB,
  };
}

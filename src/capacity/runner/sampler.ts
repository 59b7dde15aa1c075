/**
 * One sampling instant of a run: per host its state, containers, CPU demand and the memory stack
 * from its HostMemory; per cluster the imbalance; the interval's placements and refusals.
 */
import { standardDeviation } from '../../drs/imbalance.js';
import type { HostId } from '../../sim/ids.js';
import type { VSphereModel } from '../../hypervisor/model.js';
import type { HostState } from '../../hypervisor/types.js';
import type { CapacitySample, HostMemorySample, HostSample, HostSampleState } from '../report/result.js';
import { noRefusals } from '../report/totals.js';
import type { RunState } from './state.js';
import { dpmSampleAt, haRestartsBetween, migrationsBetween } from './cluster-services.js';

const STATE: Record<HostState, HostSampleState> = { connected: 'connected', maintenance: 'maintenance', failed: 'failed', disconnected: 'failed', standby: 'standby' };

/**
 * Samples the run at scenario time `tMs` (the model's clock) and resets the interval counters.
 * Imbalance: the standard deviation over a cluster's connected hosts of each host's load, the
 * larger of CPU demand ÷ CPU capacity and consumed ÷ physical memory. O(hosts × shared CPU probes
 * + containers with a CPU probe of their own + the migration and HA restart histories).
 */
export function takeSample(state: RunState, tMs: number): CapacitySample {
  const { model, hosts } = state.inventory;
  const { containers, vcpus, cpuDemandMHz: cpuDemand } = state.loads.at(tMs);
  const samples: HostSample[] = hosts.map((h, i) => {
    const rec = model.registry.get('Host', h.id);
    const connected = rec.state === 'connected';
    const capacity = connected ? h.cpuCores * h.cpuMhzPerCore : 0;
    return { state: STATE[rec.state], containers: containers[i]!, vcpus: vcpus[i]!, cpuDemandMHz: cpuDemand[i]!, cpuCapacityMHz: capacity, memory: sharedMemorySample(state, i, memorySample(model, h.id)) };
  });
  const imbalance = state.inventory.clusterNames.map((name) => {
    const loads: number[] = [];
    hosts.forEach((h, i) => {
      const s = samples[i]!;
      if (h.cluster === name && s.state === 'connected') loads.push(Math.max(s.cpuDemandMHz / s.cpuCapacityMHz, s.memory.consumedMB / s.memory.capacityMB));
    });
    return standardDeviation(loads);
  });
  const dpm = dpmSampleAt(state.inventory.model, state.lastSampleMs, tMs);
  const sample: CapacitySample = {
    tMs,
    running: state.containers.size,
    placed: state.interval.placed,
    refused: { ...state.interval.refused },
    hosts: samples,
    imbalance,
    ...migrationsBetween(state.inventory.model, state.lastSampleMs, tMs),
    haRestarts: haRestartsBetween(state.inventory.model, state.lastSampleMs, tMs),
    ...(dpm ? { dpm } : {}),
  };
  state.lastSampleMs = tMs;
  state.interval.placed = 0;
  state.interval.refused = noRefusals();
  return sample;
}

/**
 * `sample` of host `i`, or the host's previous sample when it holds the same figures: a long run's
 * samples then keep one memory object per change of a host's memory, not one per step. O(1).
 */
function sharedMemorySample(state: RunState, i: number, sample: HostMemorySample): HostMemorySample {
  const last = state.lastHostMemory[i];
  if (last !== undefined && MEMORY_FIELDS.every((k) => last[k] === sample[k])) return last;
  state.lastHostMemory[i] = sample;
  return sample;
}

/** Every field of a memory sample (listed as a record's keys, so a field added to HostMemorySample must be added here). */
const MEMORY_FIELDS = Object.keys({ capacityMB: 1, consumedMB: 1, privateMB: 1, sharedByForkMB: 1, sharedByTpsMB: 1, zeroMB: 1, overheadMB: 1, freeMB: 1, configuredMB: 1 } satisfies Record<keyof HostMemorySample, 1>) as (keyof HostMemorySample)[];

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

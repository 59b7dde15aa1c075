/**
 * Reading a result's host series ({@link HostSeries}, stored by column) a host and an instant at
 * a time.
 */
import type { HostColumns, HostMemorySample, HostSample, HostSeries } from './result.js';

/** Every field of a memory sample (a record's keys, so a field added to HostMemorySample must be added here). */
export const MEMORY_KINDS = Object.keys({ capacityMB: 1, consumedMB: 1, privateMB: 1, sharedByForkMB: 1, sharedByTpsMB: 1, zeroMB: 1, overheadMB: 1, freeMB: 1, configuredMB: 1 } satisfies Record<keyof HostMemorySample, 1>) as (keyof HostMemorySample)[];

/** Every column of a host's series, each with its path in the host's record (`memory.freeMB`, …). O(columns). */
export function hostColumns(h: HostColumns): [string, readonly unknown[]][] {
  return [['state', h.state], ['containers', h.containers], ['vcpus', h.vcpus], ['cpuDemandMHz', h.cpuDemandMHz], ['cpuCapacityMHz', h.cpuCapacityMHz], ...MEMORY_KINDS.map((k) => [`memory.${k}`, h.memory[k]] as [string, readonly number[]])];
}

/** A host's memory stack at instant `j` of its series. Precondition: 0 ≤ j < the series' length. O(1). */
export function memoryAt(h: HostColumns, j: number): HostMemorySample {
  const m = h.memory;
  return { capacityMB: m.capacityMB[j]!, consumedMB: m.consumedMB[j]!, privateMB: m.privateMB[j]!, sharedByForkMB: m.sharedByForkMB[j]!, sharedByTpsMB: m.sharedByTpsMB[j]!, zeroMB: m.zeroMB[j]!, overheadMB: m.overheadMB[j]!, freeMB: m.freeMB[j]!, configuredMB: m.configuredMB[j]! };
}

/** A host at instant `j` of its series. Precondition: 0 ≤ j < the series' length. O(1). */
export function hostAt(h: HostColumns, j: number): HostSample {
  return { state: h.state[j]!, containers: h.containers[j]!, vcpus: h.vcpus[j]!, cpuDemandMHz: h.cpuDemandMHz[j]!, cpuCapacityMHz: h.cpuCapacityMHz[j]!, memory: memoryAt(h, j) };
}

/** Every host (in the result's host order) at instant `tMs`; undefined when the series has no such instant. O(instants + hosts). */
export function hostsAt(series: HostSeries, tMs: number): HostSample[] | undefined {
  const j = series.tMs.indexOf(tMs);
  return j < 0 ? undefined : series.hosts.map((h) => hostAt(h, j));
}

/** Every host at the series' last instant (the run's last sample). O(hosts). */
export function lastHosts(series: HostSeries): HostSample[] {
  return series.hosts.map((h) => hostAt(h, series.tMs.length - 1));
}

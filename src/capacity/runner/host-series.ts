/**
 * The run's per-host series ({@link HostSeries}): every host at the samples that fall on the
 * scenario's host sampling interval, and at the last sample, stored by column.
 */
import type { CapacitySample, HostColumns, HostMemorySample, HostSample, HostSeries } from '../report/result.js';
import { hostColumns, MEMORY_KINDS } from '../report/host-series.js';

/** What a sample holds of its hosts, summed. */
export type HostTotals = Pick<CapacitySample, 'connected' | 'vcpus' | 'cpuDemandMHz' | 'cpuCapacityMHz' | 'memory'>;

/**
 * `points` summed in host order: connected hosts with their cores (from `hosts`, in the same
 * order) and memory, vCPUs, CPU demand and capacity, and every kind of memory. O(hosts).
 */
export function sumHostSamples(points: readonly HostSample[], hosts: readonly { readonly cpuCores: number }[]): HostTotals {
  const connected = { hosts: 0, cpuCores: 0, memoryMB: 0 };
  const memory = Object.fromEntries(MEMORY_KINDS.map((k) => [k, 0])) as Record<keyof HostMemorySample, number>;
  let vcpus = 0;
  let cpuDemandMHz = 0;
  let cpuCapacityMHz = 0;
  points.forEach((p, i) => {
    if (p.state === 'connected') {
      connected.hosts++;
      connected.cpuCores += hosts[i]!.cpuCores;
      connected.memoryMB += p.memory.capacityMB;
    }
    vcpus += p.vcpus;
    cpuDemandMHz += p.cpuDemandMHz;
    cpuCapacityMHz += p.cpuCapacityMHz;
    for (const k of MEMORY_KINDS) memory[k] += p.memory[k];
  });
  return { connected, vcpus, cpuDemandMHz, cpuCapacityMHz, memory };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer E)[] ? E[] : Mutable<T[K]> };

/** Keeps the host points of the instants on the interval, and the run's last instant. */
export class HostSeriesRecorder {
  readonly #intervalMs: number;
  #tMs: number[];
  #hosts: Mutable<HostColumns>[];
  /** Instants recorded so far. */
  #count = 0;
  /** The latest instant off the interval, kept in case it is the run's last. */
  #pending: { readonly tMs: number; readonly points: readonly HostSample[] } | undefined;

  /**
   * Columns are made at the length a run of `durationMs` fills (0 ≤ instant ≤ durationMs, a last
   * one off the interval included), so a long run's series holds no room it does not use.
   * @param hostCount hosts of the run; @param intervalMs > 0, a multiple of the sampling interval.
   */
  constructor(hostCount: number, intervalMs: number, durationMs: number) {
    this.#intervalMs = intervalMs;
    const points = Math.min(MAX_PREALLOCATED_POINTS, Math.floor(durationMs / intervalMs) + 1 + (durationMs % intervalMs === 0 ? 0 : 1));
    this.#tMs = new Array<number>(points);
    this.#hosts = Array.from({ length: hostCount }, () => emptyColumns(points));
  }

  /**
   * Offers the hosts at sampling instant `tMs` (increasing from call to call); records them when
   * `tMs` is on the interval. `points` are in host order, one per host. O(hosts).
   */
  offer(tMs: number, points: readonly HostSample[]): void {
    if (tMs % this.#intervalMs !== 0) {
      this.#pending = { tMs, points };
      return;
    }
    this.#pending = undefined;
    this.#record(tMs, points);
  }

  /** The series, with the last offered instant added when it was off the interval; the recorder is empty after. O(hosts). */
  finish(): HostSeries {
    if (this.#pending) this.#record(this.#pending.tMs, this.#pending.points);
    this.#pending = undefined;
    for (const column of this.#columns()) column.length = this.#count;
    const series = { intervalMs: this.#intervalMs, tMs: this.#tMs, hosts: this.#hosts };
    // The series is the result's now: the run's state (which the model keeps reachable) lets go of it.
    this.#tMs = [];
    this.#hosts = [];
    this.#count = 0;
    return series;
  }

  #record(tMs: number, points: readonly HostSample[]): void {
    const j = this.#count++;
    this.#tMs[j] = tMs;
    points.forEach((p, i) => {
      const c = this.#hosts[i]!;
      c.state[j] = p.state;
      c.containers[j] = p.containers;
      c.vcpus[j] = p.vcpus;
      c.cpuDemandMHz[j] = p.cpuDemandMHz;
      c.cpuCapacityMHz[j] = p.cpuCapacityMHz;
      for (const k of MEMORY_KINDS) c.memory[k][j] = p.memory[k];
    });
  }

  /** Every column of the series, instants included. */
  *#columns(): Generator<unknown[]> {
    yield this.#tMs;
    for (const h of this.#hosts) for (const [, column] of hostColumns(h)) yield column as unknown[];
  }
}

/** Longest column made up front (V8 makes a longer `new Array(n)` a slow dictionary); a longer series grows as it records. */
const MAX_PREALLOCATED_POINTS = 65_536;

/** A host's columns, each made at length `points` (filled in order, cut to what was recorded at the end). */
function emptyColumns(points: number): Mutable<HostColumns> {
  const column = <T>() => new Array<T>(points);
  const memory = Object.fromEntries(MEMORY_KINDS.map((k) => [k, column<number>()])) as Mutable<HostColumns>['memory'];
  return { state: column(), containers: column(), vcpus: column(), cpuDemandMHz: column(), cpuCapacityMHz: column(), memory };
}

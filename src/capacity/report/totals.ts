/**
 * Totals derived from a run's samples and event lists, and the invariants of a
 * {@link CapacityRunResult}. The runner calls {@link deriveTotals} with the facts only the model
 * knows (headroom, failover capacity); tests and writers call {@link checkRunResult}.
 */
import {
  REFUSAL_REASONS,
  type CapacityRunResult,
  type CapacitySample,
  type CapacityTotals,
  type Distribution,
  type FailoverCapacity,
  type HaRestart,
  type Headroom,
  type HostMemorySample,
  type ProvisioningSample,
  type RefusalCounts,
  type RefusalReason,
} from './result.js';
import { hostColumns, memoryAt } from './host-series.js';

/** A count of 0 for every refusal reason. */
export function noRefusals(): Record<RefusalReason, number> {
  return Object.fromEntries(REFUSAL_REASONS.map((r) => [r, 0])) as Record<RefusalReason, number>;
}

/** Nearest-rank percentiles of `values` (any order). O(n log n). */
export function distribution(values: readonly number[]): Distribution {
  if (values.length === 0) return { count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
  return { count: sorted.length, mean, p50: rank(0.5), p95: rank(0.95), p99: rank(0.99), max: sorted[sorted.length - 1]! };
}

/** What the runner measured, besides the model facts. */
export interface RunRecords {
  readonly samples: readonly CapacitySample[];
  readonly haRestarts: readonly HaRestart[];
  readonly provisioning: readonly ProvisioningSample[];
}

/** What only the model can tell (the runner computes these with its placement oracle and HA policy). */
export interface ModelFacts {
  readonly headroom: readonly Headroom[];
  readonly failover: readonly FailoverCapacity[];
}

const CAPACITY_REASONS: readonly RefusalReason[] = ['noHostFits', 'poolMemory', 'poolCpu', 'haAdmission'];

/** The totals of a run. Precondition: samples in time order. O(samples + events log events). */
export function deriveTotals(records: RunRecords, facts: ModelFacts): CapacityTotals {
  const refused = noRefusals();
  let placed = 0;
  let peak: CapacitySample | undefined;
  let vmotions = 0;
  let movedMB = 0;
  let maxImbalance = 0;
  let capacityExhaustedAtMs: number | null = null;
  for (const s of records.samples) {
    placed += s.placed;
    for (const r of REFUSAL_REASONS) refused[r] += s.refused[r];
    if (capacityExhaustedAtMs === null && CAPACITY_REASONS.some((r) => s.refused[r] > 0)) capacityExhaustedAtMs = s.tMs;
    if (!peak || s.running > peak.running) peak = s;
    vmotions += s.vmotions;
    movedMB += s.vmotionMB;
    for (const i of s.imbalance) maxImbalance = Math.max(maxImbalance, i);
  }
  const failedRestarts = records.haRestarts.filter((r) => r.toHost === null).length;
  const dpm = dpmTotals(records.samples);
  return {
    placed,
    refused,
    peakRunning: peak?.running ?? 0,
    atPeak: atPeak(peak),
    vmotions: { count: vmotions, movedGB: movedMB / 1024 },
    haRestarts: {
      count: records.haRestarts.length - failedRestarts,
      failed: failedRestarts,
      latencyMs: distribution(records.haRestarts.filter((r) => r.toHost !== null).map((r) => r.latencyMs)),
    },
    provisioningLatencyMs: distribution(records.provisioning.map((p) => p.latencyMs)),
    maxImbalance,
    headroom: facts.headroom,
    capacityExhaustedAtMs,
    failover: facts.failover,
    ...(dpm ? { dpm } : {}),
  };
}

/** DPM's totals over the samples that carry DPM figures; undefined when none does. O(samples). */
function dpmTotals(samples: readonly CapacitySample[]): CapacityTotals['dpm'] {
  let totals: { powerOns: number; standbys: number; minHostsOn: number; maxHostsStandby: number } | undefined;
  for (const s of samples) {
    if (!s.dpm) continue;
    totals ??= { powerOns: 0, standbys: 0, minHostsOn: Infinity, maxHostsStandby: 0 };
    totals.powerOns += s.dpm.powerOns;
    totals.standbys += s.dpm.standbys;
    totals.minHostsOn = Math.min(totals.minHostsOn, s.dpm.hostsOn);
    totals.maxHostsStandby = Math.max(totals.maxHostsStandby, s.dpm.hostsStandby);
  }
  return totals;
}

function atPeak(peak: CapacitySample | undefined): CapacityTotals['atPeak'] {
  const connected = peak?.connected.hosts ?? 0;
  const cores = peak?.connected.cpuCores ?? 0;
  const mem = peak?.memory ?? { configuredMB: 0, consumedMB: 0, sharedByForkMB: 0, sharedByTpsMB: 0, zeroMB: 0, privateMB: 0 };
  // Guest memory the VMs see = configured; what backs it = private + shared (once each). The
  // rest (fork and TPS sharing beyond the first copy, zero pages, untouched memory) is saved.
  const backedMB = mem.privateMB + mem.sharedByForkMB + mem.sharedByTpsMB;
  return {
    tMs: peak?.tMs ?? 0,
    containersPerHost: connected > 0 ? (peak?.running ?? 0) / connected : 0,
    vcpuPerPcpu: cores > 0 ? (peak?.vcpus ?? 0) / cores : 0,
    configuredMB: mem.configuredMB,
    consumedMB: mem.consumedMB,
    savedMB: Math.max(0, mem.configuredMB - backedMB),
    sharedByForkMB: mem.sharedByForkMB,
    sharedByTpsMB: mem.sharedByTpsMB,
    zeroMB: mem.zeroMB,
  };
}

function refusalsValid(counts: RefusalCounts): boolean {
  return REFUSAL_REASONS.every((r) => Number.isInteger(counts[r]) && counts[r] >= 0) && Object.keys(counts).length === REFUSAL_REASONS.length;
}

/**
 * The invariants a result must keep, as a list of broken ones (empty = valid): samples in strictly
 * increasing time within [0, simulatedMs], each with one imbalance per cluster and a memory stack
 * that adds up; the host series at instants of samples, including the last, with one column
 * entry per instant for every host and each host's memory stacking to its capacity (consumed =
 * capacity − free); counts whole and ≥ 0; event lists in time order. O(samples + series points × hosts + events).
 */
export function checkRunResult(result: CapacityRunResult): string[] {
  const problems: string[] = [];
  const clusters = result.scenario.clusters.length;
  let last = -Infinity;
  result.samples.forEach((s, i) => {
    const at = `samples[${i}]`;
    if (!(s.tMs > last) || s.tMs < 0 || s.tMs > result.simulatedMs) problems.push(`${at}.tMs ${s.tMs} is not after ${last} within [0, ${result.simulatedMs}]`);
    last = s.tMs;
    if (s.imbalance.length !== clusters) problems.push(`${at}.imbalance has ${s.imbalance.length} entries for ${clusters} clusters`);
    if (!refusalsValid(s.refused)) problems.push(`${at}.refused must count every reason with a whole number ≥ 0`);
    for (const [k, v] of Object.entries({ running: s.running, placed: s.placed, vmotions: s.vmotions, haRestarts: s.haRestarts, vcpus: s.vcpus, connectedHosts: s.connected.hosts })) {
      if (!Number.isInteger(v) || v < 0) problems.push(`${at}.${k} must be a whole number ≥ 0, got ${v}`);
    }
    problems.push(...memoryProblems(`${at}.memory`, s.memory));
  });
  problems.push(...hostSeriesProblems(result));
  for (const [name, list] of [['haRestarts', result.haRestarts], ['provisioning', result.provisioning], ['timeline', result.timeline]] as const) {
    for (let i = 1; i < list.length; i++) if (list[i]!.tMs < list[i - 1]!.tMs) problems.push(`${name}[${i}] is out of time order`);
  }
  return problems;
}

/** The host series' broken invariants. O(series points × hosts + samples). */
function hostSeriesProblems(result: CapacityRunResult): string[] {
  const { tMs, hosts } = result.hostSeries;
  const problems: string[] = [];
  const sampled = new Set(result.samples.map((s) => s.tMs));
  tMs.forEach((t, j) => {
    if (!sampled.has(t) || (j > 0 && !(t > tMs[j - 1]!))) problems.push(`hostSeries.tMs[${j}] ${t} is not a later sample's time`);
  });
  if (result.samples.length > 0 && tMs[tMs.length - 1] !== result.samples[result.samples.length - 1]!.tMs) problems.push('hostSeries does not end at the last sample');
  if (hosts.length !== result.hosts.length) problems.push(`hostSeries.hosts has ${hosts.length} entries for ${result.hosts.length} hosts`);
  hosts.forEach((h, i) => {
    const at = `hostSeries.hosts[${i}]`;
    const short = hostColumns(h).find(([, c]) => c.length !== tMs.length);
    if (short) return void problems.push(`${at}.${short[0]} has ${short[1].length} entries for ${tMs.length} instants`);
    tMs.forEach((_, j) => problems.push(...memoryProblems(`${at}.memory[${j}]`, memoryAt(h, j))));
  });
  return problems;
}

function memoryProblems(at: string, m: HostMemorySample): string[] {
  const out: string[] = [];
  const stacked = m.privateMB + m.sharedByForkMB + m.sharedByTpsMB + m.overheadMB + m.freeMB;
  if (Math.abs(stacked - m.capacityMB) > 1) out.push(`${at}: private + shared + overhead + free = ${stacked} MB, not the capacity ${m.capacityMB} MB`);
  if (Math.abs(m.consumedMB - (m.capacityMB - m.freeMB)) > 1) out.push(`${at}: consumed ${m.consumedMB} MB is not capacity − free`);
  for (const [k, v] of Object.entries(m)) if (!(v >= 0)) out.push(`${at}.${k} must be ≥ 0, got ${v}`);
  return out;
}

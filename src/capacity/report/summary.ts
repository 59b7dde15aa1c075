/**
 * The rows both the Markdown and the HTML report show, formatted once: headline totals,
 * refusals, headroom, failover capacity, and the time series the charts draw.
 */
import { formatDuration } from '../../sim/units.js';
import { REFUSAL_REASONS, type CapacityRunResult } from './result.js';

/** A label and its formatted value. */
export type Row = readonly [string, string];

function fixed(v: number, digits = 2): string {
  return String(Math.round(v * 10 ** digits) / 10 ** digits);
}

function gb(mb: number): string {
  return `${fixed(mb / 1024, 1)} GB`;
}

/** Formats a simulated time for tables and axes: "1d 2h", "3h 5m", "45s". */
export function formatSimTime(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  const hours = Math.floor((ms % 86_400_000) / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  if (ms === 0) return '0';
  if (days > 0) return hours ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return minutes ? `${hours}h ${minutes}m` : `${hours}h`;
  return ms >= 60_000 ? `${minutes}m` : formatDuration(ms);
}

/** The headline numbers. O(1). */
export function headlineRows(result: CapacityRunResult): Row[] {
  const t = result.totals;
  const p = t.atPeak;
  const refused = REFUSAL_REASONS.reduce((s, r) => s + t.refused[r], 0);
  const savedShare = p.configuredMB > 0 ? ` (${fixed((100 * p.savedMB) / p.configuredMB, 1)}% of configured)` : '';
  return [
    ['Simulated', `${formatSimTime(result.simulatedMs)}${result.completed ? '' : ' (interrupted: partial report)'}`],
    ['Containers placed', String(t.placed)],
    ['Containers refused', String(refused)],
    ['Peak running', `${t.peakRunning} at ${formatSimTime(p.tMs)}`],
    ['Containers per host (at peak)', fixed(p.containersPerHost)],
    ['vCPU : pCPU (at peak)', `${fixed(p.vcpuPerPcpu)} : 1`],
    ['Memory configured / consumed (at peak)', `${gb(p.configuredMB)} / ${gb(p.consumedMB)}`],
    ['Saved by sharing (at peak)', `${gb(p.savedMB)}${savedShare}; fork-shared ${gb(p.sharedByForkMB)}, TPS-shared ${gb(p.sharedByTpsMB)}, zero ${gb(p.zeroMB)}`],
    ['vMotions', `${t.vmotions.count} (${fixed(t.vmotions.movedGB, 1)} GB moved)`],
    ['HA restarts', `${t.haRestarts.count} restarted, ${t.haRestarts.failed} not; p95 ${formatDuration(t.haRestarts.latencyMs.p95)}`],
    ['Provisioning latency', `p50 ${formatDuration(t.provisioningLatencyMs.p50)}, p95 ${formatDuration(t.provisioningLatencyMs.p95)}, max ${formatDuration(t.provisioningLatencyMs.max)} (${t.provisioningLatencyMs.count} samples)`],
    ['Max imbalance', fixed(t.maxImbalance, 3)],
    ['Capacity ran out', t.capacityExhaustedAtMs === null ? 'never in this run' : `at ${formatSimTime(t.capacityExhaustedAtMs)}`],
    ...(t.dpm ? [['DPM', `${t.dpm.standbys} host(s) put in standby, ${t.dpm.powerOns} woken; at least ${t.dpm.minHostsOn} on, at most ${t.dpm.maxHostsStandby} in standby`] as Row] : []),
  ];
}

/** Refusals by reason (only reasons that occurred). */
export function refusalRows(result: CapacityRunResult): Row[] {
  return REFUSAL_REASONS.filter((r) => result.totals.refused[r] > 0).map((r) => [r, String(result.totals.refused[r])]);
}

/** Headroom table rows: profile, VCH, how many more fit, what limits. */
export function headroomRows(result: CapacityRunResult): string[][] {
  return result.totals.headroom.map((h) => [h.profile, h.vch, String(h.additional), h.limitedBy]);
}

/** Failover table rows: cluster, N+k, policy. */
export function failoverRows(result: CapacityRunResult): string[][] {
  return result.totals.failover.map((f) => [f.cluster, `N+${f.hostFailures}`, f.policy]);
}

/** Timeline rows: time, kind, target, detail; HA restarts are summarised per minute elsewhere. */
export function timelineRows(result: CapacityRunResult): string[][] {
  return result.timeline.map((e) => [formatSimTime(e.tMs), e.kind, e.target, e.detail]);
}

/** Cluster-wide series the charts draw, one point per sample. O(samples). */
export function clusterSeries(result: CapacityRunResult) {
  const t: number[] = [];
  const cpuDemand: number[] = [];
  const cpuCapacity: number[] = [];
  const memConsumed: number[] = [];
  const memCapacity: number[] = [];
  const running: number[] = [];
  for (const s of result.samples) {
    t.push(s.tMs);
    running.push(s.running);
    cpuDemand.push(s.cpuDemandMHz / 1000);
    cpuCapacity.push(s.cpuCapacityMHz / 1000);
    memConsumed.push(s.memory.consumedMB / 1024);
    memCapacity.push(s.connected.memoryMB / 1024);
  }
  return { t, cpuDemand, cpuCapacity, memConsumed, memCapacity, running };
}

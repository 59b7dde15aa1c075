/**
 * The metrics a sweep tabulates and charts, read from each point's run totals: the headline
 * numbers of a `vicsim plan` report, plus headroom per VCH and profile and failover capacity per
 * cluster (one metric each, named after them).
 */
import { REFUSAL_REASONS, type CapacityTotals } from '../report/result.js';

/** One metric of a sweep. */
export interface SweepMetric {
  /** Stable, file-name safe: the CSV column and the chart's file name (`<id>.svg`). */
  readonly id: string;
  /** Human title, with its unit. */
  readonly title: string;
  /** The axis label of its chart. */
  readonly unit: string;
  /** The value for one point's totals; null when the point has none (e.g. capacity never ran out). */
  readonly value: (totals: CapacityTotals) => number | null;
}

const HOUR_MS = 3_600_000;

/** The metrics every sweep has, in table order. */
export const FIXED_METRICS: readonly SweepMetric[] = [
  { id: 'placed', title: 'Containers placed', unit: 'containers', value: (t) => t.placed },
  { id: 'refused', title: 'Containers refused', unit: 'containers', value: (t) => REFUSAL_REASONS.reduce((s, r) => s + t.refused[r], 0) },
  { id: 'peak-running', title: 'Peak running containers', unit: 'containers', value: (t) => t.peakRunning },
  { id: 'containers-per-host', title: 'Containers per host at peak', unit: 'containers / host', value: (t) => t.atPeak.containersPerHost },
  { id: 'vcpu-per-pcpu', title: 'vCPU : pCPU at peak', unit: 'vCPU per pCPU', value: (t) => t.atPeak.vcpuPerPcpu },
  { id: 'consumed-gb', title: 'Memory consumed at peak (GB)', unit: 'GB', value: (t) => t.atPeak.consumedMB / 1024 },
  { id: 'saved-gb', title: 'Memory saved by sharing at peak (GB)', unit: 'GB', value: (t) => t.atPeak.savedMB / 1024 },
  { id: 'provisioning-p50-ms', title: 'Provisioning latency p50 (ms)', unit: 'ms', value: (t) => t.provisioningLatencyMs.p50 },
  { id: 'provisioning-p95-ms', title: 'Provisioning latency p95 (ms)', unit: 'ms', value: (t) => t.provisioningLatencyMs.p95 },
  { id: 'vmotions', title: 'vMotions', unit: 'vMotions', value: (t) => t.vmotions.count },
  { id: 'vmotion-gb', title: 'Memory moved by vMotion (GB)', unit: 'GB', value: (t) => t.vmotions.movedGB },
  { id: 'ha-restarts', title: 'HA restarts', unit: 'VMs', value: (t) => t.haRestarts.count },
  { id: 'max-imbalance', title: 'Max DRS imbalance', unit: 'std. dev. of host load', value: (t) => t.maxImbalance },
  { id: 'capacity-exhausted-h', title: 'Capacity ran out at (hours; blank = never)', unit: 'hours', value: (t) => (t.capacityExhaustedAtMs === null ? null : t.capacityExhaustedAtMs / HOUR_MS) },
];

/** Turns a name into a file-name safe id part: lower case, runs of other characters as '-'. */
function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/**
 * The metrics of a sweep: {@link FIXED_METRICS}, then one headroom metric per (VCH, profile) and one
 * failover metric per cluster that any point reports, in first-seen order; ids are made unique
 * (`-2`, `-3` …) where two names slug alike. O(points × entries).
 */
export function sweepMetrics(totals: readonly CapacityTotals[]): SweepMetric[] {
  const headroom = new Map<string, SweepMetric>();
  const failover = new Map<string, SweepMetric>();
  for (const t of totals) {
    for (const h of t.headroom) {
      const key = `${h.vch}\n${h.profile}`;
      if (!headroom.has(key)) {
        headroom.set(key, {
          id: `headroom-${slug(h.vch)}-${slug(h.profile)}`,
          title: `Headroom: more ${h.profile} containers on ${h.vch}`,
          unit: 'containers',
          value: (x) => x.headroom.find((e) => e.vch === h.vch && e.profile === h.profile)?.additional ?? null,
        });
      }
    }
    for (const f of t.failover) {
      if (!failover.has(f.cluster)) {
        failover.set(f.cluster, { id: `failover-${slug(f.cluster)}`, title: `Failover capacity of ${f.cluster} (host failures survived)`, unit: 'hosts', value: (x) => x.failover.find((e) => e.cluster === f.cluster)?.hostFailures ?? null });
      }
    }
  }
  const used = new Set<string>();
  return [...FIXED_METRICS, ...headroom.values(), ...failover.values()].map((m) => {
    let id = m.id;
    for (let n = 2; used.has(id); n++) id = `${m.id}-${n}`;
    used.add(id);
    return id === m.id ? m : { ...m, id };
  });
}

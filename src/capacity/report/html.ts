/**
 * The self-contained HTML report: inline CSS and inline SVG charts drawn by svg.ts, no scripts
 * and no external assets, so it opens offline. Charts: demand vs capacity (CPU and memory),
 * running containers, DRS imbalance, per-host memory stacked by kind, provisioning latency.
 */
import type { CapacityRunResult } from './result.js';
import { escapeXml, histogram, lineChart, stackedAreaChart, timeTicks, type Marker } from './svg.js';
import { clusterSeries, failoverRows, formatSimTime, headlineRows, headroomRows, refusalRows, timelineRows } from './summary.js';

/** Hosts drawn one memory chart each; beyond this the report says how many it left out. */
export const MAX_HOST_MEMORY_CHARTS = 16;

const COLORS = { demand: '#2e86c1', capacity: '#555', memory: '#8e44ad', running: '#16a085' };
const MEMORY_LAYERS = [
  { key: 'privateMB', name: 'private', color: '#e67e22' },
  { key: 'sharedByForkMB', name: 'shared by fork', color: '#27ae60' },
  { key: 'sharedByTpsMB', name: 'shared by TPS', color: '#2ecc71' },
  { key: 'overheadMB', name: 'overhead', color: '#7f8c8d' },
  { key: 'freeMB', name: 'free', color: '#d6eaf8' },
] as const;
const CLUSTER_COLORS = ['#c0392b', '#2980b9', '#27ae60', '#8e44ad', '#d35400', '#16a085'];

const CSS = `body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:13px}
th{background:#f4f4f4}.charts{display:flex;flex-wrap:wrap;gap:12px}.chart{border:1px solid #ddd}
ul.assumptions li{font-size:13px;margin:2px 0}.note{color:#666;font-size:12px}`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = `<tr>${header.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>`;
  const body = rows.length ? rows : [header.map(() => '–')];
  return `<table>${head}${body.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`).join('')}</table>`;
}

function markersOf(result: CapacityRunResult): Marker[] {
  return result.timeline.map((e) => ({ x: e.tMs, label: `${e.kind} ${e.target}` }));
}

function pairs(xs: readonly number[], ys: readonly number[]): [number, number][] {
  return xs.map((x, i) => [x, ys[i] ?? 0]);
}

/** The charts of the report, in order. */
function charts(result: CapacityRunResult): string[] {
  const s = clusterSeries(result);
  const marks = markersOf(result);
  const time = { xLabel: 'simulated time', formatX: formatSimTime, ticksX: timeTicks };
  const out = [
    lineChart({ id: 'cpu-demand', title: 'CPU demand vs capacity', yLabel: 'GHz', ...time }, [
      { name: 'demand', color: COLORS.demand, points: pairs(s.t, s.cpuDemand) },
      { name: 'capacity', color: COLORS.capacity, points: pairs(s.t, s.cpuCapacity), dashed: true },
    ], marks),
    lineChart({ id: 'memory-demand', title: 'Memory consumed vs capacity', yLabel: 'GB', ...time }, [
      { name: 'consumed', color: COLORS.memory, points: pairs(s.t, s.memConsumed) },
      { name: 'capacity', color: COLORS.capacity, points: pairs(s.t, s.memCapacity), dashed: true },
    ], marks),
    lineChart({ id: 'running', title: 'Containers running', yLabel: 'containers', ...time }, [{ name: 'running', color: COLORS.running, points: pairs(s.t, s.running) }], marks),
    lineChart(
      { id: 'imbalance', title: 'DRS imbalance (std. dev. of host load)', yLabel: 'imbalance', ...time },
      result.scenario.clusters.map((c, i) => ({ name: c.name, color: CLUSTER_COLORS[i % CLUSTER_COLORS.length]!, points: result.samples.map((x) => [x.tMs, x.imbalance[i] ?? 0] as [number, number]) })),
      marks,
    ),
    histogram({ id: 'provisioning-latency', title: 'Provisioning latency', xLabel: 'request to running', yLabel: 'containers', formatX: (ms) => `${Number((ms / 1000).toPrecision(3))}s` }, result.provisioning.map((p) => p.latencyMs)),
  ];
  return out;
}

function hostMemoryCharts(result: CapacityRunResult): string[] {
  const { tMs: xs, hosts } = result.hostSeries;
  return result.hosts.slice(0, MAX_HOST_MEMORY_CHARTS).map((host, i) =>
    stackedAreaChart(
      { id: `host-memory-${host.name}`, title: `${host.name}: memory by kind`, xLabel: 'simulated time', yLabel: 'GB', width: 540, height: 240, formatX: formatSimTime, ticksX: timeTicks },
      xs,
      MEMORY_LAYERS.map((l) => ({ name: l.name, color: l.color, values: hosts[i]!.memory[l.key].map((mb) => mb / 1024) })),
      result.timeline.filter((e) => e.target === host.name).map((e) => ({ x: e.tMs, label: e.kind })),
    ),
  );
}

/** The whole report as one HTML document. O(samples + host series points × hosts + provisioning samples). */
export function htmlReport(result: CapacityRunResult): string {
  const s = result.scenario;
  const omitted = result.hosts.length - MAX_HOST_MEMORY_CHARTS;
  const body = [
    `<h1>Capacity report: ${escapeXml(s.name)}</h1>`,
    s.description ? `<p>${escapeXml(s.description)}</p>` : '',
    '<h2>Results</h2>',
    table(['Measure', 'Value'], headlineRows(result)),
    '<h2>Charts</h2>',
    `<div class="charts">${charts(result).join('')}</div>`,
    '<h2>Memory by host</h2>',
    `<div class="charts">${hostMemoryCharts(result).join('')}</div>`,
    omitted > 0 ? `<p class="note">${omitted} more host(s) not drawn; their numbers are in report.json.</p>` : '',
    '<h2>Refused requests</h2>',
    table(['Reason', 'Count'], refusalRows(result)),
    '<h2>Headroom (how many more fit at the end of the run)</h2>',
    table(['Profile', 'VCH', 'More containers', 'Limited by'], headroomRows(result)),
    '<h2>Failover capacity</h2>',
    table(['Cluster', 'Survives', 'HA policy'], failoverRows(result)),
    '<h2>Timeline</h2>',
    table(['Time', 'Event', 'Target', 'What happened'], timelineRows(result)),
    '<h2>Assumptions</h2>',
    `<ul class="assumptions">${result.assumptions.map((a) => `<li>${escapeXml(a)}</li>`).join('')}</ul>`,
  ];
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Capacity report: ${escapeXml(s.name)}</title><style>${CSS}</style></head><body>${body.join('\n')}</body></html>\n`;
}

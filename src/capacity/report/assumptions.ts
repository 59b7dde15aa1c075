/**
 * The assumptions behind a run, stated in sentences for the report: sizes, modes, settings,
 * workload, and every calibration figure the scenario changed. Deterministic for a scenario.
 */
import { DEFAULT_CALIBRATION } from '../../sim/calibration.js';
import { formatBytes, formatDuration, formatMHz, MiB } from '../../sim/units.js';
import type { ArrivalStream, ClusterSpec, HaAdmission, LifetimeDistribution, Scenario, WorkloadProfile } from '../scenario/types.js';
import { cpuDemandAt } from '../scenario/evaluate.js';

const MODE_TEXT = { instant: 'instant clone', linked: 'linked clone', full: 'full clone', boot: 'booting the ISO (VIC 1.x)' } as const;

/** One sentence per assumption, in a fixed order. O(size of the scenario). */
export function scenarioAssumptions(scenario: Scenario): string[] {
  const out = [
    `Run of ${formatDuration(scenario.durationMs)} simulated, sampled every ${formatDuration(scenario.sampleIntervalMs)}, seed ${scenario.seed}.`,
    ...scenario.clusters.map(clusterSentence),
    ...scenario.vchs.map((v) => `VCH ${v.name} in ${v.cluster} provisions by ${MODE_TEXT[v.provisioning]}; pool memory ${allocationText(v.memory.reservation, v.memory.limit, 'MB')}, CPU ${allocationText(v.cpu.reservation, v.cpu.limit, 'MHz')}${v.maxContainers === null ? '' : `, at most ${v.maxContainers} containers`}.`),
    ...scenario.profiles.map(profileSentence),
    ...scenario.arrivals.map(arrivalSentence),
    ...scenario.events.map((e) => `At ${formatDuration(e.atMs)}: ${e.kind} of ${'host' in e ? e.host : e.vch}.`),
    `Inter-VM transparent page sharing is ${scenario.calibration.memory.interVmTps ? 'on' : 'off (the vSphere default since 2014)'}; zero pages are never backed.`,
    ...calibrationChanges(scenario),
  ];
  return out;
}

function clusterSentence(c: ClusterSpec): string {
  const sizes = new Map<string, number>();
  for (const h of c.hosts) {
    const key = `${h.cpuCores} × ${formatMHz(h.cpuMhzPerCore)} cores, ${formatBytes(h.memoryMB * MiB)}`;
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
  }
  const hosts = [...sizes].map(([size, n]) => `${n} host(s) of ${size}`).join(' and ');
  const drs = c.drs.enabled ? `DRS on (threshold ${c.drs.migrationThreshold}, every ${formatDuration(c.drs.intervalMs)})` : 'DRS off';
  const ha = c.ha.enabled ? `HA on (${haText(c.ha.admission)})` : 'HA off';
  return `Cluster ${c.name}: ${hosts}; ${drs}; ${ha}; DPM ${c.dpm.enabled ? 'on' : 'off'}.`;
}

function haText(a: HaAdmission): string {
  if (a.policy === 'slot') return `slot policy, ${a.hostFailures} host failure(s) tolerated`;
  if (a.policy === 'percentage') return `percentage policy, ${pct(a.cpuFraction)} CPU and ${pct(a.memoryFraction)} memory reserved`;
  return 'admission control disabled';
}

function pct(f: number): string {
  return `${Math.round(f * 1000) / 10}%`;
}

function allocationText(reservation: number, limit: number, unit: string): string {
  return `reservation ${reservation} ${unit}, limit ${limit === -1 ? 'unlimited' : `${limit} ${unit}`}`;
}

function profileSentence(p: WorkloadProfile): string {
  const cpu = p.cpu.kind === 'constant' ? formatMHz(p.cpu.mhz) : `a curve of ${p.cpu.points.length} points from ${formatMHz(cpuDemandAt(p.cpu, 0))}`;
  return (
    `Profile ${p.name}: ${p.memoryMB} MB, ${p.cpus} vCPU, working set ${p.workingSetMB} MB, ` +
    `dirties ${formatBytes(p.dirtyBytesPerSec)}/s, CPU demand ${cpu}, lifetime ${lifetimeText(p.lifetime)}.`
  );
}

function lifetimeText(l: LifetimeDistribution): string {
  switch (l.kind) {
    case 'fixed':
      return formatDuration(l.durationMs);
    case 'exponential':
      return `exponential, mean ${formatDuration(l.meanMs)}`;
    case 'lognormal':
      return `lognormal, median ${formatDuration(l.medianMs)}, σ ${l.sigma}`;
    case 'forever':
      return 'until the end of the run';
  }
}

function arrivalSentence(a: ArrivalStream): string {
  switch (a.kind) {
    case 'poisson': {
      const diurnal = a.diurnal.kind === 'flat' ? '' : a.diurnal.kind === 'hourly' ? ', shaped by 24 hourly multipliers' : `, sinusoidal ±${pct(a.diurnal.amplitude)} peaking at ${a.diurnal.peakHour}:00`;
      return `${a.profile} containers arrive at ${round(a.ratePerSec * 3600)}/h (Poisson${diurnal}) into ${a.vch} from ${formatDuration(a.startMs)} to ${formatDuration(a.endMs)}.`;
    }
    case 'schedule':
      return `${a.batches.reduce((s, b) => s + b.count, 0)} ${a.profile} containers arrive into ${a.vch} in ${a.batches.length} batch(es).`;
    case 'trace':
      return `Containers arrive into ${a.vch} as the ${a.format} trace ${a.file} says (time × ${a.timeScale}${a.skipMs ? `, skipping ${formatDuration(a.skipMs)}` : ''}); fields it lacks come from profile ${a.profile}; CPU demand is its average utilization.`;
  }
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

/** "Calibration latency.instantCloneMs = 50 (default 100)." for every leaf the scenario changed. */
function calibrationChanges(scenario: Scenario): string[] {
  const out: string[] = [];
  const walk = (path: string, now: unknown, was: unknown) => {
    if (typeof now === 'object' && now !== null) {
      for (const k of Object.keys(now)) walk(path ? `${path}.${k}` : k, (now as Record<string, unknown>)[k], (was as Record<string, unknown>)?.[k]);
    } else if (now !== was) out.push(`Calibration ${path} = ${String(now)} (default ${String(was)}).`);
  };
  walk('', scenario.calibration, DEFAULT_CALIBRATION);
  return out;
}

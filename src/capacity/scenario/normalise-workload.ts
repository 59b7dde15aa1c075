/**
 * Normalisation of the workload half of a scenario: profiles, arrival streams and injected
 * events, with their cross-references (profile, VCH and host names) and time bounds checked.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Calibration } from '../../sim/calibration.js';
import { formatDuration } from '../../sim/units.js';
import { PROFILE_DEFAULTS } from './defaults.js';
import type { DocPath } from './issues.js';
import type { IssueSink } from './normalise-infra.js';
import type { ArrivalInput, EventInput, ProfileInput, ScenarioInput } from './schema.js';
import type { ArrivalStream, ClusterSpec, CpuDemand, DiurnalPattern, InjectedEvent, LifetimeDistribution, VchSpec, WorkloadProfile } from './types.js';

/** The profiles with calibration defaults (VM sizing) and ours filled; memory rounded up as VIC does. O(profiles). */
export function normaliseProfiles(input: ScenarioInput, calibration: Calibration, sink: IssueSink): WorkloadProfile[] {
  const names = new Set<string>();
  return input.profiles.map((p, i) => {
    const path = ['profiles', i];
    if (names.has(p.name)) sink.add([...path, 'name'], `duplicate profile name '${p.name}'`);
    names.add(p.name);
    const memoryMB = roundUp(p.memory ?? calibration.vm.defaultMemoryMB, calibration.vm.memoryGranularityMB);
    if (memoryMB < calibration.vm.minMemoryMB) sink.add([...path, 'memory'], `a container VM needs at least ${calibration.vm.minMemoryMB} MB, got ${memoryMB} MB`);
    const workingSetMB = p.workingSet ?? Math.round(memoryMB * PROFILE_DEFAULTS.workingSetFraction);
    if (workingSetMB > memoryMB) sink.add([...path, 'workingSet'], `working set ${workingSetMB} MB exceeds the profile's memory ${memoryMB} MB`);
    return {
      name: p.name,
      memoryMB,
      cpus: p.cpus ?? calibration.vm.defaultCpus,
      workingSetMB,
      dirtyBytesPerSec: p.dirtyRate ?? PROFILE_DEFAULTS.dirtyBytesPerSec,
      locality: p.locality ?? PROFILE_DEFAULTS.locality,
      zeroShare: p.zeroShare ?? PROFILE_DEFAULTS.zeroShare,
      cpu: cpuDemand(p.cpu, [...path, 'cpu'], sink),
      lifetime: lifetime(p.lifetime),
      reservation: { cpuMHz: p.reservation?.cpu ?? 0, memoryMB: p.reservation?.memory ?? 0 },
    };
  });
}

function roundUp(value: number, granule: number): number {
  return Math.ceil(value / granule) * granule;
}

function cpuDemand(cpu: ProfileInput['cpu'], path: DocPath, sink: IssueSink): CpuDemand {
  if (cpu === undefined) return { kind: 'constant', mhz: PROFILE_DEFAULTS.cpuDemandMHz };
  if (typeof cpu === 'number') return { kind: 'constant', mhz: cpu };
  const points = cpu.curve.map((p) => ({ atMs: p.at, mhz: p.demand }));
  if (points[0]!.atMs !== 0) sink.add([...path, 'curve', 0, 'at'], 'the first point of a curve must be at 0');
  points.forEach((p, j) => {
    if (j > 0 && p.atMs <= points[j - 1]!.atMs) sink.add([...path, 'curve', j, 'at'], 'curve points must be in increasing time order');
  });
  const last = points[points.length - 1]!.atMs;
  const periodMs = cpu.period ?? null;
  if (periodMs !== null && periodMs <= last) sink.add([...path, 'period'], `the period must be longer than the last point (${last} ms)`);
  return { kind: 'curve', points, periodMs, clock: cpu.clock ?? 'container' };
}

function lifetime(given: ProfileInput['lifetime']): LifetimeDistribution {
  if (given === undefined) return PROFILE_DEFAULTS.lifetime;
  if (given === 'forever') return { kind: 'forever' };
  switch (given.distribution) {
    case 'fixed':
      return { kind: 'fixed', durationMs: given.duration };
    case 'exponential':
      return { kind: 'exponential', meanMs: given.mean };
    case 'lognormal':
      return { kind: 'lognormal', medianMs: given.median, sigma: given.sigma };
    case 'forever':
      return { kind: 'forever' };
  }
}

/** What arrival streams and events may refer to. */
export interface Names {
  readonly profiles: ReadonlySet<string>;
  readonly vchs: readonly VchSpec[];
  readonly hosts: ReadonlySet<string>;
  readonly durationMs: number;
  /** Directory trace files are relative to. */
  readonly baseDir: string;
}

/** The scenario's arrival streams. O(streams + batches). */
export function normaliseArrivals(input: ScenarioInput, names: Names, sink: IssueSink): ArrivalStream[] {
  return (input.arrivals ?? []).map((a, i) => arrival(a, ['arrivals', i], names, sink));
}

function arrival(a: ArrivalInput, path: DocPath, names: Names, sink: IssueSink): ArrivalStream {
  if (!names.profiles.has(a.profile)) sink.add([...path, 'profile'], `no profile named '${a.profile}' (profiles: ${[...names.profiles].join(', ')})`);
  const vch = a.vch ?? names.vchs[0]?.name ?? '';
  if (a.vch !== undefined && !names.vchs.some((v) => v.name === a.vch)) sink.add([...path, 'vch'], `no VCH named '${a.vch}' (VCHs: ${names.vchs.map((v) => v.name).join(', ')})`);
  const base = { vch, profile: a.profile };
  switch (a.kind) {
    case 'poisson': {
      const startMs = a.start ?? 0;
      const endMs = a.end ?? names.durationMs;
      if (endMs <= startMs) sink.add([...path, 'end'], `the stream must end after it starts (${startMs} ms)`);
      return { ...base, kind: 'poisson', ratePerSec: a.rate, diurnal: diurnal(a.diurnal, [...path, 'diurnal'], sink), startMs, endMs };
    }
    case 'schedule': {
      a.batches.forEach((b, j) => {
        if (b.at > names.durationMs) sink.add([...path, 'batches', j, 'at'], `after the end of the run (${formatDuration(names.durationMs)})`);
      });
      const batches = a.batches.map((b) => ({ atMs: b.at, count: b.count })).sort((x, y) => x.atMs - y.atMs);
      return { ...base, kind: 'schedule', batches };
    }
    case 'trace':
      return {
        ...base,
        kind: 'trace',
        file: a.file,
        resolvedPath: isAbsolute(a.file) ? a.file : resolve(names.baseDir, a.file),
        format: a.format,
        timeScale: a.timeScale ?? 1,
        skipMs: a.skip ?? 0,
        maxRecords: a.maxRecords ?? null,
        reorderWindow: a.reorderWindow ?? 0,
      };
  }
}

function diurnal(given: Extract<ArrivalInput, { kind: 'poisson' }>['diurnal'], path: DocPath, sink: IssueSink): DiurnalPattern {
  if (!given || (!given.hourly && !given.sinusoid)) return { kind: 'flat' };
  if (given.hourly && given.sinusoid) {
    sink.add(path, 'give either hourly or sinusoid, not both');
    return { kind: 'flat' };
  }
  if (given.hourly) return { kind: 'hourly', multipliers: given.hourly };
  return { kind: 'sinusoid', amplitude: given.sinusoid!.amplitude, peakHour: given.sinusoid!.peakHour };
}

/** The injected events, sorted by time (stable). O(events log events). */
export function normaliseEvents(input: ScenarioInput, names: Names, sink: IssueSink): InjectedEvent[] {
  const events = (input.events ?? []).map((e, i) => event(e, ['events', i], names, sink));
  return events.map((e, i) => ({ e, i })).sort((a, b) => a.e.atMs - b.e.atMs || a.i - b.i).map(({ e }) => e);
}

function event(e: EventInput, path: DocPath, names: Names, sink: IssueSink): InjectedEvent {
  if (e.at > names.durationMs) sink.add([...path, 'at'], `after the end of the run (${formatDuration(names.durationMs)})`);
  if (e.kind === 'poolLimit') {
    if (!names.vchs.some((v) => v.name === e.vch)) sink.add([...path, 'vch'], `no VCH named '${e.vch}'`);
    if (e.cpu === undefined && e.memory === undefined) sink.add(path, 'a poolLimit event needs cpu, memory or both');
    return { kind: 'poolLimit', atMs: e.at, vch: e.vch, ...(e.cpu !== undefined && { cpuLimitMHz: e.cpu }), ...(e.memory !== undefined && { memoryLimitMB: e.memory }) };
  }
  if (!names.hosts.has(e.host)) sink.add([...path, 'host'], `no host named '${e.host}'`);
  return { kind: e.kind, atMs: e.at, host: e.host };
}

/** Every host name of the clusters. */
export function hostNames(clusters: readonly ClusterSpec[]): Set<string> {
  return new Set(clusters.flatMap((c) => c.hosts.map((h) => h.name)));
}

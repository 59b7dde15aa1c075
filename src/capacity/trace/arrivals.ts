/**
 * Every arrival of a scenario as one time-ordered async stream: Poisson streams (with their
 * diurnal pattern, by thinning), explicit schedules and trace files (read streaming), merged by
 * (time, stream, sequence). The runner pulls from it as simulated time advances; memory stays
 * O(streams + reorder windows), whatever the length of the traces.
 */
import { TraceFormatError } from '../errors.js';
import { Rng } from '../../sim/rng.js';
import { diurnalMultiplier, maxDiurnalMultiplier, sampleLifetimeMs } from '../scenario/evaluate.js';
import type { ArrivalStream, Scenario, WorkloadProfile } from '../scenario/types.js';
import { readAzureVmTable } from './azure.js';
import type { TraceRecord } from './records.js';
import { inStartOrder } from './reorder.js';
import { readSimpleTrace } from './simple.js';

/** One container to create. */
export interface Arrival {
  /** Scenario time of the request, ms; 0 ≤ atMs ≤ durationMs. */
  readonly atMs: number;
  /** Index of its stream in scenario.arrivals. */
  readonly stream: number;
  /** Position within its stream, from 0. */
  readonly seq: number;
  /** `s<stream>-<seq>`, or the trace's VM id for a trace. */
  readonly id: string;
  readonly vch: string;
  /** The profile, with a trace record's cpus, memory and average CPU in place of the profile's. */
  readonly profile: WorkloadProfile;
  /** How long the container runs once started, ms; null = to the end of the run. */
  readonly lifetimeMs: number | null;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The arrivals of stream `index` of `scenario`, in time order. Randomness: streams forked from the scenario seed by index. */
export function streamArrivals(scenario: Scenario, index: number): AsyncGenerator<Arrival> {
  const stream = scenario.arrivals[index];
  if (!stream) throw new RangeError(`no arrival stream ${index}`);
  const root = Rng.seeded(scenario.seed);
  const rngs = { times: root.fork(`arrivals/${index}/times`), lifetimes: root.fork(`arrivals/${index}/lifetimes`) };
  const profile = profileOf(scenario, stream.profile);
  switch (stream.kind) {
    case 'poisson':
      return poissonArrivals(stream, index, profile, rngs);
    case 'schedule':
      return scheduleArrivals(stream, index, profile, rngs.lifetimes);
    case 'trace':
      return traceArrivals(scenario, stream, index);
  }
}

function profileOf(scenario: Scenario, name: string): WorkloadProfile {
  const profile = scenario.profiles.find((p) => p.name === name);
  if (!profile) throw new RangeError(`no profile named ${name}`);
  return profile;
}

async function* poissonArrivals(stream: Extract<ArrivalStream, { kind: 'poisson' }>, index: number, profile: WorkloadProfile, rngs: { times: Rng; lifetimes: Rng }): AsyncGenerator<Arrival> {
  const peak = maxDiurnalMultiplier(stream.diurnal);
  const peakRatePerMs = (stream.ratePerSec * peak) / 1000;
  if (!(peakRatePerMs > 0)) return;
  let t = stream.startMs;
  let seq = 0;
  for (;;) {
    t += rngs.times.exponential(1 / peakRatePerMs);
    if (t >= stream.endMs) return;
    if (rngs.times.next() * peak >= diurnalMultiplier(stream.diurnal, t)) continue;
    yield { atMs: t, stream: index, seq, id: `s${index}-${seq}`, vch: stream.vch, profile, lifetimeMs: sampleLifetimeMs(profile.lifetime, rngs.lifetimes) };
    seq++;
  }
}

async function* scheduleArrivals(stream: Extract<ArrivalStream, { kind: 'schedule' }>, index: number, profile: WorkloadProfile, lifetimes: Rng): AsyncGenerator<Arrival> {
  let seq = 0;
  for (const batch of stream.batches) {
    for (let i = 0; i < batch.count; i++, seq++) {
      yield { atMs: batch.atMs, stream: index, seq, id: `s${index}-${seq}`, vch: stream.vch, profile, lifetimeMs: sampleLifetimeMs(profile.lifetime, lifetimes) };
    }
  }
}

/** The records of a trace stream's file, in start order, read streaming. */
export function traceRecords(stream: Extract<ArrivalStream, { kind: 'trace' }>): AsyncGenerator<TraceRecord> {
  const records = stream.format === 'azure-vmtable' ? readAzureVmTable(stream.resolvedPath) : readSimpleTrace(stream.resolvedPath);
  return inStartOrder(records, stream.reorderWindow, stream.resolvedPath);
}

/**
 * A trace's arrivals: records before `skipMs` are dropped, times are shifted by it and scaled by
 * `timeScale`; reading stops at the first record past the end of the run. CPU demand is the
 * record's average utilization × its vCPUs × the MHz of one core of the VCH's cluster's first host.
 */
async function* traceArrivals(scenario: Scenario, stream: Extract<ArrivalStream, { kind: 'trace' }>, index: number): AsyncGenerator<Arrival> {
  const vch = scenario.vchs.find((v) => v.name === stream.vch);
  const coreMHz = scenario.clusters.find((c) => c.name === vch?.cluster)?.hosts[0]?.cpuMhzPerCore ?? 0;
  let seq = 0;
  for await (const r of traceRecords(stream)) {
    if (r.startMs < stream.skipMs) continue;
    if (stream.maxRecords !== null && seq >= stream.maxRecords) return;
    const atMs = (r.startMs - stream.skipMs) * stream.timeScale;
    if (atMs > scenario.durationMs) return;
    const base = scenario.profiles.find((p) => p.name === (r.profile ?? stream.profile));
    if (!base) throw new TraceFormatError(stream.resolvedPath, r.line, `profile '${r.profile}' is not in the scenario`);
    const lifetimeMs = r.endMs === null ? null : (r.endMs - r.startMs) * stream.timeScale;
    yield { atMs, stream: index, seq, id: r.id, vch: stream.vch, profile: withRecord(base, r, coreMHz), lifetimeMs };
    seq++;
  }
}

function withRecord(base: WorkloadProfile, r: TraceRecord, coreMHz: number): WorkloadProfile {
  if (r.cpus === null && r.memoryMB === null && r.cpuAvgPercent === null) return base;
  const profile: Mutable<WorkloadProfile> = { ...base };
  if (r.cpus !== null) profile.cpus = r.cpus;
  if (r.memoryMB !== null) {
    profile.memoryMB = r.memoryMB;
    profile.workingSetMB = Math.round((base.workingSetMB / base.memoryMB) * r.memoryMB);
  }
  if (r.cpuAvgPercent !== null) profile.cpu = { kind: 'constant', mhz: (r.cpuAvgPercent / 100) * profile.cpus * coreMHz };
  return profile;
}

/** Every arrival of `scenario`, merged in (atMs, stream, seq) order. O(streams) per arrival. */
export async function* scenarioArrivals(scenario: Scenario): AsyncGenerator<Arrival> {
  const sources = scenario.arrivals.map((_, i) => streamArrivals(scenario, i));
  const heads = await Promise.all(sources.map((s) => s.next()));
  try {
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i]!;
        if (h.done) continue;
        if (best < 0 || h.value.atMs < (heads[best]!.value as Arrival).atMs) best = i;
      }
      if (best < 0) return;
      yield heads[best]!.value as Arrival;
      heads[best] = await sources[best]!.next();
    }
  } finally {
    await Promise.all(sources.map((s) => s.return(undefined)));
  }
}

/**
 * From a schema-valid {@link ScenarioInput} to the normalised {@link Scenario}: defaults filled,
 * presets expanded, calibration overrides applied, cross-references and time bounds checked.
 */
import { calibrate, DEFAULT_CALIBRATION, type Calibration, type CalibrationOverrides } from '../../sim/calibration.js';
import { VicsimError } from '../../sim/errors.js';
import { SCENARIO_DEFAULTS } from './defaults.js';
import type { DocPath } from './issues.js';
import { normaliseClusters, normaliseVchs, type IssueSink } from './normalise-infra.js';
import { hostNames, normaliseArrivals, normaliseEvents, normaliseProfiles } from './normalise-workload.js';
import type { ScenarioInput } from './schema.js';
import type { Scenario } from './types.js';

/** Where the scenario came from, for defaults that depend on it. */
export interface NormaliseContext {
  /** Directory relative trace paths resolve against. */
  readonly baseDir: string;
  /** Name when the scenario gives none (the file name without extension). */
  readonly defaultName: string;
}

/** A problem with its document path, before lines are attached. */
export interface PathIssue {
  readonly path: DocPath;
  readonly message: string;
}

/** The outcome: a scenario, or every problem found. */
export type NormaliseResult = { readonly ok: true; readonly scenario: Scenario } | { readonly ok: false; readonly issues: readonly PathIssue[] };

/** Normalises `input`; collects every problem rather than stopping at the first. O(size of the scenario). */
export function normaliseScenario(input: ScenarioInput, context: NormaliseContext): NormaliseResult {
  const issues: PathIssue[] = [];
  const sink: IssueSink = { add: (path, message) => issues.push({ path, message }) };
  const durationMs = input.duration;
  if (durationMs <= 0) sink.add(['duration'], 'the run must last longer than 0');
  const sampleIntervalMs = input.sampleInterval ?? Math.min(SCENARIO_DEFAULTS.sampleIntervalMs, durationMs);
  if (sampleIntervalMs <= 0 || sampleIntervalMs > durationMs) sink.add(['sampleInterval'], `expected more than 0 and at most the duration (${durationMs} ms), got ${sampleIntervalMs} ms`);
  const hostSampleIntervalMs = hostSampleInterval(input.hostSampleInterval, sampleIntervalMs, durationMs, sink);
  const overrides = (input.calibration ?? {}) as CalibrationOverrides;
  const calibration = applyCalibration(overrides, sink);
  const clusters = normaliseClusters(input, sink);
  const vchs = normaliseVchs(input, clusters, sink);
  const profiles = normaliseProfiles(input, calibration, sink);
  const names = { profiles: new Set(profiles.map((p) => p.name)), vchs, hosts: hostNames(clusters), durationMs, baseDir: context.baseDir };
  const arrivals = normaliseArrivals(input, names, sink);
  const events = normaliseEvents(input, names, sink);
  if (issues.length > 0) return { ok: false, issues };
  const scenario: Scenario = {
    name: input.name ?? context.defaultName,
    description: input.description ?? '',
    seed: input.seed ?? SCENARIO_DEFAULTS.seed,
    durationMs,
    sampleIntervalMs,
    hostSampleIntervalMs,
    clusters,
    vchs,
    profiles,
    arrivals,
    events,
    calibrationOverrides: overrides,
    calibration,
  };
  return { ok: true, scenario };
}

/**
 * The host sampling interval as written (it must be a multiple of the sampling interval), or the
 * smallest multiple giving at most SCENARIO_DEFAULTS.hostSeriesMaxPoints samples per host.
 */
function hostSampleInterval(written: number | undefined, sampleIntervalMs: number, durationMs: number, sink: IssueSink): number {
  if (written === undefined) return sampleIntervalMs * Math.max(1, Math.ceil(Math.ceil(durationMs / sampleIntervalMs) / SCENARIO_DEFAULTS.hostSeriesMaxPoints));
  if (!(written > 0) || written % sampleIntervalMs !== 0) sink.add(['hostSampleInterval'], `expected a multiple of the sampling interval (${sampleIntervalMs} ms), got ${written} ms`);
  return written;
}

/** The calibration with `overrides`; a bad override becomes an issue at its path under `calibration`. */
function applyCalibration(overrides: CalibrationOverrides, sink: IssueSink): Calibration {
  try {
    return calibrate(overrides);
  } catch (err) {
    if (!(err instanceof VicsimError)) throw err;
    const key = /calibration (?:key |section )?([A-Za-z.]+)/.exec(err.message)?.[1];
    sink.add(['calibration', ...(key && key !== 'overrides' ? key.split('.') : [])], err.message);
    return DEFAULT_CALIBRATION;
  }
}

/**
 * The zod schema of a scenario as written (YAML or JSON): which keys exist, their types and
 * units. Parsing converts units (sizes to MB, durations to ms, frequencies to MHz) but fills no
 * defaults and checks no cross-references: normalise.ts does both. Every object is strict, so a
 * misspelt key is an error rather than silently ignored.
 */
import { z } from 'zod';
import {
  boundedNumber,
  bytesPerSec,
  durationMs,
  fraction,
  frequencyMHz,
  limitOf,
  ratePerSec,
  sharesSetting,
  sizeBytes,
  sizeMB,
  threshold,
  unitField,
  wholeNumber,
} from './fields.js';
import { parseMegabytes, parseMHz } from '../../sim/units.js';

/**
 * `whenObject` for an object input, `otherwise` for anything else; the chosen schema's issues
 * keep their codes and paths. Gives precise messages where a union would say only "invalid input".
 */
function objectOr<A extends z.ZodType, B extends z.ZodType>(whenObject: A, otherwise: B, isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v)) {
  return z.unknown().transform((value, ctx): z.output<A> | z.output<B> => {
    const result = (isObject(value) ? whenObject : otherwise).safeParse(value, { reportInput: true });
    if (result.success) return result.data as z.output<A> | z.output<B>;
    for (const issue of result.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  });
}

const name = z.string().min(1);

const hostShape = { cores: wholeNumber(1).optional(), coreSpeed: frequencyMHz.optional(), memory: sizeMB.optional() };
const hostInput = z.strictObject({ name: name.optional(), ...hostShape });

const drsInput = z.strictObject({ enabled: z.boolean().optional(), migrationThreshold: threshold.optional(), interval: durationMs.optional(), sharingAwarePlacement: z.boolean().optional() });
const haInput = z.strictObject({
  enabled: z.boolean().optional(),
  policy: z.enum(['slot', 'percentage', 'disabled']).optional(),
  /** Slot policy: host failures to tolerate. */
  hostFailures: wholeNumber(0).optional(),
  /** Percentage policy: one share for both resources, or each on its own. */
  reserve: fraction.optional(),
  cpu: fraction.optional(),
  memory: fraction.optional(),
});
const dpmInput = z.strictObject({
  enabled: z.boolean().optional(),
  threshold: threshold.optional(),
  /** The target band of host demand ÷ capacity: standby below `low`, power-on above `high`. */
  low: fraction.optional(),
  high: fraction.optional(),
  minHostsOn: wholeNumber(1).optional(),
  /** How long a host takes to leave standby. */
  hostBootTime: durationMs.optional(),
});

const clusterSettings = { name: name.optional(), datastore: sizeBytes.optional(), drs: drsInput.optional(), ha: haInput.optional(), dpm: dpmInput.optional() };
const explicitCluster = z.strictObject({ ...clusterSettings, hosts: z.array(hostInput).min(1) });
const presetCluster = z.strictObject({ ...clusterSettings, preset: z.literal('cluster'), hosts: wholeNumber(1), host: z.strictObject(hostShape).optional() });
const clusterInput = objectOr(presetCluster, explicitCluster, (v) => typeof v === 'object' && v !== null && 'preset' in v);

const allocationInput = (parse: (t: string | number) => number, expected: string) =>
  z.strictObject({
    reservation: unitField(expected, parse).optional(),
    limit: limitOf(expected, parse).optional(),
    shares: sharesSetting.optional(),
    expandable: z.boolean().optional(),
  });
const vchInput = z.strictObject({
  name: name.optional(),
  cluster: name.optional(),
  provisioning: z.enum(['instant', 'linked', 'full', 'boot']).optional(),
  cpu: allocationInput(parseMHz, "a frequency like '20GHz'").optional(),
  memory: allocationInput(parseMegabytes, "a size like '64g'").optional(),
  maxContainers: z.union([wholeNumber(1), z.literal('unlimited')]).optional(),
});

const curveInput = z.strictObject({
  curve: z.array(z.strictObject({ at: durationMs, demand: frequencyMHz })).min(1),
  period: durationMs.optional(),
  clock: z.enum(['container', 'scenario']).optional(),
});
const lifetimeObject = z.discriminatedUnion('distribution', [
  z.strictObject({ distribution: z.literal('fixed'), duration: durationMs }),
  z.strictObject({ distribution: z.literal('exponential'), mean: durationMs }),
  z.strictObject({ distribution: z.literal('lognormal'), median: durationMs, sigma: boundedNumber(0, 10) }),
  z.strictObject({ distribution: z.literal('forever') }),
]);
const profileInput = z.strictObject({
  name,
  memory: sizeMB.optional(),
  cpus: wholeNumber(1).optional(),
  workingSet: sizeMB.optional(),
  dirtyRate: bytesPerSec.optional(),
  locality: boundedNumber(0, 1, true).optional(),
  zeroShare: boundedNumber(0, 1).optional(),
  cpu: objectOr(curveInput, frequencyMHz).optional(),
  lifetime: objectOr(lifetimeObject, z.literal('forever')).optional(),
  reservation: z.strictObject({ cpu: frequencyMHz.optional(), memory: sizeMB.optional() }).optional(),
});

const diurnalInput = z.strictObject({
  hourly: z.array(boundedNumber(0, 1e6)).length(24).optional(),
  sinusoid: z.strictObject({ amplitude: fraction, peakHour: boundedNumber(0, 24, true) }).optional(),
});
const streamBase = { profile: name, vch: name.optional() };
const arrivalInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('poisson'), ...streamBase, rate: ratePerSec, diurnal: diurnalInput.optional(), start: durationMs.optional(), end: durationMs.optional() }),
  z.strictObject({ kind: z.literal('schedule'), ...streamBase, batches: z.array(z.strictObject({ at: durationMs, count: wholeNumber(1) })).min(1) }),
  z.strictObject({
    kind: z.literal('trace'),
    ...streamBase,
    file: name,
    format: z.enum(['azure-vmtable', 'simple']),
    timeScale: boundedNumber(1e-9, 1e9).optional(),
    skip: durationMs.optional(),
    maxRecords: wholeNumber(1).optional(),
    reorderWindow: wholeNumber(0).optional(),
  }),
]);

const eventInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('hostFailure'), at: durationMs, host: name }),
  z.strictObject({ kind: z.literal('maintenance'), at: durationMs, host: name }),
  z.strictObject({ kind: z.literal('recover'), at: durationMs, host: name }),
  z.strictObject({
    kind: z.literal('poolLimit'),
    at: durationMs,
    vch: name,
    cpu: limitOf("a frequency like '20GHz'", parseMHz).optional(),
    memory: limitOf("a size like '64g'", parseMegabytes).optional(),
  }),
]);

/** A scenario document as written. `duration`, `clusters` and `profiles` are required. */
export const scenarioInput = z.strictObject({
  name: name.optional(),
  description: z.string().optional(),
  seed: z.int().min(-(2 ** 31)).max(2 ** 31 - 1).optional(),
  duration: durationMs,
  sampleInterval: durationMs.optional(),
  hostSampleInterval: durationMs.optional(),
  /** Defaults for every cluster that does not set its own. */
  drs: drsInput.optional(),
  ha: haInput.optional(),
  dpm: dpmInput.optional(),
  clusters: z.array(clusterInput).min(1),
  vchs: z.array(vchInput).min(1).optional(),
  profiles: z.array(profileInput).min(1),
  arrivals: z.array(arrivalInput).optional(),
  events: z.array(eventInput).optional(),
  calibration: z.record(z.string(), z.unknown()).optional(),
});

/** The parsed, unit-converted input. */
export type ScenarioInput = z.output<typeof scenarioInput>;
/** One cluster as written, either explicit hosts or a preset. */
export type ClusterInput = z.output<typeof clusterInput>;
export type HostInput = z.output<typeof hostInput>;
export type DrsInput = z.output<typeof drsInput>;
export type HaInput = z.output<typeof haInput>;
export type DpmInput = z.output<typeof dpmInput>;
export type VchInput = z.output<typeof vchInput>;
export type ProfileInput = z.output<typeof profileInput>;
export type ArrivalInput = z.output<typeof arrivalInput>;
export type EventInput = z.output<typeof eventInput>;

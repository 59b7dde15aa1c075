/**
 * The vMotion model (calibration.md, vMotion). Pre-copy: with memory M, link rate R and dirty
 * rate D (λ = D/R), round 0 sends M and round i sends M·λ^i, until what is left (M·λ^(n+1)) is
 * under the switch-over threshold or the round cap is reached; then the VM is stunned while the
 * rest is sent and it resumes on the destination:
 *   T = (M/R)·(1 − λ^(n+1))/(1 − λ) + T_switch,  T_switch = stun = M·λ^(n+1)/R + resume.
 * If λ ≥ 1 pre-copy can never converge, so vSphere slows the vCPUs (SDPS) until it does: the
 * model throttles the dirty rate to `sdpsLambda`·R. Plus the concurrency costs that limit how
 * many vMotions a host, a network and a datastore carry at once, and the simple comparator
 * CloudSim uses.
 */
import { InvalidArgumentError } from '../sim/errors.js';
import { VMOTION_COSTS, VMOTION_PRECOPY } from './constants.js';
import { definedOnly } from './options.js';
import type { HostSnapshot, VmSnapshot } from './snapshot.js';

/** Pre-copy tunables; defaults in constants.ts. */
export interface PrecopyOptions {
  /** Stun the switch-over aims under, ms (the threshold is what R sends in the time left after resume). */
  readonly targetStunMs?: number;
  /** Time to resume on the destination, ms. */
  readonly resumeMs?: number;
  /** Most pre-copy rounds before a forced switch-over, ≥ 1. */
  readonly maxRounds?: number;
  /** λ SDPS throttles the guest to when λ ≥ 1, in (0, 1). */
  readonly sdpsLambda?: number;
}

/** Outcome of one vMotion. */
export interface PrecopyResult {
  /** Link rate, MB/s. */
  readonly rateMBps: number;
  /** λ the pre-copy ran at (after SDPS if it engaged). */
  readonly lambda: number;
  /** Whether SDPS slowed the guest because D ≥ R. */
  readonly sdps: boolean;
  /** MB sent in each pre-copy round. */
  readonly roundsMB: readonly number[];
  /** Pre-copy time, s. */
  readonly precopySeconds: number;
  /** MB left for the switch-over. */
  readonly remainderMB: number;
  /** Stun (switch-over) time, s. */
  readonly stunSeconds: number;
  /** Pre-copy plus switch-over, s. */
  readonly totalSeconds: number;
  /** Whether the remainder got under the switch-over threshold (false: the round cap forced it). */
  readonly converged: boolean;
}

/** MB/s a link of `gbps` Gb/s carries (1 Gb/s = 125 MB/s, CloudSim's convention). */
export function linkRateMBps(gbps: number): number {
  return (gbps * 1000) / 8;
}

/**
 * Simulates the pre-copy of `memoryMB` MB dirtied at `dirtyMBps` over a `linkGbps` link. O(rounds).
 * Preconditions: memoryMB ≥ 0, dirtyMBps ≥ 0, linkGbps > 0.
 */
export function precopy(memoryMB: number, dirtyMBps: number, linkGbps: number, options: PrecopyOptions = {}): PrecopyResult {
  checkVmotion(memoryMB, dirtyMBps, linkGbps);
  const o = resolvePrecopy(options);
  const roundsMB: number[] = [];
  const r = precopyRun(memoryMB, dirtyMBps, linkGbps, o, roundsMB);
  return { rateMBps: r.rate, lambda: r.lambda, sdps: r.sdps, roundsMB, precopySeconds: r.precopySeconds, remainderMB: r.remainderMB, stunSeconds: r.stunSeconds, totalSeconds: r.precopySeconds + r.stunSeconds, converged: r.remainderMB <= r.threshold };
}

/** Pre-copy tunables with the defaults filled in and checked; resolve once, then time many vMotions with {@link precopyTotalSeconds}. */
export type ResolvedPrecopy = Readonly<Required<PrecopyOptions>>;

/** `options` over the defaults, checked. O(1). @throws InvalidArgumentError for a bad round cap, SDPS λ or stun target. */
export function resolvePrecopy(options: PrecopyOptions = {}): ResolvedPrecopy {
  const o = { ...VMOTION_PRECOPY, ...definedOnly(options) };
  checkPrecopyOptions(o);
  return o;
}

/**
 * `precopy(...).totalSeconds` without the result object or the list of rounds, for scans over
 * every VM (the adaptive move budget). Same arithmetic, same value to the bit. O(rounds).
 * Preconditions: as {@link precopy}; `o` from {@link resolvePrecopy}.
 */
export function precopyTotalSeconds(memoryMB: number, dirtyMBps: number, linkGbps: number, o: ResolvedPrecopy): number {
  checkVmotion(memoryMB, dirtyMBps, linkGbps);
  const r = precopyRun(memoryMB, dirtyMBps, linkGbps, o, undefined);
  return r.precopySeconds + r.stunSeconds;
}

/** The scalars of one pre-copy run; a module-level scratch record (one run at a time, no allocation). */
const run = { rate: 0, lambda: 0, sdps: false, threshold: 0, precopySeconds: 0, remainderMB: 0, stunSeconds: 0 };

/** Runs the pre-copy rounds into `run` (and each round's MB into `roundsMB` when given). O(rounds). */
function precopyRun(memoryMB: number, dirtyMBps: number, linkGbps: number, o: ResolvedPrecopy, roundsMB: number[] | undefined): typeof run {
  const rate = linkRateMBps(linkGbps);
  const sdps = dirtyMBps >= rate;
  const lambda = sdps ? o.sdpsLambda : dirtyMBps / rate;
  const threshold = (rate * Math.max(0, o.targetStunMs - o.resumeMs)) / 1000;
  let rounds = 0;
  let toSend = memoryMB;
  do {
    roundsMB?.push(toSend);
    rounds++;
    toSend *= lambda;
  } while (toSend > threshold && rounds < o.maxRounds);
  run.rate = rate;
  run.lambda = lambda;
  run.sdps = sdps;
  run.threshold = threshold;
  run.precopySeconds = precopyRoundsSeconds(memoryMB, rate, lambda, rounds - 1);
  run.remainderMB = toSend;
  run.stunSeconds = toSend / rate + o.resumeMs / 1000;
  return run;
}

/** (M/R)·(1 − λ^(n+1))/(1 − λ): the time of pre-copy rounds 0..n, (M/R)·(n+1) when λ = 1. O(1). */
export function precopyRoundsSeconds(memoryMB: number, rateMBps: number, lambda: number, n: number): number {
  if (lambda === 1) return (memoryMB / rateMBps) * (n + 1);
  return ((memoryMB / rateMBps) * (1 - lambda ** (n + 1))) / (1 - lambda);
}

/**
 * CloudSim's migration time: memory ÷ (bandwidth / 2), half the link reserved for migration, no
 * dirtying. calibration.md, golden case 4: 1024 MB at 1 Gb/s → 16.4 s. O(1).
 * Preconditions: memoryMB ≥ 0, bandwidthMbps > 0.
 */
export function cloudsimMigrationSeconds(memoryMB: number, bandwidthMbps: number): number {
  if (!(bandwidthMbps > 0)) throw new InvalidArgumentError('bandwidthMbps', `bandwidth must be > 0, got ${bandwidthMbps}`);
  if (!(memoryMB >= 0)) throw new InvalidArgumentError('memoryMB', `memory must be ≥ 0, got ${memoryMB}`);
  return memoryMB / (bandwidthMbps / 8 / 2);
}

/** Network max cost of a host with a `linkGbps` vMotion link: 8 at 10 GbE and above, else 4. */
export function networkMaxCost(linkGbps: number): number {
  return linkGbps >= 10 ? VMOTION_COSTS.networkMaxCost10GbE : VMOTION_COSTS.networkMaxCost1GbE;
}

/**
 * Most vMotions a host with a `linkGbps` link carries at once: the least of host cost, network
 * cost and the 250 Mb/s each vMotion needs. 4 at 1 GbE, 8 at 10 GbE. O(1).
 */
export function maxConcurrentVmotions(linkGbps: number): number {
  const per = VMOTION_COSTS.perVmotion;
  const byBandwidth = Math.floor((linkGbps * 1000) / VMOTION_COSTS.minMbpsPerVmotion);
  return Math.min(Math.floor(VMOTION_COSTS.hostMaxCost / per), Math.floor(networkMaxCost(linkGbps) / per), byBandwidth);
}

/** vMotions already running that involve the source host, the destination host and the datastore. */
export interface VmotionLoad {
  readonly sourceInFlight: number;
  readonly destinationInFlight: number;
  readonly datastoreInFlight: number;
  readonly sourceGbps: number;
  readonly destinationGbps: number;
}

/** Whether one more vMotion may start now, or which limit stops it. O(1). */
export function vmotionAdmission(load: VmotionLoad): { ok: true } | { ok: false; limit: 'source' | 'destination' | 'datastore'; max: number } {
  const source = maxConcurrentVmotions(load.sourceGbps);
  if (load.sourceInFlight + 1 > source) return { ok: false, limit: 'source', max: source };
  const destination = maxConcurrentVmotions(load.destinationGbps);
  if (load.destinationInFlight + 1 > destination) return { ok: false, limit: 'destination', max: destination };
  const datastore = Math.floor(VMOTION_COSTS.datastoreMaxCost / VMOTION_COSTS.perVmotion);
  if (load.datastoreInFlight + 1 > datastore) return { ok: false, limit: 'datastore', max: datastore };
  return { ok: true };
}

function checkVmotion(memoryMB: number, dirtyMBps: number, linkGbps: number): void {
  if (!(memoryMB >= 0)) throw new InvalidArgumentError('memoryMB', `memory must be ≥ 0, got ${memoryMB}`);
  if (!(dirtyMBps >= 0)) throw new InvalidArgumentError('dirtyMBps', `dirty rate must be ≥ 0, got ${dirtyMBps}`);
  if (!(linkGbps > 0)) throw new InvalidArgumentError('linkGbps', `link rate must be > 0, got ${linkGbps}`);
}

function checkPrecopyOptions(o: Required<PrecopyOptions>): void {
  if (!Number.isInteger(o.maxRounds) || o.maxRounds < 1) throw new InvalidArgumentError('maxRounds', `round cap must be an integer ≥ 1, got ${o.maxRounds}`);
  if (!(o.sdpsLambda > 0 && o.sdpsLambda < 1)) throw new InvalidArgumentError('sdpsLambda', `SDPS λ must be in (0, 1), got ${o.sdpsLambda}`);
  if (!(o.targetStunMs >= 0 && o.resumeMs >= 0)) throw new InvalidArgumentError('targetStunMs', 'stun target and resume time must be ≥ 0');
}

/**
 * Pre-copy of a VM between two hosts: its consumed memory (the pages it touched) at its dirty
 * rate over the slower of the two vMotion links. O(rounds).
 */
export function vmMigration(vm: VmSnapshot, from: HostSnapshot, to: HostSnapshot, options: PrecopyOptions = {}): PrecopyResult {
  return precopy(vm.demand.memConsumedMB, vm.dirtyMBps, Math.min(from.vmotionGbps, to.vmotionGbps), options);
}

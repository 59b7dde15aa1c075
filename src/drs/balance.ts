/**
 * One DRS pass (calibration.md, DRS): entitlements, mandatory moves (maintenance evacuation,
 * rule violations), then the greedy load-balancing loop. While the imbalance is above the
 * threshold's target (or, 6.5+, two hosts' loads differ by more than the tolerable gap) and the
 * move budget lasts, score every (VM, less-loaded destination) move — among the busiest and the
 * idlest hosts, candidates.ts — by goodness = I before − I after, drop moves that break a cap, a reservation or a rule, drop those below MinGoodness or
 * failing cost-benefit, apply the best, repeat. Every move and every notable refusal says why.
 */
import { InvalidArgumentError } from '../sim/errors.js';
import { COST_BENEFIT_HORIZON_SEC, DEFAULT_MIGRATION_THRESHOLD, DRS_PERIOD_SEC, MIN_GOODNESS, PAIRWISE_GAP_BY_THRESHOLD } from './constants.js';
import { findCandidates, type Candidate, type CandidateCounts } from './candidates.js';
import { computeEntitlementVectors, entitlementMaps, type EntitlementOptions, type Entitlements } from './entitlement.js';
import { checkThreshold, imbalancePriority, targetImbalance, tolerableGap } from './imbalance.js';
import { HostLedger, type LedgerOptions } from './ledger.js';
import { evacuateMaintenanceHosts, fixRuleViolations, type PassState } from './mandatory.js';
import type { RejectedMove, Recommendation } from './recommendations.js';
import { RuleIndex } from './rules.js';
import type { ClusterSnapshot, VmSnapshot } from './snapshot.js';
import { maxConcurrentVmotions, precopyTotalSeconds, resolvePrecopy, vmMigration, type PrecopyOptions, type ResolvedPrecopy } from './vmotion.js';
import { flatText } from './flat-text.js';

/** Options of a pass; defaults in constants.ts. */
export interface BalanceOptions {
  /** Migration threshold 1..5 (default 3): priorities ≤ t are applied; 1 makes mandatory moves only. */
  readonly threshold?: number;
  readonly entitlement?: EntitlementOptions;
  readonly ledger?: LedgerOptions;
  /** Smallest goodness worth a move (default {@link MIN_GOODNESS}). */
  readonly minGoodness?: number;
  /** Apply the cost-benefit filter (default true). */
  readonly costBenefit?: boolean;
  /** How long a move's benefit is assumed to last, s (default 300). */
  readonly benefitHorizonSec?: number;
  /** Apply the 6.5+ pairwise utilization-gap check (default true). */
  readonly pairwiseGap?: boolean;
  readonly gaps?: Readonly<Record<number, number>>;
  /** Most load-balancing moves in the pass (default unbounded: the adaptive per-host budget rules). */
  readonly maxMoves?: number;
  /** DRS period, s: with the mean vMotion time it sets the adaptive per-host budget (default 300). */
  readonly periodSec?: number;
  readonly precopy?: PrecopyOptions;
}

/** Why the load-balancing loop stopped. */
export type StopReason = 'balanced' | 'threshold-1' | 'move-budget' | 'no-candidate' | 'below-min-goodness' | 'cost-benefit';

/** The outcome of a pass. */
export interface BalanceResult {
  readonly entitlements: Entitlements;
  readonly imbalanceBefore: number;
  /** After the mandatory moves, before load balancing. */
  readonly imbalanceAfterMandatory: number;
  readonly imbalanceAfter: number;
  readonly targetImbalance: number;
  readonly tolerableGap: number | undefined;
  /** Every move, mandatory ones first, in the order they apply. */
  readonly recommendations: readonly Recommendation[];
  /** The best moves each filter turned down, and VMs that had to move but could not. */
  readonly rejected: readonly RejectedMove[];
  readonly stopReason: StopReason;
  /** Adaptive budget: moves each host may take part in during the pass. */
  readonly movesPerHostLimit: readonly number[];
  /** Candidates dropped by the hard filters over all scans. */
  readonly filtered: CandidateCounts;
}

/** Candidates kept per scan for the cost-benefit filter. */
const TOP_CANDIDATES = 8;

/**
 * Runs one DRS pass over `snapshot`. Pure: same snapshot and options, same result.
 * O(V + P) set-up (entitlements, radix-ordered water fills; the ledger; vMotion times for the adaptive budget),
 * then per applied move one scan of O(H_s × V/32 + V_s × D): V_s VMs on the ≤ 12 shortlisted busy
 * hosts (from the ledger's per-host VM index) and D ≤ 12 shortlisted idle hosts (candidates.ts),
 * each pair O(1) plus O(r) rule checks.
 * The result's `entitlements` maps are built on first read (O(V)); a caller that does not read them does not pay for them.
 * A caller that runs passes over the same cluster again and again keeps a DrsSession (session.ts) instead: same results, less set-up.
 * Preconditions: as {@link computeEntitlementVectors}.
 */
export function balanceCluster(snapshot: ClusterSnapshot, options: BalanceOptions = {}): BalanceResult {
  checkPassOptions(options);
  const vectors = computeEntitlementVectors(snapshot, options.entitlement);
  const ledger = HostLedger.fromVectors(snapshot, vectors, options.ledger);
  let entitlements: Entitlements | undefined;
  const input: PassInput = { vms: snapshot.vms, rules: new RuleIndex(snapshot.rules), ledger, entitlements: () => (entitlements ??= entitlementMaps(snapshot, vectors)) };
  return runPass(input, options);
}

/** Checks the threshold and the move budget of `options`. O(1). @throws InvalidArgumentError for a threshold outside 1..5 or a negative budget. */
export function checkPassOptions(options: BalanceOptions): void {
  checkThreshold(options.threshold ?? DEFAULT_MIGRATION_THRESHOLD);
  const maxMoves = options.maxMoves ?? Infinity;
  if (!(maxMoves >= 0)) throw new InvalidArgumentError('maxMoves', `move budget must be ≥ 0, got ${maxMoves}`);
}

/** Σ of vMotion times, s, and how many VMs they cover. */
export interface VmotionTotal {
  readonly seconds: number;
  readonly count: number;
}

/** What a pass works on: prepared afresh from a snapshot ({@link balanceCluster}) or kept across passes (session.ts). */
export interface PassInput {
  /** The VMs in ledger order (read for ids, consumed memory and dirty rates). */
  readonly vms: readonly VmSnapshot[];
  readonly rules: RuleIndex;
  /** Every VM on its host with its entitlement, as HostLedger.fromVectors builds it; the pass moves VMs in it. */
  readonly ledger: HostLedger;
  /** The entitlement maps of the result, built when first read. */
  readonly entitlements: () => Entitlements;
  /**
   * Σ precopyTotalSeconds over the VMs on hosts that receive, in ledger order, with the ledger as
   * it stands after the mandatory moves (the adaptive budget); default: {@link vmotionTotal}.
   */
  readonly vmotionTotal?: (ledger: HostLedger, vms: readonly VmSnapshot[], precopy: ResolvedPrecopy) => VmotionTotal;
}

/**
 * The pass itself over a prepared ledger: mandatory moves, move limits, the greedy loop.
 * Preconditions: `input.ledger` holds `input.vms` in order with their entitlements; options as {@link checkPassOptions} accepts.
 */
export function runPass(input: PassInput, options: BalanceOptions = {}): BalanceResult {
  checkPassOptions(options);
  const threshold = options.threshold ?? DEFAULT_MIGRATION_THRESHOLD;
  const maxMoves = options.maxMoves ?? Infinity;
  const { ledger } = input;
  const state: PassState = {
    ledger,
    rules: input.rules,
    vms: input.vms,
    threshold,
    precopy: options.precopy ?? {},
    movesPerHost: new Int32Array(ledger.hosts.length),
    recommendations: [],
    rejected: [],
  };
  const imbalanceBefore = ledger.imbalance();
  evacuateMaintenanceHosts(state);
  fixRuleViolations(state);
  const imbalanceAfterMandatory = ledger.imbalance();
  const hosts = Math.max(1, ledger.countedHosts);
  const target = targetImbalance(threshold, hosts);
  const gap = options.pairwiseGap === false ? undefined : tolerableGap(threshold, options.gaps ?? PAIRWISE_GAP_BY_THRESHOLD);
  const limits = perHostMoveLimits(state, options.periodSec ?? DRS_PERIOD_SEC, input.vmotionTotal ?? vmotionTotal);
  const filtered: CandidateCounts = { loadCap: 0, reservation: 0, rule: 0 };
  const loop = { state, options, target, gap, limits, filtered, maxMoves };
  const stopReason = threshold === 1 ? 'threshold-1' : balanceLoad(loop);
  return {
    get entitlements(): Entitlements {
      return input.entitlements();
    },
    imbalanceBefore,
    imbalanceAfterMandatory,
    imbalanceAfter: ledger.imbalance(),
    targetImbalance: target,
    tolerableGap: gap,
    recommendations: state.recommendations,
    rejected: state.rejected,
    stopReason,
    movesPerHostLimit: limits,
    filtered,
  };
}

/** The load-balancing loop's inputs. */
interface LoopInput {
  readonly state: PassState;
  readonly options: BalanceOptions;
  readonly target: number;
  readonly gap: number | undefined;
  readonly limits: readonly number[];
  readonly filtered: CandidateCounts;
  readonly maxMoves: number;
}

/** The greedy loop; returns why it stopped. */
function balanceLoad(loop: LoopInput): StopReason {
  const { state, options, target, gap } = loop;
  const { ledger } = state;
  const minGoodness = options.minGoodness ?? MIN_GOODNESS;
  let moves = 0;
  for (;;) {
    const imbalance = ledger.imbalance();
    const spread = ledger.loadSpread();
    const gapTriggered = gap !== undefined && spread > gap;
    if (imbalance <= target && !gapTriggered) return 'balanced';
    if (moves >= loop.maxMoves) return 'move-budget';
    const candidates = findCandidates(ledger, state.rules, imbalance, loop.limits, state.movesPerHost, TOP_CANDIDATES, loop.filtered);
    if (candidates.length === 0) return 'no-candidate';
    if (candidates[0]!.goodness < minGoodness) {
      reject(state, candidates[0]!, 'min-goodness', flatText`goodness ${candidates[0]!.goodness.toExponential(3)} is below MinGoodness ${minGoodness}`);
      return 'below-min-goodness';
    }
    const chosen = firstPassingCostBenefit(loop, candidates, imbalance, minGoodness);
    if (!chosen) return 'cost-benefit';
    const priority = imbalance > target ? Math.max(2, imbalancePriority(imbalance, ledger.countedHosts)) : state.threshold;
    const why = imbalance > target ? `imbalance ${imbalance.toFixed(4)} is above the target ${target.toFixed(4)}` : `the load gap ${spread.toFixed(3)} is above the tolerable ${gap}`;
    apply(state, chosen, priority, why);
    moves++;
  }
}

/** The first candidate (best goodness first) that is above MinGoodness and passes cost-benefit; records those that fail. */
function firstPassingCostBenefit(loop: LoopInput, candidates: readonly Candidate[], imbalance: number, minGoodness: number): Candidate | undefined {
  const { state, options } = loop;
  const { ledger } = state;
  const horizon = options.benefitHorizonSec ?? COST_BENEFIT_HORIZON_SEC;
  for (const c of candidates) {
    if (c.goodness < minGoodness) return undefined;
    const migration = vmMigration(state.vms[c.vm]!, ledger.hosts[ledger.vmHost[c.vm]!]!, ledger.hosts[c.to]!, state.precopy);
    const during = ledger.imbalanceIfAdded(c.to, ledger.vmCpu[c.vm]!, ledger.vmMem[c.vm]!);
    const benefit = c.goodness * Math.max(0, horizon - migration.totalSeconds);
    const cost = migration.totalSeconds * Math.max(0, during - imbalance);
    const scored: Candidate = { ...c, migrationSeconds: migration.totalSeconds, benefit, cost };
    if (options.costBenefit === false || benefit > cost) return scored;
    reject(state, scored, 'cost-benefit', flatText`benefit ${benefit.toFixed(4)} ≤ cost ${cost.toFixed(4)} imbalance-seconds (a ${migration.totalSeconds.toFixed(1)} s vMotion, a ${horizon} s horizon)`);
  }
  return undefined;
}

function apply(state: PassState, c: Candidate, priority: number, why: string): void {
  const { ledger } = state;
  const from = ledger.vmHost[c.vm]!;
  const before = ledger.imbalance();
  const vm = state.vms[c.vm]!;
  const fromHost = ledger.hosts[from]!;
  const toHost = ledger.hosts[c.to]!;
  ledger.move(c.vm, c.to);
  state.movesPerHost[from]!++;
  state.movesPerHost[c.to]!++;
  const after = ledger.imbalance();
  state.recommendations.push({
    vm: vm.id,
    from: fromHost.id,
    to: toHost.id,
    reason: 'balance',
    priority,
    imbalanceBefore: before,
    imbalanceAfter: after,
    goodness: before - after,
    migrationSeconds: c.migrationSeconds!,
    benefit: c.benefit!,
    cost: c.cost!,
    explanation: flatText`priority ${priority}: move ${vm.id} from ${fromHost.id} to ${toHost.id} because ${why}; goodness ${(before - after).toFixed(4)}, benefit ${c.benefit!.toFixed(3)} > cost ${c.cost!.toFixed(3)}`,
  });
}

function reject(state: PassState, c: Candidate, filter: 'min-goodness' | 'cost-benefit', explanation: string): void {
  const { ledger } = state;
  state.rejected.push({
    vm: ledger.vmIds[c.vm]!,
    from: ledger.hosts[ledger.vmHost[c.vm]!]!.id,
    to: ledger.hosts[c.to]!.id,
    filter,
    goodness: c.goodness,
    ...(c.benefit === undefined ? {} : { benefit: c.benefit, cost: c.cost! }),
    explanation,
  });
}

/**
 * The adaptive per-host budget: as many vMotions as fit in one period at the mean vMotion time
 * of the running VMs, times the host's concurrency (4 at 1 GbE, 8 at 10 GbE). O(H) plus `total`'s
 * cost (O(V × rounds) for {@link vmotionTotal}).
 */
function perHostMoveLimits(state: PassState, periodSec: number, total: NonNullable<PassInput['vmotionTotal']>): number[] {
  const { ledger } = state;
  const sum = total(ledger, state.vms, resolvePrecopy(state.precopy));
  const mean = sum.count > 0 ? sum.seconds / sum.count : 1;
  const waves = Math.max(1, Math.floor(periodSec / Math.max(mean, 1e-9)));
  return ledger.hosts.map((h) => waves * maxConcurrentVmotions(h.vmotionGbps));
}

/**
 * Σ of the vMotion times of the VMs on hosts that receive, in ledger order, each over its host's
 * link. O(V × rounds), no allocation per VM ({@link precopyTotalSeconds}).
 */
export function vmotionTotal(ledger: HostLedger, vms: readonly VmSnapshot[], precopy: ResolvedPrecopy): VmotionTotal {
  let seconds = 0;
  let count = 0;
  for (let v = 0; v < ledger.vmIds.length; v++) {
    const h = ledger.vmHost[v]!;
    if (!ledger.receives(h)) continue;
    const vm = vms[v]!;
    seconds += precopyTotalSeconds(vm.demand.memConsumedMB, vm.dirtyMBps, ledger.hosts[h]!.vmotionGbps, precopy);
    count++;
  }
  return { seconds, count };
}

/**
 * Initial placement: which host a VM powers on (or an instant clone lands) on. A placement
 * strategy is one function over a ledger; "no host fits" is a result listing why each host was
 * refused, never an exception. A host qualifies when it is connected, is allowed for the
 * request (an instant clone needs its template's host), it runs fewer than its maxVms and its
 * unreserved capacity admits the VM's reservations and overhead (admission control), the VM's mandatory rules hold there, and the
 * VM's expected entitlement keeps the host under the load cap (100%). `should` rules are kept
 * when any host allows it and relaxed otherwise.
 *
 * Page-sharing-aware placement (beyond DRS, off unless the context carries `sharing`): among the
 * hosts DRS would accept — same checks, same `should` tier — whose imbalance after the placement is
 * within `imbalanceTolerance` of DRS's best and no higher than the imbalance a balancing pass at
 * `migrationThreshold` tolerates (targetImbalance; DRS's own best may exceed it, the others may not,
 * so repeated placements cannot pile VMs onto one host past what the next pass would undo), the one
 * where the VM's snapshot says the most of its memory would be backed by pages already resident
 * (`sharedMBIfPlacedOn`) wins; equal savings fall
 * back to DRS's order (least imbalance, then the host listed first). With no saving anywhere the
 * choice is DRS's own. The saving picks the host only: it does not lower the load a host is charged
 * (TPS merges pages on its own schedule; the measured consumption of the next snapshot shows it).
 */
import type { HostId } from '../sim/ids.js';
import { HOST_LOAD_CAP } from './constants.js';
import { uncontendedEntitlement, vmBounds } from './demand.js';
import { targetImbalance } from './imbalance.js';
import type { HostLedger } from './ledger.js';
import type { RuleIndex, RuleStrength } from './rules.js';
import type { CpuMem, HostSnapshot, PlacingVmSnapshot, VmSnapshot } from './snapshot.js';

/** What to place. */
export interface PlacementRequest {
  /** The VM; its `host` is ignored. */
  readonly vm: PlacingVmSnapshot;
  /** Only these hosts qualify (an instant clone: the hosts holding its frozen template). Default: all. */
  readonly allowedHosts?: ReadonlySet<HostId>;
  /**
   * Page-sharing-aware placement (beyond DRS; leave undefined to switch it off): MB of the VM's
   * memory that would be shared on `host` (e.g. pages of a template there). It lowers the VM's
   * memory load on that host, never its reservation. Must be pure and ≥ 0.
   */
  readonly sharedMB?: (host: HostId) => number;
}

/** The ledger and rules a strategy reads, and the load cap it keeps. */
export interface PlacementContext {
  readonly ledger: HostLedger;
  readonly rules: RuleIndex;
  /** Load cap, 1 = 100% (default); evacuation uses 1.5. */
  readonly loadCap?: number;
  /** Page-sharing-aware placement (beyond DRS); undefined = off, DRS's choice exactly. */
  readonly sharing?: SharingPreference;
}

/**
 * Imbalance a sharing-aware placement may add over DRS's best choice to land where memory is
 * shared (estimate: a tenth of the 0.1 step of DRS's priority formula, calibration.md, DRS — about
 * what one small VM changes on a host of a few dozen GB; the threshold's ceiling bounds the sum).
 */
export const SHARING_IMBALANCE_TOLERANCE = 0.01;

/** How page-sharing-aware placement trades balance for shared memory. */
export interface SharingPreference {
  /** Imbalance (standard deviation of host loads) a placement may add over DRS's best, ≥ 0. */
  readonly imbalanceTolerance: number;
  /** The cluster's migration threshold, 1..5: no host but DRS's best may leave more imbalance than it tolerates. */
  readonly migrationThreshold: number;
}

/** What the sharing preference did in one placement. */
export interface SharingChoice {
  /** MB of the VM's memory that resident pages back on the chosen host. */
  readonly savedMB: number;
  /** The host DRS alone would have chosen, and the imbalance it would have left. */
  readonly drsHost: HostId;
  readonly drsImbalanceAfter: number;
  readonly imbalanceTolerance: number;
  /** The imbalance the migration threshold tolerates (targetImbalance), which only DRS's own choice may exceed. */
  readonly imbalanceCeiling: number;
  /** The choice in words. */
  readonly explanation: string;
}

/** Why a host was refused. */
export type HostRefusal = 'host-state' | 'not-allowed' | 'reservation' | 'rule' | 'load-cap';

/** One refused host. */
export interface HostRejection {
  readonly host: HostId;
  readonly reason: HostRefusal;
  readonly detail: string;
}

/** A chosen host, or every host's refusal. */
export type PlacementResult =
  | { readonly ok: true; readonly host: HostId; readonly imbalanceAfter: number; readonly sharedMB: number; readonly relaxedShouldRules: boolean; readonly entitlement: CpuMem; readonly sharing?: SharingChoice }
  | { readonly ok: false; readonly rejections: readonly HostRejection[] };

/** A placement policy: one function. */
export type PlacementStrategy = (context: PlacementContext, request: PlacementRequest) => PlacementResult;

/** A qualifying host as a strategy ranks it. */
export interface HostOption {
  readonly index: number;
  /** The VM's expected entitlement there (placementEntitlement). */
  readonly entitlement: CpuMem;
  /** MB shared there (0 without the sharing hook), already capped at the memory entitlement. */
  readonly sharedMB: number;
}

/**
 * DRS placement: among qualifying hosts, the one leaving the least imbalance (ties: the host
 * listed first); hosts keeping the `should` rules first. With `context.sharing` and a VM whose
 * snapshot carries `sharedMBIfPlacedOn`, the sharing-aware choice of the module comment.
 * O(hosts × members of the VM's rules).
 */
export const drsPlacement: PlacementStrategy = (context, request) => {
  const rank = (o: HostOption): number => context.ledger.imbalanceIfAdded(o.index, o.entitlement.cpuMHz, o.entitlement.memoryMB - o.sharedMB);
  const savings = request.vm.sharedMBIfPlacedOn;
  return context.sharing && savings ? chooseSharing(context, context.sharing, request, savings, rank) : choose(context, request, rank);
};

/**
 * First fit (CloudSim's default policy, a comparator): the first qualifying host in listed
 * order; hosts keeping the `should` rules first. O(hosts × members of the VM's rules).
 */
export const firstFitPlacement: PlacementStrategy = (context, request) => choose(context, request, (o) => o.index);

/** Picks the qualifying host with the lowest `rank` (strict rule keepers first); lists refusals when none. */
function choose(context: PlacementContext, request: PlacementRequest, rank: (option: HostOption) => number): PlacementResult {
  const { ledger } = context;
  const entitlements = new Map<number, CpuMem>();
  let best: HostOption | undefined;
  let bestRank = Infinity;
  let bestStrict = false;
  for (let index = 0; index < ledger.hosts.length; index++) {
    const option = hostOption(request, ledger.hosts[index]!, index, entitlements);
    const verdict = checkHost(context, request, option);
    if (verdict !== 'all' && verdict !== 'mandatory') continue;
    const strict = verdict === 'all';
    if (best && (bestStrict && !strict)) continue;
    const r = rank(option);
    if (!best || (strict && !bestStrict) || r < bestRank) {
      best = option;
      bestRank = r;
      bestStrict = strict;
    }
  }
  if (!best) return refused(context, request, entitlements);
  const imbalanceAfter = ledger.imbalanceIfAdded(best.index, best.entitlement.cpuMHz, best.entitlement.memoryMB - best.sharedMB);
  return { ok: true, host: ledger.hosts[best.index]!.id, imbalanceAfter, sharedMB: best.sharedMB, relaxedShouldRules: !bestStrict, entitlement: best.entitlement };
}

/** A qualifying host with its rank and the MB resident pages would back there. */
interface RankedOption {
  readonly option: HostOption;
  readonly strict: boolean;
  readonly rank: number;
  readonly savedMB: number;
}

/**
 * The sharing-aware choice (module comment): DRS's tier and best rank, then the largest saving
 * among hosts ranked within the tolerance of the best; ties by rank, then listed order.
 * O(hosts × members of the VM's rules).
 */
function chooseSharing(context: PlacementContext, preference: SharingPreference, request: PlacementRequest, savings: NonNullable<PlacingVmSnapshot['sharedMBIfPlacedOn']>, rank: (o: HostOption) => number): PlacementResult {
  const { ledger } = context;
  const entitlements = new Map<number, CpuMem>();
  const options: RankedOption[] = [];
  for (let index = 0; index < ledger.hosts.length; index++) {
    const host = ledger.hosts[index]!;
    const option = hostOption(request, host, index, entitlements);
    const verdict = checkHost(context, request, option);
    if (verdict !== 'all' && verdict !== 'mandatory') continue;
    const savedMB = Math.min(Math.max(0, savings[host.id] ?? 0), request.vm.memoryMB);
    options.push({ option, strict: verdict === 'all', rank: rank(option), savedMB });
  }
  const anyStrict = options.some((o) => o.strict);
  const tier = options.filter((o) => o.strict === anyStrict);
  const drsBest = tier.reduce<RankedOption | undefined>((b, o) => (!b || o.rank < b.rank ? o : b), undefined);
  if (!drsBest) return refused(context, request, entitlements);
  const ceiling = targetImbalance(preference.migrationThreshold, Math.max(1, ledger.countedHosts));
  const limit = Math.min(drsBest.rank + preference.imbalanceTolerance, Math.max(drsBest.rank, ceiling));
  let best = drsBest;
  for (const o of tier) {
    if (o.rank > limit) continue;
    if (o.savedMB > best.savedMB || (o.savedMB === best.savedMB && o.rank < best.rank)) best = o;
  }
  const chosen = best.option;
  const host = ledger.hosts[chosen.index]!.id;
  const drsHost = ledger.hosts[drsBest.option.index]!.id;
  const sharing: SharingChoice = { savedMB: best.savedMB, drsHost, drsImbalanceAfter: drsBest.rank, imbalanceTolerance: preference.imbalanceTolerance, imbalanceCeiling: ceiling, explanation: explainSharing(host, best, drsHost, drsBest, preference, ceiling) };
  return { ok: true, host, imbalanceAfter: best.rank, sharedMB: chosen.sharedMB, relaxedShouldRules: !anyStrict, entitlement: chosen.entitlement, sharing };
}

/** The sharing-aware choice in words. */
function explainSharing(host: HostId, chosen: RankedOption, drsHost: HostId, drsBest: RankedOption, preference: SharingPreference, ceiling: number): string {
  const mb = (x: number): string => `${Math.round(x)} MB`;
  const imbalance = (x: number): string => x.toFixed(4);
  const tolerance = `within the tolerance ${imbalance(preference.imbalanceTolerance)} and under ${imbalance(ceiling)} (threshold ${preference.migrationThreshold})`;
  if (chosen === drsBest && chosen.savedMB > 0) return `${host}: DRS's choice (imbalance after ${imbalance(chosen.rank)}), where resident pages back ${mb(chosen.savedMB)} of the VM's memory; no host ${tolerance} backs more`;
  if (chosen === drsBest) return `${host}: DRS's choice (imbalance after ${imbalance(chosen.rank)}); no host ${tolerance} has pages of the VM resident`;
  return `${host}: resident pages back ${mb(chosen.savedMB)} of the VM's memory there (${mb(drsBest.savedMB)} on ${drsHost}, DRS's choice); imbalance after ${imbalance(chosen.rank)} against ${imbalance(drsBest.rank)}, ${tolerance}`;
}

/** Every host's refusal. O(hosts × members of the VM's rules). */
function refused(context: PlacementContext, request: PlacementRequest, entitlements: Map<number, CpuMem>): PlacementResult {
  return { ok: false, rejections: context.ledger.hosts.map((host, h) => describeRefusal(context, request, hostOption(request, host, h, entitlements))) };
}

/** The VM's expected entitlement and shared memory on host `index` (entitlements cached by core speed). */
function hostOption(request: PlacementRequest, host: HostSnapshot, index: number, cache: Map<number, CpuMem>): HostOption {
  let entitlement = cache.get(host.coreMHz);
  if (!entitlement) {
    entitlement = placementEntitlement(request.vm, host.coreMHz);
    cache.set(host.coreMHz, entitlement);
  }
  const sharedMB = request.sharedMB ? Math.min(Math.max(0, request.sharedMB(host.id)), entitlement.memoryMB) : 0;
  return { index, entitlement, sharedMB };
}

/** The checks of one host, cheapest first: the rule strength it keeps (`all`, or only `mandatory`), or why it is refused. O(members of the VM's rules). */
function checkHost(context: PlacementContext, request: PlacementRequest, option: HostOption): RuleStrength | HostRefusal {
  const { ledger, rules } = context;
  const h = option.index;
  const vm = request.vm;
  if (!ledger.receives(h)) return 'host-state';
  if (request.allowedHosts && !request.allowedHosts.has(ledger.hosts[h]!.id)) return 'not-allowed';
  if (!ledger.fitsReservation(h, vm.cpu.reservation, vm.memory.reservation + vm.overheadMB)) return 'reservation';
  if (rules.brokenRule(ledger, vm.id, h, 'mandatory')) return 'rule';
  if (!ledger.fitsLoadCap(h, option.entitlement.cpuMHz, option.entitlement.memoryMB - option.sharedMB, context.loadCap ?? HOST_LOAD_CAP)) return 'load-cap';
  return rules.brokenRule(ledger, vm.id, h, 'all') ? 'mandatory' : 'all';
}

/** Why host `option.index` is refused, in words. Preconditions: it is refused. */
function describeRefusal(context: PlacementContext, request: PlacementRequest, option: HostOption): HostRejection {
  const { ledger, rules } = context;
  const host = ledger.hosts[option.index]!;
  const vm = request.vm;
  const reason = checkHost(context, request, option) as HostRefusal;
  const reserved = ledger.reserved(option.index);
  const detail = {
    'host-state': `host is ${host.state}`,
    'not-allowed': 'host is not among the allowed hosts (no template there)',
    reservation: ledger.atVmLimit(option.index) ? `host runs its maximum of ${host.maxVms} VMs` : `unreserved ${host.cpuMHz - reserved.cpuMHz} MHz / ${host.memoryMB - reserved.memoryMB} MB < ${vm.cpu.reservation} MHz / ${vm.memory.reservation + vm.overheadMB} MB`,
    rule: `would break rule ${rules.brokenRule(ledger, vm.id, option.index, 'mandatory')?.id}`,
    'load-cap': `load would exceed ${Math.round((context.loadCap ?? HOST_LOAD_CAP) * 100)}%`,
  }[reason];
  return { host: host.id, reason, detail };
}

/** The entitlement a VM about to power on is expected to get on a host with `coreMHz` cores: its uncontended entitlement. O(1). */
export function placementEntitlement(vm: VmSnapshot, coreMHz: number): CpuMem {
  return { cpuMHz: uncontendedEntitlement(vmBounds(vm, 'cpu', coreMHz)), memoryMB: uncontendedEntitlement(vmBounds(vm, 'memory', coreMHz)) };
}

/** Records a successful placement in the ledger (with the shared memory off its load); returns the VM's index. O(1). */
export function commitPlacement(ledger: HostLedger, request: PlacementRequest, result: Extract<PlacementResult, { ok: true }>): number {
  const h = ledger.hostOf(result.host);
  const vm = request.vm;
  const load = { cpuMHz: result.entitlement.cpuMHz, memoryMB: result.entitlement.memoryMB - result.sharedMB };
  const v = ledger.add(vm.id, h, load, { cpuMHz: vm.cpu.reservation, memoryMB: vm.memory.reservation + vm.overheadMB });
  ledger.recount();
  return v;
}

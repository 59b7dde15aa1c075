/**
 * Initial placement: which host a VM powers on (or an instant clone lands) on. A placement
 * strategy is one function over a ledger; "no host fits" is a result listing why each host was
 * refused, never an exception. A host qualifies when it is connected, is allowed for the
 * request (an instant clone needs its template's host), its unreserved capacity admits the VM's
 * reservations and overhead (admission control), the VM's mandatory rules hold there, and the
 * VM's expected entitlement keeps the host under the load cap (100%). `should` rules are kept
 * when any host allows it and relaxed otherwise.
 */
import type { HostId } from '../sim/ids.js';
import { HOST_LOAD_CAP } from './constants.js';
import { uncontendedEntitlement, vmBounds } from './demand.js';
import type { HostLedger } from './ledger.js';
import type { RuleIndex, RuleStrength } from './rules.js';
import type { CpuMem, VmSnapshot } from './snapshot.js';

/** What to place. */
export interface PlacementRequest {
  /** The VM; its `host` is ignored. */
  readonly vm: VmSnapshot;
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
  | { readonly ok: true; readonly host: HostId; readonly imbalanceAfter: number; readonly sharedMB: number; readonly relaxedShouldRules: boolean; readonly entitlement: CpuMem }
  | { readonly ok: false; readonly rejections: readonly HostRejection[] };

/** A placement policy: one function. */
export type PlacementStrategy = (context: PlacementContext, request: PlacementRequest) => PlacementResult;

/** The checks of one host: undefined when it qualifies (the rule strength it met), or the refusal. */
interface HostVerdict {
  readonly refusal?: HostRejection;
  readonly strength?: RuleStrength;
  readonly entitlement: CpuMem;
  readonly sharedMB: number;
}

/**
 * DRS placement: among qualifying hosts, the one leaving the least imbalance (ties: the host
 * listed first); hosts keeping the `should` rules first. O(hosts × members of the VM's rules).
 */
export const drsPlacement: PlacementStrategy = (context, request) => choose(context, request, (h) => context.ledger.imbalanceIfAdded(h.index, h.verdict.entitlement.cpuMHz, h.verdict.entitlement.memoryMB - h.verdict.sharedMB));

/**
 * First fit (CloudSim's default policy, a comparator): the first qualifying host in listed
 * order; hosts keeping the `should` rules first. O(hosts × members of the VM's rules).
 */
export const firstFitPlacement: PlacementStrategy = (context, request) => choose(context, request, (h) => h.index);

/** Picks the qualifying host with the lowest `rank` (strict rule keepers first); lists refusals when none. */
function choose(context: PlacementContext, request: PlacementRequest, rank: (h: { index: number; verdict: HostVerdict }) => number): PlacementResult {
  const { ledger } = context;
  let best: { index: number; verdict: HostVerdict; rank: number } | undefined;
  for (let index = 0; index < ledger.hosts.length; index++) {
    const verdict = judgeHost(context, request, index);
    if (verdict.refusal) continue;
    const candidate = { index, verdict, rank: rank({ index, verdict }) };
    if (!best || betterCandidate(candidate, best)) best = candidate;
  }
  if (!best) return { ok: false, rejections: ledger.hosts.map((_, h) => judgeHost(context, request, h).refusal!) };
  const { verdict } = best;
  const imbalanceAfter = ledger.imbalanceIfAdded(best.index, verdict.entitlement.cpuMHz, verdict.entitlement.memoryMB - verdict.sharedMB);
  return { ok: true, host: ledger.hosts[best.index]!.id, imbalanceAfter, sharedMB: verdict.sharedMB, relaxedShouldRules: verdict.strength === 'mandatory', entitlement: verdict.entitlement };
}

function betterCandidate(a: { verdict: HostVerdict; rank: number }, b: { verdict: HostVerdict; rank: number }): boolean {
  const aStrict = a.verdict.strength === 'all';
  const bStrict = b.verdict.strength === 'all';
  if (aStrict !== bStrict) return aStrict;
  return a.rank < b.rank;
}

/** Runs every check of host `h` for the request. O(members of the VM's rules). */
function judgeHost(context: PlacementContext, request: PlacementRequest, h: number): HostVerdict {
  const { ledger, rules } = context;
  const host = ledger.hosts[h]!;
  const vm = request.vm;
  const entitlement = placementEntitlement(vm, host.coreMHz);
  const sharedMB = Math.min(Math.max(0, request.sharedMB?.(host.id) ?? 0), entitlement.memoryMB);
  const refuse = (reason: HostRefusal, detail: string): HostVerdict => ({ refusal: { host: host.id, reason, detail }, entitlement, sharedMB });
  if (!ledger.receives(h)) return refuse('host-state', `host is ${host.state}`);
  if (request.allowedHosts && !request.allowedHosts.has(host.id)) return refuse('not-allowed', 'host is not among the allowed hosts (no template there)');
  const resMem = vm.memory.reservation + vm.overheadMB;
  if (!ledger.fitsReservation(h, vm.cpu.reservation, resMem)) {
    const r = ledger.reserved(h);
    return refuse('reservation', `unreserved ${host.cpuMHz - r.cpuMHz} MHz / ${host.memoryMB - r.memoryMB} MB < ${vm.cpu.reservation} MHz / ${resMem} MB`);
  }
  const mandatory = rules.brokenRule(ledger, vm.id, h, 'mandatory');
  if (mandatory) return refuse('rule', `would break rule ${mandatory.id} (${mandatory.kind})`);
  if (!ledger.fitsLoadCap(h, entitlement.cpuMHz, entitlement.memoryMB - sharedMB, context.loadCap ?? HOST_LOAD_CAP)) {
    return refuse('load-cap', `load would exceed ${Math.round((context.loadCap ?? HOST_LOAD_CAP) * 100)}%`);
  }
  const strength: RuleStrength = rules.brokenRule(ledger, vm.id, h, 'all') ? 'mandatory' : 'all';
  return { strength, entitlement, sharedMB };
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

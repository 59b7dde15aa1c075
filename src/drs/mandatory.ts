/**
 * Mandatory moves, made before any load balancing (calibration.md, DRS: "fix constraint
 * violations"): every VM leaves a host entering maintenance (hosts may then go up to 150%), and
 * every VM breaking a rule where it runs moves where it keeps it. Both are priority 1, except a
 * VM breaking only a `should` rule, which is priority 2 and waits for a threshold ≥ 2.
 */
import { HOST_LOAD_CAP, HOST_LOAD_CAP_EVACUATION } from './constants.js';
import type { HostLedger } from './ledger.js';
import { bestDestination } from './moves.js';
import type { RejectedMove, Recommendation, MoveReason } from './recommendations.js';
import type { RuleIndex } from './rules.js';
import type { VmSnapshot } from './snapshot.js';
import { vmMigration, type PrecopyOptions } from './vmotion.js';
import { flatText } from './flat-text.js';

/** The state the mandatory phase works on; `recommendations`, `rejected` and `movesPerHost` grow as it goes. */
export interface PassState {
  readonly ledger: HostLedger;
  readonly rules: RuleIndex;
  /** The snapshot's VMs in ledger order. */
  readonly vms: readonly VmSnapshot[];
  readonly threshold: number;
  readonly precopy: PrecopyOptions;
  /** Moves each host took part in during this pass. */
  readonly movesPerHost: Int32Array;
  readonly recommendations: Recommendation[];
  readonly rejected: RejectedMove[];
}

/** Moves every VM off hosts in maintenance, up to 150% load on the receivers. O(V_m × H × r) for V_m VMs to move. */
export function evacuateMaintenanceHosts(state: PassState): void {
  const { ledger } = state;
  for (let v = 0; v < ledger.vmIds.length; v++) {
    if (ledger.stateOf(ledger.vmHost[v]!) !== 'maintenance') continue;
    moveToBest(state, v, 'maintenance', 1, HOST_LOAD_CAP_EVACUATION, 'the host is entering maintenance mode');
  }
}

/**
 * Moves every running VM that breaks a rule where it runs to the best host where it keeps its
 * rules (all of them, else the mandatory ones). O(V × r + V_b × H × r) for V_b VMs breaking rules; O(1) without rules.
 */
export function fixRuleViolations(state: PassState): void {
  const { ledger, rules } = state;
  if (rules.rules.length === 0) return;
  for (let v = 0; v < ledger.vmIds.length; v++) {
    const h = ledger.vmHost[v]!;
    if (!ledger.receives(h)) continue;
    const id = ledger.vmIds[v]!;
    if (rules.rulesOf(id).length === 0) continue;
    const broken = rules.brokenRule(ledger, id, h, 'all');
    if (!broken) continue;
    const priority = rules.brokenRule(ledger, id, h, 'mandatory') ? 1 : 2;
    if (priority > state.threshold) continue;
    moveToBest(state, v, 'rule', priority, HOST_LOAD_CAP, `it breaks rule ${broken.id} (${broken.kind}) on its host`);
  }
}

/** Moves VM `v` to its best destination under `cap`, or records why none qualifies. */
function moveToBest(state: PassState, v: number, reason: MoveReason, priority: number, cap: number, why: string): void {
  const { ledger } = state;
  const from = ledger.vmHost[v]!;
  const fromHost = ledger.hosts[from]!;
  const vm = state.vms[v]!;
  const dest = bestDestination(ledger, state.rules, v, cap);
  if (Array.isArray(dest)) {
    state.rejected.push({ vm: vm.id, from: fromHost.id, filter: 'no-host', refusals: dest, explanation: flatText`${vm.id} must move because ${why}, but no host qualifies` });
    return;
  }
  const toHost = ledger.hosts[dest.host]!;
  const before = ledger.imbalance();
  ledger.move(v, dest.host);
  state.movesPerHost[from]!++;
  state.movesPerHost[dest.host]!++;
  const after = ledger.imbalance();
  const relaxed = dest.relaxedShouldRules ? ' (relaxing its should rules: no host keeps them)' : '';
  state.recommendations.push({
    vm: vm.id,
    from: fromHost.id,
    to: toHost.id,
    reason,
    priority,
    imbalanceBefore: before,
    imbalanceAfter: after,
    goodness: before - after,
    migrationSeconds: vmMigration(vm, fromHost, toHost, state.precopy).totalSeconds,
    explanation: flatText`priority ${priority}: move ${vm.id} from ${fromHost.id} to ${toHost.id} because ${why}; ${toHost.id} leaves the least imbalance (${after.toFixed(4)})${relaxed}`,
  });
}

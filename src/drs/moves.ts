/**
 * Checks of one migration of a VM already in the ledger, shared by the mandatory moves and the
 * load-balancing loop: the destination must be connected, admit the VM's reservations, stay
 * under the load cap with the VM's entitlement, and keep the VM's rules.
 */
import type { HostId } from '../sim/ids.js';
import type { HostLedger } from './ledger.js';
import type { HostRefusal } from './placement.js';
import type { RuleIndex, RuleStrength } from './rules.js';

/** A destination chosen for a VM. */
export interface Destination {
  readonly host: number;
  readonly imbalanceAfter: number;
  /** Whether the VM's `should` rules had to be relaxed to find it. */
  readonly relaxedShouldRules: boolean;
}

/** A destination refused, and why. */
export interface MoveRefusal {
  readonly host: HostId;
  readonly reason: HostRefusal | 'same-host';
  readonly detail: string;
}

/**
 * Why VM `v` may not move to host `to` under `cap` and rules of `strength`, or undefined when it
 * may. O(members of the VM's rules).
 */
export function refuseMove(ledger: HostLedger, rules: RuleIndex, v: number, to: number, cap: number, strength: RuleStrength): MoveRefusal | undefined {
  const host = ledger.hosts[to]!;
  const refuse = (reason: MoveRefusal['reason'], detail: string): MoveRefusal => ({ host: host.id, reason, detail });
  if (ledger.vmHost[v] === to) return refuse('same-host', 'the VM already runs there');
  if (!ledger.receives(to)) return refuse('host-state', `host is ${host.state}`);
  if (!ledger.fitsReservation(to, ledger.vmResCpu[v]!, ledger.vmResMem[v]!)) return refuse('reservation', ledger.atVmLimit(to) ? `host runs its maximum of ${host.maxVms} VMs` : 'unreserved capacity is below the VM reservations');
  if (!ledger.fitsLoadCap(to, ledger.vmCpu[v]!, ledger.vmMem[v]!, cap)) return refuse('load-cap', `load would exceed ${Math.round(cap * 100)}%`);
  const broken = rules.brokenRule(ledger, ledger.vmIds[v]!, to, strength);
  if (broken) return refuse('rule', `would break rule ${broken.id} (${broken.kind})`);
  return undefined;
}

/**
 * The destination for VM `v` leaving the least imbalance (ties: the host listed first), keeping
 * all rules when some host allows it, else only the mandatory ones; or every host's refusal.
 * O(hosts × members of the VM's rules).
 */
export function bestDestination(ledger: HostLedger, rules: RuleIndex, v: number, cap: number): Destination | MoveRefusal[] {
  for (const strength of ['all', 'mandatory'] as const) {
    let best: Destination | undefined;
    for (let h = 0; h < ledger.hosts.length; h++) {
      if (refuseMove(ledger, rules, v, h, cap, strength)) continue;
      const imbalanceAfter = ledger.imbalanceIfMoved(v, h);
      if (!best || imbalanceAfter < best.imbalanceAfter) best = { host: h, imbalanceAfter, relaxedShouldRules: strength === 'mandatory' };
    }
    if (best) return best;
  }
  return ledger.hosts.map((_, h) => refuseMove(ledger, rules, v, h, cap, 'mandatory')!);
}

/**
 * DRS rules against a ledger: whether a VM may run on a host given where the other members of
 * its rules run. VM-VM rules are always enforced; VM-Host `must` rules are never broken;
 * `should` rules are kept when asked (DRS keeps them, HA ignores them). Members that are not
 * running (not in the ledger, or on a failed or standby host) do not constrain anyone.
 */
import type { HostId, VmId } from '../sim/ids.js';
import type { HostLedger } from './ledger.js';
import type { DrsRule } from './snapshot.js';

/** Which rules a check enforces: all of them, or only the mandatory ones (VM-VM and `must`). */
export type RuleStrength = 'all' | 'mandatory';

/** The rules of each VM, for O(rules of the VM) lookups. */
export class RuleIndex {
  readonly #byVm = new Map<VmId, DrsRule[]>();
  readonly #hostSets = new Map<DrsRule, ReadonlySet<HostId>>();

  /** Indexes `rules`. O(Σ members). */
  constructor(readonly rules: readonly DrsRule[]) {
    for (const rule of rules) {
      for (const vm of rule.vms) {
        const list = this.#byVm.get(vm);
        if (list) list.push(rule);
        else this.#byVm.set(vm, [rule]);
      }
      if (rule.kind === 'vm-host') this.#hostSets.set(rule, new Set(rule.hosts));
    }
  }

  /** The rules naming `vm`. */
  rulesOf(vm: VmId): readonly DrsRule[] {
    return this.#byVm.get(vm) ?? NO_RULES;
  }

  /**
   * The first rule of `strength` that VM `vm` would break on host `h`, or undefined.
   * O(Σ members of the VM's rules); O(1) without a lookup when the cluster has no rules.
   */
  brokenRule(ledger: HostLedger, vm: VmId, h: number, strength: RuleStrength): DrsRule | undefined {
    if (this.#byVm.size === 0) return undefined;
    for (const rule of this.rulesOf(vm)) {
      if (!this.#keeps(ledger, rule, vm, h, strength)) return rule;
    }
    return undefined;
  }

  #keeps(ledger: HostLedger, rule: DrsRule, vm: VmId, h: number, strength: RuleStrength): boolean {
    switch (rule.kind) {
      case 'vm-host':
        if (!rule.mandatory && strength === 'mandatory') return true;
        return this.#hostSets.get(rule)!.has(ledger.hosts[h]!.id) === rule.affine;
      case 'vm-anti-affinity':
        return !runningPeers(ledger, rule.vms, vm).some((peerHost) => peerHost === h);
      case 'vm-affinity': {
        const anchor = affinityAnchor(runningPeers(ledger, rule.vms, vm));
        return anchor === undefined || anchor === h;
      }
    }
  }
}

const NO_RULES: readonly DrsRule[] = Object.freeze([]);

/** Hosts of the running members of `members` other than `vm`. */
function runningPeers(ledger: HostLedger, members: readonly VmId[], vm: VmId): number[] {
  const hosts: number[] = [];
  for (const peer of members) {
    if (peer === vm) continue;
    const v = ledger.vmIndex.get(peer);
    if (v === undefined) continue;
    const h = ledger.vmHost[v]!;
    if (ledger.runs(h)) hosts.push(h);
  }
  return hosts;
}

/**
 * Where an affinity group gathers: the host running most of the peers (ties: the lower host
 * index), or undefined when no peer runs. Joining it never splits the group further, and moving
 * the stragglers there one by one reunites a split group.
 */
function affinityAnchor(peerHosts: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  let best: number | undefined;
  let bestCount = 0;
  for (const h of peerHosts) counts.set(h, (counts.get(h) ?? 0) + 1);
  for (const [h, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== undefined && h < best)) {
      best = h;
      bestCount = count;
    }
  }
  return best;
}

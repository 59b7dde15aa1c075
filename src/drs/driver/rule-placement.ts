/**
 * DRS placement at power-on for VMs named in rules. A VM is given its host when it is created,
 * before any rule can name it; when it powers on, DRS places it again if a rule of its cluster
 * names it, so must rules hold from its first second (should rules are kept when a host allows).
 * VMs no rule names keep the host chosen at creation: this costs nothing for them. HA's restarts
 * keep the host HA planned (which already keeps the mandatory rules).
 */
import { VicsimError } from '../../sim/errors.js';
import type { HostId } from '../../sim/ids.js';
import type { VSphereModel } from '../../hypervisor/model.js';
import type { VirtualMachine } from '../../hypervisor/types.js';
import type { BalanceOptions } from '../balance.js';
import { computeEntitlements } from '../entitlement.js';
import { HostLedger } from '../ledger.js';
import { drsPlacement } from '../placement.js';
import { RuleIndex } from '../rules.js';
import { clusterSettings } from './cluster-config.js';
import { isHaRestarting } from './ha-driver.js';
import { expectedDemand, snapshotCluster, vmSnapshot } from './model-snapshot.js';

/** A power-on refused because no host keeps the VM's mandatory rules (vim: RuleViolation). */
export class RuleViolationError extends VicsimError {
  constructor(
    readonly vm: string,
    readonly detail: string,
  ) {
    super('RuleViolation', `cannot power on ${vm}: no host keeps its DRS rules (${detail})`);
  }
}

/**
 * The host DRS powers `vm` on on, a RuleViolationError when only rules stand in the way, or
 * undefined (keep its host: no rule names it, or no host fits for other reasons, which the
 * power-on's own admission then reports). O(H + V) for VMs named in rules, O(rules) otherwise.
 * Preconditions: `vm` is powered off and its cluster has DRS enabled.
 */
export function ruleAwarePowerOnHost(model: VSphereModel, vm: VirtualMachine, options: Omit<BalanceOptions, 'threshold'>): HostId | VicsimError | undefined {
  const rules = clusterSettings(model, vm.cluster).rules;
  if (isHaRestarting(model, vm.id) || !rules.some((r) => r.vms.includes(vm.id))) return undefined;
  const snapshot = snapshotCluster(model, vm.cluster);
  const ledger = HostLedger.fromSnapshot(snapshot, computeEntitlements(snapshot, options.entitlement), options.ledger);
  const allowed = new Set(model.hostsOf(vm.cluster).filter((h) => h.cpuCores >= vm.config.numCpu).map((h) => h.id));
  const request = { vm: vmSnapshot(model, vm, expectedDemand(model, vm.name, vm.config)), allowedHosts: allowed };
  const result = drsPlacement({ ledger, rules: new RuleIndex(rules) }, request);
  if (result.ok) return result.host;
  const byRule = result.rejections.filter((r) => r.reason === 'rule');
  return byRule.length > 0 ? new RuleViolationError(vm.name, byRule.map((r) => `${r.host}: ${r.detail}`).join('; ')) : undefined;
}

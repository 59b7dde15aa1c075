/**
 * Cluster rules and groups as vCenter keeps them (vim ClusterRuleSpec / ClusterGroupSpec with
 * add, edit and remove), validated change by change on a copy, and resolved to the DRS rules the
 * drivers enforce (src/drs/snapshot.ts DrsRule). Kept per model and cluster, and saved and
 * restored with the model (hypervisor/persist.ts).
 */
import type { VSphereModel } from '../../hypervisor/model.js';
import { registerPersistedExtension } from '../../hypervisor/persist.js';
import { InvalidArgumentError } from '../../sim/errors.js';
import type { ClusterId, HostId, VmId } from '../../sim/ids.js';
import type { DrsRule } from '../../drs/snapshot.js';
import type { ClusterGroupChange, ClusterGroupInfo, ClusterRuleChange, ClusterRuleInfo, ClusterRuleSpec } from '../cluster.js';

/** A cluster's rules and groups, and the key its next rule gets. */
export interface RulesAndGroups {
  readonly rules: readonly ClusterRuleInfo[];
  readonly groups: readonly ClusterGroupInfo[];
  readonly nextKey: number;
}

const STORES = new WeakMap<VSphereModel, Map<ClusterId, RulesAndGroups>>();
const EMPTY: RulesAndGroups = Object.freeze({ rules: [], groups: [], nextKey: 1 });

/** The rules and groups of `cluster` (none when none were configured). O(1). */
export function rulesAndGroups(model: VSphereModel, cluster: ClusterId): RulesAndGroups {
  return STORES.get(model)?.get(cluster) ?? EMPTY;
}

/** Replaces the rules and groups of `cluster`. Precondition: `config` was validated (applyGroupChanges, applyRuleChanges). O(1). */
export function storeRulesAndGroups(model: VSphereModel, cluster: ClusterId, config: RulesAndGroups): void {
  let store = STORES.get(model);
  if (!store) STORES.set(model, (store = new Map()));
  store.set(cluster, config);
}

/** Key of the rules and groups in a saved model. */
export const RULES_AND_GROUPS_SAVE_KEY = 'backend.clusterRulesAndGroups';

registerPersistedExtension({
  key: RULES_AND_GROUPS_SAVE_KEY,
  save: (model) => {
    const store = STORES.get(model);
    return store && store.size > 0 ? Object.fromEntries(store) : undefined;
  },
  restore: (model, state) => {
    if (!state || typeof state !== 'object') throw new InvalidArgumentError(RULES_AND_GROUPS_SAVE_KEY, 'saved rules and groups must be an object');
    for (const [cluster, config] of Object.entries(state as Record<string, RulesAndGroups>)) {
      model.registry.get('Cluster', cluster as ClusterId);
      if (!Array.isArray(config.rules) || !Array.isArray(config.groups) || !Number.isInteger(config.nextKey)) {
        throw new InvalidArgumentError(RULES_AND_GROUPS_SAVE_KEY, `saved rules and groups of ${cluster} need rules, groups and nextKey`);
      }
      storeRulesAndGroups(model, cluster as ClusterId, config);
    }
  },
});

/**
 * `current` with the group changes applied in order. O(changes × (groups + members)).
 * @throws InvalidArgumentError for a duplicate name, an unknown group, a group a rule still uses,
 * or a member that is not a VM / host of `cluster`.
 */
export function applyGroupChanges(model: VSphereModel, cluster: ClusterId, current: RulesAndGroups, changes: readonly ClusterGroupChange[]): RulesAndGroups {
  let groups = [...current.groups];
  for (const change of changes) {
    const name = change.operation === 'remove' ? change.name : change.group.name;
    const at = groups.findIndex((g) => g.name === name);
    if (change.operation === 'add' && at >= 0) throw new InvalidArgumentError('groupSpec', `cluster group '${name}' already exists`);
    if (change.operation !== 'add' && at < 0) throw new InvalidArgumentError('groupSpec', `cluster group '${name}' does not exist`);
    if (change.operation === 'remove') {
      const user = current.rules.find((r) => r.type === 'vmHost' && (r.vmGroup === name || r.hostGroup === name));
      if (user) throw new InvalidArgumentError('groupSpec', `cluster group '${name}' is used by rule '${user.name}'`);
      groups = groups.filter((g) => g.name !== name);
      continue;
    }
    checkMembers(model, cluster, change.group);
    const group = copyGroup(change.group);
    groups = change.operation === 'add' ? [...groups, group] : groups.map((g, i) => (i === at ? group : g));
  }
  return { ...current, groups };
}

/**
 * `current` with the rule changes applied in order; added rules get the next keys. O(changes × rules).
 * @throws InvalidArgumentError for a duplicate name, an unknown key, a VM-VM rule with fewer than
 * two VMs or with VMs of another cluster, or a VM-Host rule naming a missing group.
 */
export function applyRuleChanges(model: VSphereModel, current: RulesAndGroups, changes: readonly ClusterRuleChange[]): RulesAndGroups {
  let { rules, nextKey } = current;
  for (const change of changes) {
    if (change.operation === 'remove') {
      if (!rules.some((r) => r.key === change.key)) throw new InvalidArgumentError('rulesSpec', `cluster rule ${change.key} does not exist`);
      rules = rules.filter((r) => r.key !== change.key);
      continue;
    }
    const key = change.operation === 'add' ? nextKey++ : change.rule.key;
    if (change.operation === 'edit' && !rules.some((r) => r.key === key)) throw new InvalidArgumentError('rulesSpec', `cluster rule ${key} does not exist`);
    if (rules.some((r) => r.name === change.rule.name && r.key !== key)) throw new InvalidArgumentError('rulesSpec', `cluster rule '${change.rule.name}' already exists`);
    const rule = checkedRule(model, current.groups, change.rule, key);
    rules = change.operation === 'add' ? [...rules, rule] : rules.map((r) => (r.key === key ? rule : r));
  }
  return { ...current, rules, nextKey };
}

/** The enabled rules as DRS rules, groups resolved. O(rules + group members). Precondition: validated. */
export function resolveRules(config: RulesAndGroups): DrsRule[] {
  const byName = new Map(config.groups.map((g) => [g.name, g]));
  const out: DrsRule[] = [];
  for (const r of config.rules) {
    if (!r.enabled) continue;
    const id = `rule-${r.key}`;
    if (r.type !== 'vmHost') {
      out.push({ id, kind: r.type === 'vmAffinity' ? 'vm-affinity' : 'vm-anti-affinity', vms: r.vms });
      continue;
    }
    const vms = byName.get(r.vmGroup);
    const hosts = byName.get(r.hostGroup);
    if (vms?.type !== 'vm' || hosts?.type !== 'host') continue;
    out.push({ id, kind: 'vm-host', vms: vms.vms, hosts: hosts.hosts, affine: r.affine, mandatory: r.mandatory });
  }
  return out;
}

function checkedRule(model: VSphereModel, groups: readonly ClusterGroupInfo[], spec: ClusterRuleSpec, key: number): ClusterRuleInfo {
  const enabled = spec.enabled ?? true;
  if (spec.type === 'vmHost') {
    const vmGroup = groups.find((g) => g.name === spec.vmGroup);
    const hostGroup = groups.find((g) => g.name === spec.hostGroup);
    if (vmGroup?.type !== 'vm') throw new InvalidArgumentError('rulesSpec', `rule '${spec.name}': no VM group '${spec.vmGroup}'`);
    if (hostGroup?.type !== 'host') throw new InvalidArgumentError('rulesSpec', `rule '${spec.name}': no host group '${spec.hostGroup}'`);
    return { key, name: spec.name, enabled, type: 'vmHost', vmGroup: spec.vmGroup, hostGroup: spec.hostGroup, affine: spec.affine, mandatory: spec.mandatory };
  }
  if (new Set(spec.vms).size < 2) throw new InvalidArgumentError('rulesSpec', `rule '${spec.name}' needs at least two VMs`);
  for (const vm of spec.vms) model.registry.get('VirtualMachine', vm);
  return { key, name: spec.name, enabled, type: spec.type, vms: [...spec.vms] };
}

function checkMembers(model: VSphereModel, cluster: ClusterId, group: ClusterGroupInfo): void {
  const members: readonly (VmId | HostId)[] = group.type === 'vm' ? group.vms : group.hosts;
  for (const id of members) {
    const o = group.type === 'vm' ? model.registry.get('VirtualMachine', id as VmId) : model.registry.get('Host', id as HostId);
    if (o.cluster !== cluster) throw new InvalidArgumentError('groupSpec', `group '${group.name}': ${id} is not in cluster ${cluster}`);
  }
}

function copyGroup(g: ClusterGroupInfo): ClusterGroupInfo {
  return g.type === 'vm' ? { type: 'vm', name: g.name, vms: [...g.vms] } : { type: 'host', name: g.name, hosts: [...g.hosts] };
}

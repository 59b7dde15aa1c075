/**
 * DRS VM overrides as vCenter keeps them (vim ClusterDrsVmConfigSpec: add, edit, remove, keyed by
 * the VM), validated change by change on a copy. An override of a VM that no longer exists is
 * dropped, as vCenter drops it with the VM.
 */
import type { VSphereModel } from '../../hypervisor/model.js';
import { InvalidArgumentError } from '../../sim/errors.js';
import type { ClusterId } from '../../sim/ids.js';
import type { DrsVmOverrideSettings } from '../../drs/driver/cluster-config.js';
import type { DrsBehavior, DrsVmOverride, DrsVmOverrideChange } from '../cluster.js';

const BEHAVIORS: readonly DrsBehavior[] = ['manual', 'partiallyAutomated', 'fullyAutomated'];

/** The overrides among `overrides` whose VM still exists in `cluster`. O(overrides). */
export function liveOverrides(model: VSphereModel, cluster: ClusterId, overrides: readonly DrsVmOverrideSettings[]): DrsVmOverride[] {
  return overrides.flatMap((o) => {
    const vm = model.registry.find(o.vm);
    return vm?.kind === 'VirtualMachine' && vm.cluster === cluster ? [{ vm: o.vm, enabled: o.enabled, behavior: o.behavior }] : [];
  });
}

/**
 * `current` with `changes` applied in order. O(changes × overrides).
 * @throws InvalidArgumentError for an add of a VM that has an override, an edit or remove of one
 * that has none, a VM not in `cluster`, or an unknown behavior.
 */
export function applyOverrideChanges(model: VSphereModel, cluster: ClusterId, current: readonly DrsVmOverride[], changes: readonly DrsVmOverrideChange[]): DrsVmOverride[] {
  let overrides = [...current];
  for (const change of changes) {
    const vm = change.operation === 'remove' ? change.vm : change.override.vm;
    const at = overrides.findIndex((o) => o.vm === vm);
    if (change.operation === 'add' && at >= 0) throw new InvalidArgumentError('drsVmConfigSpec', `${vm} already has a DRS override`);
    if (change.operation !== 'add' && at < 0) throw new InvalidArgumentError('drsVmConfigSpec', `${vm} has no DRS override`);
    if (change.operation === 'remove') {
      overrides = overrides.filter((o) => o.vm !== vm);
      continue;
    }
    if (model.registry.get('VirtualMachine', vm).cluster !== cluster) throw new InvalidArgumentError('drsVmConfigSpec', `${vm} is not in cluster ${cluster}`);
    const next = { ...(at >= 0 ? overrides[at] : {}), ...definedFields(change.override) } as DrsVmOverride;
    if (typeof next.enabled !== 'boolean') throw new InvalidArgumentError('drsVmConfigSpec', `the DRS override of ${vm} needs enabled true or false`);
    if (!BEHAVIORS.includes(next.behavior)) throw new InvalidArgumentError('drsVmConfigSpec', `DRS behavior must be manual, partiallyAutomated or fullyAutomated, got '${String(next.behavior)}'`);
    overrides = at >= 0 ? overrides.map((o, i) => (i === at ? next : o)) : [...overrides, next];
  }
  return overrides;
}

function definedFields(o: Partial<DrsVmOverride>): Partial<DrsVmOverride> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

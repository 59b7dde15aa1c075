/**
 * Headroom: how many more containers of each profile a VCH takes now, found by a trial — the
 * model is saved and restored into a copy, and containers are provisioned into the copy one at a
 * time, exactly as the run provisions them, until the first refusal. The real run is untouched.
 * Saved models do not hold guest memory contents, so the copy's memory is rebuilt from the real
 * hosts' per-VM figures (templates frozen again, instant clones forked again and their private
 * pages written), and guests do not run in the copy: a container counts as it is when it starts.
 */
import type { HostId, VmId } from '../../sim/ids.js';
import { restoreModel, saveModel, type SavedModel } from '../../hypervisor/persist.js';
import type { VSphereModel } from '../../hypervisor/model.js';
import type { Headroom } from '../report/result.js';
import type { Scenario } from '../scenario/types.js';
import type { VchRuntime } from './inventory.js';
import { Provisioner, type ProvisionOutcome } from './provisioner.js';

/**
 * Headroom per VCH and profile arriving into it (scenario order), from `provisioner`'s model.
 * Precondition: the model's tasks are idle enough to save (in-flight tasks fail in the copy).
 * O(profiles × headroom × cost of one provisioning).
 */
export function headroomTrial(provisioner: Provisioner, scenario: Scenario, vchs: ReadonlyMap<string, VchRuntime>): Headroom[] {
  const out: Headroom[] = [];
  const saved = saveModel(provisioner.model);
  for (const v of scenario.vchs) {
    const names = [...new Set(scenario.arrivals.filter((a) => a.vch === v.name).map((a) => a.profile))];
    for (const name of names) {
      const profile = scenario.profiles.find((p) => p.name === name)!;
      const copy = copyModel(provisioner.model, saved);
      const trial = provisioner.forModel(copy);
      const vch = { ...vchs.get(v.name)! };
      let additional = 0;
      let limitedBy: Headroom['limitedBy'] | undefined;
      while (limitedBy === undefined) {
        if (v.maxContainers !== null && vch.active >= v.maxContainers) {
          limitedBy = 'containerLimit';
          break;
        }
        let outcome: ProvisionOutcome | undefined;
        trial.provision(vch, profile, `headroom-${additional}`, (o) => (outcome = o));
        copy.clock.runUntilIdle();
        if (!outcome || !outcome.ok) limitedBy = outcome && outcome.reason === 'noHostFits' ? (outcome.resource ?? 'noHostFits') : (outcome?.reason ?? 'noHostFits');
        else {
          additional++;
          vch.active++;
        }
      }
      out.push({ profile: name, vch: v.name, additional, limitedBy });
    }
  }
  return out;
}

/**
 * A copy of `model` with its guest memory rebuilt and its guests stopped from running, restored
 * from `saved` (default: a save of `model` now; a trial restores many copies from one save —
 * restoring shares the saved records, which the model replaces rather than changes). O(VMs).
 */
export function copyModel(model: VSphereModel, saved: SavedModel = saveModel(model)): VSphereModel {
  const copy = restoreModel(saved, { calibration: model.calibration });
  if (copy.guestTicker) copy.clock.cancel(copy.guestTicker);
  for (const h of model.registry.all('Host')) rebuildMemory(model, copy, h.id);
  return copy;
}

/** Rebuilds one host's guest memory in `copy` from `model`: frozen templates first, then their forks, then the rest. */
function rebuildMemory(model: VSphereModel, copy: VSphereModel, host: HostId): void {
  const real = model.memoryOf(host);
  const target = copy.memoryOf(host);
  for (const vm of [...target.vms()]) target.release(vm);
  const vms = [...real.vms()];
  for (const vm of vms.filter((v) => real.isFrozen(v))) {
    const s = real.vmStats(vm);
    target.powerOn(vm, s.configuredMB, s.overheadMB, s.privateMB + s.sharedMB);
    target.freeze(vm);
  }
  for (const vm of vms.filter((v) => !real.isFrozen(v))) {
    const s = real.vmStats(vm);
    const prov = model.registry.get('VirtualMachine', vm as VmId).provenance;
    if (prov.via === 'clone' && prov.mode === 'instant' && target.has(prov.source) && target.isFrozen(prov.source)) {
      target.fork(prov.source, vm, s.overheadMB);
      const page = copy.calibration.memory.pageSize;
      const bytes = Math.round((s.privateMB * 2 ** 20) / page) * page;
      if (bytes > 0) target.write(vm, 0, bytes);
    } else target.powerOn(vm, s.configuredMB, s.overheadMB, s.privateMB + s.sharedMB);
  }
}

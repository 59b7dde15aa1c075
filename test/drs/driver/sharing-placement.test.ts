import { describe, expect, it } from 'vitest';
import { setShareForceSalting } from '../../../src/hypervisor/guest-memory.js';
import type { Preset } from '../../../src/hypervisor/presets.js';
import { cloneVM } from '../../../src/hypervisor/vm-clone.js';
import { createVM } from '../../../src/hypervisor/vm-create.js';
import { configureCluster } from '../../../src/drs/driver/cluster-config.js';
import { drsState, enableDrs, type DrsSettings } from '../../../src/drs/driver/drs-driver.js';
import { expectedSharedMB } from '../../../src/drs/driver/model-snapshot.js';
import { InvalidArgumentError } from '../../../src/sim/errors.js';
import type { VmId } from '../../../src/sim/ids.js';
import { GiB } from '../../../src/sim/units.js';
import { modelViolations } from '../../../src/testing/invariants.js';
import { runningVm, smallCluster, succeed, thrown, vmOf } from '../../hypervisor/helpers.js';

const PHOTON = 'vmwarePhoton64Guest';

/** A 3-host cluster whose second host runs two Photon VMs; salting off there unless `salted`. */
function photonOnSecondHost(salted = false): Preset {
  const p = smallCluster({ hosts: 3 });
  const second = p.hosts[1]!.id;
  for (const name of ['photon-a', 'photon-b']) runningVm(p, { name, host: second, guestId: PHOTON });
  if (!salted) setShareForceSalting(p.model, second, 0);
  return p;
}

/** Creates a VM of `guestId` through the model's placement policy; returns where it landed. */
function placed(p: Preset, name: string, guestId = PHOTON): string {
  const id = succeed<VmId>(p.model, createVM(p.model, { pool: p.rootPool.id, name, guestId, memoryMB: 2048, disks: [{ capacityBytes: GiB }] }));
  return vmOf(p.model, id).host;
}

function withDrs(p: Preset, settings: DrsSettings): Preset {
  enableDrs(p.model, settings);
  return p;
}

describe('page-sharing-aware placement on the live model', () => {
  it('is off by default: a new VM goes where DRS alone puts it and nothing is recorded', () => {
    const p = withDrs(photonOnSecondHost(), {});
    expect(placed(p, 'new')).toBe(p.hosts[0]!.id);
    expect(drsState(p.model)!.sharingPlacements).toEqual([]);
    expect(drsState(p.model)!.settings.sharingAwarePlacement).toEqual({ enabled: false, imbalanceTolerance: 0.01 });
  });

  it('switched on, puts a VM of the same guest OS on the host where TPS with salting off shares its boot pages, and explains why', () => {
    const p = withDrs(photonOnSecondHost(), { sharingAwarePlacement: true });
    const footprint = Math.min(p.model.calibration.memory.bootTouchedMB, 2048);
    expect(placed(p, 'new')).toBe(p.hosts[1]!.id);
    const [record] = drsState(p.model)!.sharingPlacements;
    expect(record).toMatchObject({ cluster: p.cluster.id, host: p.hosts[1]!.id, drsHost: p.hosts[0]!.id, savedMB: footprint });
    expect(record!.explanation).toContain(`${p.hosts[1]!.id}: resident pages back ${footprint} MB of the VM's memory there (0 MB on ${p.hosts[0]!.id}, DRS's choice)`);
    expect(modelViolations(p.model)).toEqual([]);
  });

  it('keeps DRS’s choice for another guest OS, and for the same guest OS while salting is on', () => {
    const other = withDrs(photonOnSecondHost(), { sharingAwarePlacement: true });
    expect(placed(other, 'linux', 'otherLinux64Guest')).toBe(other.hosts[0]!.id);
    const salted = withDrs(photonOnSecondHost(true), { sharingAwarePlacement: true });
    expect(placed(salted, 'new')).toBe(salted.hosts[0]!.id);
    expect(drsState(salted.model)!.sharingPlacements[0]).toMatchObject({ savedMB: 0, host: salted.hosts[0]!.id });
  });

  it('follows a cluster’s own setting over the model-wide one', () => {
    const on = photonOnSecondHost();
    configureCluster(on.model, on.cluster.id, { rules: [], drs: { enabled: true, behavior: 'fullyAutomated', migrationThreshold: 3, sharingAwarePlacement: true } });
    expect(placed(withDrs(on, {}), 'new')).toBe(on.hosts[1]!.id);
    const off = photonOnSecondHost();
    configureCluster(off.model, off.cluster.id, { rules: [], drs: { enabled: true, behavior: 'fullyAutomated', migrationThreshold: 3, sharingAwarePlacement: false } });
    expect(placed(withDrs(off, { sharingAwarePlacement: true }), 'new')).toBe(off.hosts[0]!.id);
  });

  it('places the same way on two models built alike', () => {
    const run = (): string[] => {
      const p = withDrs(photonOnSecondHost(), { sharingAwarePlacement: { imbalanceTolerance: 0.02 } });
      return Array.from({ length: 6 }, (_, i) => placed(p, `new-${i}`, i % 2 === 0 ? PHOTON : 'otherLinux64Guest'));
    };
    expect(run()).toEqual(run());
  });

  it('refuses a negative imbalance tolerance', () => {
    const p = smallCluster();
    expect(thrown(() => enableDrs(p.model, { sharingAwarePlacement: { imbalanceTolerance: -0.1 } }))).toBeInstanceOf(InvalidArgumentError);
  });
});

describe('expectedSharedMB', () => {
  it('estimates an instant clone’s shared memory as its template’s resident pages, on the template’s host only', () => {
    const p = smallCluster({ hosts: 2 });
    const template = runningVm(p, { name: 'template', host: p.hosts[1]!.id, extraConfig: { 'vicsim.workload.workingSet': '64m' } });
    const hosts = p.hosts.map((h) => h.id);
    const estimate = expectedSharedMB(p.model, hosts, template.config, template.id);
    expect(Object.keys(estimate)).toEqual([p.hosts[1]!.id]);
    const clone = succeed<VmId>(p.model, cloneVM(p.model, template.id, { name: 'clone', mode: 'instant' }));
    expect(p.model.memoryOf(p.hosts[1]!.id).vmStats(clone).sharedMB).toBeCloseTo(estimate[p.hosts[1]!.id]!, 6);
  });

  it('counts nothing on hosts with salting on', () => {
    const p = photonOnSecondHost(true);
    expect(expectedSharedMB(p.model, p.hosts.map((h) => h.id), vmOf(p.model, p.model.vmByName('photon-a')!).config)).toEqual({});
  });
});

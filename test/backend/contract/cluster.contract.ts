/**
 * Contract: cluster services — DRS, HA and DPM configuration (modify semantics), VM and host
 * groups, VM-VM and VM-Host rules added, edited and removed by key, DRS VM overrides, HA admission
 * control at power-on, DRS recommendations and migration history.
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../../src/backend/backend.js';
import type { ClusterId, VmId } from '../../../src/sim/ids.js';
import { failure, run, type ContractContext } from './fixture.js';

/** Registers the cluster cases. */
export function clusterContract(c: ContractContext): void {
  const clusterOf = async (backend: Backend): Promise<ClusterId> => (await backend.resourcePools()).find((p) => p.id === c.fixture().pool)!.cluster;
  const vm = async (backend: Backend, extra: Partial<Parameters<Backend['createVM']>[0]> = {}): Promise<VmId> =>
    run(backend.createVM({ name: c.name('vm'), pool: c.fixture().pool, numCpu: 1, memoryMB: 256, ...extra }));

  describe('cluster rules and groups', () => {
    it('adds VM and host groups and a must VM-Host rule, reads them back with a key, edits it and removes it by key', async () => {
      const { backend, hosts } = c.fixture();
      const cluster = await clusterOf(backend);
      const [a, b] = [await vm(backend), await vm(backend)];
      const vmGroup = c.name('vms');
      const hostGroup = c.name('hosts');
      const name = c.name('pin');
      await run(
        backend.reconfigureCluster(cluster, {
          groups: [{ operation: 'add', group: { type: 'vm', name: vmGroup, vms: [a, b] } }, { operation: 'add', group: { type: 'host', name: hostGroup, hosts: [hosts[0]!] } }],
          rules: [{ operation: 'add', rule: { type: 'vmHost', name, vmGroup, hostGroup, affine: true, mandatory: true } }],
        }),
      );
      const config = await backend.clusterConfig(cluster);
      expect(config.groups).toContainEqual({ type: 'vm', name: vmGroup, vms: [a, b] });
      expect(config.groups).toContainEqual({ type: 'host', name: hostGroup, hosts: [hosts[0]] });
      const rule = config.rules.find((r) => r.name === name)!;
      if (rule.type !== 'vmHost') return expect.unreachable(`rule ${name} came back as ${rule.type}`);
      expect(rule).toMatchObject({ type: 'vmHost', name, enabled: true, vmGroup, hostGroup, affine: true, mandatory: true });
      await run(backend.reconfigureCluster(cluster, { rules: [{ operation: 'edit', rule: { ...rule, enabled: false, mandatory: false } }] }));
      expect((await backend.clusterConfig(cluster)).rules.find((r) => r.key === rule.key)).toMatchObject({ name, enabled: false, mandatory: false });
      await run(backend.reconfigureCluster(cluster, { rules: [{ operation: 'remove', key: rule.key }] }));
      await run(backend.reconfigureCluster(cluster, { groups: [{ operation: 'remove', name: vmGroup }] }));
      const after = await backend.clusterConfig(cluster);
      expect(after.rules.map((r) => r.key)).not.toContain(rule.key);
      expect(after.groups.map((g) => g.name)).not.toContain(vmGroup);
    });

    it('keeps a VM-VM anti-affinity rule with its VMs, and refuses a second rule of the same name with InvalidArgument', async () => {
      const { backend } = c.fixture();
      const cluster = await clusterOf(backend);
      const vms = [await vm(backend), await vm(backend)];
      const name = c.name('apart');
      await run(backend.reconfigureCluster(cluster, { rules: [{ operation: 'add', rule: { type: 'vmAntiAffinity', name, vms } }] }));
      expect((await backend.clusterConfig(cluster)).rules.find((r) => r.name === name)).toMatchObject({ type: 'vmAntiAffinity', enabled: true, vms });
      const twin = await failure(backend.reconfigureCluster(cluster, { rules: [{ operation: 'add', rule: { type: 'vmAffinity', name, vms } }] }));
      expect(twin).toMatchObject({ code: 'InvalidArgument' });
    });
  });

  describe('DRS and HA configuration', () => {
    it('changes only what a spec gives (vcsim deviation: clusterConfigIgnored)', async () => {
      const { backend } = c.fixture();
      const cluster = await clusterOf(backend);
      const before = await backend.clusterConfig(cluster);
      await run(backend.reconfigureCluster(cluster, { drs: { enabled: true, migrationThreshold: 4, defaultVmBehavior: 'manual' } }));
      await run(backend.reconfigureCluster(cluster, { ha: { enabled: true, admissionControlEnabled: true, admissionControlPolicy: { type: 'failoverLevel', failoverLevel: 1 } } }));
      const after = await backend.clusterConfig(cluster);
      if (c.has('clusterConfigIgnored')) {
        expect({ drs: after.drs, ha: after.ha }).toEqual({ drs: before.drs, ha: before.ha });
      } else {
        expect(after.drs).toEqual({ enabled: true, migrationThreshold: 4, defaultVmBehavior: 'manual' });
        expect(after.ha).toEqual({ enabled: true, admissionControlEnabled: true, admissionControlPolicy: { type: 'failoverLevel', failoverLevel: 1 } });
      }
      await run(backend.reconfigureCluster(cluster, { drs: { defaultVmBehavior: 'fullyAutomated' }, ha: { enabled: false } }));
      const last = await backend.clusterConfig(cluster);
      if (!c.has('clusterConfigIgnored')) expect(last).toMatchObject({ drs: { enabled: true, migrationThreshold: 4, defaultVmBehavior: 'fullyAutomated' }, ha: { enabled: false, admissionControlEnabled: true } });
    });

    it("refuses a power-on that would eat into HA's failover reserve with vSphere's words, leaving the VM off (vcsim deviations: noAdmissionControl, clusterConfigIgnored)", async () => {
      const { backend, hosts } = c.fixture();
      const cluster = await clusterOf(backend);
      const smallest = Math.min(...(await backend.hosts({ cluster })).filter((h) => hosts.includes(h.id)).map((h) => h.memoryMB));
      await run(backend.reconfigureCluster(cluster, { ha: { enabled: true, admissionControlEnabled: true, admissionControlPolicy: { type: 'failoverLevel', failoverLevel: 1 } } }));
      const mb = Math.floor((smallest * 0.6) / 4) * 4;
      const size = { memoryMB: mb, memoryAllocation: { reservation: mb } };
      const first = await vm(backend, size);
      const second = await vm(backend, size);
      await run(backend.powerOnVM(first));
      const refusing = backend.powerOnVM(second);
      if (c.has('noAdmissionControl') || c.has('clusterConfigIgnored')) await run(refusing);
      else {
        expect(await failure(refusing)).toMatchObject({ code: 'InsufficientResourcesFault', message: 'Insufficient resources to satisfy configured failover level for vSphere HA.' });
        expect((await backend.vm(second)).powerState).toBe('poweredOff');
      }
      await run(backend.reconfigureCluster(cluster, { ha: { enabled: false } }));
    });

    it('changes DPM settings with modify semantics, beside DRS (vcsim deviation: dpmConfigIgnored)', async () => {
      const { backend } = c.fixture();
      const cluster = await clusterOf(backend);
      const before = await backend.clusterConfig(cluster);
      await run(backend.reconfigureCluster(cluster, { drs: { enabled: true }, dpm: { enabled: true, defaultDpmBehavior: 'manual', hostPowerActionRate: 2 } }));
      const after = await backend.clusterConfig(cluster);
      if (c.has('dpmConfigIgnored')) expect(after.dpm).toEqual(before.dpm);
      else expect(after.dpm).toEqual({ enabled: true, defaultDpmBehavior: 'manual', hostPowerActionRate: 2 });
      await run(backend.reconfigureCluster(cluster, { dpm: { defaultDpmBehavior: 'automated' } }));
      if (!c.has('dpmConfigIgnored')) expect((await backend.clusterConfig(cluster)).dpm).toEqual({ enabled: true, defaultDpmBehavior: 'automated', hostPowerActionRate: 2 });
      await run(backend.reconfigureCluster(cluster, { dpm: { enabled: false } }));
      if (!c.has('dpmConfigIgnored')) expect((await backend.clusterConfig(cluster)).dpm).toMatchObject({ enabled: false, hostPowerActionRate: 2 });
      expect(await failure(backend.reconfigureCluster(cluster, { dpm: { hostPowerActionRate: 6 } }))).toMatchObject({ code: 'InvalidArgument' });
    });

    it('adds a DRS VM override, edits only the fields given, and refuses a second one for the same VM with InvalidArgument', async () => {
      const { backend } = c.fixture();
      const cluster = await clusterOf(backend);
      const pinned = await vm(backend);
      await run(backend.reconfigureCluster(cluster, { drsVmOverrides: [{ operation: 'add', override: { vm: pinned, enabled: false, behavior: 'manual' } }] }));
      expect((await backend.clusterConfig(cluster)).drsVmOverrides).toContainEqual({ vm: pinned, enabled: false, behavior: 'manual' });
      await run(backend.reconfigureCluster(cluster, { drsVmOverrides: [{ operation: 'edit', override: { vm: pinned, behavior: 'partiallyAutomated' } }] }));
      expect((await backend.clusterConfig(cluster)).drsVmOverrides).toContainEqual({ vm: pinned, enabled: false, behavior: 'partiallyAutomated' });
      const twin = await failure(backend.reconfigureCluster(cluster, { drsVmOverrides: [{ operation: 'add', override: { vm: pinned, enabled: true, behavior: 'manual' } }] }));
      expect(twin).toMatchObject({ code: 'InvalidArgument' });
    });

    it('lists pending DRS recommendations and the migration history, empty on a cluster DRS has not moved anything in', async () => {
      const { backend } = c.fixture();
      const cluster = await clusterOf(backend);
      expect(await backend.drsRecommendations(cluster)).toEqual({ recommendations: [], rejected: [] });
      expect(await backend.drsMigrationHistory(cluster)).toEqual([]);
    });
  });
}

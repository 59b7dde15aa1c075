/**
 * The Backend contract on VSphereBackend against govmomi's vcsim (started once for the file). The
 * deviations named here are vcsim's, not the backend's: see test/backend/contract/fixture.ts.
 */
import { describe, expect, it } from 'vitest';
import { CHILD_DISK_FALLBACK, INSTANT_CLONE_FALLBACK, VSphereBackend } from '../../../src/backend/vsphere/index.js';
import { NotFoundError, NotSupportedError, SystemError } from '../../../src/sim/errors.js';
import { describeBackendContract, type VcsimDeviation } from '../contract/index.js';
import { useVcsim } from './vcsim.js';

const vcsim = useVcsim({ hostsPerCluster: 2, vmsPerCluster: 0 });

const VCSIM_DEVIATIONS: ReadonlySet<VcsimDeviation> = new Set<VcsimDeviation>([
  'noAdmissionControl',
  'instantCloneMissing',
  'cloneIgnoresHost',
  'cloneIgnoresPowerOn',
  'cloneIgnoresSnapshot',
  'powerTransitionsUnchecked',
  'revertKeepsPowerState',
  'duplicateVmNameAccepted',
  'poolRenameUnchecked',
  'cloneAliasesSourceDisks',
  'removingCurrentRootSnapshotCrashes',
  'childDiskMissing',
  'diskFilesEmpty',
  'clusterConfigIgnored',
  'dpmConfigIgnored',
]);

describeBackendContract(
  'VSphereBackend on vcsim',
  async () => {
    const backend = await new VSphereBackend({ url: vcsim().url, eventPollSeconds: 1 }).connect();
    const [cluster] = await backend.clusters();
    const [network] = (await backend.networks()).filter((n) => n.name === 'VM Network');
    const [datastore] = await backend.datastores();
    if (cluster === undefined || network === undefined || datastore === undefined) throw new Error('vcsim has no cluster, VM Network or datastore');
    const hosts = (await backend.hosts({ cluster: cluster.id })).map((h) => h.id);
    return { backend, pool: cluster.rootPool, network: network.id, datastore: datastore.id, hosts };
  },
  { deviations: VCSIM_DEVIATIONS, instantCloneFallbackId: INSTANT_CLONE_FALLBACK },
);

describe('VSphereBackend scope on vcsim', () => {
  it('sees only the named datacenter and cluster, and creates VMs on the named datastore', async () => {
    const backend = await new VSphereBackend({ url: vcsim().url, datacenter: 'DC0', cluster: 'DC0_C0', datastore: 'LocalDS_0', pool: 'Resources' }).connect();
    try {
      expect((await backend.datacenters()).map((d) => d.name)).toEqual(['DC0']);
      const [cluster] = await backend.clusters();
      expect(cluster).toMatchObject({ name: 'DC0_C0' });
      expect(backend.scope.pool?.value).toBe(cluster!.rootPool);
      expect((await backend.hosts()).every((h) => h.cluster === cluster!.id)).toBe(true);
      const id = await (await backend.createVM({ name: 'scoped-vm', pool: cluster!.rootPool, numCpu: 1, memoryMB: 256 })).wait();
      expect((await backend.vm(id)).vmxPath).toMatch(/^\[LocalDS_0\] /);
      expect((await backend.vms()).map((v) => v.id)).toContain(id);
    } finally {
      await backend.close();
    }
  });

  it('refuses a scope name that does not exist with ManagedObjectNotFound', async () => {
    await expect(new VSphereBackend({ url: vcsim().url, datacenter: 'DC0', cluster: 'no-such-cluster' }).connect()).rejects.toBeInstanceOf(NotFoundError);
  });

  it('ends its session on close, so a later call needs a new connection', async () => {
    const backend = await new VSphereBackend({ url: vcsim().url }).connect();
    await backend.close();
    await expect(backend.datacenters()).rejects.toBeInstanceOf(SystemError);
  });
});

describe('VSphereBackend datastore calls vcsim lacks', () => {
  it('makes a stand-alone delta through its helper VM when CreateChildDisk_Task is missing, and refuses to read a disk with no descriptor text', async () => {
    const backend = await new VSphereBackend({ url: vcsim().url }).connect();
    try {
      const [datastore] = await backend.datastores();
      const dir = `[${datastore!.name}] vcsim-gaps-${process.pid}`;
      await backend.makeDirectory(dir, true);
      await (await backend.createVirtualDisk(`${dir}/base.vmdk`, { capacityBytes: 1 << 30 })).wait();
      const task = await backend.createVirtualDisk(`${dir}/child.vmdk`, { parent: `${dir}/base.vmdk` });
      expect(task.descriptionId).toBe(CHILD_DISK_FALLBACK);
      expect(await task.wait()).toMatchObject({ path: `${dir}/child.vmdk`, parent: `${dir}/base.vmdk` });
      expect((await backend.listDatastore(dir)).map((e) => [e.name, e.kind])).toEqual([['base.vmdk', 'disk'], ['child.vmdk', 'disk']]);
      await expect(backend.virtualDisk(`${dir}/base.vmdk`)).rejects.toBeInstanceOf(NotSupportedError);
      await (await backend.deleteDatastoreFile(dir)).wait();
    } finally {
      await backend.close();
    }
  });
});

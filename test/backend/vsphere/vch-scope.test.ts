/** vchComputeScope on vcsim: a VCH on a backend scoped to a pool makes its own pool below that pool. */
import { describe, expect, it } from 'vitest';
import { vchComputeScope, VSphereBackend } from '../../../src/backend/vsphere/index.js';
import { NotFoundError } from '../../../src/sim/errors.js';
import { useVcsim } from './vcsim.js';

const vcsim = useVcsim({ hostsPerCluster: 1, vmsPerCluster: 0 });

describe('the compute scope a VCH sees on the live backend', () => {
  it('is the backend itself when no pool is named', async () => {
    const backend = await new VSphereBackend({ url: vcsim().url }).connect();
    try {
      expect(await vchComputeScope(backend)).toBe(backend);
    } finally {
      await backend.close();
    }
  });

  it('reports the named pool as the root of its cluster, so a VCH pool is made below it', async () => {
    const setup = await new VSphereBackend({ url: vcsim().url }).connect();
    const [cluster] = await setup.clusters();
    const tenant = await setup.createResourcePool(cluster!.rootPool, 'tenant-a');
    await setup.close();
    const backend = await new VSphereBackend({ url: vcsim().url, pool: 'tenant-a' }).connect();
    try {
      const scoped = await vchComputeScope(backend);
      const [seen, ...others] = await scoped.clusters();
      expect(others).toEqual([]);
      expect(seen).toMatchObject({ id: cluster!.id, rootPool: tenant.id });
      const vchPool = await scoped.createResourcePool(seen!.rootPool, 'vch-under-tenant');
      expect(vchPool.parent).toBe(tenant.id);
      expect(await scoped.datastores()).toEqual(await backend.datastores());
      await (await scoped.destroyResourcePool(vchPool.id)).wait();
    } finally {
      await backend.close();
    }
  });

  it('refuses a pool name the vCenter does not have with ManagedObjectNotFound', async () => {
    await expect(new VSphereBackend({ url: vcsim().url, pool: 'no-such-pool' }).connect()).rejects.toBeInstanceOf(NotFoundError);
  });
});

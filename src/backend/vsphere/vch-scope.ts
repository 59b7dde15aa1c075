/**
 * How a VCH sees a live backend whose scope names a resource pool (`--pool`): as vic-machine's
 * `--compute-resource cluster/pool`, the pool is the top of the VCH's compute resource, so the VCH
 * makes its own pool below it rather than below the cluster's root pool. Nothing else changes.
 */
import { NotFoundError } from '../../sim/errors.js';
import type { ResourcePoolId } from '../../sim/ids.js';
import type { Backend, ClusterInfo } from '../backend.js';
import { idOf } from './refs.js';
import type { VSphereBackend } from './vsphere-backend.js';

/**
 * The backend a VCH should run on: `backend` itself when its scope names no pool; otherwise a view
 * whose clusters() lists only the pool's cluster, with the pool as its `rootPool`. Every other call
 * goes to `backend` unchanged. Precondition: `backend` is connected. One pool listing.
 * @throws NotFoundError when the scope's pool is not in the backend's scope.
 */
export async function vchComputeScope(backend: VSphereBackend): Promise<Backend> {
  const scopePool = backend.scope.pool;
  if (scopePool === undefined) return backend;
  const poolId = idOf<ResourcePoolId>(scopePool);
  const pool = (await backend.resourcePools()).find((p) => p.id === poolId);
  if (pool === undefined) throw new NotFoundError('ResourcePool', poolId);
  const clusters = async (): Promise<ClusterInfo[]> => (await backend.clusters()).filter((c) => c.id === pool.cluster).map((c) => ({ ...c, rootPool: pool.id }));
  return new Proxy(backend, {
    get(target, key) {
      if (key === 'clusters') return clusters;
      const member: unknown = Reflect.get(target, key, target);
      return typeof member === 'function' ? (member as (...args: unknown[]) => unknown).bind(target) : member;
    },
  });
}

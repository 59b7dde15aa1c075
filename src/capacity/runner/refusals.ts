/** Why the model refused a container, read from its typed errors. */
import { InsufficientResourcesError, InvalidStateError, type VicsimError } from '../../sim/errors.js';
import type { ResourcePoolId } from '../../sim/ids.js';
import type { RefusalReason } from '../report/result.js';

/** A refusal: the report's reason and, when the model named one, the resource that ran out. */
export interface Refusal {
  readonly reason: RefusalReason;
  readonly resource: 'cpu' | 'memory' | 'vmsPerHost' | undefined;
}

/**
 * Classifies a refusal of a container of the VCH whose pool is `vchPool`: admission in that pool →
 * poolCpu/poolMemory; a datastore without room → datastoreFull; a host (or the cluster's root
 * pool) without room or running ESXi's maximum of VMs, a host in the low memory state or not
 * connected → noHostFits.
 * @returns undefined for errors that are not refusals (the caller rethrows them: they are bugs).
 */
export function refusalOf(error: VicsimError, vchPool: ResourcePoolId): Refusal | undefined {
  if (error instanceof InsufficientResourcesError) {
    if (error.resource === 'disk') return { reason: 'datastoreFull', resource: undefined };
    if (error.scope.startsWith('resource pool') && error.scope.includes(`(${vchPool})`)) {
      return { reason: error.resource === 'cpu' ? 'poolCpu' : 'poolMemory', resource: error.resource === 'cpu' ? 'cpu' : 'memory' };
    }
    return { reason: 'noHostFits', resource: error.resource === 'vms' ? 'vmsPerHost' : error.resource };
  }
  if (error instanceof InvalidStateError && (error.code === 'InvalidHostState' || error.code === 'InvalidState')) return { reason: 'noHostFits', resource: undefined };
  return undefined;
}

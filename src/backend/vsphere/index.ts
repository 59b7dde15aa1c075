/**
 * The live vCenter backend: {@link VSphereBackend} over the vim25 SOAP client (vim25/), with the
 * name of the instant-clone fallback recorded in clone tasks and the scope types.
 */
export { VSphereBackend, type VSphereBackendOptions } from './vsphere-backend.js';
export { INSTANT_CLONE_FALLBACK } from './clone.js';
export { CHILD_DISK_FALLBACK, DISK_HELPER_VM_PREFIX } from './child-disk.js';
export type { VSphereScope, VSphereScopeNames } from './inventory.js';
export { vchComputeScope } from './vch-scope.js';

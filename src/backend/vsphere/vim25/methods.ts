/**
 * Typed calls of the vim25 methods a VCH needs, arguments in WSDL order. Methods named `*_Task` return
 * the Task reference at once (vCenter runs them in the background; wait with waitForTask or runTask);
 * CreateResourcePool and UpdateConfig are synchronous. Faults arrive as typed errors (faults.ts).
 */
import { SystemError } from '../../../sim/errors.js';
import type { VimClient } from './client.js';
import { isVimObject, type VimValue } from './decode.js';
import { ManagedObjectReference, type SoapArgument } from './encode.js';
import { waitForTask, type TaskWaitOptions } from './property-watch.js';
import { readObject } from './property-collector.js';
import {
  cloneSpec,
  configSpec,
  instantCloneSpec,
  relocateSpec,
  resourceConfigSpec,
  type CloneSpecInput,
  type ConfigSpecInput,
  type InstantCloneSpecInput,
  type RelocateSpecInput,
  type ResourceConfigSpecInput,
} from './specs.js';

async function callForReference(client: VimClient, method: string, self: ManagedObjectReference, args: readonly SoapArgument[]): Promise<ManagedObjectReference> {
  const value = await client.invoke(method, self, args, { returns: 'ManagedObjectReference' });
  if (!(value instanceof ManagedObjectReference)) throw new SystemError(`${method} returned no object reference`);
  return value;
}

/** Starts a task and waits for it; returns info.result. */
export async function runTask(client: VimClient, started: Promise<ManagedObjectReference>, options?: TaskWaitOptions): Promise<VimValue | undefined> {
  return waitForTask(client, await started, options);
}

/** CreateVM_Task on a VM folder: a new VM in `pool` (on `host` when the pool's cluster has no DRS). */
export function createVmTask(
  client: VimClient,
  input: { readonly folder: ManagedObjectReference; readonly config: ConfigSpecInput; readonly pool: ManagedObjectReference; readonly host?: ManagedObjectReference },
): Promise<ManagedObjectReference> {
  return callForReference(client, 'CreateVM_Task', input.folder, [['config', configSpec(input.config)], ['pool', input.pool], ['host', input.host]]);
}

/** CloneVM_Task: copy `vm` (or its snapshot) into `folder` as `name`. */
export function cloneVmTask(
  client: VimClient,
  vm: ManagedObjectReference,
  input: { readonly folder: ManagedObjectReference; readonly name: string; readonly spec: CloneSpecInput },
): Promise<ManagedObjectReference> {
  return callForReference(client, 'CloneVM_Task', vm, [['folder', input.folder], ['name', input.name], ['spec', cloneSpec(input.spec)]]);
}

/** InstantClone_Task (vSphere 6.7+; vcsim 0.24 answers NotSupportedError via MethodNotFound). */
export function instantCloneTask(client: VimClient, vm: ManagedObjectReference, spec: InstantCloneSpecInput): Promise<ManagedObjectReference> {
  return callForReference(client, 'InstantClone_Task', vm, [['spec', instantCloneSpec(spec)]]);
}

/** CreateSnapshot_Task; the task's result is the new VirtualMachineSnapshot. */
export function createSnapshotTask(
  client: VimClient,
  vm: ManagedObjectReference,
  input: { readonly name: string; readonly description?: string; readonly memory: boolean; readonly quiesce: boolean },
): Promise<ManagedObjectReference> {
  const args: SoapArgument[] = [['name', input.name], ['description', input.description], ['memory', input.memory], ['quiesce', input.quiesce]];
  return callForReference(client, 'CreateSnapshot_Task', vm, args);
}

/** PowerOnVM_Task; `host` only for VMs outside a DRS cluster. */
export function powerOnVmTask(client: VimClient, vm: ManagedObjectReference, host?: ManagedObjectReference): Promise<ManagedObjectReference> {
  return callForReference(client, 'PowerOnVM_Task', vm, [['host', host]]);
}

/** PowerOffVM_Task (hard power off). */
export function powerOffVmTask(client: VimClient, vm: ManagedObjectReference): Promise<ManagedObjectReference> {
  return callForReference(client, 'PowerOffVM_Task', vm, []);
}

/** SuspendVM_Task. */
export function suspendVmTask(client: VimClient, vm: ManagedObjectReference): Promise<ManagedObjectReference> {
  return callForReference(client, 'SuspendVM_Task', vm, []);
}

/** ReconfigVM_Task with a config spec (only the set fields change). */
export function reconfigVmTask(client: VimClient, vm: ManagedObjectReference, spec: ConfigSpecInput): Promise<ManagedObjectReference> {
  return callForReference(client, 'ReconfigVM_Task', vm, [['spec', configSpec(spec)]]);
}

/** RelocateVM_Task (vMotion / storage vMotion); priority defaults to the server's. */
export function relocateVmTask(
  client: VimClient,
  vm: ManagedObjectReference,
  spec: RelocateSpecInput,
  priority?: 'defaultPriority' | 'highPriority' | 'lowPriority',
): Promise<ManagedObjectReference> {
  return callForReference(client, 'RelocateVM_Task', vm, [['spec', relocateSpec(spec)], ['priority', priority]]);
}

/** Destroy_Task on any managed entity (a powered-off VM, an empty resource pool, …). */
export function destroyTask(client: VimClient, entity: ManagedObjectReference): Promise<ManagedObjectReference> {
  return callForReference(client, 'Destroy_Task', entity, []);
}

/** RevertToSnapshot_Task on a VirtualMachineSnapshot. */
export function revertToSnapshotTask(
  client: VimClient,
  snapshot: ManagedObjectReference,
  options: { readonly host?: ManagedObjectReference; readonly suppressPowerOn?: boolean } = {},
): Promise<ManagedObjectReference> {
  return callForReference(client, 'RevertToSnapshot_Task', snapshot, [['host', options.host], ['suppressPowerOn', options.suppressPowerOn]]);
}

/** RemoveSnapshot_Task on a VirtualMachineSnapshot; consolidate defaults to the server's (true). */
export function removeSnapshotTask(
  client: VimClient,
  snapshot: ManagedObjectReference,
  options: { readonly removeChildren: boolean; readonly consolidate?: boolean },
): Promise<ManagedObjectReference> {
  return callForReference(client, 'RemoveSnapshot_Task', snapshot, [['removeChildren', options.removeChildren], ['consolidate', options.consolidate]]);
}

/** CreateResourcePool under `parent` (synchronous); returns the new pool. */
export function createResourcePool(client: VimClient, parent: ManagedObjectReference, name: string, spec: ResourceConfigSpecInput): Promise<ManagedObjectReference> {
  return callForReference(client, 'CreateResourcePool', parent, [['name', name], ['spec', resourceConfigSpec(spec)]]);
}

/** UpdateConfig on a resource pool: rename and/or change its allocations (synchronous). */
export async function updateResourcePoolConfig(
  client: VimClient,
  pool: ManagedObjectReference,
  change: { readonly name?: string; readonly config?: ResourceConfigSpecInput },
): Promise<void> {
  const config = change.config === undefined ? undefined : resourceConfigSpec(change.config);
  await client.invoke('UpdateConfig', pool, [['name', change.name], ['config', config]]);
}

/** The key of the client's current session (SessionManager.currentSession.key). */
export async function currentSessionKey(client: VimClient): Promise<string> {
  const properties = await readObject(client, client.serviceContent.sessionManager, ['currentSession']);
  const session = properties.get('currentSession');
  const key = isVimObject(session) ? session['key'] : undefined;
  if (typeof key !== 'string') throw new SystemError('the server reported no current session');
  return key;
}

/** TerminateSession: ends other sessions by key (needs Sessions.TerminateSession). */
export async function terminateSessions(client: VimClient, sessionKeys: readonly string[]): Promise<void> {
  await client.invoke('TerminateSession', client.serviceContent.sessionManager, [['sessionId', [...sessionKeys]]]);
}

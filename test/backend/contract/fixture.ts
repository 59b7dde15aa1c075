/**
 * What the Backend contract suite runs on: a fresh backend with the ids it needs, the named vcsim
 * deviations, and small helpers (unique names, running a task, waiting for a condition).
 */
import { afterEach, beforeEach, expect } from 'vitest';
import type { Backend, Task } from '../../../src/backend/backend.js';
import type { DatastoreId, HostId, NetworkId, ResourcePoolId } from '../../../src/sim/ids.js';

/**
 * Ways govmomi's vCenter simulator 0.24.2 is known to differ from vCenter (shared/reference/vim25.md,
 * and govmomi's simulator sources). A case affected by one asserts the weaker, documented behaviour
 * only when the backend under test names that deviation; every other backend gets the vCenter assertion.
 */
export type VcsimDeviation =
  /** No admission control: any reservation is accepted, in pools and at power-on. */
  | 'noAdmissionControl'
  /** InstantClone_Task is missing (MethodNotFound): the backend's linked-clone fallback runs instead. */
  | 'instantCloneMissing'
  /** CloneVM_Task ignores `location.host`: the clone lands on the source's host. */
  | 'cloneIgnoresHost'
  /** CloneVM_Task ignores `powerOn`: the clone is powered off. */
  | 'cloneIgnoresPowerOn'
  /** CloneVM_Task ignores `snapshot` (and diskMoveType): the clone copies the source's current disks. */
  | 'cloneIgnoresSnapshot'
  /** Power operations only refuse a VM already in the requested state (suspend a powered-off VM, reset a suspended one). */
  | 'powerTransitionsUnchecked'
  /** RevertToSnapshot_Task only moves `currentSnapshot`: the VM keeps its power state. */
  | 'revertKeepsPowerState'
  /** CreateVM_Task accepts a name that a VM in the same folder already has. */
  | 'duplicateVmNameAccepted'
  /** UpdateConfig checks a new pool name against the pool's children, not its siblings. */
  | 'poolRenameUnchecked'
  /** CloneVM_Task edits the source's disk devices in place: the source's backings then name the clone's new files. */
  | 'cloneAliasesSourceDisks'
  /** RemoveSnapshot_Task of the current snapshot when it has no parent panics the handler and leaves the VM unreadable. */
  | 'removingCurrentRootSnapshotCrashes'
  /** VirtualDiskManager has no CreateChildDisk_Task (MethodNotFound): no stand-alone delta disks. */
  | 'childDiskMissing'
  /** CreateVirtualDisk_Task and new VM disks are empty files (no descriptor text): a disk's capacity and parent cannot be read back from the datastore. */
  | 'diskFilesEmpty'
  /** ReconfigureComputeResource_Task applies only rules, groups and VM overrides: drsConfig and dasConfig keep their values. */
  | 'clusterConfigIgnored'
  /** ReconfigureComputeResource_Task ignores dpmConfig: configurationEx.dpmConfigInfo stays as it was. */
  | 'dpmConfigIgnored';

/** A fresh backend and the ids the suite needs. */
export interface ContractFixture {
  readonly backend: Backend;
  /** A cluster's root pool (VMs and child pools go here). */
  readonly pool: ResourcePoolId;
  readonly network: NetworkId;
  readonly datastore: DatastoreId;
  /** Two or more connected hosts of the pool's cluster. */
  readonly hosts: readonly HostId[];
}

/** How the suite treats a backend. */
export interface ContractOptions {
  readonly deviations?: ReadonlySet<VcsimDeviation>;
  /** descriptionId the backend gives an instant clone done by its fallback (needed with `instantCloneMissing`). */
  readonly instantCloneFallbackId?: string;
  /** Longest wait for asynchronous deliveries (events), in ms. Default 10 s. */
  readonly eventWaitMs?: number;
}

/** What each part of the suite is given. */
export interface ContractContext {
  /** The fixture of the running test (a fresh one per test). */
  readonly fixture: () => ContractFixture;
  readonly has: (deviation: VcsimDeviation) => boolean;
  readonly options: ContractOptions;
  /** A VM or pool name no other test of this run uses. */
  readonly name: (what: string) => string;
}

let counter = 0;

/** Registers beforeEach/afterEach for a fresh fixture per test (closed after it) and returns the context. */
export function contractContext(label: string, setup: () => Promise<ContractFixture>, options: ContractOptions): ContractContext {
  let current: ContractFixture | undefined;
  beforeEach(async () => {
    current = await setup();
  });
  afterEach(async () => {
    await current?.backend.close();
    current = undefined;
  });
  const prefix = `${label.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}-${process.pid}`;
  return {
    fixture: () => {
      if (current === undefined) throw new Error('no fixture: setup failed');
      return current;
    },
    has: (deviation) => options.deviations?.has(deviation) ?? false,
    options,
    name: (what) => `${prefix}-${what}-${++counter}`,
  };
}

/** Starts an operation and waits for its task: the result, or the error whether it came at once or from the task. */
export async function run<T>(started: Promise<Task<T>>): Promise<T> {
  return (await started).wait();
}

/** The error an operation ends with (at once or through its task); fails the test when it succeeds. */
export async function failure(started: Promise<Task<unknown>>): Promise<unknown> {
  try {
    await run(started);
  } catch (error) {
    return error;
  }
  return expect.unreachable('the operation succeeded');
}

/** Polls `check` until it returns true (asynchronous deliveries such as events); fails after `timeoutMs`. */
export async function eventually(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) expect.unreachable(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

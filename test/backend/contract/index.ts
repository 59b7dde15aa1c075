/**
 * The Backend contract suite: one set of assertions for every Backend. Where govmomi's vcsim is known
 * to deviate from vCenter, a case checks the weaker behaviour only for a backend that names that
 * deviation (fixture.ts lists them); every other backend gets vCenter's behaviour.
 */
import { describe } from 'vitest';
import { clusterContract } from './cluster.contract.js';
import { datastoreContract } from './datastore.contract.js';
import { contractContext, type ContractFixture, type ContractOptions } from './fixture.js';
import { nicsContract } from './nics.contract.js';
import { poolsEventsTasksContract } from './pools-events-tasks.contract.js';
import { snapshotsClonesContract } from './snapshots-clones.contract.js';
import { vmLifecycleContract } from './vm-lifecycle.contract.js';

export type { ContractFixture, ContractOptions, VcsimDeviation } from './fixture.js';

/**
 * Registers the contract's vitest cases under `describe(name)`. `setup` gives a fresh backend per test
 * (closed after it) and the ids it needs; tests name their objects uniquely, so backends that share
 * one server (vcsim) work too. Precondition: call at the top level of a test file.
 */
export function describeBackendContract(name: string, setup: () => Promise<ContractFixture>, options: ContractOptions = {}): void {
  describe(`Backend contract: ${name}`, () => {
    const context = contractContext(name, setup, options);
    vmLifecycleContract(context);
    snapshotsClonesContract(context);
    poolsEventsTasksContract(context);
    datastoreContract(context);
    clusterContract(context);
    nicsContract(context);
  });
}

/**
 * The Backend contract on VSphereBackend against govmomi's vcsim (started once for the file). The
 * deviations named here are vcsim's, not the backend's: see test/backend/contract/fixture.ts.
 */
import { INSTANT_CLONE_FALLBACK, VSphereBackend } from '../../../src/backend/vsphere/index.js';
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

/** The Backend contract on ModelBackend over clusterPreset() (no deviations: the model is the reference). */
import { ModelBackend } from '../../src/backend/model/index.js';
import { clusterPreset } from '../../src/hypervisor/index.js';
import { describeBackendContract } from './contract/index.js';

describeBackendContract('ModelBackend', async () => {
  const preset = clusterPreset({ hosts: 2 });
  return {
    backend: new ModelBackend(preset.model),
    pool: preset.rootPool.id,
    network: preset.network.id,
    datastore: preset.datastore.id,
    hosts: preset.hosts.map((h) => h.id),
  };
});

/** Listing a large inventory through one container view (vcsim sends it as a single page). */
import { describe, expect, it } from 'vitest';
import { ManagedObjectReference, retrieveContainer, VimClient } from '../../../src/backend/vsphere/vim25/index.js';
import { useVcsim } from './vcsim.js';

const vcsim = useVcsim({ hostsPerCluster: 3, vmsPerCluster: 1000 });

describe('vim25 client on a 1,000-VM vcsim', () => {
  it('lists all 1,000 VMs with five properties each, every VM once', async () => {
    const client = await VimClient.connect({ url: vcsim().url });
    const paths = ['name', 'runtime.powerState', 'runtime.host', 'config.hardware.numCPU', 'config.hardware.memoryMB'];
    const vms = await retrieveContainer(client, { type: 'VirtualMachine', paths });
    expect(vms).toHaveLength(1000);
    expect(new Set(vms.map((vm) => vm.obj.value)).size).toBe(1000);
    for (const vm of vms) {
      expect([...vm.properties.keys()].sort()).toEqual([...paths].sort());
      expect(vm.properties.get('runtime.host')).toBeInstanceOf(ManagedObjectReference);
    }
    client.close();
  });
});

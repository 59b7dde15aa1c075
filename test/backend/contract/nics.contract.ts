/**
 * Contract: virtual NICs. CreateVM with NICs, and ReconfigVM_Task adding (vmxnet3 on a network,
 * generated MAC) and removing NICs by key, while powered off and while running (hot-add and
 * hot-remove, as VIC's container networks need).
 */
import { describe, expect, it } from 'vitest';
import type { Backend, NicInfo } from '../../../src/backend/backend.js';
import { InvalidArgumentError, NotFoundError } from '../../../src/sim/errors.js';
import type { NetworkId, VmId } from '../../../src/sim/ids.js';
import { failure, run, type ContractContext } from './fixture.js';

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

async function nicsOf(backend: Backend, id: VmId): Promise<readonly NicInfo[]> {
  return (await backend.vm(id)).nics;
}

/** Registers the NIC cases. */
export function nicsContract(c: ContractContext): void {
  const create = async (nics: readonly { network: NetworkId }[] = []): Promise<VmId> =>
    run(c.fixture().backend.createVM({ name: c.name('nic'), pool: c.fixture().pool, numCpu: 1, memoryMB: 256, nics }));

  describe('virtual NICs', () => {
    it('creates a VM with a NIC on the network, listed with its key and a generated MAC', async () => {
      const { backend, network } = c.fixture();
      const id = await create([{ network }]);
      const nics = await nicsOf(backend, id);
      expect(nics).toHaveLength(1);
      expect(nics[0]).toMatchObject({ network });
      expect(nics[0]!.macAddress).toMatch(MAC);
      await run(backend.destroyVM(id));
    });

    it('adds a NIC to a powered-off VM, with a key and MAC of its own', async () => {
      const { backend, network } = c.fixture();
      const id = await create([{ network }]);
      await run(backend.reconfigureVM(id, { addNics: [{ network }] }));
      const nics = await nicsOf(backend, id);
      expect(nics).toHaveLength(2);
      expect(new Set(nics.map((n) => n.key)).size).toBe(2);
      expect(new Set(nics.map((n) => n.macAddress.toLowerCase())).size).toBe(2);
      expect(nics.every((n) => n.network === network && MAC.test(n.macAddress))).toBe(true);
      await run(backend.destroyVM(id));
    });

    it('hot-adds and hot-removes NICs while the VM runs, which stays powered on', async () => {
      const { backend, network } = c.fixture();
      const id = await create();
      await run(backend.powerOnVM(id));
      await run(backend.reconfigureVM(id, { addNics: [{ network }, { network }] }));
      const added = await nicsOf(backend, id);
      expect(added).toHaveLength(2);
      await run(backend.reconfigureVM(id, { removeNics: [added[0]!.key] }));
      const left = await nicsOf(backend, id);
      expect(left.map((n) => n.key)).toEqual([added[1]!.key]);
      expect(left[0]!.macAddress).toBe(added[1]!.macAddress);
      expect((await backend.vm(id)).powerState).toBe('poweredOn');
      await run(backend.powerOffVM(id));
      await run(backend.destroyVM(id));
    });

    it('refuses to remove a key that is no NIC of the VM with InvalidArgument, changing nothing', async () => {
      const { backend, network } = c.fixture();
      const id = await create([{ network }]);
      const before = await nicsOf(backend, id);
      expect(await failure(backend.reconfigureVM(id, { removeNics: [before[0]!.key + 977] }))).toBeInstanceOf(InvalidArgumentError);
      expect(await nicsOf(backend, id)).toEqual(before);
      await run(backend.destroyVM(id));
    });

    it('refuses a NIC on a network that does not exist with ManagedObjectNotFound', async () => {
      const { backend } = c.fixture();
      const id = await create();
      expect(await failure(backend.reconfigureVM(id, { addNics: [{ network: 'network-987654' as NetworkId }] }))).toBeInstanceOf(NotFoundError);
      expect(await nicsOf(backend, id)).toEqual([]);
      await run(backend.destroyVM(id));
    });
  });
}

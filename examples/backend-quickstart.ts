// The README's library example: a 4-host preset, one resource pool, a VM created, powered on and
// instant-cloned through the Backend interface, on simulated time.
import { clusterPreset, ModelBackend } from 'vicsim';

const { model, rootPool } = clusterPreset({ hosts: 4, seed: 42 });
const backend = new ModelBackend(model);

const pool = await backend.createResourcePool(rootPool.id, 'vch-1', { memory: { reservation: 8192 } });
const web = await (await backend.createVM({ name: 'web', pool: pool.id, memoryMB: 2048, disks: [{ capacityBytes: 8 * 2 ** 30 }] })).wait();
await (await backend.powerOnVM(web)).wait();
const clone = await (await backend.cloneVM(web, { name: 'web-2', mode: 'instant' })).wait();

for (const vm of await backend.vms({ pool: pool.id })) console.log(vm.name, vm.powerState, vm.host, vm.disks[0]?.fileName);
console.log(`simulated time: ${model.clock.now()} ms; clone ${clone}`);

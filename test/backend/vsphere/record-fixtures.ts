/**
 * Records the response envelopes used by the client unit tests from a real vcsim:
 * `npx tsx test/backend/vsphere/record-fixtures.ts` rewrites test/backend/vsphere/fixtures/*.xml.
 * Each fixture is one raw response body exactly as vcsim sent it (XMLSchema-instance:type prefix,
 * fault bodies, one-element arrays included).
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createResourcePool,
  createSnapshotTask,
  ManagedObjectReference,
  instantCloneTask,
  powerOnVmTask,
  powerOffVmTask,
  PropertyWatch,
  retrieveContainer,
  retrieveProperties,
  terminateSessions,
  currentSessionKey,
  VimClient,
  type SoapExchange,
} from '../../../src/backend/vsphere/vim25/index.js';
import { startVcsim } from './vcsim.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

async function record(): Promise<void> {
  const server = await startVcsim({ hostsPerCluster: 1, vmsPerCluster: 1 });
  const exchanges: SoapExchange[] = [];
  const save = async (name: string, exchange: SoapExchange | undefined) => {
    if (exchange === undefined) throw new Error(`nothing recorded for ${name}`);
    await writeFile(join(fixtures, `${name}.xml`), exchange.responseBody);
  };
  const last = () => exchanges.at(-1);
  try {
    await VimClient.connect({ url: server.sdkUrl, userName: server.username, password: 'wrong', onExchange: (e) => exchanges.push(e) }).catch(() => undefined);
    await save('service-content', exchanges.find((e) => e.label === 'RetrieveServiceContent'));
    await save('fault-invalid-login', last());
    const client = await VimClient.connect({ url: server.url, onExchange: (e) => exchanges.push(e) });
    await save('login', last());
    const [vm] = await retrieveContainer(client, {
      type: 'VirtualMachine',
      paths: ['name', 'runtime.powerState', 'runtime.host', 'datastore', 'config.extraConfig', 'config.hardware.numCPU', 'summary.config.memorySizeMB', 'snapshot'],
    });
    await save('retrieve-vm', exchanges.find((e) => e.label === 'RetrievePropertiesEx'));
    if (vm === undefined) throw new Error('vcsim has no VM');
    const failedPowerOn = await powerOnVmTask(client, vm.obj);
    await retrieveProperties(client, [failedPowerOn], ['info']);
    await save('task-info-invalid-power-state', last());
    const [pool] = await retrieveContainer(client, { type: 'ResourcePool', paths: ['name'] });
    if (pool === undefined) throw new Error('vcsim has no pool');
    const allocation = { reservation: 0, expandableReservation: true, limit: -1, shares: { level: 'normal' as const } };
    const spec = { cpuAllocation: allocation, memoryAllocation: allocation };
    await createResourcePool(client, pool.obj, 'twice', spec);
    await createResourcePool(client, pool.obj, 'twice', spec).catch(() => undefined);
    await save('fault-duplicate-name', last());
    await powerOnVmTask(client, new ManagedObjectReference('VirtualMachine', 'vm-404')).catch(() => undefined);
    await save('fault-not-found', last());
    await instantCloneTask(client, vm.obj, { name: 'ic', location: {} }).catch(() => undefined);
    await save('fault-method-not-found', last());
    const snapshotTask = await createSnapshotTask(client, vm.obj, { name: 'base', memory: false, quiesce: false });
    await retrieveProperties(client, [snapshotTask], ['info']);
    await save('task-info-snapshot', last());
    const watch = await PropertyWatch.forObjects(client, [vm.obj], ['runtime.powerState']);
    await watch.next(0);
    await powerOffVmTask(client, vm.obj);
    await watch.next(5);
    await save('wait-for-updates-power-off', last());
    await watch.close();
    const other = await VimClient.connect({ url: server.url });
    await terminateSessions(other, [await currentSessionKey(client)]);
    await fetchWithoutRelogin(server.sdkUrl, exchanges);
    await save('fault-not-authenticated', last());
    other.close();
    client.close();
  } finally {
    await server.stop();
  }
}

/** One call with a stale cookie, outside VimClient (which would log in again). */
async function fetchWithoutRelogin(url: URL, exchanges: SoapExchange[]): Promise<void> {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">' +
    '<soapenv:Body><PowerOffVM_Task xmlns="urn:vim25"><_this type="VirtualMachine">vm-1</_this></PowerOffVM_Task></soapenv:Body></soapenv:Envelope>';
  const response = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'text/xml', Cookie: 'vmware_soap_session=stale' } });
  exchanges.push({ label: 'PowerOffVM_Task', requestBody: body, status: response.status, responseBody: await response.text() });
}

await record();

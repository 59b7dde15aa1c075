/**
 * Measures login + listing 1,000 VMs with 5 properties through the vim25 client on vcsim:
 * `npx tsx test/backend/vsphere/measure-list.ts [vmCount] [rounds]`. Prints JSON (milliseconds).
 * A measurement for the benchmark report, not a test (no timing is asserted anywhere).
 */
import { performance } from 'node:perf_hooks';
import { retrieveContainer, VimClient } from '../../../src/backend/vsphere/vim25/index.js';
import { startVcsim } from './vcsim.js';

const vmCount = Number(process.argv[2] ?? 1000);
const rounds = Number(process.argv[3] ?? 15);
const paths = ['name', 'runtime.powerState', 'runtime.host', 'config.hardware.numCPU', 'config.hardware.memoryMB'];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const startedAt = performance.now();
const server = await startVcsim({ hostsPerCluster: 3, vmsPerCluster: vmCount });
const startupMs = performance.now() - startedAt;
try {
  const samples: number[] = [];
  let listed = 0;
  for (let round = 0; round < rounds; round++) {
    const begin = performance.now();
    const client = await VimClient.connect({ url: server.url });
    const vms = await retrieveContainer(client, { type: 'VirtualMachine', paths });
    samples.push(performance.now() - begin);
    listed = vms.length;
    await client.logout();
    client.close();
  }
  const result = { vmCount: listed, rounds, vcsimStartupMs: Math.round(startupMs), loginAndListMedianMs: Math.round(median(samples)), firstRoundMs: Math.round(samples[0] ?? 0), minMs: Math.round(Math.min(...samples)) };
  console.log(JSON.stringify(result));
} finally {
  await server.stop();
}

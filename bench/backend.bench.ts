/**
 * Backend benchmarks (issue 8), side by side in one run: create + power on a VM through
 * `ModelBackend` (instant driver: simulated latencies cost no wall time) and through `VSphereBackend`
 * on govmomi's vcsim (built and started like the tests do) — VMs per second and p50 latency of one
 * create + power-on, and their ratio; then login + listing 1,000 VMs with five properties on vcsim.
 */
import { performance } from 'node:perf_hooks';
import type { Backend } from '../src/backend/backend.js';
import { ModelBackend } from '../src/backend/model/index.js';
import { VSphereBackend } from '../src/backend/vsphere/index.js';
import { retrieveContainer, VimClient } from '../src/backend/vsphere/vim25/index.js';
import { clusterPreset } from '../src/hypervisor/presets.js';
import { startVcsim } from '../test/backend/vsphere/vcsim.js';
import type { BenchResult } from './report.js';

/** VMs created and powered on per backend (vcsim takes tens of ms each). */
const MODEL_VMS = 2_000;
const VCSIM_VMS = 150;
/** Login + list rounds over 1,000 VMs on vcsim. */
const LIST_ROUNDS = 9;
const LIST_PATHS = ['name', 'runtime.powerState', 'runtime.host', 'config.hardware.numCPU', 'config.hardware.memoryMB'];

/** The q-quantile (0..1) of `values` by nearest rank. O(n log n). */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

/** `count` sequential create + power-on in the backend's first pool: VMs/s over the whole run and each one's latency. */
async function createAndPowerOn(backend: Backend, count: number, prefix: string): Promise<{ perSecond: number; latencies: number[] }> {
  const pool = (await backend.resourcePools())[0]!.id;
  const latencies: number[] = [];
  const begin = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const vm = await (await backend.createVM({ name: `${prefix}-${i}`, pool, numCpu: 1, memoryMB: 256 })).wait();
    await (await backend.powerOnVM(vm)).wait();
    latencies.push(performance.now() - t0);
  }
  return { perSecond: (count * 1000) / (performance.now() - begin), latencies };
}

/** Median ms of a fresh login plus one listing of every VM with five properties. */
async function loginAndList(url: URL): Promise<{ medianMs: number; listed: number }> {
  const samples: number[] = [];
  let listed = 0;
  for (let round = 0; round < LIST_ROUNDS; round++) {
    const t0 = performance.now();
    const client = await VimClient.connect({ url });
    listed = (await retrieveContainer(client, { type: 'VirtualMachine', paths: LIST_PATHS })).length;
    samples.push(performance.now() - t0);
    await client.logout();
    client.close();
  }
  return { medianMs: quantile(samples, 0.5), listed };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Runs the suite; returns its results for the report. */
export async function backendBench(): Promise<BenchResult[]> {
  const model = await createAndPowerOn(new ModelBackend(clusterPreset({ hosts: 4, seed: 1 }).model), MODEL_VMS, 'bench');
  const vcsim = await startVcsim({ hostsPerCluster: 3 });
  let live: { perSecond: number; latencies: number[] };
  try {
    const backend = await new VSphereBackend({ url: vcsim.url }).connect();
    try {
      live = await createAndPowerOn(backend, VCSIM_VMS, 'bench');
    } finally {
      await backend.close();
    }
  } finally {
    await vcsim.stop();
  }
  const listing = await startVcsim({ hostsPerCluster: 3, vmsPerCluster: 1000 });
  let list: { medianMs: number; listed: number };
  try {
    list = await loginAndList(listing.url);
  } finally {
    await listing.stop();
  }
  const [mp50, lp50] = [quantile(model.latencies, 0.5), quantile(live.latencies, 0.5)];
  const row = (name: string, value: number, unit: string, target: string, samples: number): BenchResult => ({ suite: 'backend', name, value, unit, target, samples, margin: 0 });
  return [
    row('create + power on, ModelBackend (instant driver)', Math.round(model.perSecond), `VMs/s, p50 ${round2(mp50)} ms`, '—', MODEL_VMS),
    row('create + power on, VSphereBackend on vcsim', Math.round(live.perSecond), `VMs/s, p50 ${round2(lp50)} ms`, '—', VCSIM_VMS),
    row('create + power on: model ÷ vcsim, per VM at p50', round2(lp50 / mp50), `× (throughput ${round2(model.perSecond / live.perSecond)}×)`, '≥ 100', VCSIM_VMS),
    row(`login + list ${list.listed} VMs (5 properties) on vcsim, median`, round2(list.medianMs), 'ms', '—', LIST_ROUNDS),
  ];
}

/**
 * Foundation benchmark: create + power on VMs in the model, at 10k and 100k VMs. Reports VMs per
 * second (benny, whole batches, fresh model each time) and heap bytes per powered-on VM (after a
 * full GC, including its record, indexes, disk link, descriptor/extent/.vmx entries and
 * reservations; the bounded task and event histories are amortised in).
 */
import b from 'benny';
import { createVM, clusterPreset, powerVM, type Preset } from '../src/hypervisor/index.js';
import { ModelBackend } from '../src/backend/model/index.js';
import { GiB } from '../src/sim/units.js';
import type { BenchResult } from './report.js';
import { gcHeap } from './heap.js';

/** 128 hosts of 1 TiB: room for 100k default container VMs' overhead reservations, under ESXi's 1,024 VMs per host. */
function bigCluster(): Preset {
  return clusterPreset({ hosts: 128, host: { cpuCores: 64, cpuMhzPerCore: 2400, memoryMB: 1024 * 1024 }, datastoreBytes: 1024 * 1024 * GiB });
}

/** Creates and powers on `n` VMs directly on the model; returns the preset. */
export function createAndPowerOn(n: number): Preset {
  const p = bigCluster();
  const m = p.model;
  for (let i = 0; i < n; i++) createVM(m, { name: `vm-${i}`, pool: p.rootPool.id, disks: [{ capacityBytes: 8 * GiB }] });
  m.clock.runUntilIdle();
  const vms = [...m.registry.all('VirtualMachine')];
  for (const vm of vms) powerVM(m, vm.id, 'powerOn');
  m.clock.runUntilIdle();
  if (vms.length !== n || vms.some((v) => m.registry.get('VirtualMachine', v.id).powerState !== 'poweredOn')) throw new Error('benchmark setup failed');
  return p;
}

/** The same through the Backend interface (task handles and DTO conversion included). */
async function createAndPowerOnViaBackend(n: number): Promise<void> {
  const p = bigCluster();
  const backend = new ModelBackend(p.model);
  const tasks = await Promise.all(Array.from({ length: n }, (_, i) => backend.createVM({ name: `vm-${i}`, pool: p.rootPool.id, disks: [{ capacityBytes: 8 * GiB }] })));
  const ids = await Promise.all(tasks.map((t) => t.wait()));
  await Promise.all((await Promise.all(ids.map((id) => backend.powerOnVM(id)))).map((t) => t.wait()));
}

/** Heap bytes per VM after creating and powering on `n`. */
function heapPerVm(n: number): number {
  return gcHeap(() => createAndPowerOn(n)) / n;
}

/** Runs the suite; returns its results for the report. */
export async function modelBench(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const cases: [string, number, () => unknown][] = [
    ['create + power on, model, 10k VMs', 10_000, () => createAndPowerOn(10_000)],
    ['create + power on, model, 100k VMs', 100_000, () => createAndPowerOn(100_000)],
    ['create + power on, ModelBackend, 10k VMs', 10_000, () => createAndPowerOnViaBackend(10_000)],
  ];
  await b.suite(
    'model: create + power on',
    ...cases.map(([name, , fn]) => b.add(name, fn)),
    b.cycle(),
    b.complete((summary) => {
      for (const r of summary.results) {
        const n = cases.find(([name]) => name === r.name)![1];
        results.push({ suite: 'model', name: r.name, value: Math.round(n / r.details.mean), unit: 'VMs/s', target: '≥ 100,000', samples: r.samples, margin: r.margin });
      }
    }),
  );
  for (const n of [10_000, 100_000]) {
    const bytes = Math.round(heapPerVm(n));
    results.push({ suite: 'model', name: `heap per powered-on VM at ${n / 1000}k VMs`, value: bytes, unit: 'B/VM', target: '≤ 4,096', samples: 1, margin: 0 });
  }
  return results;
}

/**
 * Simulated density (issue 3): container VMs of the default profile that fit on one 256 GB host
 * without memory reclamation (the host stays in the high or clear state), per provisioning mode,
 * with the simulated provisioning latency of each. Profile: 2 GB / 2 vCPU container VMs whose
 * image touches W = 256 MB and which each dirty D = 16 MB more (calibration.md's density case).
 * Linked, full and boot VMs hold their memory privately; instant clones share the frozen
 * template's pages and hold only what they dirty. The image's disk holds 512 MB of data (an estimate
 * of a container image), which a full clone copies at the datastore bandwidth. The count is what
 * memory allows: ESXi's maximum of powered-on VMs per host (calibration vm.maxVmsPerHost, 1,024) is
 * lifted here, and the rows say where it would stop a host first.
 */
import { cloneVM, clusterPreset, createSnapshot, createVM, freezeVM, powerVM, writeDisk, type Preset } from '../src/hypervisor/index.js';
import type { VmId } from '../src/sim/ids.js';
import { GiB, MiB } from '../src/sim/units.js';
import { calibrate, DEFAULT_CALIBRATION } from '../src/sim/calibration.js';

/** ESXi's maximum of powered-on VMs per host, which the density by memory may pass. */
const MAX_VMS = DEFAULT_CALIBRATION.vm.maxVmsPerHost;
import type { BenchResult } from './report.js';

const W = 256;
const D = 16;
type Mode = 'instant' | 'linked' | 'full' | 'boot';

function settle<T>(p: Preset, t: { id: string }): T {
  p.model.clock.runUntilIdle();
  const info = p.model.tasks.info(t.id as never);
  if (info.state !== 'success') throw new Error(`${info.descriptionId} failed: ${info.error?.message}`);
  return info.result as T;
}

/** One provisioning step in `mode`; returns the new VM and its simulated latency to a running guest. */
function provision(p: Preset, mode: Mode, source: VmId, i: number): { id: VmId; ms: number } {
  const l = p.model.calibration.latency;
  const t0 = p.model.clock.now();
  if (mode === 'boot') {
    const id = settle<VmId>(p, createVM(p.model, { name: `vm${i}`, pool: p.rootPool.id, disks: [{ capacityBytes: 8 * GiB }] }));
    settle(p, powerVM(p.model, id, 'powerOn'));
    return { id, ms: p.model.clock.now() - t0 + l.isoBootMs };
  }
  const id = settle<VmId>(p, cloneVM(p.model, source, { name: `vm${i}`, mode, powerOn: true }));
  return { id, ms: p.model.clock.now() - t0 + (mode === 'instant' ? 0 : l.kernelBootMs) };
}

/** The source a mode clones from: a frozen running template (instant) or a snapshotted powered-off image VM. */
function source(p: Preset, mode: Mode): VmId {
  const id = settle<VmId>(p, createVM(p.model, { name: 'image', pool: p.rootPool.id, disks: [{ capacityBytes: 8 * GiB }] }));
  writeDisk(p.model, p.model.registry.get('VirtualMachine', id).config.devices.find((d) => d.type === 'disk')!.fileName, 0, 512 * MiB, 1);
  if (mode === 'linked') settle(p, createSnapshot(p.model, id, 'image'));
  if (mode !== 'instant') return id;
  settle(p, powerVM(p.model, id, 'powerOn'));
  p.model.memoryOf(p.hosts[0]!.id).write(id, 0, W * MiB);
  freezeVM(p.model, id);
  return id;
}

/** How many VMs fit in `mode`, and the median provisioning latency. */
export function density(mode: Mode): { vms: number; latencyMs: number; consumedPerVmMB: number } {
  const p = clusterPreset({ hosts: 1, datastoreBytes: 1024 * 1024 * GiB, calibration: calibrate({ vm: { maxVmsPerHost: Number.POSITIVE_INFINITY } }) });
  const mem = p.model.memoryOf(p.hosts[0]!.id);
  const src = source(p, mode);
  const base = mem.stats().consumedMB;
  const latencies: number[] = [];
  for (let i = 0; ; i++) {
    const { id, ms } = provision(p, mode, src, i);
    latencies.push(ms);
    mem.write(id, 0, (mode === 'instant' ? D : W + D) * MiB);
    if (mem.state !== 'high' && mem.state !== 'clear') {
      const fit = i; // the last one pushed the host into reclamation
      return { vms: fit, latencyMs: latencies.sort((a, b) => a - b)[latencies.length >> 1]!, consumedPerVmMB: (mem.stats().consumedMB - base) / (fit + 1) };
    }
  }
}

/** The density table as report rows. */
export function densityBench(): BenchResult[] {
  return (['instant', 'linked', 'full', 'boot'] as const).flatMap((mode) => {
    const d = density(mode);
    return [
      { suite: 'density', name: `${mode}: container VMs per 256 GB host, by memory`, value: d.vms, unit: d.vms >= MAX_VMS ? `VMs (ESXi runs at most ${MAX_VMS})` : 'VMs', target: '—', samples: 1, margin: 0 },
      { suite: 'density', name: `${mode}: memory per VM / provisioning latency`, value: Math.round(d.consumedPerVmMB * 10) / 10, unit: `MB/VM, ${d.latencyMs} ms`, target: '—', samples: 1, margin: 0 },
    ];
  });
}

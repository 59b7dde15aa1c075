/**
 * ClusterSnapshots from a live {@link VSphereModel}: the glue between the model and the pure DRS
 * functions. Hosts map their state and capacity; pools their allocations; each powered-on VM its
 * allocations and measured demand — memory from its host's {@link HostMemory} (active, consumed =
 * private + shared, overhead), CPU from the model's guestCpuDemand when it answers for the VM, else
 * the `vicsim.workload.cpuMhz` extraConfig key (0 without it), dirty rate from its workload profile, HA restart priority from `vicsim.ha.restartPriority`.
 * Rules are the cluster's enabled rules (cluster-config.ts). For page-sharing-aware placement,
 * {@link expectedSharedMB} estimates per host how much of a new VM's memory resident pages would back.
 */
import { InvalidArgumentError } from '../../sim/errors.js';
import type { ClusterId, HostId, VmId } from '../../sim/ids.js';
import type { VSphereModel } from '../../hypervisor/model.js';
import { DemandSources } from './demand-sources.js';
import { workloadOf } from '../../hypervisor/guest-memory.js';
import type { Allocation, Host, HostState, ResourcePool, VirtualMachine, VmConfig } from '../../hypervisor/types.js';
import { clusterSettings } from './cluster-config.js';
import type { ClusterSnapshot, DrsHostState, DrsRule, HostSnapshot, PoolSnapshot, RestartPriority, SharesSetting, VmAllocation, VmDemand, VmSnapshot } from '../snapshot.js';

/** extraConfig key: the CPU the guest's workload runs, MHz (a number ≥ 0). */
export const CPU_DEMAND_KEY = 'vicsim.workload.cpuMhz';
/** extraConfig key: the VM's HA restart priority (highest, high, medium, low, lowest, disabled). */
export const RESTART_PRIORITY_KEY = 'vicsim.ha.restartPriority';
/** vMotion link of a host without NICs, Gb/s (estimate: the preset hosts' 10 GbE). */
export const DEFAULT_VMOTION_GBPS = 10;

const PAGE_MB = 4096 / 2 ** 20;
const PRIORITIES: readonly RestartPriority[] = ['highest', 'high', 'medium', 'low', 'lowest', 'disabled'];
const HOST_STATES: Readonly<Record<HostState, DrsHostState>> = { connected: 'connected', maintenance: 'maintenance', failed: 'failed', disconnected: 'failed', standby: 'standby' };

/**
 * The cluster as DRS sees it now: its hosts (added order), pools (registration order), powered-on
 * VMs (creation order, so a VM keeps its place when it moves). A disconnected host counts as failed
 * (DRS cannot manage it). O(H + P + V log V) over the cluster, plus one pass over the model's pools.
 * @throws NotFoundError for an unknown cluster; InvalidArgumentError naming the VM and key for a
 * malformed `vicsim.workload.cpuMhz` or `vicsim.ha.restartPriority`.
 */
export function snapshotCluster(model: VSphereModel, clusterId: ClusterId): ClusterSnapshot {
  return snapshotWithSources(model, clusterId).snapshot;
}

/** {@link snapshotCluster}, with the sources of its VMs' demand (for passes that only re-measure it). Same cost and errors. */
export function snapshotWithSources(model: VSphereModel, clusterId: ClusterId): { snapshot: ClusterSnapshot; sources: DemandSources } {
  const cluster = model.registry.get('Cluster', clusterId);
  const hostRecords = model.hostsOf(clusterId);
  const pools: PoolSnapshot[] = [];
  for (const p of model.registry.all('ResourcePool')) if (p.cluster === clusterId) pools.push(poolSnapshot(p));
  const vmRecords = poweredOnInCreationOrder(model, hostRecords);
  const rules = clusterSettings(model, clusterId).rules;
  const sources = new DemandSources(model, vmRecords, rules, (vm) => workloadCpuMHz(vm.name, vm.config));
  const vms: VmSnapshot[] = [];
  sources.forEach(model.clock.now(), (i, demand) => vms.push(vmSnapshot(model, vmRecords[i]!, { ...demand })));
  const snapshot: ClusterSnapshot = { hosts: hostRecords.map((h) => hostSnapshot(h, model.calibration.vm.maxVmsPerHost)), pools, rootPool: cluster.rootPool, vms, rules };
  return { snapshot, sources };
}

/** The powered-on VMs of `hosts` in creation order (ids are handed out in that order). O(V log V). */
function poweredOnInCreationOrder(model: VSphereModel, hosts: readonly Host[]): VirtualMachine[] {
  const numbered: [number, VirtualMachine][] = [];
  for (const h of hosts) {
    for (const id of model.vmsOnHost(h.id)) {
      const vm = model.registry.get('VirtualMachine', id);
      if (vm.powerState === 'poweredOn') numbered.push([Number(id.slice(id.lastIndexOf('-') + 1)), vm]);
    }
  }
  return numbered.sort((a, b) => a[0] - b[0]).map(([, vm]) => vm);
}

/** A host as DRS sees it: all cores' MHz, memory, state, fastest NIC as the vMotion link. O(NICs). */
export function hostSnapshot(h: Host, maxVms?: number): HostSnapshot {
  const fastestMbps = Math.max(0, ...h.nics.map((n) => n.speedMbps));
  return {
    id: h.id,
    cpuMHz: h.cpuCores * h.cpuMhzPerCore,
    coreMHz: h.cpuMhzPerCore,
    memoryMB: h.memoryMB,
    state: HOST_STATES[h.state],
    vmotionGbps: fastestMbps > 0 ? fastestMbps / 1000 : DEFAULT_VMOTION_GBPS,
    ...(maxVms === undefined ? {} : { maxVms }),
  };
}

/** A VM's snapshot with the given demand (its `host` is its registered host). O(1). */
export function vmSnapshot(model: VSphereModel, vm: VirtualMachine, demand: VmDemand): VmSnapshot {
  const c = vm.config;
  return {
    id: vm.id,
    host: vm.host,
    pool: vm.pool,
    vcpus: c.numCpu,
    memoryMB: c.memoryMB,
    overheadMB: model.overheadOf(vm),
    cpu: vmAllocation(c.cpuAllocation),
    memory: vmAllocation(c.memoryAllocation),
    demand,
    dirtyMBps: dirtyMBps(vm),
    restartPriority: restartPriority(vm.name, c),
  };
}

/** What a running VM's host measures: active and consumed memory, the workload's CPU. O(1). */
export function measuredDemand(model: VSphereModel, vm: VirtualMachine): VmDemand {
  const cpuRunMHz = model.guestCpuDemand?.(vm)?.(model.clock.now()) ?? workloadCpuMHz(vm.name, vm.config);
  const usage = model.memoryOf(vm.host).usageMB(vm.id);
  if (usage === undefined) return { cpuRunMHz, cpuReadyMHz: 0, memActiveMB: 0, memConsumedMB: 0 };
  return { cpuRunMHz, cpuReadyMHz: 0, memActiveMB: Math.min(usage.activeMB, usage.residentMB), memConsumedMB: usage.residentMB };
}

/**
 * What a VM about to power on is expected to use: its workload's working set (or the boot
 * footprint without one) active and consumed, and its workload CPU. O(1).
 */
export function expectedDemand(model: VSphereModel, name: string, config: VmConfig): VmDemand {
  const workload = workloadOf({ name, config } as VirtualMachine);
  const touched = workload ? workload.workingSetBytes / 2 ** 20 : Math.min(model.calibration.memory.bootTouchedMB, config.memoryMB);
  return { cpuRunMHz: workloadCpuMHz(name, config), cpuReadyMHz: 0, memActiveMB: touched, memConsumedMB: touched };
}

/**
 * Per host of `hosts`, the MB of a new VM's memory that pages already resident there would back
 * (hosts with none are left out): for an instant clone of `forkOf`, its template's resident memory
 * on the template's host (a fork maps every page); for a VM that boots, its boot footprint
 * (calibration bootTouchedMB, at most its memory) on each host with inter-VM TPS on
 * (Mem.ShareForceSalting 0) where a VM of the same guest OS holds memory and that guest OS's
 * content was loaded (guest-memory.ts names it `guest-os:<guestId>`). The boot-footprint saving is
 * what TPS can merge: at once with small pages, once the host leaves the high memory state with
 * large pages (ESXi breaks them then) — which is when the saving matters. A VM that arrived by
 * vMotion counts as holding its guest OS's content (an estimate: its pages land untagged).
 * O(hosts + VMs with memory on the TPS hosts). Preconditions: `forkOf`, when given, has memory on its host.
 */
export function expectedSharedMB(model: VSphereModel, hosts: readonly HostId[], config: VmConfig, forkOf?: VmId): Partial<Record<HostId, number>> {
  const out: Partial<Record<HostId, number>> = {};
  if (forkOf !== undefined) {
    const template = model.registry.get('VirtualMachine', forkOf);
    const s = model.memoryOf(template.host).vmStats(forkOf);
    if (hosts.includes(template.host)) out[template.host] = s.privateMB + s.sharedMB;
    return out;
  }
  const footprint = Math.min(model.calibration.memory.bootTouchedMB, config.memoryMB);
  for (const h of hosts) {
    const mem = model.memoryOf(h);
    if (footprint <= 0 || !mem.sharing.interVm || mem.sharing.contentTag(guestOsContent(config.guestId)) === undefined) continue;
    for (const id of mem.vms()) {
      const vm = model.registry.find(id as VmId);
      if (vm?.kind === 'VirtualMachine' && vm.config.guestId === config.guestId) {
        out[h] = footprint;
        break;
      }
    }
  }
  return out;
}

/** The content name of a guest OS's boot footprint, as startMemory (guest-memory.ts) writes it. */
function guestOsContent(guestId: string): string {
  return `guest-os:${guestId}`;
}

/**
 * The `vicsim.workload.cpuMhz` of a VM, 0 when absent. O(1).
 * @throws InvalidArgumentError naming the VM and key when it is not a finite number ≥ 0.
 */
export function workloadCpuMHz(name: string, config: VmConfig): number {
  const raw = config.extraConfig[CPU_DEMAND_KEY];
  if (raw === undefined) return 0;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < 0) throw new InvalidArgumentError('extraConfig', `VM '${name}': ${CPU_DEMAND_KEY} must be a number ≥ 0, got '${raw}'`);
  return v;
}

/**
 * The `vicsim.ha.restartPriority` of a VM, `medium` (vSphere's default) when absent. O(1).
 * @throws InvalidArgumentError naming the VM and key for an unknown priority.
 */
export function restartPriority(name: string, config: VmConfig): RestartPriority {
  const raw = config.extraConfig[RESTART_PRIORITY_KEY];
  if (raw === undefined) return 'medium';
  const p = PRIORITIES.find((x) => x === raw);
  if (!p) throw new InvalidArgumentError('extraConfig', `VM '${name}': ${RESTART_PRIORITY_KEY} must be one of ${PRIORITIES.join(', ')}, got '${raw}'`);
  return p;
}

function dirtyMBps(vm: VirtualMachine): number {
  const w = workloadOf(vm);
  return w ? w.dirtyPagesPerSec * PAGE_MB : 0;
}

function poolSnapshot(p: ResourcePool): PoolSnapshot {
  const alloc = (a: Allocation) => ({ ...allocationOf(a), expandable: a.expandableReservation });
  return p.parent === undefined ? { id: p.id, cpu: alloc(p.cpu), memory: alloc(p.memory) } : { id: p.id, parent: p.parent, cpu: alloc(p.cpu), memory: alloc(p.memory) };
}

/**
 * A VM's allocation as DRS sees it, one frozen record per model allocation record: allocation
 * records are immutable (a reconfigure makes new ones) and a template's clones share theirs, so
 * their snapshots share one record instead of two per VM (≈ 80 B per VM in a 10k-VM run). O(1).
 */
const VM_ALLOCATIONS = new WeakMap<Allocation, VmAllocation>();

function vmAllocation(a: Allocation): VmAllocation {
  let made = VM_ALLOCATIONS.get(a);
  if (made === undefined) VM_ALLOCATIONS.set(a, (made = Object.freeze(allocationOf(a))));
  return made;
}

function allocationOf(a: Allocation): { reservation: number; limit?: number; shares: SharesSetting } {
  const shares: SharesSetting = a.shares.level === 'custom' ? a.shares.shares : a.shares.level;
  return a.limit < 0 ? { reservation: a.reservation, shares } : { reservation: a.reservation, limit: a.limit, shares };
}

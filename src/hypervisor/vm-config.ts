/**
 * ReconfigVM_Task, RelocateVM_Task and Destroy_Task. Each validates its spec when submitted and
 * re-validates against the state when it runs; a refused change leaves the VM as it was.
 */
import { DuplicateNameError, InvalidArgumentError, InvalidPowerStateError, InvalidStateError, NotSupportedError } from '../sim/errors.js';
import type { DatastoreId, HostId, NetworkId, ResourcePoolId, VmId } from '../sim/ids.js';
import { applyAllocation, type AllocationSpec } from './allocation.js';
import { checkDiskSpec, createDisk, discardDisk, makeVmDisk, releaseChain, retainChain, splitDsPath } from './disks.js';
import type { VSphereModel } from './model.js';
import type { TaskRecord } from './tasks.js';
import type { VirtualDevice, VirtualMachine, VmConfig } from './types.js';
import { VmxEntry } from './virtual-entries.js';
import { hostName, nextMac } from './vm-create.js';
import { transferBlocker, transferHold } from './vm-power.js';
import { parseWorkload, wakeGuest } from './guest-memory.js';
import { checkSize, checkVmName, type VmDiskSpec } from './vm-spec.js';

/** What ReconfigVM may change. */
export interface VmReconfigSpec {
  readonly name?: string;
  /** Only while powered off (no hot-add). */
  readonly numCpu?: number;
  /** Only while powered off (no hot-add). */
  readonly memoryMB?: number;
  readonly cpuAllocation?: AllocationSpec;
  readonly memoryAllocation?: AllocationSpec;
  readonly annotation?: string;
  /** Merged into extraConfig; an empty value removes the key (as vSphere does). */
  readonly extraConfig?: Readonly<Record<string, string>>;
  /** Disks to add: new thin bases, deltas on a parent, or attached existing disks. */
  readonly addDisks?: readonly VmDiskSpec[];
  /**
   * Datastore paths of disk devices to detach. Each drops the VM's reference to its chain: a disk
   * the VM made goes with it unless something else still needs it; an attached one stays.
   */
  readonly removeDisks?: readonly string[];
  /** vNICs (vmxnet3) to add on these networks, in any power state (hot-add); each gets a new key and a generated MAC. */
  readonly addNics?: readonly { readonly network: NetworkId }[];
  /** Device keys of vNICs to remove, in any power state (hot-remove). */
  readonly removeNics?: readonly number[];
}

/** Queues ReconfigVM_Task. */
export function reconfigureVM(model: VSphereModel, id: VmId, spec: VmReconfigSpec): TaskRecord {
  const vm = model.registry.get('VirtualMachine', id);
  if (!spec || typeof spec !== 'object') throw new InvalidArgumentError('spec', 'a reconfigure spec is required');
  if (spec.name !== undefined) checkVmName(spec.name);
  newConfig(model, vm, spec);
  return model.tasks.submit({
    descriptionId: 'VirtualMachine.reconfigure',
    entity: id,
    entityName: vm.name,
    lock: id,
    durationMs: model.calibration.latency.reconfigureMs,
    execute: () => applyReconfigure(model, id, spec),
  });
}

function applyReconfigure(model: VSphereModel, id: VmId, spec: VmReconfigSpec): VmId {
  const vm = model.registry.get('VirtualMachine', id);
  if (spec.name !== undefined && spec.name !== vm.name && model.vmByName(spec.name)) throw new DuplicateNameError('VirtualMachine', spec.name, 'the inventory');
  if ((spec.numCpu !== undefined && spec.numCpu !== vm.config.numCpu) || (spec.memoryMB !== undefined && spec.memoryMB !== vm.config.memoryMB)) {
    if (vm.powerState !== 'poweredOff') throw new InvalidPowerStateError(vm.name, 'change vCPUs or memory of', vm.powerState, 'poweredOff');
  }
  const config = newConfig(model, vm, spec);
  const next: VirtualMachine = { ...vm, name: spec.name ?? vm.name, config };
  const blocker = transferBlocker(model, vm, next);
  if (blocker) throw blocker;
  const removed = new Set(spec.removeDisks ?? []);
  const removedNics = new Set(spec.removeNics ?? []);
  const kept = config.devices.filter((d) => !(d.type === 'disk' && removed.has(d.fileName)) && !(d.type === 'nic' && removedNics.has(d.key)));
  const disks = addDisks(model, { ...next, config: { ...config, devices: kept } }, spec.addDisks ?? []);
  const nics = newNics(model, kept, spec.addNics ?? []);
  for (const p of removed) releaseChain(model, p);
  transferHold(model, vm, next);
  const updated = model.registry.update({ ...next, config: { ...config, devices: [...kept, ...disks, ...nics] } });
  resizeVmx(model, updated);
  if (updated.powerState === 'poweredOn' && parseWorkload(updated.name, updated.config.extraConfig, updated.config.memoryMB)) wakeGuest(model, updated);
  model.events.log({ type: 'VmReconfiguredEvent', vm: id, host: vm.host, pool: vm.pool, cluster: vm.cluster, fullFormattedMessage: `Reconfigured ${updated.name} on ${hostName(model, vm.host)}` });
  return id;
}

/** The configuration a spec produces; validates every field. */
function newConfig(model: VSphereModel, vm: VirtualMachine, spec: VmReconfigSpec): VmConfig {
  const c = vm.config;
  const numCpu = spec.numCpu ?? c.numCpu;
  const memoryMB = spec.memoryMB ?? c.memoryMB;
  checkSize(vm.name, numCpu, memoryMB);
  for (const d of spec.addDisks ?? []) checkDiskSpec(model, vm.name, 'addDisks', d);
  for (const p of spec.removeDisks ?? []) {
    if (!c.devices.some((d) => d.type === 'disk' && d.fileName === p)) throw new InvalidArgumentError('removeDisks', `VM '${vm.name}' has no disk ${p}`);
  }
  for (const n of spec.addNics ?? []) model.registry.get('Network', n.network);
  for (const k of spec.removeNics ?? []) {
    if (!c.devices.some((d) => d.type === 'nic' && d.key === k)) throw new InvalidArgumentError('removeNics', `VM '${vm.name}' has no network adapter with key ${k}`);
  }
  const extraConfig = { ...c.extraConfig };
  for (const [k, v] of Object.entries(spec.extraConfig ?? {})) {
    if (typeof v !== 'string') throw new InvalidArgumentError('extraConfig', `VM '${vm.name}': extraConfig ${k} must be a string`);
    if (v === '') delete extraConfig[k];
    else extraConfig[k] = v;
  }
  parseWorkload(vm.name, extraConfig, memoryMB);
  return {
    ...c,
    numCpu,
    memoryMB,
    cpuAllocation: applyAllocation(c.cpuAllocation, spec.cpuAllocation, 'vmCpu', `VM '${vm.name}' cpu`, numCpu),
    memoryAllocation: applyAllocation(c.memoryAllocation, spec.memoryAllocation, 'vmMemory', `VM '${vm.name}' memory`, memoryMB, memoryMB),
    annotation: spec.annotation ?? c.annotation,
    extraConfig,
  };
}

/** Makes (or attaches) the disks of `specs` for `vm`, each under the first free `<folder>_<n>.vmdk`, and retains them. */
function addDisks(model: VSphereModel, vm: VirtualMachine, specs: readonly VmDiskSpec[]): VirtualDevice[] {
  const keys = vm.config.devices.map((d) => d.key);
  let key = Math.max(1999, ...keys.filter((k) => k < 3000)) + 1;
  const files = model.files(vm.datastore);
  let n = vm.config.devices.filter((d) => d.type === 'disk').length;
  const made: { device: VirtualDevice & { type: 'disk' }; created: boolean }[] = [];
  try {
    for (const s of specs) {
      while (files.exists(`${vm.folder}/${vm.folder}_${n}.vmdk`)) n++;
      const disk = makeVmDisk(model, vm.datastore, `${vm.folder}/${vm.folder}_${n}.vmdk`, s);
      made.push({ device: { type: 'disk', key: key++, fileName: disk.path, capacityBytes: disk.capacityBytes }, created: disk.created });
    }
  } catch (e) {
    for (const m of made) if (m.created) discardDisk(model, m.device.fileName);
    throw e;
  }
  for (const m of made) retainChain(model, m.device.fileName);
  return made.map((m) => m.device);
}

/** New vNICs on `specs`' networks, keyed after the highest NIC key in use (NICs start at 4000), each with a fresh MAC. O(devices + specs). */
function newNics(model: VSphereModel, devices: readonly VirtualDevice[], specs: readonly { readonly network: NetworkId }[]): VirtualDevice[] {
  let key = Math.max(3999, ...devices.filter((d) => d.type === 'nic').map((d) => d.key)) + 1;
  return specs.map((s) => ({ type: 'nic' as const, key: key++, network: s.network, macAddress: nextMac(model) }));
}

/** Where RelocateVM moves a VM; omitted parts stay. */
export interface VmRelocateSpec {
  readonly host?: HostId;
  readonly pool?: ResourcePoolId;
  readonly datastore?: DatastoreId;
}

/** How a relocation runs. */
export interface RelocateOptions {
  /** The task's simulated duration, ms ≥ 0 (DRS passes its vMotion time); default calibration relocateMs. */
  readonly durationMs?: number;
}

/**
 * Queues RelocateVM_Task: a cold migration, or a vMotion when the VM is powered on (the VM keeps
 * running; admission is checked on the target pool and host). A datastore change moves the VM's
 * files and consolidates its disk chains into new base disks (moveAllDiskBackingsAndConsolidate).
 */
export function relocateVM(model: VSphereModel, id: VmId, spec: VmRelocateSpec, options: RelocateOptions = {}): TaskRecord {
  const vm = model.registry.get('VirtualMachine', id);
  const target = relocationTarget(model, vm, spec);
  const durationMs = options.durationMs ?? model.calibration.latency.relocateMs;
  if (!(durationMs >= 0) || !Number.isFinite(durationMs)) throw new InvalidArgumentError('durationMs', `relocation time must be a finite number ≥ 0 ms, got ${durationMs}`);
  return model.tasks.submit({
    descriptionId: 'VirtualMachine.relocate',
    entity: id,
    entityName: vm.name,
    lock: id,
    durationMs,
    execute: () => applyRelocate(model, id, relocationTarget(model, model.registry.get('VirtualMachine', id), target)),
  });
}

function relocationTarget(model: VSphereModel, vm: VirtualMachine, spec: VmRelocateSpec): Required<VmRelocateSpec> {
  if (!spec || typeof spec !== 'object') throw new InvalidArgumentError('spec', 'a relocate spec is required');
  const pool = model.registry.get('ResourcePool', spec.pool ?? vm.pool);
  const host = model.registry.get('Host', spec.host ?? vm.host);
  if (host.cluster !== pool.cluster) throw new InvalidArgumentError('host', `host ${host.name} is not in the cluster of pool ${pool.name}`);
  const datastore = model.registry.get('Datastore', spec.datastore ?? vm.datastore).id;
  if (datastore !== vm.datastore && vm.snapshots.length > 0) {
    throw new NotSupportedError(`moving ${vm.name} to another datastore with snapshots is not modelled; remove its snapshots first`);
  }
  return { host: host.id, pool: pool.id, datastore };
}

function applyRelocate(model: VSphereModel, id: VmId, t: Required<VmRelocateSpec>): VmId {
  const vm = model.registry.get('VirtualMachine', id);
  const host = model.registry.get('Host', t.host);
  if (host.id !== vm.host && host.state !== 'connected') throw new InvalidStateError('InvalidHostState', host.id, host.state, `cannot move ${vm.name} to host ${host.name}: it is ${host.state}`);
  let next: VirtualMachine = { ...vm, host: t.host, pool: t.pool, cluster: model.registry.get('ResourcePool', t.pool).cluster };
  const blocker = transferBlocker(model, vm, next);
  if (blocker) throw blocker;
  if (t.datastore !== vm.datastore) next = moveStorage(model, next, t.datastore);
  transferHold(model, vm, next);
  model.registry.update(next);
  if (t.datastore !== vm.datastore) resizeVmx(model, next);
  const migrated = vm.powerState === 'poweredOn' && vm.host !== t.host;
  model.events.log({
    type: migrated ? 'VmMigratedEvent' : 'VmRelocatedEvent',
    vm: id,
    host: t.host,
    pool: t.pool,
    cluster: next.cluster,
    data: { sourceHost: vm.host, sourceDatastore: vm.datastore },
    fullFormattedMessage: `${migrated ? 'Migrated' : 'Relocated'} ${vm.name} from ${hostName(model, vm.host)} to ${hostName(model, t.host)}`,
  });
  return id;
}

/** Copies a VM's folder to another datastore as consolidated base disks, then deletes the old one. */
function moveStorage(model: VSphereModel, vm: VirtualMachine, to: DatastoreId): VirtualMachine {
  const src = model.files(vm.datastore);
  const dst = model.files(to);
  if (dst.exists(vm.folder)) throw new InvalidStateError('InvalidState', vm.id, vm.folder, `folder ${vm.folder} already exists on datastore ${dst.name}`);
  const made: string[] = [];
  try {
    const devices = vm.config.devices.map((d) => {
      if (d.type !== 'disk') return d;
      const file = splitDsPath(d.fileName).path;
      const disk = createDisk(model, { datastore: to, path: file, capacityBytes: d.capacityBytes, copyOf: d.fileName });
      made.push(disk.path);
      return { ...d, fileName: disk.path };
    });
    for (const f of src.files(vm.folder)) if (f.kind === 'stored') dst.writeFile(f.path, src.readFile(f.path));
    for (const p of made) retainChain(model, p);
    for (const d of vm.config.devices) if (d.type === 'disk') releaseChain(model, d.fileName);
    removeVmFiles(model, vm.datastore, vm.folder);
    const moved = { ...vm, datastore: to, config: { ...vm.config, devices } };
    dst.setVirtual(`${vm.folder}/${vm.folder}.vmx`, new VmxEntry(vm.id, 0));
    return moved;
  } catch (e) {
    for (const p of made) if (model.vmdks.has(p)) discardDisk(model, p);
    if (dst.exists(vm.folder)) dst.rmdir(vm.folder);
    throw e;
  }
}

/** Queues Destroy_Task: the VM must be powered off; its folder and unshared disks are deleted. */
export function destroyVM(model: VSphereModel, id: VmId): TaskRecord {
  const vm = model.registry.get('VirtualMachine', id);
  return model.tasks.submit({
    descriptionId: 'VirtualMachine.destroy',
    entity: id,
    entityName: vm.name,
    lock: id,
    durationMs: model.calibration.latency.destroyMs,
    execute: () => {
      applyDestroy(model, id);
      return id;
    },
  });
}

/** Destroys a powered-off VM now. */
export function applyDestroy(model: VSphereModel, id: VmId): void {
  const vm = model.registry.get('VirtualMachine', id);
  if (vm.powerState !== 'poweredOff') throw new InvalidPowerStateError(vm.name, 'destroy', vm.powerState, 'poweredOff');
  for (const d of vm.config.devices) if (d.type === 'disk') releaseChain(model, d.fileName);
  for (const s of vm.snapshots) for (const p of s.disks) releaseChain(model, p);
  model.registry.remove(id);
  removeVmFiles(model, vm.datastore, vm.folder);
  model.events.log({ type: 'VmRemovedEvent', vm: id, host: vm.host, pool: vm.pool, cluster: vm.cluster, fullFormattedMessage: `Removed ${vm.name} on ${hostName(model, vm.host)}` });
}

/**
 * Deletes a VM's own files from its folder (the .vmx and stored files such as logs) once its disk
 * chains were released. Disk links other VMs still use (a linked clone's parent) stay, as on
 * vSphere; the folder goes when nothing is left in it.
 */
function removeVmFiles(model: VSphereModel, datastore: DatastoreId, folder: string): void {
  const files = model.files(datastore);
  for (const f of files.files(folder)) {
    if (f.kind === 'stored' || f.path === `${folder}/${folder}.vmx`) files.rm(f.path);
  }
  if (files.files(folder).length === 0) files.rmdir(folder);
}

/** Re-measures a VM's projected .vmx after its record changed. */
export function resizeVmx(model: VSphereModel, vm: VirtualMachine): void {
  const files = model.files(vm.datastore);
  files.setVirtual(`${vm.folder}/${vm.folder}.vmx`, new VmxEntry(vm.id, model.vmxSize(vm)));
}

/**
 * CreateVM_Task: a new VM in a resource pool, with its folder, `.vmx`, thin disks and devices on a
 * datastore. Validated when submitted; built at completion all at once (a failure leaves nothing).
 */
import { DuplicateNameError, InsufficientResourcesError, InvalidArgumentError, InvalidStateError } from '../sim/errors.js';
import type { DatastoreId, HostId, ResourcePoolId, VmId } from '../sim/ids.js';
import { checkDiskSpec, createDisk, discardDisk, makeVmDisk, releaseChain, retainChain } from './disks.js';
import { startMemory, stopMemory } from './guest-memory.js';
import type { VSphereModel } from './model.js';
import { resizeVmx } from './vm-config.js';
import { holdVm, releaseVm } from './vm-power.js';
import type { TaskRecord } from './tasks.js';
import type { Provenance, VirtualDevice, VirtualMachine, VmConfig } from './types.js';
import { buildConfig, checkVmName, folderFor, type VmConfigSpec, type VmDevicesSpec } from './vm-spec.js';

/** What CreateVM needs. */
export interface VmCreateSpec extends VmConfigSpec, VmDevicesSpec {
  readonly name: string;
  readonly pool: ResourcePoolId;
  /** A host of the pool's cluster; default: the placement policy chooses. */
  readonly host?: HostId;
  /** Default: the datacenter's first datastore. */
  readonly datastore?: DatastoreId;
}

/** Everything a new VM record needs, resolved and validated. */
export interface VmBlueprint {
  readonly name: string;
  readonly pool: ResourcePoolId;
  readonly host: HostId | undefined;
  readonly datastore: DatastoreId;
  readonly config: VmConfig;
  readonly devices: VmDevicesSpec;
  readonly provenance: Provenance;
  /**
   * The disks to make instead of `devices.disks` (clones): per disk, a delta on `parent`, or a new
   * base disk holding a copy of the chain under `copyOf` (a full clone).
   */
  readonly cloneDisks?: readonly { readonly capacityBytes: number; readonly parent?: string; readonly copyOf?: string }[];
}

/** Queues CreateVM_Task. @throws InvalidArgumentError, NotFoundError, DuplicateNameError at once. */
export function createVM(model: VSphereModel, spec: VmCreateSpec): TaskRecord {
  const bp = blueprint(model, spec);
  const pool = model.registry.get('ResourcePool', bp.pool);
  return model.tasks.submit({
    descriptionId: 'Folder.createVm',
    entity: pool.id,
    entityName: pool.name,
    durationMs: model.calibration.latency.createVmMs,
    execute: () => {
      const vm = materializeVm(model, bp);
      model.events.log({ type: 'VmCreatedEvent', vm: vm.id, host: vm.host, pool: vm.pool, cluster: vm.cluster, fullFormattedMessage: `Created virtual machine ${vm.name} on ${hostName(model, vm.host)}` });
      return vm.id;
    },
  });
}

/** Validates a create spec into a blueprint. */
export function blueprint(model: VSphereModel, spec: VmCreateSpec): VmBlueprint {
  if (!spec || typeof spec !== 'object') throw new InvalidArgumentError('spec', 'a VM create spec is required');
  const name = checkVmName(spec.name);
  if (model.vmByName(name)) throw new DuplicateNameError('VirtualMachine', name, 'the inventory');
  const pool = model.registry.get('ResourcePool', spec.pool);
  const cluster = model.registry.get('Cluster', pool.cluster);
  if (spec.host !== undefined && model.registry.get('Host', spec.host).cluster !== cluster.id) {
    throw new InvalidArgumentError('host', `host ${spec.host} is not in cluster ${cluster.name}, the cluster of pool ${pool.name}`);
  }
  const datastore = spec.datastore ?? firstDatastore(model, cluster.datacenter);
  model.registry.get('Datastore', datastore);
  for (const d of spec.disks ?? []) checkDiskSpec(model, name, 'disks', d);
  for (const n of spec.nics ?? []) model.registry.get('Network', n.network);
  const config = buildConfig(name, spec, { numCpu: model.calibration.vm.defaultCpus, memoryMB: model.calibration.vm.defaultMemoryMB });
  return { name, pool: pool.id, host: spec.host, datastore, config, devices: spec, provenance: { via: 'create' } };
}

/**
 * Builds the VM from a blueprint: host, folder, disks, devices, registration. Either all of it
 * happens or none: disks made before a failure are deleted again.
 * With `forkOf` (an instant clone of that running VM) the VM is registered already running: its
 * memory forked from `forkOf`'s and its reservations held before the one registry put. Precondition:
 * the caller found no power-on blocker for this VM (powerOnBlocker); no event is logged here.
 */
export function materializeVm(model: VSphereModel, bp: VmBlueprint, forkOf?: VmId): VirtualMachine {
  if (model.vmByName(bp.name)) throw new DuplicateNameError('VirtualMachine', bp.name, 'the inventory');
  const pool = model.registry.get('ResourcePool', bp.pool);
  const chosen = bp.host ?? model.placementPolicy(model, pool.cluster, bp.config);
  if (typeof chosen !== 'string') throw new InsufficientResourcesError(`cluster ${pool.cluster}: ${chosen.refused}`, 'memory', bp.config.memoryMB, 0, 'MB');
  const host = chosen;
  const hostRec = model.registry.get('Host', host);
  if (hostRec.state !== 'connected') throw new InvalidStateError('InvalidHostState', host, hostRec.state, `host ${hostRec.name} is ${hostRec.state}: cannot register a VM on it`);
  const files = model.files(bp.datastore);
  const folder = freeFolder(model, bp.datastore, folderFor(bp.name));
  /** Disks made for the VM (discarded on failure); `attached` are retained only. */
  const created: string[] = [];
  const attached: string[] = [];
  let retained = false;
  let started: VirtualMachine | undefined;
  let registered: VirtualMachine | undefined;
  try {
    const devices = buildDevices(model, bp, folder, created, attached);
    const vm: VirtualMachine = {
      id: model.ids.next('vm'),
      kind: 'VirtualMachine',
      name: bp.name,
      cluster: pool.cluster,
      pool: pool.id,
      host,
      datastore: bp.datastore,
      folder,
      config: withDevices(bp.config, devices),
      powerState: forkOf === undefined ? 'poweredOff' : 'poweredOn',
      bootTime: forkOf === undefined ? undefined : model.clock.now(),
      provenance: bp.provenance,
      snapshots: NO_SNAPSHOTS,
      currentSnapshot: undefined,
    };
    for (const p of created) retainChain(model, p);
    for (const p of attached) retainChain(model, p);
    retained = true;
    if (forkOf !== undefined) {
      startMemory(model, vm, forkOf);
      holdVm(model, vm);
      started = vm;
    }
    model.registry.put(vm);
    registered = vm;
    resizeVmx(model, vm);
    return vm;
  } catch (e) {
    if (registered) model.registry.remove(registered.id);
    if (started) {
      releaseVm(model, started);
      stopMemory(model, started);
    }
    for (const p of created) (retained ? releaseChain(model, p) : discardDisk(model, p));
    if (retained) for (const p of attached) releaseChain(model, p);
    if (files.exists(folder)) files.rmdir(folder);
    throw e;
  }
}

/**
 * `{ ...config, devices }` written as one literal: every field in the object itself (a spread copy
 * kept them in a separate 64-byte property array per VM). O(1).
 */
function withDevices(c: VmConfig, devices: readonly VirtualDevice[]): VmConfig {
  return {
    numCpu: c.numCpu,
    memoryMB: c.memoryMB,
    cpuAllocation: c.cpuAllocation,
    memoryAllocation: c.memoryAllocation,
    guestId: c.guestId,
    annotation: c.annotation,
    extraConfig: c.extraConfig,
    devices,
    template: c.template,
  };
}

/** The snapshot list of a VM without snapshots, shared (records are immutable; a snapshot replaces the list). */
const NO_SNAPSHOTS: readonly never[] = Object.freeze([]);

/**
 * The VM's devices in order: disks (keys from 2000), NICs (from 4000), CD-ROM, serial port. The
 * record keeps the list, so it is made at its exact size (pushes onto [] leave room for 17 entries,
 * and a trimmed copy was one more array per VM). O(devices).
 */
function buildDevices(model: VSphereModel, bp: VmBlueprint, folder: string, created: string[], attached: string[]): VirtualDevice[] {
  const { nics = NO_NICS, cdromIso, serialLog } = bp.devices;
  const disks = bp.cloneDisks ?? bp.devices.disks ?? NO_DISKS;
  const devices = new Array<VirtualDevice>(disks.length + nics.length + (cdromIso === undefined ? 0 : 1) + (serialLog ? 1 : 0));
  let at = 0;
  if (bp.cloneDisks) {
    for (let i = 0; i < bp.cloneDisks.length; i++) {
      const d = bp.cloneDisks[i]!;
      const disk = createDisk(model, { datastore: bp.datastore, path: diskFileOf(folder, i), capacityBytes: d.capacityBytes, parent: d.parent, copyOf: d.copyOf });
      created.push(disk.path);
      devices[at++] = { type: 'disk', key: 2000 + i, fileName: disk.path, capacityBytes: disk.capacityBytes };
    }
  } else {
    (bp.devices.disks ?? NO_DISKS).forEach((d, i) => {
      const disk = makeVmDisk(model, bp.datastore, diskFileOf(folder, i), d);
      (disk.created ? created : attached).push(disk.path);
      devices[at++] = { type: 'disk', key: 2000 + i, fileName: disk.path, capacityBytes: disk.capacityBytes };
    });
  }
  for (let i = 0; i < nics.length; i++) devices[at++] = { type: 'nic', key: 4000 + i, network: nics[i]!.network, macAddress: nextMac(model) };
  if (cdromIso !== undefined) devices[at++] = { type: 'cdrom', key: 3000, iso: cdromIso };
  if (serialLog) devices[at++] = { type: 'serial', key: 9000, fileName: model.files(bp.datastore).dsPath(`${folder}/serial.log`) };
  return devices;
}

const NO_NICS: NonNullable<VmDevicesSpec['nics']> = [];
const NO_DISKS: readonly never[] = [];

/** The path in the datastore of a VM's `i`-th disk: `web/web.vmdk`, `web/web_1.vmdk`, … */
function diskFileOf(folder: string, i: number): string {
  return i === 0 ? `${folder}/${folder}.vmdk` : `${folder}/${folder}_${i}.vmdk`;
}

/** vCenter-generated MACs: 00:50:56 with the fourth byte in 0x80–0xBF. */
export function nextMac(model: VSphereModel): string {
  const n = model.macCounter++;
  const b = [0x80 | ((n >> 16) & 0x3f), (n >> 8) & 0xff, n & 0xff];
  return `00:50:56:${b.map((x) => x.toString(16).padStart(2, '0')).join(':')}`;
}

/** `name`, or `name_1`, `name_2`… — the first folder not yet on the datastore. */
function freeFolder(model: VSphereModel, ds: DatastoreId, base: string): string {
  const files = model.files(ds);
  if (!files.exists(base)) return base;
  for (let i = 1; ; i++) if (!files.exists(`${base}_${i}`)) return `${base}_${i}`;
}

function firstDatastore(model: VSphereModel, dc: string): DatastoreId {
  for (const ds of model.registry.all('Datastore')) if (ds.datacenter === dc) return ds.id;
  throw new InvalidArgumentError('datastore', `datacenter ${dc} has no datastore`);
}

/** A host's name for messages. */
export function hostName(model: VSphereModel, id: HostId): string {
  return model.registry.get('Host', id).name;
}

/**
 * Backend VM specs → vim25 VirtualMachineConfigSpec inputs: the devices of a container VM (a
 * paravirtual SCSI controller with thin disks, vmxnet3 NICs, a serial port logging to a file in the
 * VM folder, an ISO CD-ROM), extraConfig and whole allocations (allocations.ts).
 */
import { DEFAULT_CALIBRATION } from '../../sim/calibration.js';
import { InvalidArgumentError, SystemError } from '../../sim/errors.js';
import type { NetworkId } from '../../sim/ids.js';
import type { CreateVmSpec, DiskSpec, ReconfigureVmSpec, VmInfo } from '../backend.js';
import { allocationInput, defaultAllocation, mergeAllocation } from './allocations.js';
import { num, obj, str } from './refs.js';
import {
  deviceChange,
  ethernetCard,
  isoCdrom,
  paraVirtualScsiController,
  virtualDisk,
  type ConfigSpecInput,
  type ManagedObjectReference,
  type SoapData,
  type VimValue,
} from './vim25/index.js';
import { ordered } from './vim25/wsdl-order.js';

/** Key of the SCSI controller added with a new VM's disks (negative: new in this spec). */
const NEW_CONTROLLER_KEY = -100;
/** SCSI unit 7 is the controller itself. */
const SCSI_CONTROLLER_UNIT = 7;
const SCSI_UNITS = 16;
/** The IDE controller every VM gets (key 200), where the ISO CD-ROM goes. */
const IDE_CONTROLLER_KEY = 200;
/** Guest id of a container VM when none is given (VIC's photon kernel reports as other Linux). */
const DEFAULT_GUEST_ID = 'otherLinux64Guest';

/** What a create spec needs resolved on the server first. */
export interface CreateContext {
  readonly datastoreName: string;
  /** Network id → its reference and name (the NIC backing names the port group). */
  readonly networks: ReadonlyMap<NetworkId, { readonly ref: ManagedObjectReference; readonly name: string }>;
  /** Capacity of each `parent` or `existing` disk the spec names, where its descriptor could be read. */
  readonly diskCapacities?: ReadonlyMap<string, number>;
}

/** A disk of a spec placed in the VM folder `[datastore] folder/`, named as VIC names them. */
interface PlacedDisk {
  /** '' for a new base disk: the server names it. */
  readonly fileName: string;
  readonly capacityBytes: number | undefined;
  readonly parent?: string;
  /** False for an attached disk (no fileOperation: the disk exists and is not the VM's). */
  readonly create: boolean;
}

/**
 * Places disk specs: a new base disk gets a server-chosen name, a delta `<folder>/<folder>.vmdk`
 * (then `<folder>_<n>.vmdk`, skipping `taken` names) on its parent, an attached disk keeps its path.
 */
function placeDisks(specs: readonly DiskSpec[], datastoreName: string, folder: string, taken: ReadonlySet<string>, capacities: ReadonlyMap<string, number> | undefined): PlacedDisk[] {
  let n = 0;
  const nextName = (): string => {
    for (; ; n++) {
      const name = `[${datastoreName}] ${folder}/${n === 0 ? folder : `${folder}_${n}`}.vmdk`;
      if (!taken.has(name)) {
        n++;
        return name;
      }
    }
  };
  return specs.map((d) => {
    if ('existing' in d) return { fileName: d.existing, capacityBytes: capacities?.get(d.existing), create: false };
    if ('parent' in d) return { fileName: nextName(), capacityBytes: capacities?.get(d.parent), parent: d.parent, create: true };
    return { fileName: `[${datastoreName}]`, capacityBytes: d.capacityBytes, create: true };
  });
}

/** Datastore paths of the `parent` and `existing` disks of specs (whose capacities the context should hold). */
export function referencedDisks(specs: readonly DiskSpec[]): string[] {
  return specs.flatMap((d) => ('existing' in d ? [d.existing] : 'parent' in d ? [d.parent] : []));
}

const CONNECTED = { startConnected: true, allowGuestControl: true, connected: true };

function newDisks(disks: readonly PlacedDisk[], controllerKey: number, freeUnits: readonly number[], firstKey: number): SoapData[] {
  return disks.map((disk, i) =>
    deviceChange({
      operation: 'add',
      ...(disk.create ? { fileOperation: 'create' as const } : {}),
      device: virtualDisk({
        key: firstKey - i,
        controllerKey,
        unitNumber: freeUnits[i]!,
        ...(disk.capacityBytes === undefined ? {} : { capacityInKB: Math.ceil(disk.capacityBytes / 1024) }),
        backing: {
          fileName: disk.fileName,
          diskMode: 'persistent',
          thinProvisioned: true,
          ...(disk.parent === undefined ? {} : { parent: { fileName: disk.parent, diskMode: 'persistent' as const } }),
        },
      }),
    }),
  );
}

function scsiUnits(used: ReadonlySet<number>, count: number): number[] {
  const free = [...Array(SCSI_UNITS).keys()].filter((u) => u !== SCSI_CONTROLLER_UNIT && !used.has(u));
  if (free.length < count) throw new InvalidArgumentError('disks', `a SCSI controller has ${free.length} free units, ${count} disks were asked for`);
  return free.slice(0, count);
}

/** VirtualSerialPort with a file backing, written in WSDL order (devices.ts has no serial builder). */
function serialLogPort(fileName: string): SoapData {
  return {
    $type: 'VirtualSerialPort',
    key: -300,
    backing: { $type: 'VirtualSerialPortFileBackingInfo', fileName },
    connectable: ordered('VirtualDeviceConnectInfo', CONNECTED),
    yieldOnPoll: true,
  };
}

/** Resolved networks by id (the NIC backing names the port group). */
export type NicNetworks = CreateContext['networks'];

/** Device adds of vmxnet3 NICs with generated MACs on `nics`' networks. @throws SystemError for a network not in `networks`. */
function addedNics(nics: readonly { readonly network: NetworkId }[], networks: NicNetworks): SoapData[] {
  return nics.map((nic, i) => {
    const network = networks.get(nic.network);
    if (network === undefined) throw new SystemError(`network ${nic.network} was not resolved`);
    const device = ethernetCard({ key: -200 - i, model: 'VirtualVmxnet3', backing: { network: network.ref, deviceName: network.name }, addressType: 'generated', connectable: CONNECTED });
    return deviceChange({ operation: 'add', device });
  });
}

/** Device removes of the NICs with these keys. @throws InvalidArgumentError for a key that is no NIC of the VM. */
function removedNics(keys: readonly number[], devices: readonly VimValue[]): SoapData[] {
  return keys.map((k) => {
    const device = devices.find((d) => num(obj(d)?.['key'], NaN) === k && obj(d)?.['macAddress'] !== undefined);
    if (device === undefined) throw new InvalidArgumentError('removeNics', `the VM has no network adapter with key ${k}`);
    return deviceChange({ operation: 'remove', device: device as SoapData });
  });
}

function createDevices(spec: CreateVmSpec, context: CreateContext): SoapData[] {
  const changes: SoapData[] = [];
  const disks = placeDisks(spec.disks ?? [], context.datastoreName, spec.name, new Set(), context.diskCapacities);
  if (disks.length > 0) {
    changes.push(deviceChange({ operation: 'add', device: paraVirtualScsiController({ key: NEW_CONTROLLER_KEY, busNumber: 0 }) }));
    changes.push(...newDisks(disks, NEW_CONTROLLER_KEY, scsiUnits(new Set(), disks.length), -101));
  }
  changes.push(...addedNics(spec.nics ?? [], context.networks));
  if (spec.serialLog) changes.push(deviceChange({ operation: 'add', device: serialLogPort(`[${context.datastoreName}] ${spec.name}/serial.log`) }));
  if (spec.cdromIso !== undefined) {
    changes.push(deviceChange({ operation: 'add', device: isoCdrom({ key: -400, controllerKey: IDE_CONTROLLER_KEY, unitNumber: 0, isoPath: spec.cdromIso, connectable: CONNECTED }) }));
  }
  return changes;
}

/**
 * The config spec of CreateVM_Task for `spec`: sizes default to VIC's (calibration), allocations are
 * whole, the VM folder is chosen by the server (`[datastore]`). Precondition: every NIC network is in
 * `context.networks`. O(devices + extraConfig).
 */
export function createConfigSpec(spec: CreateVmSpec, context: CreateContext): ConfigSpecInput {
  const numCpu = spec.numCpu ?? DEFAULT_CALIBRATION.vm.defaultCpus;
  const memoryMB = spec.memoryMB ?? DEFAULT_CALIBRATION.vm.defaultMemoryMB;
  return {
    name: spec.name,
    guestId: spec.guestId ?? DEFAULT_GUEST_ID,
    annotation: spec.annotation ?? '',
    files: { vmPathName: `[${context.datastoreName}]` },
    numCPUs: numCpu,
    memoryMB,
    deviceChange: createDevices(spec, context),
    cpuAllocation: allocationInput(mergeAllocation('vmCpu', defaultAllocation('vmCpu', numCpu), spec.cpuAllocation, numCpu)),
    memoryAllocation: allocationInput(mergeAllocation('vmMemory', defaultAllocation('vmMemory', memoryMB), spec.memoryAllocation, memoryMB)),
    extraConfig: Object.entries(spec.extraConfig ?? {}),
  };
}

/** The datastore name of a `[name] path` datastore path ('' when it has none). */
export function datastoreNameOf(path: string): string {
  return /^\[([^\]]*)\]/.exec(path)?.[1] ?? '';
}

function isScsiController(device: VimValue): boolean {
  const d = obj(device);
  return d !== undefined && d['busNumber'] !== undefined && /SCSI|LsiLogic|BusLogic/i.test(d.$type);
}

function addedDisks(disks: readonly PlacedDisk[], devices: readonly VimValue[]): SoapData[] {
  if (disks.length === 0) return [];
  const controller = obj(devices.find(isScsiController));
  const changes: SoapData[] = [];
  let controllerKey = NEW_CONTROLLER_KEY;
  if (controller === undefined) {
    const buses = new Set(devices.filter(isScsiController).map((d) => num(obj(d)?.['busNumber'])));
    changes.push(deviceChange({ operation: 'add', device: paraVirtualScsiController({ key: NEW_CONTROLLER_KEY, busNumber: [0, 1, 2, 3].find((b) => !buses.has(b)) ?? 0 }) }));
  } else {
    controllerKey = num(controller['key']);
  }
  const used = new Set(devices.map(obj).filter((d) => d !== undefined && num(d['controllerKey'], NaN) === controllerKey).map((d) => num(d?.['unitNumber'], -1)));
  return [...changes, ...newDisks(disks, controllerKey, scsiUnits(used, disks.length), -101)];
}

/** File name of a VirtualDisk device read from the server ('' for other devices). */
export function diskFileOf(device: VimValue): string {
  const d = obj(device);
  return d?.$type === 'VirtualDisk' ? str(obj(d['backing'])?.['fileName']) : '';
}

/** The folder of a VM (`[ds] folder/x.vmx` → `folder`). */
function vmFolderOf(vmxPath: string): string {
  const path = vmxPath.replace(/^\[[^\]]*\] ?/, '');
  return path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
}

/** Whether a disk lives outside the VM's folder: attached, not the VM's own (kept when the VM goes). */
export function isAttachedDisk(fileName: string, vmxPath: string): boolean {
  return !fileName.startsWith(`[${datastoreNameOf(vmxPath)}] ${vmFolderOf(vmxPath)}/`);
}

/**
 * Device changes removing the disks at `paths`: the VM's own disks with their files (destroy),
 * attached ones without. @throws InvalidArgumentError for a path that is no disk of the VM.
 */
export function removedDisks(paths: readonly string[], devices: readonly VimValue[], vmxPath: string): SoapData[] {
  return paths.map((p) => {
    const device = devices.find((d) => diskFileOf(d) === p);
    if (device === undefined) throw new InvalidArgumentError('removeDisks', `the VM has no disk ${p}`);
    return deviceChange({ operation: 'remove', ...(isAttachedDisk(p, vmxPath) ? {} : { fileOperation: 'destroy' as const }), device: device as SoapData });
  });
}

/**
 * The config spec of ReconfigVM_Task for `spec` over the VM's current state (`current`, and its raw
 * `config.hardware.device` list to place new disks and find NICs by key): allocations are sent whole,
 * level shares follow a changed size. Precondition: every `addNics` network is in `networks`. O(devices).
 */
export function reconfigureConfigSpec(spec: ReconfigureVmSpec, current: VmInfo, devices: readonly VimValue[], diskCapacities?: ReadonlyMap<string, number>, networks: NicNetworks = new Map()): ConfigSpecInput {
  const numCpu = spec.numCpu ?? current.numCpu;
  const memoryMB = spec.memoryMB ?? current.memoryMB;
  const cpuChanged = spec.cpuAllocation !== undefined || numCpu !== current.numCpu;
  const memoryChanged = spec.memoryAllocation !== undefined || memoryMB !== current.memoryMB;
  const taken = new Set(devices.map(diskFileOf));
  const placed = placeDisks(spec.addDisks ?? [], datastoreNameOf(current.vmxPath), vmFolderOf(current.vmxPath), taken, diskCapacities);
  const remaining = devices.filter((d) => !(spec.removeDisks ?? []).includes(diskFileOf(d)));
  const disks = [
    ...removedDisks(spec.removeDisks ?? [], devices, current.vmxPath),
    ...addedDisks(placed, remaining),
    ...removedNics(spec.removeNics ?? [], devices),
    ...addedNics(spec.addNics ?? [], networks),
  ];
  return {
    ...(spec.name === undefined ? {} : { name: spec.name }),
    ...(spec.annotation === undefined ? {} : { annotation: spec.annotation }),
    ...(spec.numCpu === undefined ? {} : { numCPUs: spec.numCpu }),
    ...(spec.memoryMB === undefined ? {} : { memoryMB: spec.memoryMB }),
    ...(disks.length === 0 ? {} : { deviceChange: disks }),
    ...(cpuChanged ? { cpuAllocation: allocationInput(mergeAllocation('vmCpu', current.cpuAllocation, spec.cpuAllocation, numCpu)) } : {}),
    ...(memoryChanged ? { memoryAllocation: allocationInput(mergeAllocation('vmMemory', current.memoryAllocation, spec.memoryAllocation, memoryMB)) } : {}),
    ...(spec.extraConfig === undefined ? {} : { extraConfig: Object.entries(spec.extraConfig) }),
  };
}

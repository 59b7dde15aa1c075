/**
 * Backend VM specs → vim25 VirtualMachineConfigSpec inputs: the devices of a container VM (a
 * paravirtual SCSI controller with thin disks, vmxnet3 NICs, a serial port logging to a file in the
 * VM folder, an ISO CD-ROM), extraConfig and whole allocations (allocations.ts).
 */
import { DEFAULT_CALIBRATION } from '../../sim/calibration.js';
import { InvalidArgumentError, SystemError } from '../../sim/errors.js';
import type { NetworkId } from '../../sim/ids.js';
import type { CreateVmSpec, ReconfigureVmSpec, VmInfo } from '../backend.js';
import { allocationInput, defaultAllocation, mergeAllocation } from './allocations.js';
import { num, obj } from './refs.js';
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
}

const CONNECTED = { startConnected: true, allowGuestControl: true, connected: true };

function newDisks(capacities: readonly number[], controllerKey: number, freeUnits: readonly number[], datastoreName: string, firstKey: number): SoapData[] {
  return capacities.map((bytes, i) =>
    deviceChange({
      operation: 'add',
      fileOperation: 'create',
      device: virtualDisk({
        key: firstKey - i,
        controllerKey,
        unitNumber: freeUnits[i]!,
        capacityInKB: Math.ceil(bytes / 1024),
        backing: { fileName: `[${datastoreName}]`, diskMode: 'persistent', thinProvisioned: true },
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

function createDevices(spec: CreateVmSpec, context: CreateContext): SoapData[] {
  const changes: SoapData[] = [];
  const disks = (spec.disks ?? []).map((d) => d.capacityBytes);
  if (disks.length > 0) {
    changes.push(deviceChange({ operation: 'add', device: paraVirtualScsiController({ key: NEW_CONTROLLER_KEY, busNumber: 0 }) }));
    changes.push(...newDisks(disks, NEW_CONTROLLER_KEY, scsiUnits(new Set(), disks.length), context.datastoreName, -101));
  }
  (spec.nics ?? []).forEach((nic, i) => {
    const network = context.networks.get(nic.network);
    if (network === undefined) throw new SystemError(`network ${nic.network} was not resolved`);
    const device = ethernetCard({ key: -200 - i, model: 'VirtualVmxnet3', backing: { network: network.ref, deviceName: network.name }, addressType: 'generated', connectable: CONNECTED });
    changes.push(deviceChange({ operation: 'add', device }));
  });
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

function addedDisks(capacities: readonly number[], devices: readonly VimValue[], datastoreName: string): SoapData[] {
  if (capacities.length === 0) return [];
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
  return [...changes, ...newDisks(capacities, controllerKey, scsiUnits(used, capacities.length), datastoreName, -101)];
}

/**
 * The config spec of ReconfigVM_Task for `spec` over the VM's current state (`current`, and its raw
 * `config.hardware.device` list to place new disks): allocations are sent whole, level shares follow
 * a changed size. O(devices).
 */
export function reconfigureConfigSpec(spec: ReconfigureVmSpec, current: VmInfo, devices: readonly VimValue[]): ConfigSpecInput {
  const numCpu = spec.numCpu ?? current.numCpu;
  const memoryMB = spec.memoryMB ?? current.memoryMB;
  const cpuChanged = spec.cpuAllocation !== undefined || numCpu !== current.numCpu;
  const memoryChanged = spec.memoryAllocation !== undefined || memoryMB !== current.memoryMB;
  const disks = addedDisks((spec.addDisks ?? []).map((d) => d.capacityBytes), devices, datastoreNameOf(current.vmxPath));
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

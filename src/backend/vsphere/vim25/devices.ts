/**
 * Builders of the virtual devices a container VM uses — a paravirtual SCSI controller, disks (with a
 * parent for linked chains), a vmxnet3 or e1000 NIC, an ISO CD-ROM — and of the device change specs
 * that add, edit or remove them. Devices and backings carry xsi:type (they are declared as base types);
 * fields come out in WSDL order (wsdl-order.ts).
 */
import type { ManagedObjectReference, SoapData } from './encode.js';
import { ordered } from './wsdl-order.js';

/** Fields every device has. Negative keys name devices being added in the same spec. */
export interface DeviceBaseInput {
  readonly key: number;
  readonly label?: string;
  readonly controllerKey?: number;
  readonly unitNumber?: number;
  /** Connection flags (NICs, CD-ROMs). */
  readonly connectable?: { readonly startConnected: boolean; readonly allowGuestControl: boolean; readonly connected: boolean };
}

function deviceFields(input: DeviceBaseInput): Record<string, SoapData | number | undefined> {
  return {
    key: input.key,
    deviceInfo: input.label === undefined ? undefined : ordered('Description', { label: input.label, summary: input.label }),
    connectable: input.connectable === undefined ? undefined : ordered('VirtualDeviceConnectInfo', input.connectable),
    controllerKey: input.controllerKey,
    unitNumber: input.unitNumber,
  };
}

/** A flat (VMDK) disk backing; `parent` makes it a delta disk over another backing (linked clone). */
export interface DiskBackingInput {
  /** Datastore path, e.g. `[datastore1] vm/disk.vmdk`; '' lets the server name a new disk. */
  readonly fileName: string;
  readonly datastore?: ManagedObjectReference;
  readonly diskMode: 'persistent' | 'independent_persistent' | 'independent_nonpersistent' | 'nonpersistent' | 'undoable' | 'append';
  readonly thinProvisioned?: boolean;
  readonly parent?: DiskBackingInput;
}

/** VirtualDiskFlatVer2BackingInfo in WSDL order, with xsi:type. O(chain length). */
export function diskBacking(input: DiskBackingInput): SoapData {
  const parent = input.parent === undefined ? undefined : diskBacking(input.parent);
  return ordered('VirtualDiskFlatVer2BackingInfo', { ...input, parent }, true);
}

/** A virtual disk on a controller. */
export interface DiskInput extends DeviceBaseInput {
  readonly capacityInKB?: number;
  readonly backing: DiskBackingInput;
}

/** VirtualDisk in WSDL order, with xsi:type. */
export function virtualDisk(input: DiskInput): SoapData {
  return ordered('VirtualDisk', { ...deviceFields(input), backing: diskBacking(input.backing), capacityInKB: input.capacityInKB }, true);
}

/** A paravirtual SCSI controller on a bus. */
export interface ScsiControllerInput extends DeviceBaseInput {
  readonly busNumber: number;
  readonly sharedBus?: 'noSharing' | 'physicalSharing' | 'virtualSharing';
}

/** ParaVirtualSCSIController in WSDL order, with xsi:type. */
export function paraVirtualScsiController(input: ScsiControllerInput): SoapData {
  return ordered('ParaVirtualSCSIController', { ...deviceFields(input), busNumber: input.busNumber, sharedBus: input.sharedBus ?? 'noSharing' }, true);
}

/** What a NIC is connected to: a standard portgroup (network) or a distributed portgroup. */
export type NicBackingInput =
  | { readonly network: ManagedObjectReference; readonly deviceName: string }
  | { readonly switchUuid: string; readonly portgroupKey: string };

function nicBacking(input: NicBackingInput): SoapData {
  if ('network' in input) {
    return ordered('VirtualEthernetCardNetworkBackingInfo', { deviceName: input.deviceName, network: input.network }, true);
  }
  const port = ordered('DistributedVirtualSwitchPortConnection', { switchUuid: input.switchUuid, portgroupKey: input.portgroupKey });
  return ordered('VirtualEthernetCardDistributedVirtualPortBackingInfo', { port }, true);
}

/** A virtual NIC; a fixed MAC needs addressType `manual`. */
export interface NicInput extends DeviceBaseInput {
  readonly model: 'VirtualVmxnet3' | 'VirtualE1000';
  readonly backing: NicBackingInput;
  readonly addressType?: 'manual' | 'generated' | 'assigned';
  readonly macAddress?: string;
}

/** VirtualVmxnet3 / VirtualE1000 in WSDL order, with xsi:type. */
export function ethernetCard(input: NicInput): SoapData {
  const fields = { ...deviceFields(input), backing: nicBacking(input.backing), addressType: input.addressType, macAddress: input.macAddress };
  return ordered(input.model, fields, true);
}

/** A CD-ROM backed by an ISO file on a datastore (VIC 1.x boot mode). */
export interface IsoCdromInput extends DeviceBaseInput {
  readonly isoPath: string;
  readonly datastore?: ManagedObjectReference;
}

/** VirtualCdrom with a VirtualCdromIsoBackingInfo, in WSDL order, with xsi:type. */
export function isoCdrom(input: IsoCdromInput): SoapData {
  const backing = ordered('VirtualCdromIsoBackingInfo', { fileName: input.isoPath, datastore: input.datastore }, true);
  return ordered('VirtualCdrom', { ...deviceFields(input), backing }, true);
}

/** One device change; `device` comes from a builder here or is a device read from the server. */
export interface DeviceChangeInput {
  readonly operation: 'add' | 'remove' | 'edit';
  /** `create` makes a new disk file, `destroy` deletes it with the device. */
  readonly fileOperation?: 'create' | 'destroy' | 'replace';
  readonly device: SoapData;
}

/** VirtualDeviceConfigSpec in WSDL order. */
export function deviceChange(input: DeviceChangeInput): SoapData {
  return ordered('VirtualDeviceConfigSpec', input);
}

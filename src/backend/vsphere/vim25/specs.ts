/**
 * Builders of the specs a VCH sends — VirtualMachineConfigSpec, VirtualMachineRelocateSpec,
 * VirtualMachineCloneSpec, VirtualMachineInstantCloneSpec and ResourceConfigSpec — from typed inputs,
 * with every element in WSDL order (real vCenter rejects other orders; vcsim accepts any).
 */
import { xsdString, type ManagedObjectReference, type SoapData } from './encode.js';
import { ordered } from './wsdl-order.js';

/** Relative shares; `custom` needs `shares`. */
export interface SharesInput {
  readonly level: 'low' | 'normal' | 'high' | 'custom';
  readonly shares?: number;
}

/** CPU (MHz) or memory (MB) allocation; limit -1 = unlimited. */
export interface AllocationInput {
  readonly reservation?: number;
  readonly expandableReservation?: boolean;
  readonly limit?: number;
  readonly shares?: SharesInput;
  readonly overheadLimit?: number;
}

/** ResourceAllocationInfo in WSDL order. */
export function resourceAllocation(input: AllocationInput): SoapData {
  return ordered('ResourceAllocationInfo', { ...input, shares: input.shares === undefined ? undefined : sharesInfo(input.shares) });
}

/** SharesInfo in WSDL order; shares defaults to 0 (ignored by the server unless level is custom). */
export function sharesInfo(input: SharesInput): SoapData {
  return ordered('SharesInfo', { shares: input.shares ?? 0, level: input.level });
}

/** A resource pool's settings (CreateResourcePool, UpdateConfig). */
export interface ResourceConfigSpecInput {
  readonly entity?: ManagedObjectReference;
  readonly changeVersion?: string;
  readonly cpuAllocation: AllocationInput;
  readonly memoryAllocation: AllocationInput;
}

/** ResourceConfigSpec in WSDL order. */
export function resourceConfigSpec(input: ResourceConfigSpecInput): SoapData {
  return ordered('ResourceConfigSpec', {
    entity: input.entity,
    changeVersion: input.changeVersion,
    cpuAllocation: resourceAllocation(input.cpuAllocation),
    memoryAllocation: resourceAllocation(input.memoryAllocation),
  });
}

/** Where a VM's files go. */
export interface FileInfoInput {
  /** `[datastore]` lets the server pick the folder; or a full `[ds] dir/name.vmx` path. */
  readonly vmPathName?: string;
  readonly snapshotDirectory?: string;
  readonly suspendDirectory?: string;
  readonly logDirectory?: string;
}

/** The subset of VirtualMachineConfigSpec a VCH sets; unset fields are left out (unchanged). */
export interface ConfigSpecInput {
  readonly changeVersion?: string;
  readonly name?: string;
  readonly uuid?: string;
  readonly instanceUuid?: string;
  readonly guestId?: string;
  readonly annotation?: string;
  readonly files?: FileInfoInput;
  readonly numCPUs?: number;
  readonly numCoresPerSocket?: number;
  readonly memoryMB?: number;
  readonly memoryHotAddEnabled?: boolean;
  readonly cpuHotAddEnabled?: boolean;
  /** From devices.ts deviceChange(). */
  readonly deviceChange?: readonly SoapData[];
  readonly cpuAllocation?: AllocationInput;
  readonly memoryAllocation?: AllocationInput;
  /** Advanced settings (guestinfo.*, …), written in the given order; '' removes a key. */
  readonly extraConfig?: ReadonlyArray<readonly [key: string, value: string]>;
  readonly firmware?: 'bios' | 'efi';
  readonly nestedHVEnabled?: boolean;
}

/** VirtualMachineConfigSpec in WSDL order; extraConfig values carry xsi:type="xsd:string". */
export function configSpec(input: ConfigSpecInput): SoapData {
  return ordered('VirtualMachineConfigSpec', {
    ...input,
    files: input.files === undefined ? undefined : ordered('VirtualMachineFileInfo', input.files),
    deviceChange: input.deviceChange === undefined ? undefined : [...input.deviceChange],
    cpuAllocation: input.cpuAllocation === undefined ? undefined : resourceAllocation(input.cpuAllocation),
    memoryAllocation: input.memoryAllocation === undefined ? undefined : resourceAllocation(input.memoryAllocation),
    extraConfig: input.extraConfig?.map(([key, value]) => ordered('OptionValue', { key, value: xsdString(value) })),
  });
}

/** How disks move in a relocate or clone; `createNewChildDiskBacking` makes a linked clone. */
export type DiskMoveType =
  | 'moveAllDiskBackingsAndAllowSharing'
  | 'moveAllDiskBackingsAndDisallowSharing'
  | 'moveChildMostDiskBacking'
  | 'createNewChildDiskBacking'
  | 'moveAllDiskBackingsAndConsolidate';

/** Where a VM (or one disk of it) should live. */
export interface RelocateSpecInput {
  readonly folder?: ManagedObjectReference;
  readonly datastore?: ManagedObjectReference;
  readonly diskMoveType?: DiskMoveType;
  readonly pool?: ManagedObjectReference;
  readonly host?: ManagedObjectReference;
  readonly disk?: ReadonlyArray<{ readonly diskId: number; readonly datastore: ManagedObjectReference; readonly diskMoveType?: DiskMoveType }>;
  readonly deviceChange?: readonly SoapData[];
}

/** VirtualMachineRelocateSpec in WSDL order (service, folder, datastore, diskMoveType, pool, host, disk, …). */
export function relocateSpec(input: RelocateSpecInput): SoapData {
  return ordered('VirtualMachineRelocateSpec', {
    ...input,
    disk: input.disk?.map((locator) => ordered('VirtualMachineRelocateSpecDiskLocator', locator)),
    deviceChange: input.deviceChange === undefined ? undefined : [...input.deviceChange],
  });
}

/** A clone: where it goes, whether it is a template, changes, power-on, source snapshot. */
export interface CloneSpecInput {
  readonly location: RelocateSpecInput;
  readonly template: boolean;
  readonly config?: ConfigSpecInput;
  readonly powerOn: boolean;
  /** Clone from this snapshot's state (needed for a linked clone). */
  readonly snapshot?: ManagedObjectReference;
  /** Copy the snapshot's memory state too (vSphere 6.0+). */
  readonly memory?: boolean;
}

/** VirtualMachineCloneSpec in WSDL order (location, template, config, customization, powerOn, snapshot, memory). */
export function cloneSpec(input: CloneSpecInput): SoapData {
  return ordered('VirtualMachineCloneSpec', {
    location: relocateSpec(input.location),
    template: input.template,
    config: input.config === undefined ? undefined : configSpec(input.config),
    powerOn: input.powerOn,
    snapshot: input.snapshot,
    memory: input.memory,
  });
}

/** The clone input of a linked clone of `snapshot`: new child disks over the snapshot's disks, in `pool`. */
export function linkedClone(input: {
  readonly snapshot: ManagedObjectReference;
  readonly pool: ManagedObjectReference;
  readonly host?: ManagedObjectReference;
  readonly datastore?: ManagedObjectReference;
  readonly powerOn: boolean;
  readonly config?: ConfigSpecInput;
}): CloneSpecInput {
  const { snapshot, powerOn, config, ...location } = input;
  return { location: { ...location, diskMoveType: 'createNewChildDiskBacking' }, template: false, powerOn, snapshot, ...(config ? { config } : {}) };
}

/** An instant clone (vSphere 6.7+): name, location, guest settings, optional BIOS UUID. */
export interface InstantCloneSpecInput {
  readonly name: string;
  readonly location: RelocateSpecInput;
  /** guestinfo.* and other settings handed to the clone, as OptionValue pairs. */
  readonly config?: ReadonlyArray<readonly [key: string, value: string]>;
  readonly biosUuid?: string;
}

/** VirtualMachineInstantCloneSpec in WSDL order (name, location, config, biosUuid). */
export function instantCloneSpec(input: InstantCloneSpecInput): SoapData {
  return ordered('VirtualMachineInstantCloneSpec', {
    name: input.name,
    location: relocateSpec(input.location),
    config: input.config?.map(([key, value]) => ordered('OptionValue', { key, value: xsdString(value) })),
    biosUuid: input.biosUuid,
  });
}

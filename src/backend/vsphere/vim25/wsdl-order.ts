/**
 * Field order of the vim25 data types this client writes, base type fields first, as the vim25 WSDL
 * declares them (taken from govmomi 0.24.2 `vim25/types`, generated from the WSDL). Real vCenter
 * rejects request elements out of this order; vcsim does not care, so tests check order here.
 */
import { InvalidArgumentError } from '../../../sim/errors.js';
import type { SoapData, SoapValue } from './encode.js';

const DEVICE = ['key', 'deviceInfo', 'backing', 'connectable', 'slotInfo', 'controllerKey', 'unitNumber', 'numaNode'];
const FILE_BACKING = ['fileName', 'datastore', 'backingObjectId'];
const CONTROLLER = [...DEVICE, 'busNumber', 'device'];
const ETHERNET_CARD = [...DEVICE, 'addressType', 'macAddress', 'wakeOnLanEnabled', 'resourceAllocation', 'externalId', 'uptCompatibilityEnabled'];

/** WSDL field order per written type. */
export const WSDL_ORDER: Readonly<Record<string, readonly string[]>> = {
  VirtualMachineConfigSpec: [
    'changeVersion', 'name', 'version', 'createDate', 'uuid', 'instanceUuid', 'npivNodeWorldWideName',
    'npivPortWorldWideName', 'npivWorldWideNameType', 'npivDesiredNodeWwns', 'npivDesiredPortWwns',
    'npivTemporaryDisabled', 'npivOnNonRdmDisks', 'npivWorldWideNameOp', 'locationId', 'guestId',
    'alternateGuestName', 'annotation', 'files', 'tools', 'flags', 'consolePreferences', 'powerOpInfo', 'numCPUs',
    'vcpuConfig', 'numCoresPerSocket', 'memoryMB', 'memoryHotAddEnabled', 'cpuHotAddEnabled', 'cpuHotRemoveEnabled',
    'virtualICH7MPresent', 'virtualSMCPresent', 'deviceChange', 'cpuAllocation', 'memoryAllocation',
    'latencySensitivity', 'cpuAffinity', 'memoryAffinity', 'networkShaper', 'cpuFeatureMask', 'extraConfig',
    'swapPlacement', 'bootOptions', 'vAppConfig', 'ftInfo', 'repConfig', 'vAppConfigRemoved', 'vAssertsEnabled',
    'changeTrackingEnabled', 'firmware', 'maxMksConnections', 'guestAutoLockEnabled', 'managedBy',
    'memoryReservationLockedToMax', 'nestedHVEnabled', 'vPMCEnabled', 'scheduledHardwareUpgradeInfo', 'vmProfile',
    'messageBusTunnelEnabled', 'crypto', 'migrateEncryption', 'sgxInfo', 'guestMonitoringModeInfo', 'sevEnabled',
  ],
  VirtualMachineRelocateSpec: [
    'service', 'folder', 'datastore', 'diskMoveType', 'pool', 'host', 'disk', 'transform', 'deviceChange', 'profile', 'cryptoSpec',
  ],
  VirtualMachineRelocateSpecDiskLocator: ['diskId', 'datastore', 'diskMoveType', 'diskBackingInfo', 'profile', 'backing'],
  VirtualMachineCloneSpec: ['location', 'template', 'config', 'customization', 'powerOn', 'snapshot', 'memory'],
  VirtualMachineInstantCloneSpec: ['name', 'location', 'config', 'biosUuid'],
  ResourceConfigSpec: ['entity', 'changeVersion', 'lastModified', 'cpuAllocation', 'memoryAllocation', 'scaleDescendantsShares'],
  ResourceAllocationInfo: ['reservation', 'expandableReservation', 'limit', 'shares', 'overheadLimit'],
  SharesInfo: ['shares', 'level'],
  VirtualMachineFileInfo: ['vmPathName', 'snapshotDirectory', 'suspendDirectory', 'logDirectory', 'ftMetadataDirectory'],
  OptionValue: ['key', 'value'],
  VirtualDeviceConfigSpec: ['operation', 'fileOperation', 'device', 'profile', 'backing'],
  Description: ['label', 'summary'],
  VirtualDeviceConnectInfo: ['migrateConnect', 'startConnected', 'allowGuestControl', 'connected', 'status'],
  VirtualDisk: [
    ...DEVICE, 'capacityInKB', 'capacityInBytes', 'shares', 'storageIOAllocation', 'diskObjectId',
    'vFlashCacheConfigInfo', 'iofilter', 'vDiskId', 'nativeUnmanagedLinkedClone',
  ],
  VirtualDiskFlatVer2BackingInfo: [
    ...FILE_BACKING, 'diskMode', 'split', 'writeThrough', 'thinProvisioned', 'eagerlyScrub', 'uuid', 'contentId',
    'changeId', 'parent', 'deltaDiskFormat', 'digestEnabled', 'deltaGrainSize', 'deltaDiskFormatVariant', 'sharing', 'keyId',
  ],
  ParaVirtualSCSIController: [...CONTROLLER, 'hotAddRemove', 'sharedBus', 'scsiCtlrUnitNumber'],
  VirtualVmxnet3: ETHERNET_CARD,
  VirtualE1000: ETHERNET_CARD,
  VirtualEthernetCardNetworkBackingInfo: ['deviceName', 'useAutoDetect', 'network', 'inPassthroughMode'],
  VirtualEthernetCardDistributedVirtualPortBackingInfo: ['port'],
  DistributedVirtualSwitchPortConnection: ['switchUuid', 'portgroupKey', 'portKey', 'connectionCookie'],
  VirtualCdrom: DEVICE,
  VirtualCdromIsoBackingInfo: FILE_BACKING,
};

/**
 * Builds a data object of `typeName` with the input's defined fields in WSDL order. `withXsiType`
 * adds xsi:type (needed where the declared type is a base type, e.g. a device in a device spec).
 * Precondition: typeName is in WSDL_ORDER and the input has no other fields, else InvalidArgumentError.
 * O(fields).
 */
export function ordered(typeName: string, input: object, withXsiType = false): SoapData {
  const order = WSDL_ORDER[typeName];
  if (order === undefined) throw new InvalidArgumentError('type', `no WSDL field order known for ${typeName}`);
  const fields = input as Record<string, SoapValue | undefined>;
  for (const key of Object.keys(fields)) {
    if (!order.includes(key)) throw new InvalidArgumentError(key, `${typeName} has no field "${key}"`);
  }
  const result: Record<string, SoapValue> = withXsiType ? { $type: typeName } : {};
  for (const key of order) {
    const value = fields[key];
    if (value !== undefined) result[key] = value;
  }
  return result;
}

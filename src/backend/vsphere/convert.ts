/**
 * Decoded vim25 properties → the Backend's DTOs (backend.ts). Each converter names the property
 * paths it reads, so listings ask the server for exactly those. Ids are moref values; times are ISO
 * strings; absent optional values follow vCenter's defaults (no reservation, unlimited, normal).
 */
import type { ClusterId, DatastoreId, HostId, NetworkId, ResourcePoolId, SnapshotId, TaskId, VmId } from '../../sim/ids.js';
import type {
  AllocationInfo,
  DatastoreInfo,
  DiskInfo,
  HostInfo,
  NicInfo,
  ResourcePoolInfo,
  SharesInfo,
  SnapshotInfo,
  TaskInfo,
  VmInfo,
  VmPowerState,
} from '../backend.js';
import { faultToError, ManagedObjectReference, type PropertyRecord, type VimObject, type VimValue } from './vim25/index.js';
import { bool, idOf, isoTime, list, num, obj, optionalRef, str } from './refs.js';

/** ResourceAllocationInfo → AllocationInfo; absent fields take vCenter's defaults. */
export function allocationInfo(value: VimValue | undefined): AllocationInfo {
  const a = obj(value);
  const shares = obj(a?.['shares']);
  const level = str(shares?.['level']);
  return {
    reservation: num(a?.['reservation']),
    limit: num(a?.['limit'], -1),
    shares: { level: (['low', 'normal', 'high', 'custom'].includes(level) ? level : 'normal') as SharesInfo['level'], shares: num(shares?.['shares']) },
    expandableReservation: bool(a?.['expandableReservation']),
  };
}

/** Property paths {@link vmInfo} reads. */
export const VM_PATHS = [
  'name', 'runtime.powerState', 'runtime.host', 'runtime.bootTime', 'summary.runtime.bootTime', 'resourcePool', 'datastore',
  'config.hardware.numCPU', 'config.hardware.memoryMB', 'config.hardware.device', 'config.cpuAllocation',
  'config.memoryAllocation', 'config.guestId', 'config.annotation', 'config.extraConfig', 'config.files.vmPathName',
  'config.template', 'snapshot',
] as const;

function disksOf(devices: readonly VimValue[]): DiskInfo[] {
  return devices.flatMap((d) => {
    const device = obj(d);
    if (device?.$type !== 'VirtualDisk') return [];
    const backing = obj(device['backing']);
    const bytes = device['capacityInBytes'] !== undefined ? num(device['capacityInBytes']) : num(device['capacityInKB']) * 1024;
    return [{ key: num(device['key']), fileName: str(backing?.['fileName']), capacityBytes: bytes }];
  });
}

function nicsOf(devices: readonly VimValue[]): NicInfo[] {
  return devices.flatMap((d) => {
    const device = obj(d);
    const backing = obj(device?.['backing']);
    const network = optionalRef(backing?.['network']);
    if (device === undefined || device['macAddress'] === undefined || network === undefined) return [];
    return [{ key: num(device['key']), network: idOf<NetworkId>(network), macAddress: str(device['macAddress']) }];
  });
}

function snapshotsOf(tree: readonly VimValue[], parent: SnapshotId | undefined, out: SnapshotInfo[]): SnapshotInfo[] {
  for (const node of tree.map(obj)) {
    const snapshot = optionalRef(node?.['snapshot']);
    if (node === undefined || snapshot === undefined) continue;
    const id = idOf<SnapshotId>(snapshot);
    out.push({ id, name: str(node['name']), parent, createTime: isoTime(node['createTime']) ?? '' });
    snapshotsOf(list(node['childSnapshotList']), id, out);
  }
  return out;
}

/**
 * extraConfig as a record, the last entry of a key winning and an empty value meaning no key (what
 * setting '' does on vCenter; vcsim appends every OptionValue it is sent instead of merging).
 */
function extraConfigOf(options: readonly VimValue[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const option of options.map(obj)) {
    if (option === undefined) continue;
    const key = str(option['key']);
    const value = String(option['value'] ?? '');
    if (value === '') delete result[key];
    else result[key] = value;
  }
  return result;
}

/**
 * A VM's DTO from the {@link VM_PATHS} of its record. The boot time is `runtime.bootTime`, or the
 * summary's copy of it (vcsim sets only that one). O(devices + snapshots + extraConfig).
 */
export function vmInfo(record: PropertyRecord): VmInfo {
  const p = record.properties;
  const devices = list(p.get('config.hardware.device'));
  const snapshot = obj(p.get('snapshot'));
  const current = optionalRef(snapshot?.['currentSnapshot']);
  const powerState = str(p.get('runtime.powerState')) as VmPowerState;
  const datastore = optionalRef(list(p.get('datastore'))[0]);
  return {
    id: idOf<VmId>(record.obj),
    name: str(p.get('name')),
    powerState,
    host: refId<HostId>(p.get('runtime.host')),
    pool: refId<ResourcePoolId>(p.get('resourcePool')),
    datastore: datastore === undefined ? ('' as DatastoreId) : idOf<DatastoreId>(datastore),
    numCpu: num(p.get('config.hardware.numCPU')),
    memoryMB: num(p.get('config.hardware.memoryMB')),
    cpuAllocation: allocationInfo(p.get('config.cpuAllocation')),
    memoryAllocation: allocationInfo(p.get('config.memoryAllocation')),
    guestId: str(p.get('config.guestId')),
    annotation: str(p.get('config.annotation')),
    extraConfig: extraConfigOf(list(p.get('config.extraConfig'))),
    disks: disksOf(devices),
    nics: nicsOf(devices),
    vmxPath: str(p.get('config.files.vmPathName')),
    bootTime: powerState === 'poweredOn' ? isoTime(p.get('runtime.bootTime') ?? p.get('summary.runtime.bootTime')) : undefined,
    template: bool(p.get('config.template')),
    snapshots: snapshotsOf(list(snapshot?.['rootSnapshotList']), undefined, []),
    currentSnapshot: current === undefined ? undefined : idOf<SnapshotId>(current),
  };
}

function refId<T extends string>(value: VimValue | undefined): T {
  const reference = optionalRef(value);
  return (reference === undefined ? '' : reference.value) as T;
}

/** Property paths {@link hostInfo} reads. */
export const HOST_PATHS = [
  'name', 'parent', 'runtime.connectionState', 'runtime.powerState', 'runtime.inMaintenanceMode', 'summary.hardware.numCpuCores',
  'summary.hardware.cpuMhz', 'summary.hardware.memorySize',
] as const;

/**
 * A host's DTO: a host DPM put in standby (runtime.powerState `standBy`, whatever its connection
 * state says) is `standby`; otherwise maintenance wins over the connection state; notResponding is `failed`.
 */
export function hostInfo(record: PropertyRecord): HostInfo {
  const p = record.properties;
  const connection = str(p.get('runtime.connectionState'));
  const state =
    str(p.get('runtime.powerState')) === 'standBy'
      ? 'standby'
      : bool(p.get('runtime.inMaintenanceMode'))
        ? 'maintenance'
        : connection === 'connected'
          ? 'connected'
          : connection === 'disconnected'
            ? 'disconnected'
            : 'failed';
  return {
    id: idOf<HostId>(record.obj),
    name: str(p.get('name')),
    cluster: refId<ClusterId>(p.get('parent')),
    state,
    cpuCores: num(p.get('summary.hardware.numCpuCores')),
    cpuMhzPerCore: num(p.get('summary.hardware.cpuMhz')),
    memoryMB: Math.floor(num(p.get('summary.hardware.memorySize')) / (1024 * 1024)),
  };
}

/** Property paths {@link poolInfo} reads. */
export const POOL_PATHS = ['name', 'parent', 'owner', 'config.cpuAllocation', 'config.memoryAllocation'] as const;

/** A pool's DTO; a pool whose parent is not a pool (a cluster) is a root pool. */
export function poolInfo(record: PropertyRecord): ResourcePoolInfo {
  const p = record.properties;
  const parent = optionalRef(p.get('parent'));
  return {
    id: idOf<ResourcePoolId>(record.obj),
    name: str(p.get('name')),
    cluster: refId<ClusterId>(p.get('owner')),
    parent: parent?.type === 'ResourcePool' ? idOf<ResourcePoolId>(parent) : undefined,
    cpu: allocationInfo(p.get('config.cpuAllocation')),
    memory: allocationInfo(p.get('config.memoryAllocation')),
  };
}

/** Property paths {@link datastoreInfo} reads. */
export const DATASTORE_PATHS = ['summary'] as const;

/** A datastore's DTO from its summary. */
export function datastoreInfo(record: PropertyRecord): DatastoreInfo {
  const summary = obj(record.properties.get('summary'));
  return { id: idOf<DatastoreId>(record.obj), name: str(summary?.['name']), capacityBytes: num(summary?.['capacity']), freeBytes: num(summary?.['freeSpace']) };
}

/** A task's result as the Backend reports it: references become their ids. */
export function taskResult(value: VimValue | undefined): unknown {
  return value instanceof ManagedObjectReference ? value.value : value;
}

/** vim TaskInfo → TaskInfo; a failed task's error carries the project's error code. */
export function taskInfo(info: VimObject): TaskInfo {
  const error = obj(info['error']);
  const entity = optionalRef(info['entity']);
  const task = optionalRef(info['task']);
  const fault = obj(error?.['fault']) ?? { $type: 'SystemError' };
  const message = str(error?.['localizedMessage']) || fault.$type;
  const mapped = error === undefined ? undefined : faultToError({ fault, message }, { method: str(info['name']) || 'task', self: entity ?? task ?? new ManagedObjectReference('Task', str(info['key']) || 'unknown') });
  return {
    id: (task?.value ?? str(info['key'])) as TaskId,
    descriptionId: str(info['descriptionId']),
    entity: entity?.value ?? '',
    entityName: str(info['entityName']),
    state: str(info['state']) as TaskInfo['state'],
    queueTime: isoTime(info['queueTime']) ?? '',
    startTime: isoTime(info['startTime']),
    completeTime: isoTime(info['completeTime']),
    result: taskResult(info['result']),
    error: mapped === undefined ? undefined : { code: mapped.code, message: mapped.message },
  };
}

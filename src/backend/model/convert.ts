/** Converts model records into the Backend's DTOs (plain copies; times as ISO strings). */
import type { Clock } from '../../sim/clock.js';
import type { TaskRecord, VsphereEvent } from '../../hypervisor/index.js';
import type { Allocation, Datastore, Host, ResourcePool, VirtualMachine, VSphereModel } from '../../hypervisor/index.js';
import type { AllocationInfo, BackendEvent, DatastoreInfo, HostInfo, ResourcePoolInfo, TaskInfo, VmInfo, VmMemoryInfo } from '../backend.js';

/** A simulated time as an ISO 8601 string. */
export function iso(clock: Clock, t: number): string {
  return clock.date(t).toISOString();
}

function allocation(a: Allocation): AllocationInfo {
  return { reservation: a.reservation, limit: a.limit, shares: { ...a.shares }, expandableReservation: a.expandableReservation };
}

/** The DTO of a VM. */
export function vmInfo(model: VSphereModel, vm: VirtualMachine): VmInfo {
  const c = vm.config;
  const files = model.files(vm.datastore);
  return {
    id: vm.id,
    name: vm.name,
    powerState: vm.powerState,
    host: vm.host,
    pool: vm.pool,
    datastore: vm.datastore,
    numCpu: c.numCpu,
    memoryMB: c.memoryMB,
    cpuAllocation: allocation(c.cpuAllocation),
    memoryAllocation: allocation(c.memoryAllocation),
    guestId: c.guestId,
    annotation: c.annotation,
    extraConfig: { ...c.extraConfig },
    disks: c.devices.flatMap((d) => (d.type === 'disk' ? [{ key: d.key, fileName: d.fileName, capacityBytes: d.capacityBytes }] : [])),
    nics: c.devices.flatMap((d) => (d.type === 'nic' ? [{ key: d.key, network: d.network, macAddress: d.macAddress }] : [])),
    vmxPath: files.dsPath(`${vm.folder}/${vm.folder}.vmx`),
    bootTime: vm.bootTime === undefined ? undefined : iso(model.clock, vm.bootTime),
    template: c.template,
    snapshots: vm.snapshots.map((s) => ({ id: s.id, name: s.name, parent: s.parent, createTime: iso(model.clock, s.createTime) })),
    currentSnapshot: vm.currentSnapshot,
    ...(vm.powerState === 'poweredOn' ? { memory: vmMemory(model, vm) } : {}),
  };
}

function vmMemory(model: VSphereModel, vm: VirtualMachine): VmMemoryInfo {
  const { configuredMB: _configured, ...rest } = model.memoryOf(vm.host).vmStats(vm.id);
  return rest;
}

/** The DTO of a host, with its memory accounting. */
export function hostInfo(model: VSphereModel, h: Host): HostInfo {
  const { minFreeMB: _minFree, guestMB: _guest, cowEvents: _cow, tpsHashMB: _hash, ...memory } = model.memoryOf(h.id).stats();
  return { id: h.id, name: h.name, cluster: h.cluster, state: h.state, cpuCores: h.cpuCores, cpuMhzPerCore: h.cpuMhzPerCore, memoryMB: h.memoryMB, memory };
}

/** The DTO of a pool. */
export function poolInfo(p: ResourcePool): ResourcePoolInfo {
  return { id: p.id, name: p.name, cluster: p.cluster, parent: p.parent, cpu: allocation(p.cpu), memory: allocation(p.memory) };
}

/** The DTO of a datastore. */
export function datastoreInfo(model: VSphereModel, d: Datastore): DatastoreInfo {
  return { id: d.id, name: d.name, capacityBytes: d.capacityBytes, freeBytes: model.files(d.id).free };
}

/** The DTO of a task. */
export function taskInfo(clock: Clock, t: TaskRecord): TaskInfo {
  return {
    id: t.id,
    descriptionId: t.descriptionId,
    entity: t.entity,
    entityName: t.entityName,
    state: t.state,
    queueTime: iso(clock, t.queueTime),
    startTime: t.startTime === undefined ? undefined : iso(clock, t.startTime),
    completeTime: t.completeTime === undefined ? undefined : iso(clock, t.completeTime),
    result: t.result,
    error: t.error,
  };
}

/** The DTO of an event. */
export function eventInfo(clock: Clock, e: VsphereEvent): BackendEvent {
  return {
    key: e.key,
    type: e.type,
    createdTime: iso(clock, e.createdTime),
    message: e.fullFormattedMessage,
    ...(e.vm ? { vm: e.vm } : {}),
    ...(e.host ? { host: e.host } : {}),
    ...(e.pool ? { pool: e.pool } : {}),
    ...(e.cluster ? { cluster: e.cluster } : {}),
  };
}

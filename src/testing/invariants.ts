/**
 * Invariants of the model that must hold after any sequence of operations. `modelViolations`
 * recomputes everything from the records (independently of the incremental bookkeeping) and lists
 * every disagreement; an empty list means the model is consistent.
 */
import { chainOf } from '../hypervisor/disks.js';
import type { VSphereModel } from '../hypervisor/model.js';
import type { ResourcePool } from '../hypervisor/types.js';

/** Every invariant violation found in the model (empty when consistent). O(objects + files). */
export function modelViolations(model: VSphereModel): string[] {
  return [...vmPlacement(model), ...reservations(model), ...datastoreUsage(model), ...diskReferences(model), ...guestMemory(model)];
}

/** Each VM is on exactly one existing host and in exactly one existing pool of the same cluster. */
function vmPlacement(model: VSphereModel): string[] {
  const out: string[] = [];
  const seenHost = new Map<string, number>();
  for (const h of model.registry.all('Host')) for (const v of model.vmsOnHost(h.id)) seenHost.set(v, (seenHost.get(v) ?? 0) + 1);
  for (const vm of model.registry.all('VirtualMachine')) {
    const host = model.registry.find(vm.host);
    const pool = model.registry.find(vm.pool);
    if (host?.kind !== 'Host') out.push(`${vm.name}: host ${vm.host} does not exist`);
    if (pool?.kind !== 'ResourcePool') out.push(`${vm.name}: pool ${vm.pool} does not exist`);
    else if (pool.cluster !== vm.cluster || (host?.kind === 'Host' && host.cluster !== pool.cluster)) out.push(`${vm.name}: host and pool are in different clusters`);
    if (seenHost.get(vm.id) !== 1) out.push(`${vm.name}: indexed on ${seenHost.get(vm.id) ?? 0} hosts`);
    if (vm.powerState === 'poweredOn' && host?.kind === 'Host' && host.state === 'failed') out.push(`${vm.name}: running on failed host ${host.name}`);
  }
  return out;
}

/** Recomputed pool and host reservations equal the bookkeeping, and never exceed what is reserved above. */
function reservations(model: VSphereModel): string[] {
  const out: string[] = [];
  const pools = [...model.registry.all('ResourcePool')];
  const used = new Map<string, { cpu: number; memory: number }>();
  const usedOf = (p: ResourcePool): { cpu: number; memory: number } => {
    const cached = used.get(p.id);
    if (cached) return cached;
    const u = { cpu: 0, memory: 0 };
    for (const c of pools) {
      if (c.parent !== p.id) continue;
      const cu = usedOf(c);
      u.cpu += c.cpu.expandableReservation ? Math.max(c.cpu.reservation, cu.cpu) : c.cpu.reservation;
      u.memory += c.memory.expandableReservation ? Math.max(c.memory.reservation, cu.memory) : c.memory.reservation;
    }
    for (const v of model.vmsInPool(p.id)) {
      const vm = model.registry.get('VirtualMachine', v);
      if (vm.powerState !== 'poweredOn') continue;
      const r = model.vmReservation(vm);
      u.cpu += r.cpu;
      u.memory += r.memory;
    }
    used.set(p.id, u);
    return u;
  };
  for (const p of pools) {
    const u = usedOf(p);
    const booked = model.accounting.used(p.id);
    if (Math.abs(booked.cpu - u.cpu) > 1e-6 || Math.abs(booked.memory - u.memory) > 1e-6) out.push(`pool ${p.name}: booked ${JSON.stringify(booked)} but holds ${JSON.stringify(u)}`);
    const failedCapacity = p.parent === undefined && model.hostsOf(p.cluster).some((h) => h.state !== 'connected');
    if (!failedCapacity && !p.cpu.expandableReservation && u.cpu > p.cpu.reservation + 1e-6) out.push(`pool ${p.name}: uses ${u.cpu} MHz over its reservation ${p.cpu.reservation}`);
    if (!failedCapacity && !p.memory.expandableReservation && u.memory > p.memory.reservation + 1e-6) out.push(`pool ${p.name}: uses ${u.memory} MB over its reservation ${p.memory.reservation}`);
  }
  for (const h of model.registry.all('Host')) {
    let cpu = 0;
    let memory = 0;
    for (const v of model.vmsOnHost(h.id)) {
      const vm = model.registry.get('VirtualMachine', v);
      if (vm.powerState !== 'poweredOn') continue;
      const r = model.vmReservation(vm);
      cpu += r.cpu;
      memory += r.memory;
    }
    const cap = model.hostCapacity(h);
    if (cpu > cap.cpu || memory > cap.memory) out.push(`host ${h.name}: reservations ${cpu} MHz / ${memory} MB exceed its capacity`);
    const booked = model.accounting.hostUsed(h.id);
    if (Math.abs(booked.cpu - cpu) > 1e-6 || Math.abs(booked.memory - memory) > 1e-6) out.push(`host ${h.name}: booked ${JSON.stringify(booked)} but holds ${cpu} MHz / ${memory} MB`);
  }
  return out;
}

/** Datastore usage equals the sum of its files, and never exceeds capacity. */
function datastoreUsage(model: VSphereModel): string[] {
  const out: string[] = [];
  for (const ds of model.registry.all('Datastore')) {
    const files = model.files(ds.id);
    const sum = files.files().reduce((s, f) => s + f.size, 0);
    if (sum !== files.usage) out.push(`datastore ${ds.name}: usage ${files.usage} but its files hold ${sum}`);
    if (files.usage > ds.capacityBytes) out.push(`datastore ${ds.name}: usage ${files.usage} over capacity ${ds.capacityBytes}`);
  }
  return out;
}

/**
 * Exactly the running VMs have guest memory, each on its own host only; hosts never hold negative
 * amounts (savedMB is a signed difference, not an amount held: see HostMemoryStats).
 */
function guestMemory(model: VSphereModel): string[] {
  const out: string[] = [];
  for (const h of model.registry.all('Host')) {
    const mem = model.memoryOf(h.id);
    for (const id of mem.vms()) {
      const vm = model.registry.find(id);
      if (vm?.kind !== 'VirtualMachine' || vm.powerState !== 'poweredOn' || vm.host !== h.id) out.push(`host ${h.name} holds memory of ${id}, which is not running there`);
    }
    for (const id of model.vmsOnHost(h.id)) {
      if (model.registry.get('VirtualMachine', id).powerState === 'poweredOn' && !mem.has(id)) out.push(`running VM ${id} has no memory on host ${h.name}`);
    }
    const s = mem.stats();
    for (const [k, v] of Object.entries(s)) if (k !== 'savedMB' && typeof v === 'number' && v < -1e-6) out.push(`host ${h.name}: ${k} is negative (${v})`);
  }
  return out;
}

/** Disk reference counts equal the chains (of VMs, snapshots and stand-alone disks) that reach each link; no link is unreferenced or missing. */
function diskReferences(model: VSphereModel): string[] {
  const out: string[] = [];
  const refs = new Map<string, number>();
  const count = (top: string): void => {
    for (const p of chainOf(model, top)) refs.set(p, (refs.get(p) ?? 0) + 1);
  };
  for (const vm of model.registry.all('VirtualMachine')) {
    for (const d of vm.config.devices) if (d.type === 'disk') count(d.fileName);
    for (const s of vm.snapshots) for (const p of s.disks) count(p);
  }
  // A stand-alone disk (an image layer, a volume) holds its own chain until it is deleted.
  for (const p of model.standaloneDisks) count(p);
  for (const [path, n] of refs) if (model.diskRefs.get(path) !== n) out.push(`disk ${path}: ${model.diskRefs.get(path) ?? 0} references booked, ${n} chains reach it`);
  for (const path of model.vmdks.paths()) if (!refs.has(path)) out.push(`disk ${path}: in the catalog but no chain reaches it`);
  return out;
}

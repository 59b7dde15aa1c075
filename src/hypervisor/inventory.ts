/**
 * Building the inventory: datacenters, clusters (with their root pool), hosts, datastores and
 * networks. These are set-up operations and complete at once. The root pool of a cluster reserves
 * the capacity of its connected hosts and follows host state changes.
 */
import { DuplicateNameError, InvalidArgumentError } from '../sim/errors.js';
import type { ClusterId, DatacenterId } from '../sim/ids.js';
import { defaultAllocation } from './allocation.js';
import type { VSphereModel } from './model.js';
import { poolNode } from './pools.js';
import type { Cluster, Datacenter, Datastore, Host, HostNic, Network, ResourcePool } from './types.js';

/** An ESXi host to add. */
export interface HostSpec {
  readonly name: string;
  readonly cpuCores: number;
  readonly cpuMhzPerCore: number;
  readonly memoryMB: number;
  /** Default: two 10 GbE uplinks. */
  readonly nics?: readonly HostNic[];
}

/** A datastore to add. */
export interface DatastoreSpec {
  readonly name: string;
  readonly capacityBytes: number;
  /** Default 6 (SEsparse deltas). */
  readonly vmfsVersion?: 5 | 6;
}

/** Adds a datacenter. */
export function addDatacenter(model: VSphereModel, name: string): Datacenter {
  checkName('datacenter', name);
  if (model.registry.findByName('Datacenter', name)) throw new DuplicateNameError('Datacenter', name, 'the inventory');
  const dc: Datacenter = { id: model.ids.next('datacenter'), kind: 'Datacenter', name };
  model.registry.put(dc);
  return dc;
}

/** Adds a cluster and its root resource pool ("Resources"). */
export function addCluster(model: VSphereModel, datacenter: DatacenterId, name: string): Cluster {
  model.registry.get('Datacenter', datacenter);
  checkName('cluster', name);
  for (const c of model.registry.all('Cluster')) if (c.datacenter === datacenter && c.name === name) throw new DuplicateNameError('Cluster', name, `datacenter ${datacenter}`);
  const id = model.ids.next('cluster');
  const rootId = model.ids.next('pool');
  const root: ResourcePool = {
    id: rootId,
    kind: 'ResourcePool',
    name: 'Resources',
    cluster: id,
    parent: undefined,
    cpu: { ...defaultAllocation('poolCpu'), reservation: 0, limit: 0, expandableReservation: false },
    memory: { ...defaultAllocation('poolMemory'), reservation: 0, limit: 0, expandableReservation: false },
  };
  const cluster: Cluster = { id, kind: 'Cluster', name, datacenter, rootPool: rootId };
  model.registry.put(cluster);
  model.registry.put(root);
  model.accounting.setPool(poolNode(root));
  return cluster;
}

/** Adds a connected host to a cluster; the cluster's root pool grows by its capacity. */
export function addHost(model: VSphereModel, cluster: ClusterId, spec: HostSpec): Host {
  model.registry.get('Cluster', cluster);
  checkName('host', spec.name);
  if (model.registry.findByName('Host', spec.name)) throw new DuplicateNameError('Host', spec.name, 'the inventory');
  for (const k of ['cpuCores', 'cpuMhzPerCore', 'memoryMB'] as const) {
    if (!Number.isInteger(spec[k]) || spec[k] <= 0) throw new InvalidArgumentError(k, `host '${spec.name}': ${k} must be a positive integer, got ${spec[k]}`);
  }
  const host: Host = {
    id: model.ids.next('host'),
    kind: 'Host',
    name: spec.name,
    cluster,
    cpuCores: spec.cpuCores,
    cpuMhzPerCore: spec.cpuMhzPerCore,
    memoryMB: spec.memoryMB,
    nics: spec.nics ?? [{ device: 'vmnic0', speedMbps: 10_000 }, { device: 'vmnic1', speedMbps: 10_000 }],
    state: 'connected',
  };
  model.registry.put(host);
  refreshRootPool(model, cluster);
  model.events.log({ type: 'HostAddedEvent', host: host.id, cluster, fullFormattedMessage: `Added host ${host.name} to cluster ${model.registry.get('Cluster', cluster).name}` });
  return host;
}

/** Adds a datastore (shared by every host of the datacenter) and its file namespace. */
export function addDatastore(model: VSphereModel, datacenter: DatacenterId, spec: DatastoreSpec): Datastore {
  model.registry.get('Datacenter', datacenter);
  checkName('datastore', spec.name);
  if (/[[\]]/.test(spec.name)) throw new InvalidArgumentError('name', `datastore name '${spec.name}' may not contain brackets`);
  if (model.registry.findByName('Datastore', spec.name)) throw new DuplicateNameError('Datastore', spec.name, 'the inventory');
  if (!Number.isInteger(spec.capacityBytes) || spec.capacityBytes <= 0) throw new InvalidArgumentError('capacityBytes', `datastore '${spec.name}': capacity must be a positive number of bytes`);
  const ds: Datastore = { id: model.ids.next('datastore'), kind: 'Datastore', name: spec.name, datacenter, capacityBytes: spec.capacityBytes, vmfsVersion: spec.vmfsVersion ?? 6 };
  model.registry.put(ds);
  model.mountDatastore(ds.id, ds.name, ds.capacityBytes);
  return ds;
}

/** Adds a network (port group). */
export function addNetwork(model: VSphereModel, datacenter: DatacenterId, name: string): Network {
  model.registry.get('Datacenter', datacenter);
  checkName('network', name);
  for (const n of model.registry.all('Network')) if (n.datacenter === datacenter && n.name === name) throw new DuplicateNameError('Network', name, `datacenter ${datacenter}`);
  const net: Network = { id: model.ids.next('network'), kind: 'Network', name, datacenter };
  model.registry.put(net);
  return net;
}

/** Sets the root pool's reservation and limit to the capacity of the cluster's connected hosts. */
export function refreshRootPool(model: VSphereModel, cluster: ClusterId): void {
  const c = model.registry.get('Cluster', cluster);
  let cpu = 0;
  let memory = 0;
  for (const h of model.hostsOf(cluster)) {
    if (h.state !== 'connected') continue;
    cpu += h.cpuCores * h.cpuMhzPerCore;
    memory += h.memoryMB;
  }
  const root = model.registry.get('ResourcePool', c.rootPool);
  const next: ResourcePool = { ...root, cpu: { ...root.cpu, reservation: cpu, limit: cpu }, memory: { ...root.memory, reservation: memory, limit: memory } };
  model.accounting.applyPoolChange(poolNode(next));
  model.registry.update(next);
}

function checkName(kind: string, name: unknown): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > 80 || /[\x00-\x1f/]/.test(name)) {
    throw new InvalidArgumentError('name', `a ${kind} name must be 1 to 80 printable characters without '/', got ${JSON.stringify(name)}`);
  }
}

/**
 * Preset inventories with deterministic names, in govmomi's style: `DC0`, `DC0_C0`, `DC0_C0_H0`…
 * for demos, tests and capacity runs.
 */
import { GiB, TiB } from '../sim/units.js';
import { addCluster, addDatacenter, addDatastore, addHost, addNetwork, type HostSpec } from './inventory.js';
import { VSphereModel, type ModelOptions } from './model.js';
import type { Cluster, Datacenter, Datastore, Host, Network, ResourcePool } from './types.js';

/** The default ESXi host: 32 cores at 2.4 GHz, 256 GB (the size issue 3's density table uses). */
export const DEFAULT_HOST: Omit<HostSpec, 'name'> = { cpuCores: 32, cpuMhzPerCore: 2400, memoryMB: 256 * 1024 };

/** Options of {@link clusterPreset}. */
export interface ClusterPresetOptions extends ModelOptions {
  /** Hosts in the cluster (default 4). */
  readonly hosts?: number;
  /** Every host's size (default {@link DEFAULT_HOST}). */
  readonly host?: Omit<HostSpec, 'name'>;
  /** Shared datastore capacity in bytes (default 16 TiB). */
  readonly datastoreBytes?: number;
}

/** What a preset built, by role. */
export interface Preset {
  readonly model: VSphereModel;
  readonly datacenter: Datacenter;
  readonly cluster: Cluster;
  readonly rootPool: ResourcePool;
  readonly hosts: readonly Host[];
  readonly datastore: Datastore;
  readonly network: Network;
}

/**
 * One datacenter `DC0` with cluster `DC0_C0` of `hosts` hosts `DC0_C0_H0…`, a shared datastore
 * `DC0_DS0` and the port group `VM Network`.
 */
export function clusterPreset(opts: ClusterPresetOptions = {}): Preset {
  const model = new VSphereModel(opts);
  const datacenter = addDatacenter(model, 'DC0');
  const cluster = addCluster(model, datacenter.id, 'DC0_C0');
  const hosts = Array.from({ length: opts.hosts ?? 4 }, (_, i) => addHost(model, cluster.id, { ...(opts.host ?? DEFAULT_HOST), name: `DC0_C0_H${i}` }));
  const datastore = addDatastore(model, datacenter.id, { name: 'DC0_DS0', capacityBytes: opts.datastoreBytes ?? 16 * TiB });
  const network = addNetwork(model, datacenter.id, 'VM Network');
  const rootPool = model.registry.get('ResourcePool', cluster.rootPool);
  return { model, datacenter, cluster, rootPool, hosts, datastore, network };
}

/** Bytes of the thin disk a preset VM gets by default. */
export const DEFAULT_DISK_BYTES = 8 * GiB;

/**
 * Building a VCH over a Backend, as vic-machine create does: the resource pool (limits,
 * reservations, shares), the VCH's folder `[ds] VIC/<uuid>/` with its bootstrap ISO, the image
 * store, the bridge network and the container networks (port groups mapped to docker networks), the
 * port mapper on the endpoint address, and the container machinery;
 * then the provisioning templates are warmed so the first `docker run` does not pay their boot.
 */
import type { Backend, ClusterInfo, DatastoreInfo, ResourcePoolInfo } from '../backend/backend.js';
import { DEFAULT_CALIBRATION } from '../sim/calibration.js';
import type { Clock } from '../sim/clock.js';
import { InvalidArgumentError, NotFoundError } from '../sim/errors.js';
import type { Rng } from '../sim/rng.js';
import { ContainerNetworking } from './container-networking.js';
import { ExecService } from './containers/exec.js';
import { Provisioner } from './containers/provisioner.js';
import { ContainerRuntime, type RunNetworking } from './containers/runtime.js';
import type { ContainerImages } from './containers/seams.js';
import { ContainerService } from './containers/service.js';
import { EventLog } from './events.js';
import { LayerStack, rootFsSize, UnionFs } from './fs/index.js';
import { GuestLauncher } from './guest-launcher.js';
import { ImageStore } from './images/index.js';
import { PortMapper, type PortMapperState } from './network/port-mapper.js';
import { aliasOf, type ContainerNetworkSpec, type ExternalChange } from './network/external.js';
import { NetworkRegistry, type NetworkRegistryState } from './network/registry.js';
import { ContainerVnics } from './network/vnics.js';
import { Vch } from './vch.js';
import { VolumeService } from './volumes/index.js';
import { checkVchSpec, type VchSpec } from './vch-spec.js';

/** What a VCH runs on. */
export interface VchDeps {
  readonly backend: Backend;
  /** The clock of the backend's simulated time (guest time, grace periods, log stamps). */
  readonly clock: Clock;
  /** The VCH's own random stream (ids, uuids, random ports). */
  readonly rng: Rng;
  /** The address the Docker endpoint and published ports listen on. */
  readonly endpointAddress: string;
}

/** A 64-hex id from `rng`. */
export function hexId(rng: Rng, digits = 64): string {
  let id = '';
  while (id.length < digits) id += rng.int(0, 0xffffffff).toString(16).padStart(8, '0');
  return id.slice(0, digits);
}

function uuidOf(rng: Rng): string {
  const h = hexId(rng, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

async function pick<T extends { readonly id: string; readonly name: string }>(all: T[], wanted: string | undefined, what: string): Promise<T> {
  const found = wanted === undefined ? all[0] : all.find((x) => x.id === wanted || x.name === wanted);
  if (!found) throw new NotFoundError(what, wanted ?? '(any)');
  return found;
}

/** What a VCH stands on in vSphere: made by createVch, found again by restoreVch. */
export interface VchInfra {
  readonly spec: VchSpec;
  readonly uuid: string;
  readonly cluster: ClusterInfo;
  readonly ds: DatastoreInfo;
  readonly pool: ResourcePoolInfo;
  readonly bootIso: string;
}

/** A container network to map, with the Backend id of its port group. */
export interface PlannedContainerNetwork {
  readonly spec: ContainerNetworkSpec;
  readonly portGroupId: string;
}

/**
 * The container networks of `specs` not yet mapped in `registry`, each with its port group found on
 * the backend (by name or id). Changes nothing. O(networks × specs).
 * @throws InvalidArgumentError (flag `container-network`) for a missing port group or a name a docker network already has.
 */
export async function planContainerNetworks(backend: Backend, registry: NetworkRegistry | undefined, specs: readonly ContainerNetworkSpec[]): Promise<PlannedContainerNetwork[]> {
  const networks = await backend.networks();
  const existing = registry?.list() ?? [];
  const planned: PlannedContainerNetwork[] = [];
  for (const spec of specs) {
    const alias = aliasOf(spec);
    const known = existing.find((n) => n.Name === alias);
    if (known?.Driver === 'external') continue;
    if (known) throw new InvalidArgumentError('container-network', `Error adding container network "${alias}": the VCH already has a ${known.Driver} network with that name`);
    const pg = networks.find((n) => n.name === spec.portGroup || n.id === spec.portGroup);
    if (!pg) throw new InvalidArgumentError('container-network', `Error adding container network "${alias}": network '${spec.portGroup}' not found; networks: ${networks.map((n) => n.name).join(', ')}`);
    planned.push({ spec, portGroupId: pg.id });
  }
  return planned;
}

/** Maps planned container networks into the VCH's registry (from {@link planContainerNetworks}). */
export function mapContainerNetworks(registry: NetworkRegistry, planned: readonly PlannedContainerNetwork[]): void {
  for (const p of planned) registry.addContainerNetwork(p.spec, p.portGroupId);
}

/** Creates a VCH (vic-machine create) and returns it ready to serve. */
export async function createVch(deps: VchDeps, input: VchSpec): Promise<Vch> {
  const spec = checkVchSpec(input);
  const { backend, rng } = deps;
  await planContainerNetworks(backend, undefined, spec.containerNetworks ?? []);
  const cluster: ClusterInfo = await pick(await backend.clusters(), spec.computeResource, 'ComputeResource');
  const ds: DatastoreInfo = await pick(await backend.datastores(), spec.imageStore, 'Datastore');
  const pool = await backend.createResourcePool(cluster.rootPool, spec.name, { cpu: spec.cpu, memory: spec.memory });
  const uuid = uuidOf(rng);
  const folder = `[${ds.name}] VIC/${uuid}`;
  await backend.makeDirectory(folder, true);
  const bootIso = `${folder}/bootstrap.iso`;
  await backend.writeDatastoreFile(bootIso, new TextEncoder().encode('vicsim bootstrap image: the tether the container VMs boot; the model does not read its bytes\n'));
  const vch = await assembleVch(deps, { spec, uuid, cluster, ds, pool, bootIso }, undefined);
  await vch.parts.provisioner.warm({ numCpu: DEFAULT_CALIBRATION.vm.defaultCpus, memoryMB: DEFAULT_CALIBRATION.vm.defaultMemoryMB });
  return vch;
}

/** Saved network and port state a restored VCH starts from. */
export interface SavedVchNetworks {
  readonly networks: NetworkRegistryState;
  readonly ports: PortMapperState;
}

/**
 * Builds a VCH's parts on its infrastructure: image store and volumes (reloaded from their
 * datastores), networks and ports (from `saved`, or fresh), the container machinery.
 */
export async function assembleVch(deps: VchDeps, infra: VchInfra, saved: SavedVchNetworks | undefined): Promise<Vch> {
  const { backend, clock, rng } = deps;
  const { spec, uuid, cluster, ds, pool, bootIso } = infra;
  const events = new EventLog(clock);
  const images = await ImageStore.open({
    backend,
    datastore: ds.name,
    vchUuid: uuid,
    clock,
    registry: { insecureRegistries: spec.insecureRegistries, whitelist: spec.whitelistRegistries },
    offlineCatalog: spec.offlineCatalog,
  });
  images.onEvent((e) => events.emit({ Type: e.Type, Action: e.Action, id: e.Actor.ID, attributes: e.Actor.Attributes }));
  const registryOptions = { newId: () => hexId(rng), now: () => clock.date().getTime(), bridgeRange: spec.bridgeRange, onExternalChange: (change: ExternalChange) => vnics.onChange(change) };
  const registry = saved ? NetworkRegistry.fromJSON(saved.networks, registryOptions) : new NetworkRegistry(registryOptions);
  mapContainerNetworks(registry, await planContainerNetworks(backend, registry, spec.containerNetworks ?? []));
  const vnics: ContainerVnics = new ContainerVnics(backend, registry, (id) => {
    const c = containers.index.find(id);
    return c ? { vm: c.def.vm, running: c.running } : undefined;
  });
  const mapperOptions = { rng: rng.fork('ports'), listenAddress: deps.endpointAddress };
  const mapper = saved ? PortMapper.fromJSON(saved.ports, mapperOptions) : new PortMapper(mapperOptions);
  const provisioner = new Provisioner(
    backend,
    clock,
    { cluster: cluster.id, pool: pool.id, datastore: ds.id, bootIso, templatePrefix: `${spec.name}-template` },
    spec.provisioning ?? 'instant',
    DEFAULT_CALIBRATION.latency,
  );
  const networking = new ContainerNetworking(registry, mapper, async (c) => {
    const vm = await backend.vm(c.def.vm);
    const host = (await backend.hosts({ cluster: cluster.id })).find((h) => h.id === vm.host);
    const ip = Object.values(registry.endpointSettings(c.id))[0]?.IPAddress ?? '';
    return { container: c.name, id: c.id.slice(0, 12), vm: `${c.def.vmName} (${vm.id})`, host: host?.name ?? vm.host, ip, vch: spec.name };
  }, vnics);
  const launcher: GuestLauncher = new GuestLauncher(clock, {
    resolveHost: (guest, name) => networking.resolveHost(guest, name),
    interfaces: (guest) => networking.interfaces(guest),
    memoryMB: (guest): number => containers.index.find(guest)?.def.size.memoryMB ?? 0,
    rootDisk: (guest) => {
      const fs = containers.index.find(guest)?.fs;
      return { capacityBytes: DEFAULT_CALIBRATION.disk.vicScratchBytes, usedBytes: fs instanceof UnionFs ? rootFsSize(fs) : 0 };
    },
  });
  const volumes = await VolumeService.open({
    backend,
    stores: spec.volumeStores ?? { default: `[${ds.name}] volumes` },
    rng: rng.fork('volumes'),
    now: () => clock.date().getTime(),
    onEvent: (e) => events.emit(e),
  });
  // A run holds its addresses, published ports and volume claims; all are released at exit.
  const runResources: RunNetworking = {
    up: async (c) => {
      volumes.claim(c.id);
      try {
        await networking.up(c);
      } catch (e) {
        await volumes.unclaim(c.id);
        throw e;
      }
    },
    down: async (c) => {
      await networking.down(c);
      await volumes.unclaim(c.id);
    },
    ports: (c) => networking.ports(c),
  };
  const runtime: ContainerRuntime = new ContainerRuntime(clock, provisioner, launcher, runResources, events, (c): Promise<void> => containers.destroy(c, true));
  const imageSource: ContainerImages = {
    acquire: async (ref, containerId) => {
      const root = await images.acquireImage(ref, containerId);
      const fs = UnionFs.create(LayerStack.of(root.layers), { now: () => clock.date().getTime() });
      return { imageId: root.imageId, config: root.config, topLayerPath: root.parentDisk, fs };
    },
    release: (containerId) => images.releaseImage(containerId),
  };
  const containers: ContainerService = new ContainerService(rng.fork('containers'), provisioner, runtime, imageSource, networking, volumes, {
    logPath: (folder) => `[${ds.name}] ${folder}/output.log`,
    writeLog: (path) => (content) => backend.writeDatastoreFile(path, content),
    readLog: (path) => backend.readDatastoreFile(path).then((b) => new TextDecoder().decode(b), () => undefined),
  }, events, { maxContainers: spec.containersLimit });
  images.useContainerStates((id) => containers.index.find(id)?.running ?? false);
  const execs = new ExecService(rng.fork('execs'), containers.index, launcher, events);
  containers.onRemoved((c) => execs.forget(c));
  return new Vch({ backend, spec, uuid, cluster: cluster.id, pool, endpoint: `tcp://${deps.endpointAddress}`, events, images, networking, volumes, containers, runtime, execs, provisioner, infra });
}

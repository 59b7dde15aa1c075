/**
 * The networks of one VCH with docker's semantics and docker-shaped output: the predefined `bridge`
 * (the VCH's bridge network) and `none`; `host` refused with VIC's "--net=host is not supported";
 * user bridge networks, each with its own block of the bridge range; containers' endpoints (attached
 * at create or `network connect`, holding an address while the container runs); name resolution
 * through the VCH's DNS. Pure and deterministic: ids come from the injected `newId`, times from `now`.
 */
import type { EndpointSettings, NetworkCreateRequest, NetworkResource } from '../engine/docker-types.js';
import type { Filters, PruneReport } from '../engine/engine.js';
import { BadParameterError, ConflictError, ForbiddenError } from '../engine/errors.js';
import { RestoreError } from '../../sim/errors.js';
import type { ContainerIdentity } from './endpoints.js';
import { EndpointTable, answersTo, bareName, networkModeName, newEndpoint, noneConflict } from './endpoints.js';
import { ContainerNetworkNotFoundError, HostNetworkNotSupportedError, NetworkNotFoundError } from './errors.js';
import { checkExternalAttach, ExternalAddresses, externalRecord, type ContainerNetworkSpec, type ExternalAttachment, type ExternalChange } from './external.js';
import { listFilter, pruneFilter } from './filters.js';
import { Ipam } from './ipam.js';
import type { IpamState } from './ipam.js';
import type { EndpointRecord, EndpointView, NetworkRecord } from './network.js';
import { PREDEFINED_NETWORK_NAMES, endpointSettings, endpointView, networkResource } from './network.js';

/** What a registry is built with. */
export interface NetworkRegistryOptions {
  /** A fresh 64-hex id (network and endpoint ids), e.g. from the VCH's seeded Rng. */
  readonly newId: () => string;
  /** Simulated now, ms since the epoch. */
  readonly now: () => number;
  /** The bridge range (vic-machine `--bridge-network-range`), default 172.16.0.0/12. */
  readonly bridgeRange?: string;
  /** Prefix length of each network's block, default 16. */
  readonly networkPrefixLen?: number;
  /** Resolves names outside the VCH (for containers with a route out); none by default. */
  readonly lookupExternal?: (name: string) => string | undefined;
  /** Told when `network connect`/`disconnect` changes a container's container networks (its vNICs follow). */
  readonly onExternalChange?: (change: ExternalChange) => void;
}


/** Saved form of a registry (format version 1). */
export interface NetworkRegistryState {
  readonly version: 1;
  readonly ipam: IpamState;
  readonly networks: readonly NetworkRecord[];
  readonly endpoints: readonly EndpointRecord[];
  readonly running: readonly string[];
}

/** What `resolveExternal` found. */
export type ExternalResolution =
  | { readonly status: 'resolved'; readonly ip: string }
  | { readonly status: 'unknown' }
  | { readonly status: 'no-route' };

/** The networks and endpoints of one VCH. */
export class NetworkRegistry {
  readonly #ipam: Ipam;
  readonly #networks = new Map<string, NetworkRecord>();
  readonly #endpoints = new EndpointTable();
  readonly #external = new ExternalAddresses();

  /**
   * A registry holding the predefined `bridge` (first block of the range, gateway .1) and `none`;
   * or, given `saved` (from {@link toJSON}), the saved networks and endpoints.
   */
  constructor(
    readonly options: NetworkRegistryOptions,
    saved?: NetworkRegistryState,
  ) {
    if (!saved) {
      this.#ipam = new Ipam(options.bridgeRange, options.networkPrefixLen);
      this.#addPredefined('bridge', 'bridge');
      this.#addPredefined('none', 'null');
      return;
    }
    this.#ipam = Ipam.fromJSON(saved.ipam);
    for (const n of saved.networks) this.#networks.set(n.id, { ...n });
    for (const e of saved.endpoints) {
      if (!this.#networks.has(e.networkId)) throw new RestoreError(`endpoint of container ${e.containerId} names a missing network ${e.networkId}`);
      this.#endpoints.add({ ...e, aliases: [...e.aliases] });
      if (e.ip !== '' && this.#networks.get(e.networkId)?.external) this.#external.hold(e.networkId, e.ip);
    }
    for (const id of saved.running) this.#endpoints.setRunning(id, true);
  }

  /**
   * `docker network create`: a bridge network on the next free block (or the requested one).
   * 403 for predefined names, 409 "network with name X already exists", 400 for other drivers,
   * IPv6 or more than one IPAM config; the pool errors of {@link Ipam.createPool}.
   */
  create(req: NetworkCreateRequest): { Id: string; Warning: string } {
    const name = req.Name;
    if (typeof name !== 'string' || name === '') throw new BadParameterError('network name must be a non-empty string');
    if (PREDEFINED_NETWORK_NAMES.has(name)) throw new ForbiddenError(`operation is not permitted on predefined ${name} network`);
    if (this.#byName(name)) throw new ConflictError(`network with name ${name} already exists`);
    const driver = req.Driver || 'bridge';
    if (driver === 'external') throw new BadParameterError(`no network info for external scope ${name}`);
    if (driver !== 'bridge') throw new BadParameterError(`network driver "${driver}" is not supported by this VCH: only bridge networks can be created`);
    if (req.EnableIPv6 === true) throw new BadParameterError('IPv6 is not supported by this VCH');
    const ipamDriver = req.IPAM?.Driver || 'default';
    if (ipamDriver !== 'default') throw new BadParameterError(`IPAM driver "${ipamDriver}" is not supported by this VCH`);
    const configs = req.IPAM?.Config ?? [];
    if (configs.length > 1) throw new BadParameterError('only one IPv4 subnet per network is supported by this VCH');
    const id = this.options.newId();
    const pool = this.#ipam.createPool(id, `${name} (${id.slice(0, 12)})`, configs[0]);
    this.#networks.set(id, {
      id,
      name,
      driver: 'bridge',
      createdMs: this.options.now(),
      internal: req.Internal === true,
      attachable: req.Attachable === true,
      predefined: false,
      pool,
      ipamOptions: { ...(req.IPAM?.Options ?? {}) },
      options: { ...(req.Options ?? {}) },
      labels: { ...(req.Labels ?? {}) },
    });
    return { Id: id, Warning: '' };
  }

  /**
   * Maps a container network (vic-machine `--container-network`) to port group `portGroupId`: a
   * builtin network of driver `external`. Precondition: `spec` passed checkContainerNetworks.
   * @throws ConflictError when a network has its name.
   */
  addContainerNetwork(spec: ContainerNetworkSpec, portGroupId: string): NetworkResource {
    const record = externalRecord(spec, portGroupId, this.options.newId(), this.options.now());
    if (this.#byName(record.name)) throw new ConflictError(`network with name ${record.name} already exists`);
    this.#networks.set(record.id, record);
    return this.#render(record);
  }

  /** `docker network ls`: every network passing the filters, in creation order. O(networks). */
  list(filters: Filters = {}): NetworkResource[] {
    const keep = listFilter(filters, { inUse: (n) => this.#endpoints.countOnNetwork(n.id) > 0, nowMs: this.options.now() });
    return [...this.#networks.values()].filter(keep).map((n) => this.#render(n));
  }

  /** `docker network inspect`: by id, name or unique id prefix; 404 "network X not found". */
  inspect(ref: string): NetworkResource {
    return this.#render(this.require(ref));
  }

  /**
   * The network `ref` names: an exact id, then a name, then a unique id prefix (moby's order).
   * 404 when none (`host` too: it is not listed; using it is refused); 400 when a prefix is ambiguous. O(networks).
   */
  require(ref: string): NetworkRecord {
    const found = this.#networks.get(ref) ?? this.#byName(ref);
    if (found) return found;
    const byPrefix = ref === '' ? [] : [...this.#networks.values()].filter((n) => n.id.startsWith(ref));
    if (byPrefix.length > 1) throw new BadParameterError(`network ${ref} is ambiguous (${byPrefix.length} matches found based on ID prefix)`);
    if (byPrefix[0]) return byPrefix[0];
    throw new NetworkNotFoundError(ref);
  }

  /**
   * `docker network rm`: refused for `bridge`/`none` (403 "X is a pre-defined network and cannot be
   * removed") and while any container is attached, running or not (403 "error while removing
   * network: network X id Y has active endpoints").
   */
  remove(ref: string): void {
    const n = this.require(ref);
    if (n.external) throw new ForbiddenError('cannot remove builtin scope');
    if (n.predefined) throw new ForbiddenError(`${n.name} is a pre-defined network and cannot be removed`);
    if (this.#endpoints.countOnNetwork(n.id) > 0) {
      throw new ForbiddenError(`error while removing network: network ${n.name} id ${n.id} has active endpoints`);
    }
    this.#ipam.deletePool(n.id);
    this.#networks.delete(n.id);
  }

  /** `docker network prune`: removes user networks without containers that pass the filters; reports their names. */
  prune(filters: Filters = {}): PruneReport {
    const keep = pruneFilter(filters, { inUse: () => false, nowMs: this.options.now() });
    const doomed = [...this.#networks.values()].filter((n) => !n.predefined && this.#endpoints.countOnNetwork(n.id) === 0 && keep(n));
    for (const n of doomed) this.remove(n.id);
    return { deleted: doomed.map((n) => n.name), spaceReclaimed: 0 };
  }

  /**
   * Attaches a new container to the networks of its create request, all or nothing: `NetworkMode`
   * ("default"/"" mean bridge) and every `EndpointsConfig` entry ("default" means bridge). A missing
   * network is {@link ContainerNetworkNotFoundError} (400, never 404). Addresses come at start.
   * @returns the container's endpoints (no addresses yet)
   */
  planContainer(container: ContainerIdentity, networkMode: string | undefined, endpointsConfig: Readonly<Record<string, EndpointSettings>> | null | undefined): EndpointView[] {
    if (this.#endpoints.ofContainer(container.id).length > 0) throw new ConflictError(`container ${container.id} already has network endpoints`);
    const wanted = new Map<string, { network: NetworkRecord; settings: EndpointSettings | undefined }>();
    const primary = networkModeName(networkMode);
    const entries: [string, EndpointSettings | undefined][] = [[primary, undefined], ...Object.entries(endpointsConfig ?? {})];
    for (const [ref, settings] of entries) {
      const network = this.#forContainer(ref === 'default' ? 'bridge' : ref);
      const seen = wanted.get(network.id);
      wanted.set(network.id, { network, settings: settings ?? seen?.settings });
    }
    const nets = [...wanted.values()].map((w) => w.network);
    if (nets.length > 1 && nets.some((n) => n.driver === 'null')) throw noneConflict();
    for (const w of wanted.values()) checkExternalAttach(w.network, nets, w.settings);
    const records = [...wanted.values()].map((w) => newEndpoint(w.network, container, w.settings));
    for (const r of records) this.#endpoints.add(r);
    return this.endpoints(container.id);
  }

  /**
   * `docker network connect`: 400 "--net=host is not supported" for host; 404 for a missing network; 403 "endpoint with name X already exists in
   * network Y"; `none` excludes every other network. A running container gets its address at once.
   */
  connect(ref: string, container: ContainerIdentity, settings?: EndpointSettings): EndpointView {
    if (ref === 'host') throw new HostNetworkNotSupportedError();
    const network = this.require(ref);
    const current = this.#endpoints.ofContainer(container.id);
    if (current.some((e) => e.networkId === network.id)) {
      throw new ForbiddenError(`endpoint with name ${bareName(container.name)} already exists in network ${network.name}`);
    }
    const joined = current.map((e) => this.#networks.get(e.networkId)!);
    if (current.length > 0 && (network.driver === 'null' || joined.some((n) => n.driver === 'null'))) throw noneConflict();
    checkExternalAttach(network, joined, settings);
    const record = newEndpoint(network, container, settings);
    if (this.#endpoints.isRunning(container.id)) this.#giveAddress(network, record);
    this.#endpoints.add(record);
    if (network.external) this.options.onExternalChange?.({ containerId: container.id, networkId: network.id, change: 'connect', mac: undefined });
    return endpointView(network, record);
  }

  /** `docker network disconnect`: 403 "container X is not connected to network Y" when it is not. `force` changes nothing here. */
  disconnect(ref: string, containerId: string): void {
    const network = this.require(ref);
    const record = this.#endpoints.get(containerId, network.id);
    if (!record) throw new ForbiddenError(`container ${containerId} is not connected to network ${network.name}`);
    this.#takeAddress(network, record);
    this.#endpoints.remove(containerId, network.id);
    if (network.external) this.options.onExternalChange?.({ containerId, networkId: network.id, change: 'disconnect', mac: record.mac });
  }

  /** The container's endpoints on container networks, in attach order. O(its networks). */
  externalAttachments(containerId: string): ExternalAttachment[] {
    return this.#endpoints.ofContainer(containerId).flatMap((r) => {
      const ext = this.#networks.get(r.networkId)?.external;
      return ext ? [{ networkId: r.networkId, networkName: this.#networks.get(r.networkId)!.name, portGroupId: ext.portGroupId, firewall: ext.firewall, mac: r.mac, ip: r.ip }] : [];
    });
  }

  /**
   * A running container's vNIC `mac` is on container network `networkId`: it gets its address there
   * (the requested one, the lowest free of the ranges, or the DHCP lease of `mac`). A no-op when it
   * already has one or is not on that network. All-or-nothing: throws the allocation's error.
   */
  bindNic(containerId: string, networkId: string, mac: string): void {
    const r = this.#endpoints.get(containerId, networkId);
    const network = this.#networks.get(networkId);
    if (!r || !network?.external || r.ip !== '') return;
    r.ip = this.#external.allocate(networkId, network.pool, network.external.ranges, mac, r.requestedIp);
    r.mac = mac;
    r.endpointId = this.options.newId();
  }

  /**
   * Gives the container an address on each of its networks (the requested one or the lowest free),
   * all or nothing: on failure every address taken is released and the error is rethrown.
   */
  startContainer(containerId: string): EndpointView[] {
    const records = this.#endpoints.ofContainer(containerId);
    const done: EndpointRecord[] = [];
    try {
      for (const r of records) {
        if (r.ip === '') this.#giveAddress(this.#networks.get(r.networkId)!, r);
        done.push(r);
      }
    } catch (e) {
      for (const r of done) this.#takeAddress(this.#networks.get(r.networkId)!, r);
      throw e;
    }
    this.#endpoints.setRunning(containerId, true);
    return this.endpoints(containerId);
  }

  /** Releases the container's addresses (at stop). Never throws. */
  stopContainer(containerId: string): void {
    for (const r of this.#endpoints.ofContainer(containerId)) this.#takeAddress(this.#networks.get(r.networkId)!, r);
    this.#endpoints.setRunning(containerId, false);
  }

  /** Drops every endpoint of a removed container (or one whose create failed). Never throws. */
  forgetContainer(containerId: string): void {
    this.stopContainer(containerId);
    for (const r of [...this.#endpoints.ofContainer(containerId)]) this.#endpoints.remove(containerId, r.networkId);
  }

  /** `docker rename`: the new name resolves, the old one no longer does. */
  renameContainer(containerId: string, newName: string): void {
    for (const r of this.#endpoints.ofContainer(containerId)) r.containerName = bareName(newName);
  }

  /** The container's endpoints in attach order. O(its networks). */
  endpoints(containerId: string): EndpointView[] {
    return this.#endpoints.ofContainer(containerId).map((r) => endpointView(this.#networks.get(r.networkId)!, r));
  }

  /** Docker's `NetworkSettings.Networks` of the container, keyed by network name. */
  endpointSettings(containerId: string): Record<string, EndpointSettings> {
    const out: Record<string, EndpointSettings> = {};
    for (const r of this.#endpoints.ofContainer(containerId)) {
      const view = endpointView(this.#networks.get(r.networkId)!, r);
      out[view.networkName] = endpointSettings(view, r.requestedIp);
    }
    return out;
  }

  /**
   * What the VCH's DNS answers `fromContainer` for `name`: the address of a running container on a
   * network they share whose name, alias, hostname or id prefix (≥ 12 digits) is `name`
   * (case-insensitive), looking through the asker's networks in attach order; undefined otherwise.
   * O(endpoints on the asker's networks).
   */
  resolve(fromContainer: string, name: string): string | undefined {
    const wanted = name.toLowerCase().replace(/\.$/, '');
    for (const own of this.#endpoints.ofContainer(fromContainer)) {
      if (this.#networks.get(own.networkId)?.driver !== 'bridge') continue;
      const hit = this.#endpoints.ofNetwork(own.networkId).find((e) => e.ip !== '' && answersTo(e, wanted));
      if (hit) return hit.ip;
    }
    return undefined;
  }

  /** Whether two running containers share a bridge network (and so can reach each other). */
  canReach(a: string, b: string): boolean {
    const live = (id: string): Set<string> => new Set(this.#endpoints.ofContainer(id).filter((e) => e.ip !== '').map((e) => e.networkId));
    const nb = live(b);
    return [...live(a)].some((id) => nb.has(id));
  }

  /** Whether the running container has a route out of the VCH: a live endpoint on a non-internal bridge network. */
  hasRouteOut(containerId: string): boolean {
    return this.#endpoints.ofContainer(containerId).some((e) => {
      const n = this.#networks.get(e.networkId);
      return e.ip !== '' && n?.internal === false && n.external?.firewall !== 'closed';
    });
  }

  /** A name outside the VCH: refused ("no-route") for containers only on internal networks; else `lookupExternal`. */
  resolveExternal(fromContainer: string, name: string): ExternalResolution {
    if (!this.hasRouteOut(fromContainer)) return { status: 'no-route' };
    const ip = this.options.lookupExternal?.(name);
    return ip === undefined ? { status: 'unknown' } : { status: 'resolved', ip };
  }

  /** The saved form: IPAM, networks, endpoints and which containers run. */
  toJSON(): NetworkRegistryState {
    const networks = [...this.#networks.values()].map((n) => ({ ...n }));
    const endpoints = this.#endpoints.all().map((e) => ({ ...e }));
    return { version: 1, ipam: this.#ipam.toJSON(), networks, endpoints, running: this.#endpoints.running() };
  }

  /** A registry restored from {@link toJSON}'s output; RestoreError when it does not hold together. */
  static fromJSON(state: NetworkRegistryState, options: NetworkRegistryOptions): NetworkRegistry {
    if (state?.version !== 1) throw new RestoreError(`unsupported network state version ${String(state?.version)}`);
    return new NetworkRegistry(options, state);
  }

  #addPredefined(name: string, driver: 'bridge' | 'null'): void {
    const id = this.options.newId();
    const pool = driver === 'bridge' ? this.#ipam.createPool(id, `${name} (${id.slice(0, 12)})`) : undefined;
    const record: NetworkRecord = { id, name, driver, createdMs: this.options.now(), internal: false, attachable: false, predefined: true, pool, ipamOptions: {}, options: {}, labels: {} };
    this.#networks.set(id, record);
  }

  #byName(name: string): NetworkRecord | undefined {
    for (const n of this.#networks.values()) if (n.name === name) return n;
    return undefined;
  }

  #forContainer(ref: string): NetworkRecord {
    if (ref === 'host') throw new HostNetworkNotSupportedError();
    try {
      return this.require(ref);
    } catch (e) {
      if (e instanceof NetworkNotFoundError) throw new ContainerNetworkNotFoundError(ref);
      throw e;
    }
  }

  #giveAddress(network: NetworkRecord, r: EndpointRecord): void {
    // A container network's address comes with the container VM's vNIC there (bindNic).
    if (!network.pool || network.external) return;
    r.ip = this.#ipam.allocate(network.id, r.requestedIp);
    r.endpointId = this.options.newId();
  }

  #takeAddress(network: NetworkRecord, r: EndpointRecord): void {
    if (r.ip !== '' && network.external) this.#external.release(network.id, r.ip);
    else if (r.ip !== '') this.#ipam.release(network.id, r.ip);
    r.ip = '';
    r.endpointId = '';
  }

  #render(n: NetworkRecord): NetworkResource {
    return networkResource(n, this.#endpoints.ofNetwork(n.id));
  }
}

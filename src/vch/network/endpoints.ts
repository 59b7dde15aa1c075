/**
 * Containers' endpoints on the VCH's networks, indexed both ways, and docker's checks of the
 * endpoint settings a create or `network connect` asks for. Pure.
 */
import type { EndpointSettings } from '../engine/docker-types.js';
import { BadParameterError } from '../engine/errors.js';
import { HostNetworkNotSupportedError } from './errors.js';
import { cidrContains, parseCidr, requireIpv4 } from './ipv4.js';
import type { EndpointRecord, NetworkRecord } from './network.js';

/** Who a container is, for its endpoints and the VCH's DNS. */
export interface ContainerIdentity {
  /** 64 hex digits. */
  readonly id: string;
  /** The container's name, with or without the leading "/". */
  readonly name: string;
  /** `Config.Hostname`, when it should resolve as well. */
  readonly hostname?: string;
}

/** Endpoints by container and by network. Every operation is O(1) unless stated. */
export class EndpointTable {
  readonly #byContainer = new Map<string, EndpointRecord[]>();
  readonly #byNetwork = new Map<string, Map<string, EndpointRecord>>();
  readonly #running = new Set<string>();

  /** Adds an endpoint; the container must not already be on that network. */
  add(e: EndpointRecord): void {
    let list = this.#byContainer.get(e.containerId);
    if (!list) this.#byContainer.set(e.containerId, (list = []));
    list.push(e);
    let onNetwork = this.#byNetwork.get(e.networkId);
    if (!onNetwork) this.#byNetwork.set(e.networkId, (onNetwork = new Map()));
    onNetwork.set(e.containerId, e);
  }

  /** Removes the container's endpoint on the network, if any. O(networks of the container). */
  remove(containerId: string, networkId: string): void {
    const list = this.#byContainer.get(containerId);
    if (list) {
      const rest = list.filter((e) => e.networkId !== networkId);
      if (rest.length > 0) this.#byContainer.set(containerId, rest);
      else this.#byContainer.delete(containerId);
    }
    this.#byNetwork.get(networkId)?.delete(containerId);
  }

  /** The container's endpoint on the network, if any. */
  get(containerId: string, networkId: string): EndpointRecord | undefined {
    return this.#byNetwork.get(networkId)?.get(containerId);
  }

  /** The container's endpoints in the order they were attached. */
  ofContainer(containerId: string): readonly EndpointRecord[] {
    return this.#byContainer.get(containerId) ?? [];
  }

  /** The endpoints on a network. */
  ofNetwork(networkId: string): readonly EndpointRecord[] {
    return [...(this.#byNetwork.get(networkId)?.values() ?? [])];
  }

  /** How many containers are attached to the network (running or not). */
  countOnNetwork(networkId: string): number {
    return this.#byNetwork.get(networkId)?.size ?? 0;
  }

  /** Whether the container's endpoints hold addresses (it runs). */
  isRunning(containerId: string): boolean {
    return this.#running.has(containerId);
  }

  /** Records whether the container runs. */
  setRunning(containerId: string, running: boolean): void {
    if (running) this.#running.add(containerId);
    else this.#running.delete(containerId);
  }

  /** Every endpoint, containers in attach order. O(endpoints). */
  all(): EndpointRecord[] {
    return [...this.#byContainer.values()].flat();
  }

  /** Ids of running containers. */
  running(): string[] {
    return [...this.#running];
  }
}

/** The container name without docker's leading "/". */
export function bareName(name: string): string {
  return name.startsWith('/') ? name.slice(1) : name;
}

/**
 * Checks the settings of an endpoint on `network` with docker's messages and returns the record
 * to add (no address yet). Docker refuses aliases and a fixed IP on the default bridge; a fixed IP
 * must lie in the network's subnet.
 */
export function newEndpoint(network: NetworkRecord, container: ContainerIdentity, settings: EndpointSettings | undefined): EndpointRecord {
  const aliases = (settings?.Aliases ?? []).filter((a) => a !== '');
  const requestedIp = settings?.IPAMConfig?.IPv4Address || undefined;
  if (network.name === 'bridge' && network.predefined) {
    if (aliases.length > 0) throw new BadParameterError('network-scoped alias is supported only for containers in user defined networks');
    if (requestedIp) throw new BadParameterError('user specified IP address is supported on user defined networks only');
  }
  if (requestedIp) checkRequestedIp(network, requestedIp);
  return {
    containerId: container.id,
    networkId: network.id,
    containerName: bareName(container.name),
    hostname: container.hostname || undefined,
    aliases,
    requestedIp,
    endpointId: '',
    ip: '',
  };
}

function checkRequestedIp(network: NetworkRecord, ip: string): void {
  const address = requireIpv4(ip, 'IPv4 address');
  if (!network.pool) throw new BadParameterError(`network ${network.name} does not assign addresses`);
  if (!cidrContains(parseCidr(network.pool.Subnet), address)) {
    throw new BadParameterError(`invalid config for network ${network.name}: invalid endpoint settings:\nno configured subnet or ip-range contain the IP address ${ip}`);
  }
}

/** Whether an endpoint answers to `name` (lower case): container name, alias, hostname, or an id prefix of ≥ 12 digits. */
export function answersTo(e: EndpointRecord, name: string): boolean {
  if (e.containerName.toLowerCase() === name) return true;
  if (e.hostname?.toLowerCase() === name) return true;
  if (e.aliases.some((a) => a.toLowerCase() === name)) return true;
  return name.length >= 12 && e.containerId.startsWith(name);
}

/** The network a `NetworkMode` names ("default" and "" mean bridge); refuses host and container:X. */
export function networkModeName(mode: string | undefined): string {
  if (mode === undefined || mode === '' || mode === 'default') return 'bridge';
  if (mode === 'host') throw new HostNetworkNotSupportedError();
  if (mode.startsWith('container:')) throw new BadParameterError(`--net=${mode} is not supported`);
  return mode;
}

/** Docker's refusal of `none` beside other networks. */
export function noneConflict(): BadParameterError {
  return new BadParameterError('container cannot be connected to multiple networks with one of the networks in private (none) mode');
}

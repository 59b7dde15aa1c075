/**
 * What the VCH keeps of a network and of a container's endpoint on it, and how docker shows them
 * (`network inspect`, the `Networks` of `container inspect`). Pure.
 */
import type { EndpointSettings, NetworkResource } from '../engine/docker-types.js';
import { DHCP_GATEWAY, DHCP_SUBNET, type ExternalNetwork } from './external.js';
import type { PoolConfig } from './ipam.js';
import { macForIpv4, parseIpv4 } from './ipv4.js';

/** Names docker reserves: they cannot be created, and `bridge`/`none` cannot be removed. */
export const PREDEFINED_NETWORK_NAMES: ReadonlySet<string> = new Set(['bridge', 'host', 'none', 'default']);

/** A network of the VCH. */
export interface NetworkRecord {
  /** 64 hex digits. */
  readonly id: string;
  readonly name: string;
  /** `bridge` for bridge networks, `null` for `none`, `external` for a container network (a port group). */
  readonly driver: 'bridge' | 'null' | 'external';
  readonly createdMs: number;
  readonly internal: boolean;
  readonly attachable: boolean;
  /** `bridge`, `none` and container networks: listed as type builtin, never removed. */
  readonly predefined: boolean;
  /** Its address pool; undefined for `none` and DHCP container networks. */
  readonly pool: PoolConfig | undefined;
  /** A container network's port group and settings. */
  readonly external?: ExternalNetwork;
  readonly ipamOptions: Readonly<Record<string, string>>;
  readonly options: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
}

/** A container's attachment to a network; it holds an address while the container runs. */
export interface EndpointRecord {
  readonly containerId: string;
  readonly networkId: string;
  /** The container's name without the leading "/". */
  containerName: string;
  readonly hostname: string | undefined;
  readonly aliases: readonly string[];
  /** `IPAMConfig.IPv4Address` as asked for, if any. */
  readonly requestedIp: string | undefined;
  /** 64 hex digits while the endpoint is live (container running), else "". */
  endpointId: string;
  /** The address while the container runs, else "". */
  ip: string;
  /** On a container network: the MAC of the container VM's vNIC on the port group, once it has one. */
  mac?: string;
}

/** A container's endpoint as the container code shows it (inspect's `Networks` entry). */
export interface EndpointView {
  readonly networkName: string;
  readonly networkId: string;
  readonly endpointId: string;
  /** "" until the container runs. */
  readonly ip: string;
  readonly prefixLen: number;
  readonly gateway: string;
  readonly mac: string;
  readonly aliases: readonly string[];
  /** Names the VCH's DNS answers with this endpoint's address. */
  readonly dnsNames: readonly string[];
}

/** Docker's short id: the first 12 hex digits. */
export function shortId(id: string): string {
  return id.slice(0, 12);
}

/** RFC 3339 time with nanoseconds, as docker prints `Created`. */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/** The MAC address of a live endpoint ("" when it has no address). */
export function macOf(ip: string): string {
  const n = ip === '' ? undefined : parseIpv4(ip);
  return n === undefined ? '' : macForIpv4(n);
}

/** The endpoint as the container code shows it. O(aliases). */
export function endpointView(network: NetworkRecord, e: EndpointRecord): EndpointView {
  const live = e.ip !== '';
  const pool = leasePool(network);
  return {
    networkName: network.name,
    networkId: network.id,
    endpointId: e.endpointId,
    ip: e.ip,
    prefixLen: live && pool ? Number(pool.Subnet.split('/')[1]) : 0,
    gateway: live && pool ? pool.Gateway : '',
    mac: live && e.mac ? e.mac : macOf(e.ip),
    aliases: [...e.aliases],
    dnsNames: network.driver === 'bridge' ? dnsNamesOf(e) : [],
  };
}

/** Where a live endpoint's address comes from: the network's pool, or the model's DHCP for a container network without one. */
function leasePool(network: NetworkRecord): PoolConfig | undefined {
  return network.pool ?? (network.external ? { Subnet: DHCP_SUBNET, Gateway: DHCP_GATEWAY } : undefined);
}

/** The names an endpoint answers to: container name, aliases, hostname, short id (deduplicated). */
export function dnsNamesOf(e: EndpointRecord): string[] {
  const names = [e.containerName, ...e.aliases, ...(e.hostname ? [e.hostname] : []), shortId(e.containerId)];
  return [...new Set(names)];
}

/** Docker's `EndpointSettings` of one endpoint (container inspect `NetworkSettings.Networks`). */
export function endpointSettings(view: EndpointView, requestedIp: string | undefined): EndpointSettings {
  return {
    IPAMConfig: requestedIp ? { IPv4Address: requestedIp } : null,
    Links: null,
    Aliases: view.aliases.length > 0 ? [...view.aliases] : null,
    MacAddress: view.mac,
    DriverOpts: null,
    NetworkID: view.networkId,
    EndpointID: view.endpointId,
    Gateway: view.gateway,
    IPAddress: view.ip,
    IPPrefixLen: view.prefixLen,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DNSNames: view.dnsNames.length > 0 ? [...view.dnsNames] : null,
  };
}

/** Docker's `NetworkResource`; `Containers` lists live endpoints only. O(endpoints). */
export function networkResource(n: NetworkRecord, endpoints: readonly EndpointRecord[]): NetworkResource {
  const containers: NetworkResource['Containers'] = {};
  for (const e of endpoints) {
    if (e.ip === '') continue;
    const prefix = leasePool(n)?.Subnet.split('/')[1] ?? '32';
    containers[e.containerId] = { Name: e.containerName, EndpointID: e.endpointId, MacAddress: e.mac ?? macOf(e.ip), IPv4Address: `${e.ip}/${prefix}`, IPv6Address: '' };
  }
  return {
    Name: n.name,
    Id: n.id,
    Created: rfc3339Nano(n.createdMs),
    Scope: 'local',
    Driver: n.driver,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: n.predefined ? null : { ...n.ipamOptions }, Config: n.pool ? [{ ...n.pool }] : [] },
    Internal: n.internal,
    Attachable: n.attachable,
    Ingress: false,
    Containers: containers,
    Options: { ...n.options },
    Labels: { ...n.labels },
  };
}

/**
 * VIC's container networks (vic-machine `--container-network port-group[:alias]` with its
 * `-gateway`, `-ip-range`, `-dns` and `-firewall` options): a vSphere port group an admin maps to a
 * docker network of driver `external`. A container on one gets its own vNIC on the port group and an
 * address on it: from the network's ranges when a gateway is given (lowest free first), otherwise
 * from the port group's DHCP — in the model a lease that is a pure function of the vNIC's MAC
 * ({@link dhcpLease}). Checks use vic-machine's and the port layer's wording. Pure.
 */
import { BadParameterError, EngineSystemError, ForbiddenError } from '../engine/errors.js';
import { InvalidArgumentError } from '../../sim/errors.js';
import { cidrContains, cidrOf, formatCidr, formatIpv4, parseIpv4, type Cidr } from './ipv4.js';
import type { EndpointSettings } from '../engine/docker-types.js';
import type { PoolConfig } from './ipam.js';
import type { NetworkRecord } from './network.js';

/** VIC 1.2+'s container network trust levels (`--container-network-firewall`); default `published`. */
export type FirewallLevel = 'closed' | 'outbound' | 'peers' | 'published' | 'open';

/** The trust levels in vic-machine's order. */
export const FIREWALL_LEVELS: readonly FirewallLevel[] = ['closed', 'outbound', 'peers', 'published', 'open'];

/** One container network as an admin gives it (vic-machine flags). */
export interface ContainerNetworkSpec {
  /** The vSphere network (port group) name. */
  readonly portGroup: string;
  /** The docker network name; default the port group's name. */
  readonly alias?: string;
  /** Gateway with the subnet's prefix, e.g. `192.168.10.1/24`; without it addresses come from DHCP. */
  readonly gateway?: string;
  /** Address ranges in the subnet: CIDR (`192.168.10.0/28`) or `first-last`; default the whole subnet. Needs a gateway. */
  readonly ipRanges?: readonly string[];
  /** Name servers for containers on it. */
  readonly dns?: readonly string[];
  readonly firewall?: FirewallLevel;
}

/** What a network record keeps of its port group. */
export interface ExternalNetwork {
  /** The port group's name and its Backend id. */
  readonly portGroup: string;
  readonly portGroupId: string;
  readonly firewall: FirewallLevel;
  readonly dns: readonly string[];
  /** Static ranges as `first-last`; empty for DHCP. */
  readonly ranges: readonly string[];
}

/** The subnet the model's DHCP leases lie in, and its gateway (estimate: a private /8 per port group). */
export const DHCP_SUBNET = '10.0.0.0/8';
export const DHCP_GATEWAY = '10.0.0.1';
const DHCP_FIRST = (10 * 2 ** 24) + (64 * 2 ** 16);

/** A container joined or left a container network (`mac`: its vNIC there, if it has one). */
export interface ExternalChange {
  readonly containerId: string;
  readonly networkId: string;
  readonly change: 'connect' | 'disconnect';
  readonly mac: string | undefined;
}

/** A container's endpoint on a container network, as its vNIC sees it. */
export interface ExternalAttachment {
  readonly networkId: string;
  readonly networkName: string;
  /** The Backend id of the port group its vNIC goes on. */
  readonly portGroupId: string;
  readonly firewall: FirewallLevel;
  readonly mac: string | undefined;
  readonly ip: string;
}

/** The docker network name of a spec. */
export function aliasOf(spec: ContainerNetworkSpec): string {
  return spec.alias || spec.portGroup;
}

/**
 * The model's DHCP: the address a vNIC with this MAC is leased, 10.64.0.0 plus the MAC's low 22 bits
 * (vCenter's generated MACs differ there), so leases never collide across VCHs and need no state. O(1).
 */
export function dhcpLease(mac: string): string {
  const bytes = mac.split(':').map((b) => parseInt(b, 16));
  const low = (((bytes[3] ?? 0) & 0x3f) << 16) | ((bytes[4] ?? 0) << 8) | (bytes[5] ?? 0);
  return formatIpv4(DHCP_FIRST + low);
}

interface Range {
  readonly first: number;
  readonly last: number;
}

function bad(message: string): InvalidArgumentError {
  return new InvalidArgumentError('container-network', message);
}

function parseGateway(text: string): { ip: number; subnet: Cidr } {
  const [addr = '', len = ''] = text.split('/');
  const ip = parseIpv4(addr);
  if (ip === undefined || !/^\d{1,2}$/.test(len) || Number(len) > 30) throw bad(`Error parsing container network parameter ${text}: invalid CIDR address: ${text}`);
  return { ip, subnet: cidrOf(ip, Number(len)) };
}

/** A range `a.b.c.d/n` or `first-last`; undefined when malformed. */
function parseRange(text: string): Range | undefined {
  if (text.includes('/')) {
    const [addr = '', len = ''] = text.split('/');
    const base = parseIpv4(addr);
    if (base === undefined || !/^\d{1,2}$/.test(len) || Number(len) > 32) return undefined;
    const c = cidrOf(base, Number(len));
    return { first: c.base, last: c.base + c.size - 1 };
  }
  const [a = '', b = ''] = text.split('-');
  const first = parseIpv4(a);
  const last = parseIpv4(b);
  return first !== undefined && last !== undefined && first <= last ? { first, last } : undefined;
}

/**
 * Checks the container networks of a VCH spec with vic-machine's messages: reserved and duplicate
 * names, spaces, ranges without a gateway or outside its subnet or overlapping, a subnet overlapping
 * the bridge range, name servers and trust levels. O(networks × ranges²).
 * @throws InvalidArgumentError (flag `container-network`).
 */
export function checkContainerNetworks(specs: readonly ContainerNetworkSpec[], bridgeRange: string): void {
  const aliases = new Set<string>();
  for (const s of specs) {
    if (typeof s?.portGroup !== 'string' || s.portGroup === '') throw bad('Container network not specified in parameter');
    const alias = aliasOf(s);
    if (['bridge', 'none', 'host', 'default'].includes(alias)) throw bad(`Cannot use reserved name "${alias}" for container network`);
    if (!s.alias && /\s/.test(s.portGroup)) throw bad(`A network alias must be supplied when network name "${s.portGroup}" contains spaces.`);
    if (/\s/.test(alias)) throw bad(`The network alias supplied in "${s.portGroup}:${alias}" cannot contain spaces.`);
    if (aliases.has(alias)) throw bad(`container network "${alias}" is given twice`);
    aliases.add(alias);
    if (s.firewall !== undefined && !FIREWALL_LEVELS.includes(s.firewall)) throw bad(`Unrecognized container trust level ${String(s.firewall)}.`);
    for (const d of s.dns ?? []) if (parseIpv4(d) === undefined) throw bad(`Error parsing container network parameter ${s.portGroup}:${d}: invalid IP address`);
    if (s.gateway === undefined) {
      if ((s.ipRanges ?? []).length > 0) throw bad(`IP range specified without gateway for container network "${alias}"`);
      continue;
    }
    const { subnet } = parseGateway(s.gateway);
    const bridge = parseRange(bridgeRange);
    if (bridge && subnet.base <= bridge.last && bridge.first <= subnet.base + subnet.size - 1) throw bad('external network cannot overlap with default bridge network');
    checkRanges(s, subnet);
  }
}

function checkRanges(s: ContainerNetworkSpec, subnet: Cidr): void {
  const seen: { text: string; r: Range }[] = [];
  for (const text of s.ipRanges ?? []) {
    const r = parseRange(text);
    if (!r) throw bad(`Error parsing container network parameter ${s.portGroup}:${text}: invalid IP range`);
    if (!cidrContains(subnet, r.first) || !cidrContains(subnet, r.last)) throw bad(`IP range "${text}" is not in subnet "${s.gateway}"`);
    const other = seen.find((o) => o.r.first <= r.last && r.first <= o.r.last);
    if (other) throw bad(`Overlapping ip ranges: "${text}" "${other.text}"`);
    seen.push({ text, r });
  }
}

/** The record parts of a checked spec on port group `portGroupId`: its pool (static) or none (DHCP). */
export function externalNetworkOf(s: ContainerNetworkSpec, portGroupId: string): { readonly pool: PoolConfig | undefined; readonly external: ExternalNetwork } {
  const base = { portGroup: s.portGroup, portGroupId, firewall: s.firewall ?? 'published', dns: [...(s.dns ?? [])] };
  if (s.gateway === undefined) return { pool: undefined, external: { ...base, ranges: [] } };
  const { ip, subnet } = parseGateway(s.gateway);
  const ranges = (s.ipRanges ?? []).map(parseRange).filter((r): r is Range => r !== undefined);
  const whole = { first: subnet.base + 1, last: subnet.base + subnet.size - 2 };
  const used = ranges.length > 0 ? ranges : [whole];
  const onlyCidr = s.ipRanges?.length === 1 && s.ipRanges[0]!.includes('/') ? { IPRange: s.ipRanges[0]! } : {};
  return {
    pool: { Subnet: formatCidr(subnet), Gateway: formatIpv4(ip), ...onlyCidr },
    external: { ...base, ranges: used.map((r) => `${formatIpv4(r.first)}-${formatIpv4(r.last)}`) },
  };
}

/** The network record of a checked container network spec mapped to port group `portGroupId`. */
export function externalRecord(s: ContainerNetworkSpec, portGroupId: string, id: string, createdMs: number): NetworkRecord {
  const { pool, external } = externalNetworkOf(s, portGroupId);
  return { id, name: aliasOf(s), driver: 'external', createdMs, internal: false, attachable: true, predefined: true, pool, ipamOptions: {}, options: {}, labels: {}, external };
}

/**
 * The port layer's checks of a container joining container network `network` while on `current`:
 * at most one container network per container; a static address needs the network's gateway.
 * @throws BadParameterError with VIC's words.
 */
export function checkExternalAttach(network: NetworkRecord, current: readonly NetworkRecord[], settings: EndpointSettings | undefined): void {
  if (network.driver !== 'external') return;
  if (current.some((n) => n.driver === 'external' && n.id !== network.id)) throw new BadParameterError('container can only be added to at most one mapped network');
  const ip = settings?.IPAMConfig?.IPv4Address;
  if (ip && !network.pool) throw new BadParameterError(`Cannot set static IP (${ip}) when default gateway is not set for network ${network.name}`);
}

/** Addresses held on the VCH's static container networks. */
export class ExternalAddresses {
  readonly #held = new Map<string, Set<number>>();

  /**
   * An address for a vNIC with MAC `mac` on `networkId`: the DHCP lease when `pool` is undefined;
   * else `requested` (in the subnet, not the gateway, free: "Address already in use") or the lowest
   * free address of `ranges` (500 "no available IPv4 addresses" when none). O(range size).
   */
  allocate(networkId: string, pool: PoolConfig | undefined, ranges: readonly string[], mac: string, requested?: string): string {
    if (!pool) return dhcpLease(mac);
    const held = this.#set(networkId);
    const gateway = parseIpv4(pool.Gateway);
    if (requested !== undefined) {
      const n = parseIpv4(requested);
      if (n === undefined || n === gateway) throw new BadParameterError('requested address is out of range');
      if (held.has(n)) throw new ForbiddenError('Address already in use');
      held.add(n);
      return requested;
    }
    for (const r of ranges.map(parseRange)) {
      for (let n = r?.first ?? 1; r && n <= r.last; n++) {
        if (n !== gateway && !held.has(n)) {
          held.add(n);
          return formatIpv4(n);
        }
      }
    }
    throw new EngineSystemError(`no available IPv4 addresses on this network's address pools: ${pool.Subnet}`);
  }

  /** Marks an address held (restored endpoints). O(1). */
  hold(networkId: string, ip: string): void {
    const n = parseIpv4(ip);
    if (n !== undefined) this.#set(networkId).add(n);
  }

  /** Returns an address; a no-op for DHCP leases and addresses not held. O(1). */
  release(networkId: string, ip: string): void {
    const n = parseIpv4(ip);
    if (n !== undefined) this.#held.get(networkId)?.delete(n);
  }

  #set(networkId: string): Set<number> {
    let s = this.#held.get(networkId);
    if (!s) this.#held.set(networkId, (s = new Set()));
    return s;
  }
}

/**
 * Bridge IPAM of one VCH (shared/reference/vic-behaviour.md, Networks): a bridge range (default
 * 172.16.0.0/12) carved into one block per network (default /16: `bridge` takes 172.16.0.0/16 with
 * gateway .1, each further network the next free block). A user-given Subnet/Gateway/IPRange is
 * honoured when it overlaps no other network, with docker's (libnetwork's) messages otherwise.
 * Container addresses are handed out lowest free first; the network address, the broadcast address
 * and the gateway are never handed out. Pure and deterministic.
 */
import { BadParameterError, EngineSystemError, ForbiddenError } from '../engine/errors.js';
import { RestoreError } from '../../sim/errors.js';
import type { Cidr } from './ipv4.js';
import { cidrContains, cidrOf, cidrOverlaps, cidrWithin, formatCidr, formatIpv4, parseCidr, requireIpv4 } from './ipv4.js';
import { MinHeap } from './min-heap.js';

/** VIC's default bridge range (vic-machine `--bridge-network-range`). */
export const DEFAULT_BRIDGE_RANGE = '172.16.0.0/12';
/** Prefix length of each network's block within the bridge range (VIC: a /16 per network). */
export const DEFAULT_NETWORK_PREFIX = 16;

/** A pool as `network create` may ask for it (docker's IPAM.Config entry). */
export interface PoolRequest {
  readonly Subnet?: string;
  readonly Gateway?: string;
  readonly IPRange?: string;
}

/** A pool as inspect shows it (docker's IPAM.Config entry). */
export interface PoolConfig {
  readonly Subnet: string;
  readonly Gateway: string;
  readonly IPRange?: string;
}

/** Saved form of one pool. */
export interface PoolState extends PoolConfig {
  readonly key: string;
  readonly label: string;
  readonly allocated: readonly string[];
}

/** Saved form of the IPAM. */
export interface IpamState {
  readonly range: string;
  readonly prefixLen: number;
  readonly pools: readonly PoolState[];
}

interface Pool {
  readonly label: string;
  readonly subnet: Cidr;
  readonly gateway: number;
  /** Where dynamic addresses come from: the IPRange, or the subnet. */
  readonly dynamic: Cidr;
  readonly ipRange: Cidr | undefined;
  readonly allocated: Set<number>;
  /** Released dynamic addresses below `next` (may hold stale entries; checked on pop). */
  readonly released: MinHeap;
  /** Lowest dynamic address never yet considered. */
  next: number;
}

/** Address management for one VCH's bridge networks. */
export class Ipam {
  readonly range: Cidr;
  readonly #pools = new Map<string, Pool>();

  /**
   * @param range the bridge range in CIDR form (default 172.16.0.0/12)
   * @param prefixLen the block size each network takes from the range (default 16); ≥ the range's
   *   prefix length and ≤ 30.
   */
  constructor(
    range: string = DEFAULT_BRIDGE_RANGE,
    readonly prefixLen: number = DEFAULT_NETWORK_PREFIX,
  ) {
    this.range = parseCidr(range, true);
    if (!Number.isInteger(prefixLen) || prefixLen < this.range.prefixLen || prefixLen > 30) {
      throw new BadParameterError(`network prefix length ${prefixLen} does not fit the bridge range ${range}`);
    }
  }

  /**
   * Creates the pool `key` (a network id): the next free block of the bridge range, or the block
   * the request names. `label` names the network in messages. O(blocks × pools) for an automatic
   * block, O(pools) for a requested one.
   */
  createPool(key: string, label: string, request: PoolRequest = {}): PoolConfig {
    if (this.#pools.has(key)) throw new BadParameterError(`pool ${key} already exists`);
    const pool = request.Subnet ? this.#requestedPool(label, request) : this.#nextFreePool(label, request);
    this.#pools.set(key, pool);
    return configOf(pool);
  }

  /** Forgets pool `key` and its addresses (a no-op when there is none). O(1). */
  deletePool(key: string): void {
    this.#pools.delete(key);
  }

  /** The pool's configuration, or undefined when there is no pool `key`. */
  pool(key: string): PoolConfig | undefined {
    const p = this.#pools.get(key);
    return p && configOf(p);
  }

  /** How many addresses of pool `key` are held. */
  allocatedCount(key: string): number {
    return this.#pools.get(key)?.allocated.size ?? 0;
  }

  /**
   * Takes an address from pool `key`: `requested` when given (it must lie in the subnet and be
   * free: libnetwork's "requested address is out of range" / "Address already in use"), else the
   * lowest free dynamic address. Exhaustion: 500 "no available IPv4 addresses on this network's
   * address pools: <label>". Amortised O(log n) in the pool's released addresses.
   */
  allocate(key: string, requested?: string): string {
    const pool = this.#require(key);
    if (requested !== undefined) return formatIpv4(takeRequested(pool, requireIpv4(requested)));
    const address = takeLowestFree(pool);
    if (address === undefined) {
      throw new EngineSystemError(`no available IPv4 addresses on this network's address pools: ${pool.label}`);
    }
    return formatIpv4(address);
  }

  /** Returns an address to pool `key`; a no-op when it is not held. O(log n). */
  release(key: string, address: string): void {
    const pool = this.#pools.get(key);
    const n = requireIpv4(address);
    if (!pool?.allocated.delete(n)) return;
    if (cidrContains(pool.dynamic, n) && n < pool.next) pool.released.push(n);
  }

  /** The saved form: configuration and held addresses of every pool. */
  toJSON(): IpamState {
    const pools = [...this.#pools].map(([key, p]) => ({
      key,
      label: p.label,
      ...configOf(p),
      allocated: [...p.allocated].sort((a, b) => a - b).map(formatIpv4),
    }));
    return { range: formatCidr(this.range), prefixLen: this.prefixLen, pools };
  }

  /** An IPAM restored from {@link toJSON}'s output; throws RestoreError when it does not hold together. */
  static fromJSON(state: IpamState): Ipam {
    try {
      const ipam = new Ipam(state.range, state.prefixLen);
      for (const p of state.pools) {
        ipam.createPool(p.key, p.label, p);
        for (const a of p.allocated) ipam.allocate(p.key, a);
      }
      return ipam;
    } catch (e) {
      throw new RestoreError(`saved IPAM state is invalid: ${(e as Error).message}`);
    }
  }

  #require(key: string): Pool {
    const pool = this.#pools.get(key);
    if (!pool) throw new BadParameterError(`no address pool for network ${key}`);
    return pool;
  }

  #overlapsExisting(block: Cidr): boolean {
    for (const p of this.#pools.values()) if (cidrOverlaps(p.subnet, block)) return true;
    return false;
  }

  #nextFreePool(label: string, request: PoolRequest): Pool {
    if (request.Gateway || request.IPRange) throw new BadParameterError('every ip-range or gateway must have a corresponding subnet');
    const blockSize = 2 ** (32 - this.prefixLen);
    for (let base = this.range.base; base < this.range.base + this.range.size; base += blockSize) {
      const block = cidrOf(base, this.prefixLen);
      if (!this.#overlapsExisting(block)) return newPool(label, block, block.base + 1, undefined);
    }
    throw new EngineSystemError('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
  }

  #requestedPool(label: string, request: PoolRequest): Pool {
    const subnet = parseCidr(request.Subnet!, true);
    if (subnet.prefixLen > 30) throw new BadParameterError(`subnet ${request.Subnet} is too small: it leaves no address for containers`);
    if (this.#overlapsExisting(subnet)) throw new ForbiddenError('Pool overlaps with other one on this address space');
    const gateway = request.Gateway ? requireIpv4(request.Gateway, 'gateway') : subnet.base + 1;
    if (!isHostAddress(subnet, gateway)) throw new BadParameterError(`no matching subnet for gateway ${request.Gateway}`);
    const ipRange = request.IPRange ? parseCidr(request.IPRange, true) : undefined;
    if (ipRange && !cidrWithin(ipRange, subnet)) throw new BadParameterError(`no matching subnet for range ${request.IPRange}`);
    return newPool(label, subnet, gateway, ipRange);
  }
}

function newPool(label: string, subnet: Cidr, gateway: number, ipRange: Cidr | undefined): Pool {
  const dynamic = ipRange ?? subnet;
  return { label, subnet, gateway, dynamic, ipRange, allocated: new Set(), released: new MinHeap(), next: dynamic.base };
}

function configOf(p: Pool): PoolConfig {
  const base = { Subnet: formatCidr(p.subnet), Gateway: formatIpv4(p.gateway) };
  return p.ipRange ? { ...base, IPRange: formatCidr(p.ipRange) } : base;
}

/** Whether `n` is an address of the subnet other than its network and broadcast addresses. */
function isHostAddress(subnet: Cidr, n: number): boolean {
  return n > subnet.base && n < subnet.base + subnet.size - 1;
}

/** Whether a container may hold `n`: a host address of the subnet, not the gateway, not held. */
function isFree(pool: Pool, n: number): boolean {
  return isHostAddress(pool.subnet, n) && n !== pool.gateway && !pool.allocated.has(n);
}

function takeRequested(pool: Pool, n: number): number {
  if (!isHostAddress(pool.subnet, n)) throw new BadParameterError('requested address is out of range');
  if (!isFree(pool, n)) throw new ForbiddenError('Address already in use');
  pool.allocated.add(n);
  return n;
}

function takeLowestFree(pool: Pool): number | undefined {
  for (let n = pool.released.pop(); n !== undefined; n = pool.released.pop()) {
    if (isFree(pool, n)) return take(pool, n);
  }
  const end = pool.dynamic.base + pool.dynamic.size;
  while (pool.next < end) {
    const n = pool.next++;
    if (isFree(pool, n)) return take(pool, n);
  }
  return undefined;
}

function take(pool: Pool, n: number): number {
  pool.allocated.add(n);
  return n;
}

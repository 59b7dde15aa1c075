/**
 * IPv4 addresses and CIDR blocks as unsigned 32-bit numbers: parsing with docker's wording,
 * formatting, containment and overlap. Pure and O(1) per call.
 */
import { BadParameterError } from '../engine/errors.js';

/** A CIDR block: its network address, prefix length and size (all as numbers). */
export interface Cidr {
  /** Network address (host bits zero), unsigned 32-bit. */
  readonly base: number;
  readonly prefixLen: number;
  /** Number of addresses in the block, 2^(32 - prefixLen). */
  readonly size: number;
}

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The number of a dotted-quad address, or undefined when `text` is not one. */
export function parseIpv4(text: string): number | undefined {
  const m = DOTTED.exec(text);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255 || (m[i]!.length > 1 && m[i]!.startsWith('0'))) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

/** The number of a dotted-quad address; throws docker's 400 "invalid IP address: X" otherwise. */
export function requireIpv4(text: string, what = 'IP address'): number {
  const n = parseIpv4(text);
  if (n === undefined) throw new BadParameterError(`invalid ${what}: ${text}`);
  return n;
}

/** The dotted quad of an unsigned 32-bit number. */
export function formatIpv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** A block from its base and prefix length; the base's host bits are cleared. */
export function cidrOf(address: number, prefixLen: number): Cidr {
  const size = 2 ** (32 - prefixLen);
  return { base: Math.floor(address / size) * size, prefixLen, size };
}

/**
 * Parses `a.b.c.d/len`. Docker's wording on failure: "invalid CIDR address: X". When `strict`, host
 * bits must be zero (docker's "invalid subnet X : it should be Y").
 */
export function parseCidr(text: string, strict = false): Cidr {
  const [addr = '', len = '', ...rest] = text.split('/');
  const address = parseIpv4(addr);
  const prefixLen = /^\d{1,2}$/.test(len) ? Number(len) : NaN;
  if (address === undefined || rest.length > 0 || !(prefixLen >= 0 && prefixLen <= 32)) {
    throw new BadParameterError(`invalid CIDR address: ${text}`);
  }
  const cidr = cidrOf(address, prefixLen);
  if (strict && cidr.base !== address) {
    throw new BadParameterError(`invalid subnet ${text} : it should be ${formatCidr(cidr)}`);
  }
  return cidr;
}

/** `a.b.c.d/len` of a block. */
export function formatCidr(c: Cidr): string {
  return `${formatIpv4(c.base)}/${c.prefixLen}`;
}

/** Whether the block holds the address. */
export function cidrContains(c: Cidr, address: number): boolean {
  return address >= c.base && address < c.base + c.size;
}

/** Whether `inner` lies wholly inside `outer`. */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return inner.base >= outer.base && inner.base + inner.size <= outer.base + outer.size;
}

/** Whether two blocks share an address. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

/** Docker's MAC address of a bridge endpoint: 02:42 followed by the four bytes of the IPv4 address. */
export function macForIpv4(address: number): string {
  const bytes = [0x02, 0x42, (address >>> 24) & 255, (address >>> 16) & 255, (address >>> 8) & 255, address & 255];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

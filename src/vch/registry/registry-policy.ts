/**
 * Which registries a VCH may pull from and which it reaches over plain HTTP (vic-machine's
 * `--whitelist-registry` and `--insecure-registry`). An entry is a host ("myreg.local", any port),
 * a host with port ("myreg.local:5000"), a wildcard domain ("*.corp.example", any depth, any port)
 * or an IPv4 CIDR ("10.0.0.0/8", any port). Docker Hub matches as "docker.io", "index.docker.io"
 * or "registry-1.docker.io".
 */
import { InvalidArgumentError } from '../../sim/errors.js';
import { RegistryNotWhitelistedError } from './errors.js';
import { DEFAULT_DOMAIN, DEFAULT_REGISTRY_HOST } from './reference.js';

/** The registry settings of a VCH. */
export interface RegistryPolicy {
  /** Registries reached over plain HTTP; all others over HTTPS with certificate checks. */
  readonly insecureRegistries?: readonly string[];
  /** When present (even empty), whitelist mode: only these registries (and the insecure ones) may be used. */
  readonly whitelist?: readonly string[];
}

const DOCKER_HUB_NAMES = [DEFAULT_DOMAIN, 'index.docker.io', DEFAULT_REGISTRY_HOST];
const CIDR_RE = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/;

/**
 * True when `registry` (a reference's domain, "host" or "host:port") matches one of the entries.
 * O(entries). @throws InvalidArgumentError for an entry that is a malformed CIDR.
 */
export function registryMatches(registry: string, entries: readonly string[]): boolean {
  const { host, port } = splitHostPort(registry);
  const names = DOCKER_HUB_NAMES.includes(host) ? DOCKER_HUB_NAMES : [host];
  return entries.some((entry) => names.some((name) => entryMatches(entry.trim().toLowerCase(), name.toLowerCase(), port)));
}

/** True when the policy says to use plain HTTP for this registry. */
export function isInsecureRegistry(policy: RegistryPolicy, registry: string): boolean {
  return registryMatches(registry, policy.insecureRegistries ?? []);
}

/**
 * Refuses a registry the whitelist does not allow. Insecure registries count as whitelisted, as in VIC.
 * @throws RegistryNotWhitelistedError in whitelist mode for any other registry.
 */
export function checkRegistryAllowed(policy: RegistryPolicy, registry: string): void {
  if (policy.whitelist === undefined) return;
  if (registryMatches(registry, policy.whitelist) || isInsecureRegistry(policy, registry)) return;
  throw new RegistryNotWhitelistedError(registry);
}

function entryMatches(entry: string, host: string, port: string | undefined): boolean {
  const cidr = CIDR_RE.exec(entry);
  if (cidr) return ipv4InCidr(host, cidr[1]!, Number(cidr[2]), entry);
  const { host: entryHost, port: entryPort } = splitHostPort(entry);
  if (entryPort !== undefined && entryPort !== port) return false;
  if (entryHost.startsWith('*.')) return host.endsWith(entryHost.slice(1));
  return entryHost === host;
}

function splitHostPort(text: string): { host: string; port: string | undefined } {
  const withoutScheme = text.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(withoutScheme);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] };
  const colon = withoutScheme.lastIndexOf(':');
  if (colon === -1 || withoutScheme.indexOf(':') !== colon) return { host: withoutScheme, port: undefined };
  return { host: withoutScheme.slice(0, colon), port: withoutScheme.slice(colon + 1) };
}

function ipv4InCidr(host: string, network: string, bits: number, entry: string): boolean {
  const base = ipv4ToNumber(network);
  if (base === undefined || bits > 32) throw new InvalidArgumentError('registry', `invalid CIDR registry entry ${entry}`);
  const address = ipv4ToNumber(host);
  if (address === undefined) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((address & mask) >>> 0) === ((base & mask) >>> 0);
}

function ipv4ToNumber(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

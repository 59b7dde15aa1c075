/**
 * What defines a VCH, as vic-machine's flags do: name, compute resource, pool limits, reservations
 * and shares, container count limit, image datastore, volume stores, bridge range, provisioning
 * mode, container networks and registry settings. `checkVchSpec` validates with vic-machine-like messages and fills
 * defaults; `applyVchChanges` is `configure`: only what is given changes.
 */
import type { AllocationSpec } from '../backend/backend.js';
import { InvalidArgumentError } from '../sim/errors.js';
import type { ProvisionMode } from './containers/provisioner.js';
import { DEFAULT_BRIDGE_RANGE } from './network/ipam.js';
import { aliasOf, checkContainerNetworks, type ContainerNetworkSpec } from './network/external.js';

export type { ContainerNetworkSpec, FirewallLevel } from './network/external.js';

/** A VCH's definition (vic-machine create flags). */
export interface VchSpec {
  readonly name: string;
  /** Cluster name or id; default: the first cluster. */
  readonly computeResource?: string;
  /** Pool CPU (MHz) settings. */
  readonly cpu?: AllocationSpec;
  /** Pool memory (MB) settings. */
  readonly memory?: AllocationSpec;
  /** Most containers at once ("Container count exceeds limit N"). */
  readonly containersLimit?: number;
  /** Datastore name for images and container VMs; default: the first datastore. */
  readonly imageStore?: string;
  /** Volume stores: label → datastore path (`[ds] path`); `default` serves anonymous volumes. */
  readonly volumeStores?: Readonly<Record<string, string>>;
  /** Bridge range (default 172.16.0.0/12). */
  readonly bridgeRange?: string;
  /** vSphere port groups containers join directly (`--container-network pg[:alias]` and its options), as docker networks of driver `external`. */
  readonly containerNetworks?: readonly ContainerNetworkSpec[];
  readonly provisioning?: ProvisionMode;
  /** Registries reached over plain HTTP / without certificate checks. */
  readonly insecureRegistries?: readonly string[];
  /** When set, only these registries may be pulled from (whitelist mode). */
  readonly whitelistRegistries?: readonly string[];
  /** Serve pulls no registry answers for from the built-in catalog of synthetic images (default true). */
  readonly offlineCatalog?: boolean;
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,79}$/;
const MODES: readonly ProvisionMode[] = ['instant', 'linked', 'full', 'boot'];

/**
 * Validates a spec.
 * @throws InvalidArgumentError naming the flag.
 */
export function checkVchSpec(spec: VchSpec): VchSpec {
  if (!NAME_RE.test(spec.name)) throw new InvalidArgumentError('name', `VCH name '${spec.name}' must be 1–80 letters, digits, '_', '.' or '-', starting with a letter or digit`);
  if (spec.provisioning !== undefined && !MODES.includes(spec.provisioning)) {
    throw new InvalidArgumentError('provisioning', `provisioning mode must be one of ${MODES.join(', ')}, got '${spec.provisioning}'`);
  }
  if (spec.containersLimit !== undefined && (!Number.isInteger(spec.containersLimit) || spec.containersLimit < 1)) {
    throw new InvalidArgumentError('containers', `--containers must be a whole number ≥ 1, got ${spec.containersLimit}`);
  }
  for (const [label, path] of Object.entries(spec.volumeStores ?? {})) {
    if (!/^\[[^\]]+\]( .*)?$/.test(path)) throw new InvalidArgumentError('volume-store', `volume store '${label}' must be a datastore path like '[datastore1] volumes', got '${path}'`);
  }
  if (spec.bridgeRange !== undefined && !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(spec.bridgeRange)) {
    throw new InvalidArgumentError('bridge-network-range', `bridge range must be a CIDR such as 172.16.0.0/12, got '${spec.bridgeRange}'`);
  }
  if (spec.containerNetworks !== undefined) {
    if (!Array.isArray(spec.containerNetworks)) throw new InvalidArgumentError('container-network', 'container networks must be a list');
    checkContainerNetworks(spec.containerNetworks, spec.bridgeRange ?? DEFAULT_BRIDGE_RANGE);
  }
  return spec;
}

/**
 * `configure`: the given fields replace the old ones; the name never changes. Container networks
 * can be added but not changed or dropped (containers may be on them): a new list must repeat every
 * existing one as it was (InvalidArgumentError otherwise).
 */
export function applyVchChanges(current: VchSpec, changes: Partial<VchSpec>): VchSpec {
  if (changes.containerNetworks !== undefined) keepsContainerNetworks(current.containerNetworks ?? [], changes.containerNetworks);
  const next: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(changes)) if (v !== undefined && k !== 'name') next[k] = v;
  return checkVchSpec(next as unknown as VchSpec);
}

function keepsContainerNetworks(current: readonly ContainerNetworkSpec[], next: readonly ContainerNetworkSpec[]): void {
  for (const old of current) {
    const same = next.find((n) => aliasOf(n) === aliasOf(old));
    if (!same || JSON.stringify(normalized(same)) !== JSON.stringify(normalized(old))) {
      throw new InvalidArgumentError('container-network', `existing container network ${old.portGroup}:${aliasOf(old)} cannot be changed or removed by configure: give it again as it is (${describeContainerNetwork(old)})`);
    }
  }
}

function normalized(s: ContainerNetworkSpec): unknown {
  return [s.portGroup, aliasOf(s), s.gateway ?? '', s.ipRanges ?? [], s.dns ?? [], s.firewall ?? ''];
}

/** One container network as vic-machine's flags give it, e.g. `vm-net:web gateway 10.1.0.1/24 ip-range 10.1.0.10-10.1.0.20`. */
export function describeContainerNetwork(s: ContainerNetworkSpec): string {
  const parts = [`${s.portGroup}:${aliasOf(s)}`];
  if (s.gateway) parts.push(`gateway ${s.gateway}`);
  for (const r of s.ipRanges ?? []) parts.push(`ip-range ${r}`);
  for (const d of s.dns ?? []) parts.push(`dns ${d}`);
  if (s.firewall) parts.push(`firewall ${s.firewall}`);
  return parts.join(' ');
}

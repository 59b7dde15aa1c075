/**
 * vic-machine's flags for `vicsim vch create|configure`, both ways: parsed into a VchSpec (or the
 * changes of a configure), and written back from a spec as the equivalent create command (inspect).
 */
import type { AllocationSpec } from '../backend/backend.js';
import { VicsimError } from '../sim/errors.js';
import type { ProvisionMode } from '../vch/containers/provisioner.js';
import type { VchChanges } from '../vch/vch-lifecycle.js';
import type { ContainerNetworkSpec, FirewallLevel, VchSpec } from '../vch/vch-spec.js';
import { choiceFlag, intFlag } from './flags.js';

/** The flags of create and configure, for node:util parseArgs. */
export const VCH_SPEC_OPTIONS = {
  name: { type: 'string' },
  'compute-resource': { type: 'string' },
  cpu: { type: 'string' },
  memory: { type: 'string' },
  'cpu-reservation': { type: 'string' },
  'memory-reservation': { type: 'string' },
  'cpu-shares': { type: 'string' },
  'memory-shares': { type: 'string' },
  containers: { type: 'string' },
  'image-store': { type: 'string' },
  'volume-store': { type: 'string', multiple: true },
  'bridge-network-range': { type: 'string' },
  'container-network': { type: 'string', multiple: true },
  'container-network-gateway': { type: 'string', multiple: true },
  'container-network-ip-range': { type: 'string', multiple: true },
  'container-network-dns': { type: 'string', multiple: true },
  'container-network-firewall': { type: 'string', multiple: true },
  provision: { type: 'string' },
  'insecure-registry': { type: 'string', multiple: true },
  'whitelist-registry': { type: 'string', multiple: true },
  'docker-port': { type: 'string' },
} as const;

/** What parseArgs gives for these flags. */
export type VchFlagValues = Record<string, string | boolean | string[] | undefined>;

function usageError(message: string): VicsimError {
  return new VicsimError('InvalidArgument', message);
}

function str(values: VchFlagValues, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

function list(values: VchFlagValues, key: string): string[] | undefined {
  const v = values[key];
  if (!Array.isArray(v)) return undefined;
  return v.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

/** `low`, `normal`, `high` or a whole number of shares > 0. */
function sharesFlag(name: string, value: string | undefined): AllocationSpec['shares'] | undefined {
  if (value === undefined) return undefined;
  if (value === 'low' || value === 'normal' || value === 'high') return value;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw usageError(`--${name} must be low, normal, high or a whole number > 0, got '${value}'`);
  return n;
}

function allocationFlags(values: VchFlagValues, resource: 'cpu' | 'memory'): AllocationSpec | undefined {
  const limit = str(values, resource);
  const reservation = str(values, `${resource}-reservation`);
  const shares = sharesFlag(`${resource}-shares`, str(values, `${resource}-shares`));
  if (limit === undefined && reservation === undefined && shares === undefined) return undefined;
  return {
    ...(limit !== undefined ? { limit: intFlag(resource, limit, 0, 1) } : {}),
    ...(reservation !== undefined ? { reservation: intFlag(`${resource}-reservation`, reservation, 0, 0) } : {}),
    ...(shares !== undefined ? { shares } : {}),
  };
}

/** `[ds] path:label` → label and path; without `:label` the store is `default`. */
export function parseVolumeStore(value: string): readonly [string, string] {
  const afterDatastore = value.indexOf(']');
  const colon = value.lastIndexOf(':');
  if (colon > afterDatastore && afterDatastore >= 0) {
    const label = value.slice(colon + 1).trim();
    if (label === '') throw usageError(`--volume-store '${value}' has an empty label: use '[datastore] path:label'`);
    return [label, value.slice(0, colon).trim()];
  }
  return ['default', value.trim()];
}

/** `port-group:value` split at its last colon (vic-machine's CONTAINER-NETWORK:VALUE). */
function splitVnet(flag: string, value: string): readonly [string, string] {
  const colon = value.lastIndexOf(':');
  if (colon <= 0 || colon === value.length - 1) throw usageError(`--${flag} '${value}' must be CONTAINER-NETWORK:VALUE`);
  return [value.slice(0, colon), value.slice(colon + 1)];
}

/** Values of a `--container-network-*` flag by port group. */
function byVnet(values: VchFlagValues, flag: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const v of list(values, flag) ?? []) {
    const [vnet, value] = splitVnet(flag, v);
    out.set(vnet, [...(out.get(vnet) ?? []), value]);
  }
  return out;
}

/**
 * vic-machine's `--container-network port-group[:alias]` with its `-gateway`, `-ip-range`, `-dns`
 * and `-firewall` options (each `port-group:value`). Options naming a port group no
 * `--container-network` maps are refused ("Inconsistent container network configuration.").
 */
function containerNetworkFlags(values: VchFlagValues): ContainerNetworkSpec[] | undefined {
  const networks = list(values, 'container-network');
  const options = ['gateway', 'ip-range', 'dns', 'firewall'].map((o) => [o, byVnet(values, `container-network-${o}`)] as const);
  if (networks === undefined) {
    if (options.some(([, m]) => m.size > 0)) throw usageError('Inconsistent container network configuration: --container-network-* options need --container-network');
    return undefined;
  }
  const specs = networks.map((n) => {
    const colon = n.indexOf(':');
    const portGroup = colon < 0 ? n : n.slice(0, colon);
    const alias = colon < 0 ? undefined : n.slice(colon + 1);
    const opt = (o: string): string[] | undefined => options.find(([k]) => k === o)?.[1].get(portGroup);
    return {
      portGroup,
      ...(alias ? { alias } : {}),
      ...(opt('gateway') ? { gateway: opt('gateway')![0]! } : {}),
      ...(opt('ip-range') ? { ipRanges: opt('ip-range')! } : {}),
      ...(opt('dns') ? { dns: opt('dns')! } : {}),
      ...(opt('firewall') ? { firewall: opt('firewall')![0]!.toLowerCase() as FirewallLevel } : {}),
    };
  });
  for (const [o, m] of options) {
    for (const vnet of m.keys()) if (!specs.some((s) => s.portGroup === vnet)) throw usageError(`Inconsistent container network configuration: --container-network-${o} names '${vnet}', which no --container-network maps`);
  }
  return specs;
}

/** The settings given on the command line (no name), for create or configure. @throws a usage error naming the flag. */
export function changesFromFlags(values: VchFlagValues): VchChanges {
  const stores = list(values, 'volume-store')?.map(parseVolumeStore);
  const containers = str(values, 'containers');
  const provision = str(values, 'provision');
  const out: Record<string, unknown> = {
    computeResource: str(values, 'compute-resource'),
    cpu: allocationFlags(values, 'cpu'),
    memory: allocationFlags(values, 'memory'),
    containersLimit: containers === undefined ? undefined : intFlag('containers', containers, 0, 1),
    imageStore: str(values, 'image-store'),
    volumeStores: stores === undefined ? undefined : Object.fromEntries(stores),
    bridgeRange: str(values, 'bridge-network-range'),
    containerNetworks: containerNetworkFlags(values),
    provisioning: provision === undefined ? undefined : choiceFlag<ProvisionMode>('provision', provision, ['instant', 'linked', 'full', 'boot'], 'instant'),
    insecureRegistries: list(values, 'insecure-registry'),
    whitelistRegistries: list(values, 'whitelist-registry'),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as VchChanges;
}

/** The `--docker-port` flag, if given. */
export function dockerPortFlag(values: VchFlagValues): number | undefined {
  const p = str(values, 'docker-port');
  return p === undefined ? undefined : intFlag('docker-port', p, 0, 0, 65535);
}

/** Quotes a value for a POSIX shell when it needs it. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:@,=+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function allocationWords(resource: 'cpu' | 'memory', a: AllocationSpec | undefined): string[] {
  if (!a) return [];
  return [
    ...(a.limit !== undefined && a.limit >= 0 ? [`--${resource}`, String(a.limit)] : []),
    ...(a.reservation !== undefined ? [`--${resource}-reservation`, String(a.reservation)] : []),
    ...(a.shares !== undefined ? [`--${resource}-shares`, String(a.shares)] : []),
  ];
}

function containerNetworkWords(n: ContainerNetworkSpec): string[] {
  const on = (flag: string, v: string): string[] => [`--container-network-${flag}`, `${n.portGroup}:${v}`];
  return [
    '--container-network', n.alias ? `${n.portGroup}:${n.alias}` : n.portGroup,
    ...(n.gateway ? on('gateway', n.gateway) : []),
    ...(n.ipRanges ?? []).flatMap((r) => on('ip-range', r)),
    ...(n.dns ?? []).flatMap((d) => on('dns', d)),
    ...(n.firewall ? on('firewall', n.firewall) : []),
  ];
}

/** The `vicsim vch create …` command that makes a VCH like `spec`, served on `dockerPort`. */
export function createCommandOf(spec: VchSpec, dockerPort: number): string {
  const words = [
    'vicsim', 'vch', 'create', '--name', spec.name,
    ...(spec.computeResource !== undefined ? ['--compute-resource', spec.computeResource] : []),
    ...(spec.imageStore !== undefined ? ['--image-store', spec.imageStore] : []),
    ...allocationWords('cpu', spec.cpu),
    ...allocationWords('memory', spec.memory),
    ...(spec.containersLimit !== undefined ? ['--containers', String(spec.containersLimit)] : []),
    ...Object.entries(spec.volumeStores ?? {}).flatMap(([label, path]) => ['--volume-store', `${path}:${label}`]),
    ...(spec.bridgeRange !== undefined ? ['--bridge-network-range', spec.bridgeRange] : []),
    ...(spec.containerNetworks ?? []).flatMap(containerNetworkWords),
    '--provision', spec.provisioning ?? 'instant',
    ...(spec.insecureRegistries ?? []).flatMap((r) => ['--insecure-registry', r]),
    ...(spec.whitelistRegistries ?? []).flatMap((r) => ['--whitelist-registry', r]),
    '--docker-port', String(dockerPort),
  ];
  return words.map(shellWord).join(' ');
}

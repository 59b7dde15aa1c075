/**
 * vic-machine's flags for `vicsim vch create|configure`, both ways: parsed into a VchSpec (or the
 * changes of a configure), and written back from a spec as the equivalent create command (inspect).
 */
import type { AllocationSpec } from '../backend/backend.js';
import { VicsimError } from '../sim/errors.js';
import type { ProvisionMode } from '../vch/containers/provisioner.js';
import type { VchChanges } from '../vch/vch-lifecycle.js';
import type { VchSpec } from '../vch/vch-spec.js';
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
    '--provision', spec.provisioning ?? 'instant',
    ...(spec.insecureRegistries ?? []).flatMap((r) => ['--insecure-registry', r]),
    ...(spec.whitelistRegistries ?? []).flatMap((r) => ['--whitelist-registry', r]),
    '--docker-port', String(dockerPort),
  ];
  return words.map(shellWord).join(' ');
}

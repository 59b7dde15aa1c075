/**
 * vic-machine's `configure` and `delete` over the Backend. `reconfigureVch` changes only what is
 * given — pool limits, reservations and shares through `Backend.updateResourcePool`, the container
 * count limit, registry settings — and refuses what would need a re-create (compute resource, image
 * store, bridge range, provisioning mode, volume stores). `deleteVch` removes the container VMs, the
 * templates, the `[ds] VIC/<uuid>` folder (images and bootstrap ISO) and the pool; the volumes stay
 * unless forced.
 */
import type { AllocationSpec, Backend, VmInfo } from '../backend/backend.js';
import { VicsimError } from '../sim/errors.js';
import { isNotFound } from './images/layer-store.js';
import { Vch } from './vch.js';
import { applyVchChanges, type VchSpec } from './vch-spec.js';
import { VolumeStoreLayout } from './volumes/layout.js';

/** A `configure` asked for a change only a delete and re-create can make (code `VchNeedsRecreate`). */
export class VchNeedsRecreateError extends VicsimError {
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super('VchNeedsRecreate', message);
  }
}

/** What `configure` may change, besides the fields that need a re-create (refused). */
export type VchChanges = Partial<Omit<VchSpec, 'name'>>;

/** Settings fixed at create: flag name for the message, and how to compare old with new. */
const FIXED: readonly (readonly [keyof VchSpec, string])[] = [
  ['computeResource', '--compute-resource'],
  ['imageStore', '--image-store'],
  ['bridgeRange', '--bridge-network-range'],
  ['provisioning', '--provision'],
];

function refuseFixedChanges(current: VchSpec, changes: VchChanges): void {
  for (const [key, flag] of FIXED) {
    const wanted = changes[key as keyof VchChanges];
    if (wanted !== undefined && wanted !== current[key]) {
      throw new VchNeedsRecreateError(flag, `${flag} cannot be changed by configure (it is ${current[key] === undefined ? 'the default' : `'${String(current[key])}'`}): delete the VCH and create it again with ${flag} ${String(wanted)}`);
    }
  }
  if (changes.volumeStores !== undefined && !sameStores(current.volumeStores, changes.volumeStores)) {
    throw new VchNeedsRecreateError('--volume-store', `volume stores are fixed at create (${describeStores(current.volumeStores)}): delete the VCH and create it again to change them`);
  }
}

function sameStores(a: VchSpec['volumeStores'], b: VchSpec['volumeStores']): boolean {
  const ka = Object.entries(a ?? {});
  return ka.length === Object.keys(b ?? {}).length && ka.every(([label, path]) => b?.[label] === path);
}

function describeStores(stores: VchSpec['volumeStores']): string {
  const all = Object.entries(stores ?? {});
  return all.length === 0 ? 'the default store' : all.map(([label, path]) => `${path}:${label}`).join(', ');
}

function mergeAllocation(old: AllocationSpec | undefined, given: AllocationSpec | undefined): AllocationSpec | undefined {
  return given === undefined ? old : { ...old, ...given };
}

/**
 * The spec `configure` would give: only the given fields change; allocations merge field by field;
 * volume stores must stay as they are. Pure.
 * @throws VchNeedsRecreateError for a change of compute resource, image store, bridge range,
 *   provisioning mode or volume stores; InvalidArgumentError for a malformed value.
 */
export function reconfiguredSpec(current: VchSpec, changes: VchChanges): VchSpec {
  refuseFixedChanges(current, changes);
  return applyVchChanges(current, {
    ...changes,
    cpu: mergeAllocation(current.cpu, changes.cpu),
    memory: mergeAllocation(current.memory, changes.memory),
  });
}

/**
 * `vic-machine configure`: applies `changes` to a running VCH and returns the VCH with its new
 * spec (same parts: containers, images and networks carry on). Validation and the pool update
 * (admission control) happen before anything else changes, so a refusal leaves the VCH as it was.
 * Precondition: `vch` was made by createVch. O(1) backend calls.
 * @throws VchNeedsRecreateError, InvalidArgumentError, the backend's InsufficientResourcesError.
 */
export async function reconfigureVch(vch: Vch, changes: VchChanges): Promise<Vch> {
  const next = reconfiguredSpec(vch.spec, changes);
  const { parts } = vch;
  const pool = changes.cpu !== undefined || changes.memory !== undefined
    ? await parts.backend.updateResourcePool(parts.pool.id, { ...(changes.cpu ? { cpu: changes.cpu } : {}), ...(changes.memory ? { memory: changes.memory } : {}) })
    : parts.pool;
  applyRuntimeSettings(vch, next);
  return new Vch({ ...parts, spec: next, pool });
}

/** Puts the container limit and registry settings into the running parts. */
function applyRuntimeSettings(vch: Vch, spec: VchSpec): void {
  vch.parts.containers.setContainerLimit(spec.containersLimit);
  vch.parts.images.useRegistry({ insecureRegistries: spec.insecureRegistries, whitelist: spec.whitelistRegistries });
}

/** What `deleteVch` removed and kept. */
export interface VchDeleteReport {
  /** Container VMs removed through the VCH (docker rm -f). */
  readonly containers: number;
  /** Other VMs of the pool destroyed (templates, leftovers). */
  readonly vms: number;
  /** The `[ds] VIC/<uuid>` folder removed. */
  readonly folder: string;
  /** The VCH's volumes, removed (with force) or kept on their stores (without). */
  readonly volumes: { readonly removed: readonly string[]; readonly kept: readonly string[] };
}

/**
 * `vic-machine delete`: force-removes every container (VM, IP, ports, image references), destroys
 * the pool's remaining VMs (the templates), deletes the VCH's `[ds] VIC/<uuid>` folder and its
 * pool; removes the VCH's volumes only with `force` (a store's folder goes when that leaves it
 * empty: stores may be shared). Precondition: no Docker API serves `vch` any more.
 * O(containers + pool VMs + volumes) backend calls.
 */
export async function deleteVch(vch: Vch, opts: { readonly force: boolean }): Promise<VchDeleteReport> {
  const { parts } = vch;
  await vch.close();
  const containers = parts.containers.index.all();
  for (const c of containers) await vch.removeContainer(c.id, { force: true, volumes: false });
  const vms = await destroyPoolVms(parts.backend, parts.pool.id);
  const folder = parts.images.layerStore.layout.vchDir;
  await deleteIfPresent(parts.backend, folder);
  await (await parts.backend.destroyResourcePool(parts.pool.id)).wait();
  const names = (await parts.volumes.listVolumes({})).Volumes.map((v) => v.Name);
  if (!opts.force) return { containers: containers.length, vms, folder, volumes: { removed: [], kept: names } };
  for (const name of names) await parts.volumes.removeVolume(name, true);
  for (const [label, path] of Object.entries(vch.spec.volumeStores ?? {})) await deleteIfEmpty(parts.backend, new VolumeStoreLayout(label, path).volumesDir);
  return { containers: containers.length, vms, folder, volumes: { removed: names, kept: [] } };
}

/**
 * Powers off and destroys every VM of a pool. A template whose clones still hold its disks refuses
 * to go, so VMs are destroyed in rounds until a round makes no progress: O(VMs²) in the worst case,
 * two rounds for VIC's template-and-forks shape.
 */
async function destroyPoolVms(backend: Backend, pool: VmInfo['pool']): Promise<number> {
  let left = await backend.vms({ pool });
  const total = left.length;
  while (left.length > 0) {
    const failures: { vm: VmInfo; error: unknown }[] = [];
    for (const vm of left) {
      try {
        if (vm.powerState !== 'poweredOff') await (await backend.powerOffVM(vm.id)).wait();
        await (await backend.destroyVM(vm.id)).wait();
      } catch (error) {
        failures.push({ vm, error });
      }
    }
    if (failures.length === left.length) throw failures[0]!.error;
    left = await backend.vms({ pool });
  }
  return total;
}

async function deleteIfPresent(backend: Backend, dsPath: string): Promise<void> {
  try {
    await (await backend.deleteDatastoreFile(dsPath)).wait();
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

async function deleteIfEmpty(backend: Backend, dsPath: string): Promise<void> {
  try {
    if ((await backend.listDatastore(dsPath)).length === 0) await deleteIfPresent(backend, dsPath);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

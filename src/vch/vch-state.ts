/**
 * A VCH across a restart of `vicsim serve` (ARCHITECTURE.md decision 10): what is saved beside the
 * model — the VCH's definition and infrastructure ids, its networks and published ports, and every
 * container — and how a VCH is rebuilt from it over the restored model. Images and volumes need
 * nothing here: they live on the datastores (VIC's layout), which the model's save keeps.
 * Containers that were running are started again: their VMs kept running, their guests reboot.
 */
import { RestoreError } from '../sim/errors.js';
import { adoptContainer, saveContainer, type SavedContainer } from './containers/persistence.js';
import type { Vch } from './vch.js';
import { assembleVch, type SavedVchNetworks, type VchDeps } from './vch-setup.js';
import type { VchSpec } from './vch-spec.js';

/** Format tag and version of a saved VCH. */
export const VCH_STATE_FORMAT = 'vicsim-vch';
/** Bumped whenever the saved shape changes incompatibly. */
export const VCH_STATE_VERSION = 1;

/** A saved VCH (JSON). */
export interface SavedVch extends SavedVchNetworks {
  readonly format: typeof VCH_STATE_FORMAT;
  readonly version: number;
  readonly spec: VchSpec;
  readonly uuid: string;
  readonly cluster: string;
  readonly datastore: string;
  readonly pool: string;
  readonly bootIso: string;
  readonly containers: readonly SavedContainer[];
}

/** The saved form of a VCH. O(containers + their RW layers). */
export async function saveVch(vch: Vch): Promise<SavedVch> {
  const { infra, networking, containers } = vch.parts;
  return {
    format: VCH_STATE_FORMAT,
    version: VCH_STATE_VERSION,
    // The current spec: `configure` changes it (container networks, limits), infra keeps the one of create.
    spec: vch.spec,
    uuid: infra.uuid,
    cluster: infra.cluster.id,
    datastore: infra.ds.id,
    pool: infra.pool.id,
    bootIso: infra.bootIso,
    networks: networking.registry.toJSON(),
    ports: networking.mapper.toJSON(),
    containers: await Promise.all(containers.index.all().map((c) => saveContainer(containers, c))),
  };
}

/**
 * Rebuilds a saved VCH over `deps.backend` (the restored model): finds its cluster, datastore and
 * pool, reopens its stores, takes its containers back and starts those that were running.
 * @throws RestoreError naming what is missing or malformed.
 */
export async function restoreVch(deps: VchDeps, saved: SavedVch): Promise<Vch> {
  if (saved?.format !== VCH_STATE_FORMAT) throw new RestoreError(`not a saved VCH (format '${String(saved?.format)}')`);
  if (saved.version !== VCH_STATE_VERSION) throw new RestoreError(`saved VCH version ${saved.version} is not supported (this vicsim reads ${VCH_STATE_VERSION})`);
  const { backend } = deps;
  const cluster = (await backend.clusters()).find((c) => c.id === saved.cluster);
  const ds = (await backend.datastores()).find((d) => d.id === saved.datastore);
  const pool = (await backend.resourcePools()).find((p) => p.id === saved.pool);
  if (!cluster || !ds || !pool) throw new RestoreError(`VCH ${saved.spec.name}: its cluster ${saved.cluster}, datastore ${saved.datastore} or pool ${saved.pool} is missing from the restored model`);
  const vch = await assembleVch(deps, { spec: saved.spec, uuid: saved.uuid, cluster, ds, pool, bootIso: saved.bootIso }, saved);
  const now = (): number => deps.clock.date().getTime();
  const wasRunning = [];
  for (const s of saved.containers) {
    const c = await adoptContainer(vch.parts.containers, s, now);
    if (s.status === 'running' || s.status === 'paused' || s.status === 'restarting') wasRunning.push(c);
  }
  for (const c of wasRunning) {
    c.status = 'exited';
    await vch.parts.runtime.start(c).catch((e: unknown) => {
      c.error = `not restarted after the VCH restart: ${e instanceof Error ? e.message : String(e)}`;
    });
  }
  return vch;
}

/**
 * The volumes of a VCH's volume stores as records: reloaded from each store's metadata files,
 * created (folder, independent thin disk, metadata) and destroyed (the whole folder) on the
 * datastore, with their files held by {@link VolumeContents}. VolumeService builds on it.
 */
import type { Backend } from '../../backend/backend.js';
import { RestoreError } from '../../sim/errors.js';
import type { Rng } from '../../sim/rng.js';
import { MiB } from '../../sim/units.js';
import { NoSuchObjectError } from '../engine/errors.js';
import type { EventInput } from '../events.js';
import { readIfPresent, VolumeContents, type ContentPaths } from './contents.js';
import { VolumeStoreLayout } from './layout.js';
import { decodeVolumeMetadata, encodeVolumeMetadata, type VolumeRecord } from './metadata.js';
import { checkVolumeOptions, DEFAULT_VOLUME_CAPACITY_MB, VOLUME_DRIVER } from './options.js';

/** What a VolumeService (and its catalog) is built from. */
export interface VolumeServiceOptions {
  readonly backend: Backend;
  /** Volume stores: label → datastore path `[ds] path`; `default` serves anonymous volumes. */
  readonly stores: Readonly<Record<string, string>>;
  /** Names of anonymous volumes are drawn from it. */
  readonly rng: Rng;
  /** Simulated time, ms since the epoch. */
  readonly now: () => number;
  /** Receives volume events: create, mount, unmount, destroy (e.g. `EventLog.emit`). */
  readonly onEvent?: (event: EventInput) => void;
  /** Capacity of a volume created without `Capacity`; default 1024 MB. */
  readonly defaultCapacityMB?: number;
}

/** How to make a missing volume. */
export interface VolumeSpec {
  readonly labels: Readonly<Record<string, string>>;
  readonly driverOpts: Readonly<Record<string, string>>;
  readonly anonymous: boolean;
}

/** The volume events docker emits. */
export type VolumeAction = 'create' | 'mount' | 'unmount' | 'destroy';

/** The volume records of one VCH and their files. */
export class VolumeCatalog {
  readonly contents: VolumeContents;
  readonly #volumes = new Map<string, VolumeRecord>();
  readonly #creating = new Map<string, Promise<VolumeRecord>>();
  readonly #layouts: ReadonlyMap<string, VolumeStoreLayout>;

  /** @throws InvalidArgumentError for a store path that is not `[ds] path`. */
  constructor(readonly opts: VolumeServiceOptions) {
    this.#layouts = new Map(Object.entries(opts.stores).map(([label, path]) => [label, new VolumeStoreLayout(label, path)]));
    this.contents = new VolumeContents(opts.backend, opts.now);
  }

  /** Labels of the volume stores. */
  get storeLabels(): ReadonlySet<string> {
    return new Set(this.#layouts.keys());
  }

  /** Capacity of a volume created without `Capacity`, in MB. */
  get defaultCapacityMB(): number {
    return this.opts.defaultCapacityMB ?? DEFAULT_VOLUME_CAPACITY_MB;
  }

  /**
   * Makes each store's `volumes` folder when missing and reads every volume's metadata there.
   * Folders without metadata (a create cut short) are skipped. O(volumes) datastore reads.
   * @throws NotFoundError for a missing datastore; RestoreError for unreadable metadata or one name in two stores.
   */
  async load(): Promise<void> {
    const { backend } = this.opts;
    for (const layout of this.#layouts.values()) {
      await backend.makeDirectory(layout.volumesDir, true);
      for (const entry of await backend.listDatastore(layout.volumesDir)) {
        if (entry.kind !== 'directory') continue;
        const bytes = await readIfPresent(backend, layout.metadataOf(entry.name));
        if (bytes === undefined) continue;
        const record = decodeVolumeMetadata(bytes, layout.diskOf(entry.name), layout.metadataOf(entry.name));
        if (record.name !== entry.name) throw new RestoreError(`volume metadata ${layout.metadataOf(entry.name)} names another volume (${record.name})`);
        const other = this.#volumes.get(record.name);
        if (other) throw new RestoreError(`volume ${record.name} is in two volume stores (${other.store}, ${layout.label})`);
        this.#volumes.set(record.name, { ...record, store: layout.label });
      }
    }
  }

  /** Every volume, sorted by name. O(volumes log volumes). */
  all(): VolumeRecord[] {
    return [...this.#volumes.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The volume of that name, if any. O(1). */
  find(name: string): VolumeRecord | undefined {
    return this.#volumes.get(name);
  }

  /** The volume of that name. O(1). @throws NoSuchObjectError "get X: no such volume". */
  get(name: string): VolumeRecord {
    const volume = this.#volumes.get(name);
    if (volume === undefined) throw new NoSuchObjectError(`get ${name}: no such volume`);
    return volume;
  }

  /** Where a volume's disk and files are. O(1). */
  paths(volume: VolumeRecord): ContentPaths {
    return { diskPath: volume.diskPath, tarPath: this.#layouts.get(volume.store)!.contentsOf(volume.name) };
  }

  /** A 64-hex name no volume has, from the VCH's random stream. */
  anonymousName(): string {
    for (;;) {
      let name = '';
      while (name.length < 64) name += this.opts.rng.int(0, 0xffffffff).toString(16).padStart(8, '0');
      if (!this.#volumes.has(name) && !this.#creating.has(name)) return name;
    }
  }

  /**
   * The volume of that name, made when missing; concurrent calls for one name share one create and
   * only the first reports `created`. Precondition: `name` passed checkVolumeName.
   * @throws BadParameterError for bad options (VIC's messages); backend errors (nothing is left behind).
   */
  async ensure(name: string, spec: VolumeSpec): Promise<{ record: VolumeRecord; created: boolean }> {
    const existing = this.#volumes.get(name);
    if (existing) return { record: existing, created: false };
    const pending = this.#creating.get(name);
    if (pending) return { record: await pending, created: false };
    const creation = this.#create(name, spec);
    this.#creating.set(name, creation);
    try {
      return { record: await creation, created: true };
    } finally {
      this.#creating.delete(name);
    }
  }

  async #create(name: string, spec: VolumeSpec): Promise<VolumeRecord> {
    const checked = checkVolumeOptions(spec.driverOpts, this.storeLabels, this.defaultCapacityMB);
    const layout = this.#layouts.get(checked.store)!;
    const { backend } = this.opts;
    const record: VolumeRecord = {
      name,
      store: checked.store,
      diskPath: layout.diskOf(name),
      capacityMB: checked.capacityMB,
      labels: { ...spec.labels },
      options: checked.options,
      createdMs: this.opts.now(),
      anonymous: spec.anonymous,
    };
    await backend.makeDirectory(layout.dirOf(name), true);
    try {
      await (await backend.createVirtualDisk(record.diskPath, { capacityBytes: record.capacityMB * MiB })).wait();
      await backend.writeDatastoreFile(layout.metadataOf(name), encodeVolumeMetadata(record));
    } catch (e) {
      await deleteQuietly(backend, layout.dirOf(name));
      throw e;
    }
    this.#volumes.set(name, record);
    this.emit('create', name, {});
    return record;
  }

  /** Deletes the volume's folder (disk, metadata, files) and forgets it. Precondition: no container references it. */
  async destroy(volume: VolumeRecord): Promise<void> {
    await (await this.opts.backend.deleteDatastoreFile(this.#layouts.get(volume.store)!.dirOf(volume.name))).wait();
    this.#volumes.delete(volume.name);
    this.contents.forget(volume.name);
    this.emit('destroy', volume.name, {});
  }

  /** Sends a volume event (Actor.ID = the name; attributes always carry the driver). */
  emit(action: VolumeAction, name: string, attributes: Record<string, string>): void {
    this.opts.onEvent?.({ Type: 'volume', Action: action, id: name, attributes: { driver: VOLUME_DRIVER, ...attributes } });
  }
}

async function deleteQuietly(backend: Backend, path: string): Promise<void> {
  try {
    await (await backend.deleteDatastoreFile(path)).wait();
  } catch {
    // The folder may be gone already; the original failure is what the caller reports.
  }
}

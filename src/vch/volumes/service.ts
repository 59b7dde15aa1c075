/**
 * The volumes of one VCH over the Backend only: volume stores on datastores, one independent thin
 * VMDK per volume with its metadata and files beside it, docker's volume API, and what containers
 * need — mounts planned at create (creating missing named and anonymous volumes, seeded from the
 * image), one running user per disk, references for `rm -v` and `system df`.
 */
import { InvalidArgumentError } from '../../sim/errors.js';
import type { ContainerCreateRequest, MountPoint, VolumeCreateRequest, VolumeResource } from '../engine/docker-types.js';
import type { Filters, PruneReport, VolumeApi } from '../engine/engine.js';
import { ConflictError } from '../engine/errors.js';
import type { GuestFs } from '../fs/types.js';
import { VolumeCatalog, type VolumeServiceOptions } from './catalog.js';
import { listMatcher, pruneMatcher } from './filters.js';
import { volumeResource, type VolumeRecord } from './metadata.js';
import { mountRequests, type MountRequest } from './mount-spec.js';
import { ANONYMOUS_LABEL, checkVolumeDriver, checkVolumeName, checkVolumeOptions, VOLUME_DRIVER } from './options.js';
import { VolumeRefs, type RecordedMount } from './refs.js';

export type { VolumeServiceOptions } from './catalog.js';

/** A volume mounted into a container, as container create plans it. */
export interface PlannedMount extends RecordedMount {
  /** Datastore path of the volume's disk (attach it to the VM as an `existing` disk). */
  readonly diskPath: string;
  /** The volume's files (mount it into the container's UnionFs at `destination`). */
  readonly fs: GuestFs;
}

/** The volumes of one VCH. Implements docker's volume API; containers call the mount methods. */
export class VolumeService implements VolumeApi {
  readonly #catalog: VolumeCatalog;
  readonly #refs = new VolumeRefs();

  private constructor(catalog: VolumeCatalog) {
    this.#catalog = catalog;
  }

  /**
   * Opens the VCH's volume stores: makes each store's `volumes` folder when missing and reloads
   * every volume found there (files load lazily on first mount). O(volumes) datastore reads.
   * @throws InvalidArgumentError for a store path that is not `[ds] path`; NotFoundError for a
   *   missing datastore; RestoreError for unreadable metadata or one name in two stores.
   */
  static async open(opts: VolumeServiceOptions): Promise<VolumeService> {
    const catalog = new VolumeCatalog(opts);
    await catalog.load();
    return new VolumeService(catalog);
  }

  // ---- docker's volume API -------------------------------------------------------------------

  /**
   * `docker volume create`: a new volume, or the existing one of that name (as docker answers).
   * @throws BadParameterError for a bad name, driver or option (VIC's messages).
   */
  async createVolume(body: VolumeCreateRequest): Promise<VolumeResource> {
    const name = body.Name ? checkVolumeName(body.Name) : undefined;
    checkVolumeDriver(body.Driver);
    const checked = checkVolumeOptions(body.DriverOpts, this.#catalog.storeLabels, this.#catalog.defaultCapacityMB);
    const existing = name === undefined ? undefined : this.#catalog.find(name);
    if (existing) return volumeResource(existing);
    const { record } = await this.#catalog.ensure(name ?? this.#catalog.anonymousName(), { labels: { ...(body.Labels ?? {}) }, driverOpts: checked.options, anonymous: false });
    return volumeResource(record);
  }

  /** `docker volume ls`, sorted by name. O(volumes). @throws BadParameterError for an unknown filter. */
  async listVolumes(filters: Filters): Promise<{ Volumes: VolumeResource[]; Warnings: string[] }> {
    const matches = listMatcher(filters);
    const volumes = this.#catalog.all().filter((v) => matches(v, this.#refs.refCount(v.name)));
    return { Volumes: volumes.map((v) => volumeResource(v)), Warnings: [] };
  }

  /** `docker volume inspect`. @throws NoSuchObjectError "get X: no such volume". */
  async inspectVolume(name: string): Promise<VolumeResource> {
    return volumeResource(this.#catalog.get(name));
  }

  /**
   * `docker volume rm [-f]`: deletes the volume's folder (disk, metadata, files). `force` makes a
   * missing volume no error; it never removes a volume in use.
   * @throws NoSuchObjectError; ConflictError "remove X: volume is in use - [ids]".
   */
  async removeVolume(name: string, force: boolean): Promise<void> {
    if (force && this.#catalog.find(name) === undefined) return;
    const volume = this.#catalog.get(name);
    const users = this.#refs.users(name);
    if (users.length > 0) throw new ConflictError(`remove ${name}: volume is in use - [${users.join(' ')}]`);
    await this.#catalog.destroy(volume);
  }

  /**
   * `docker volume prune`: unreferenced volumes, anonymous ones only unless `all=true`, narrowed by
   * `label`/`label!`. O(volumes) plus the deletions. @throws BadParameterError for an unknown filter.
   */
  async pruneVolumes(filters: Filters): Promise<PruneReport> {
    const matches = pruneMatcher(filters);
    const victims = this.#catalog.all().filter((v) => matches(v, this.#refs.refCount(v.name)));
    const deleted: string[] = [];
    let spaceReclaimed = 0;
    for (const volume of victims) {
      spaceReclaimed += await this.#catalog.contents.usedBytes(volume.name, this.#catalog.paths(volume));
      await this.#catalog.destroy(volume);
      deleted.push(volume.name);
    }
    return { deleted, spaceReclaimed };
  }

  /** `system df`'s volumes: each with UsageData {Size (bytes of content), RefCount}. O(volumes). */
  async diskUsage(): Promise<VolumeResource[]> {
    const out: VolumeResource[] = [];
    for (const volume of this.#catalog.all()) {
      const size = await this.#catalog.contents.usedBytes(volume.name, this.#catalog.paths(volume));
      out.push(volumeResource(volume, { size, refCount: this.#refs.refCount(volume.name) }));
    }
    return out;
  }

  /** The volume of that name, if any. O(1). */
  volume(name: string): VolumeRecord | undefined {
    return this.#catalog.find(name);
  }

  /** How many containers reference the volume. O(1). */
  refCount(name: string): number {
    return this.#refs.refCount(name);
  }

  // ---- containers ----------------------------------------------------------------------------

  /**
   * At container create: the volumes it mounts (HostConfig.Binds, HostConfig.Mounts, Volumes, then the
   * image's Volumes), creating missing named volumes and anonymous ones, seeding each empty, unshared
   * volume from the image's content at its mount path. All or nothing: on failure the references are
   * dropped and the volumes this call created are deleted again.
   * Precondition: no mounts are recorded for `containerId` yet.
   * @throws BadParameterError (host directories, tmpfs, malformed specs, VIC's option errors).
   */
  async mountsFor(containerId: string, req: ContainerCreateRequest, imageFs: GuestFs, imageVolumes?: Readonly<Record<string, object>> | null): Promise<PlannedMount[]> {
    if (this.#refs.has(containerId)) throw new InvalidArgumentError('containerId', `container ${containerId} already has its volumes planned`);
    const requests = mountRequests(req, imageVolumes);
    const created: VolumeRecord[] = [];
    try {
      const planned: PlannedMount[] = [];
      for (const request of requests) {
        const { record, created: made } = await this.#forRequest(request);
        if (made) created.push(record);
        const shared = this.#refs.refCount(record.name) > 0;
        const mount: RecordedMount = { name: record.name, destination: request.destination, readOnly: request.readOnly, anonymous: request.name === undefined };
        this.#refs.add(containerId, mount);
        const paths = this.#catalog.paths(record);
        if (!request.noCopy && !shared) await this.#catalog.contents.seed(record.name, paths, imageFs, request.destination);
        planned.push({ ...mount, diskPath: record.diskPath, fs: await this.#catalog.contents.tree(record.name, paths) });
      }
      return planned;
    } catch (e) {
      this.#refs.drop(containerId);
      for (const volume of created) if (this.#refs.refCount(volume.name) === 0) await this.#catalog.destroy(volume).catch(() => undefined);
      throw e;
    }
  }

  /**
   * Re-records the mounts of a container that existed before the service was reopened (a VCH
   * restart), loading the volumes' files. Precondition: no mounts recorded for it yet.
   * @throws NoSuchObjectError when a volume is gone.
   */
  async adopt(containerId: string, mounts: readonly RecordedMount[]): Promise<PlannedMount[]> {
    if (this.#refs.has(containerId)) throw new InvalidArgumentError('containerId', `container ${containerId} already has its volumes planned`);
    const records = mounts.map((m) => this.#catalog.get(m.name));
    const planned: PlannedMount[] = [];
    for (const [i, mount] of mounts.entries()) {
      const record = records[i]!;
      this.#refs.add(containerId, { ...mount });
      planned.push({ ...mount, diskPath: record.diskPath, fs: await this.#catalog.contents.tree(record.name, this.#catalog.paths(record)) });
    }
    return planned;
  }

  /**
   * At container start: claims each of its volumes for it (one running user per block volume),
   * all or nothing, and emits `mount` events. A container without volumes claims nothing. O(mounts).
   * @throws ConflictError `device <name> in use`.
   */
  claim(containerId: string): void {
    const fresh = new Set(this.#refs.claim(containerId));
    for (const m of this.#refs.mountsOf(containerId)) {
      if (fresh.has(m.name)) this.#catalog.emit('mount', m.name, { container: containerId, destination: m.destination, 'read/write': String(!m.readOnly), propagation: '' });
    }
  }

  /** At container stop: releases its claims (emitting `unmount`) and saves its volumes' files. */
  async unclaim(containerId: string): Promise<void> {
    for (const name of this.#refs.unclaim(containerId)) this.#catalog.emit('unmount', name, { container: containerId });
    for (const name of distinctNames(this.#refs.mountsOf(containerId))) await this.flush(name);
  }

  /**
   * At container rm: forgets its references and saves its volumes' files; with `removeAnonymous`
   * (`rm -v`) deletes its anonymous volumes that no other container references.
   * @returns the names of the volumes deleted.
   */
  async release(containerId: string, removeAnonymous: boolean): Promise<string[]> {
    for (const name of this.#refs.unclaim(containerId)) this.#catalog.emit('unmount', name, { container: containerId });
    const mounts = this.#refs.drop(containerId);
    const removed: string[] = [];
    for (const name of distinctNames(mounts)) {
      const volume = this.#catalog.find(name);
      if (volume === undefined) continue;
      const anonymous = mounts.some((m) => m.name === name && m.anonymous);
      if (removeAnonymous && anonymous && this.#refs.refCount(name) === 0) {
        await this.#catalog.destroy(volume);
        removed.push(name);
      } else await this.flush(name);
    }
    return removed;
  }

  /** The container's mounts as recorded (for saving a VCH; {@link adopt} takes them back). O(mounts). */
  recordedMounts(containerId: string): readonly RecordedMount[] {
    return this.#refs.mountsOf(containerId);
  }

  /** The container's mounts as inspect and ps show them, in the order planned. O(mounts). */
  mountPoints(containerId: string): MountPoint[] {
    return this.#refs.mountsOf(containerId).map((m) => ({
      Type: 'volume',
      Name: m.name,
      Source: this.#catalog.find(m.name)?.diskPath ?? '',
      Destination: m.destination,
      Driver: VOLUME_DRIVER,
      Mode: m.readOnly ? 'ro' : '',
      RW: !m.readOnly,
      Propagation: '',
    }));
  }

  /**
   * Saves a volume's files as the tar beside its disk and grows the disk's allocation to match.
   * A volume whose files were never loaded is left as it is. O(entries + content bytes).
   * @throws NoSuchObjectError.
   */
  async flush(name: string): Promise<void> {
    const volume = this.#catalog.get(name);
    await this.#catalog.contents.save(name, this.#catalog.paths(volume));
  }

  /** The volume a mount request names, created when missing (anonymous ones always). */
  async #forRequest(request: MountRequest): Promise<{ record: VolumeRecord; created: boolean }> {
    checkVolumeDriver(request.driver);
    const catalog = this.#catalog;
    if (request.name === undefined) return catalog.ensure(catalog.anonymousName(), { labels: { [ANONYMOUS_LABEL]: '' }, driverOpts: {}, anonymous: true });
    return catalog.ensure(request.name, { labels: request.labels, driverOpts: request.driverOpts, anonymous: false });
  }
}


function distinctNames(mounts: readonly RecordedMount[]): string[] {
  return [...new Set(mounts.map((m) => m.name))];
}

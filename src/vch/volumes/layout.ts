/**
 * Where a volume store keeps its volumes on a datastore, as VIC laid them out
 * (shared/reference/vic-behaviour.md, Volumes):
 *
 *   [ds] <store path>/volumes/<name>/<name>.vmdk     the volume's independent thin disk
 *   [ds] <store path>/volumes/<name>/<name>.json     its metadata (driver, options, labels, created)
 *   [ds] <store path>/volumes/<name>/<name>.tar      its files, saved when a container lets go of it
 *
 * The store path may be empty (`[ds]` alone): the volumes then live in `[ds] volumes`.
 */
import { InvalidArgumentError } from '../../sim/errors.js';

const STORE_PATH_RE = /^\[([^\]]+)\]\s*(.*?)\/*$/;

/** Paths of one volume store. Pure; O(1) per path. */
export class VolumeStoreLayout {
  /** The datastore's name (between the brackets). */
  readonly datastore: string;
  /** The folder inside the datastore ('' for its root). */
  readonly folder: string;

  /**
   * @param label the store's label (e.g. `default`).
   * @param storePath a datastore path `[ds] path` or `[ds]`.
   * @throws InvalidArgumentError when `storePath` is not a datastore path.
   */
  constructor(
    readonly label: string,
    readonly storePath: string,
  ) {
    const m = STORE_PATH_RE.exec(storePath.trim());
    if (!m) throw new InvalidArgumentError('volume-store', `volume store '${label}' must be a datastore path like '[datastore1] volumes', got '${storePath}'`);
    this.datastore = m[1]!;
    this.folder = m[2]!;
  }

  /** `[ds] <store path>/volumes`: one folder per volume. */
  get volumesDir(): string {
    return `[${this.datastore}] ${this.folder === '' ? '' : `${this.folder}/`}volumes`;
  }

  /** The folder of one volume. */
  dirOf(name: string): string {
    return `${this.volumesDir}/${name}`;
  }

  /** The volume's disk. */
  diskOf(name: string): string {
    return `${this.dirOf(name)}/${name}.vmdk`;
  }

  /** The volume's metadata file. */
  metadataOf(name: string): string {
    return `${this.dirOf(name)}/${name}.json`;
  }

  /** The tar of the volume's files. */
  contentsOf(name: string): string {
    return `${this.dirOf(name)}/${name}.tar`;
  }
}

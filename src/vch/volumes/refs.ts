/**
 * Which containers reference which volumes, and which running container holds each block volume.
 * A volume's reference count is the number of distinct containers with a mount of it (docker's
 * UsageData.RefCount); a claim is VIC's one running user per disk ("device <name> in use").
 */
import { ConflictError } from '../engine/errors.js';

/** One mount of a volume in a container, as recorded. */
export interface RecordedMount {
  readonly name: string;
  readonly destination: string;
  readonly readOnly: boolean;
  /** The volume was made anonymous for this container. */
  readonly anonymous: boolean;
}

/** The reference and claim tables of one VCH's volumes. */
export class VolumeRefs {
  readonly #byContainer = new Map<string, RecordedMount[]>();
  readonly #byVolume = new Map<string, Set<string>>();
  /** volume name → container id holding it while running. */
  readonly #claims = new Map<string, string>();

  /** Records one more mount of a container. O(1). */
  add(containerId: string, mount: RecordedMount): void {
    const list = this.#byContainer.get(containerId) ?? [];
    list.push(mount);
    this.#byContainer.set(containerId, list);
    const users = this.#byVolume.get(mount.name) ?? new Set<string>();
    users.add(containerId);
    this.#byVolume.set(mount.name, users);
  }

  /** Forgets a container's mounts (and claims); returns them. O(its mounts). */
  drop(containerId: string): RecordedMount[] {
    const list = this.#byContainer.get(containerId) ?? [];
    this.#byContainer.delete(containerId);
    for (const m of list) {
      const users = this.#byVolume.get(m.name);
      users?.delete(containerId);
      if (users?.size === 0) this.#byVolume.delete(m.name);
      if (this.#claims.get(m.name) === containerId) this.#claims.delete(m.name);
    }
    return list;
  }

  /** A container's mounts, in the order they were recorded. O(1). */
  mountsOf(containerId: string): readonly RecordedMount[] {
    return this.#byContainer.get(containerId) ?? [];
  }

  /** Whether the container has mounts recorded. O(1). */
  has(containerId: string): boolean {
    return this.#byContainer.has(containerId);
  }

  /** Ids of the containers referencing a volume, sorted. O(users log users). */
  users(name: string): string[] {
    return [...(this.#byVolume.get(name) ?? [])].sort();
  }

  /** How many containers reference a volume. O(1). */
  refCount(name: string): number {
    return this.#byVolume.get(name)?.size ?? 0;
  }

  /**
   * Claims every volume of a container for it, all or nothing. A volume already claimed by
   * another container refuses. Claiming again what it holds is a no-op. O(its mounts).
   * @returns the names newly claimed.
   * @throws ConflictError `device <name> in use`.
   */
  claim(containerId: string): string[] {
    const names = [...new Set(this.mountsOf(containerId).map((m) => m.name))];
    for (const name of names) {
      const holder = this.#claims.get(name);
      if (holder !== undefined && holder !== containerId) throw new ConflictError(`device ${name} in use`);
    }
    const fresh = names.filter((name) => !this.#claims.has(name));
    for (const name of fresh) this.#claims.set(name, containerId);
    return fresh;
  }

  /** Releases the container's claims. @returns the names released. O(its mounts). */
  unclaim(containerId: string): string[] {
    const released: string[] = [];
    for (const m of this.mountsOf(containerId)) {
      if (this.#claims.get(m.name) === containerId) {
        this.#claims.delete(m.name);
        released.push(m.name);
      }
    }
    return released;
  }

  /** The container holding a volume, if any. O(1). */
  holder(name: string): string | undefined {
    return this.#claims.get(name);
  }
}

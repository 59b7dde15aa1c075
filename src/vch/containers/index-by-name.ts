/**
 * The VCH's container index: ids, names (each held by exactly one container — a name is reserved
 * synchronously before any asynchronous work, so of two concurrent creates with one name exactly one
 * wins) and reference resolution as docker does it: full id, name with or without `/`, unique id prefix.
 */
import { BadParameterError, ConflictError, NoSuchObjectError } from '../engine/errors.js';

/** Anything indexed: an id and a current name. */
export interface Named {
  readonly id: string;
  name: string;
}

/** Containers by id and name. */
export class ContainerIndex<T extends Named> {
  readonly #byId = new Map<string, T>();
  readonly #byName = new Map<string, string>();

  /** Every container, in creation order. */
  all(): T[] {
    return [...this.#byId.values()];
  }

  /** Number of containers. */
  get size(): number {
    return this.#byId.size;
  }

  /**
   * Reserves `name` for `id`.
   * @throws ConflictError with docker's message when another container holds it.
   */
  reserveName(name: string, id: string): void {
    const holder = this.#byName.get(name);
    if (holder !== undefined && holder !== id) {
      throw new ConflictError(
        `Conflict. The container name "/${name}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    this.#byName.set(name, id);
  }

  /** Frees a reservation made by {@link reserveName}. */
  releaseName(name: string, id: string): void {
    if (this.#byName.get(name) === id) this.#byName.delete(name);
  }

  /** Adds a container whose name is reserved. */
  add(c: T): void {
    this.#byId.set(c.id, c);
  }

  /** Removes a container and its name. */
  delete(c: T): void {
    this.#byId.delete(c.id);
    this.releaseName(c.name, c.id);
  }

  /** Renames; the new name must be free. */
  rename(c: T, newName: string): void {
    this.reserveName(newName, c.id);
    this.releaseName(c.name, c.id);
    c.name = newName;
  }

  /** The container `ref` names, or undefined. */
  find(ref: string): T | undefined {
    const exact = this.#byId.get(ref);
    if (exact) return exact;
    const byName = this.#byName.get(ref.startsWith('/') ? ref.slice(1) : ref);
    if (byName !== undefined) return this.#byId.get(byName);
    if (!/^[0-9a-f]+$/.test(ref)) return undefined;
    let found: T | undefined;
    for (const [id, c] of this.#byId) {
      if (!id.startsWith(ref)) continue;
      if (found) throw new BadParameterError(`Multiple IDs found with provided prefix: ${ref}`);
      found = c;
    }
    return found;
  }

  /**
   * The container `ref` names.
   * @throws NoSuchObjectError "No such container: ref".
   */
  get(ref: string): T {
    const c = this.find(ref);
    if (!c) throw NoSuchObjectError.container(ref);
    return c;
  }
}

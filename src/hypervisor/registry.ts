/**
 * The inventory registry: one map from id to record. Every change goes through put, update or
 * remove, which notify listeners (events, persistence, indexes, later the dashboard).
 */
import { DuplicateNameError, InvalidArgumentError, NotFoundError } from '../sim/errors.js';
import type { InventoryObject, ObjectOfKind } from './types.js';

/** A change to the inventory, as listeners see it. */
export type RegistryChange =
  | { readonly op: 'put'; readonly object: InventoryObject }
  | { readonly op: 'update'; readonly object: InventoryObject; readonly previous: InventoryObject }
  | { readonly op: 'remove'; readonly object: InventoryObject };

/** Receives every change after it was applied. */
export type RegistryListener = (change: RegistryChange) => void;

/**
 * Id → record, with change notification. All operations O(1) plus listeners. Records of every kind
 * but VirtualMachine (the bulk of any inventory) are also kept per kind, so listing hosts, clusters
 * or pools does not walk every VM.
 */
export class Registry {
  readonly #objects = new Map<string, InventoryObject>();
  readonly #fewByKind = new Map<InventoryObject['kind'], Map<string, InventoryObject>>();
  readonly #listeners = new Set<RegistryListener>();

  /** Number of records. */
  get size(): number {
    return this.#objects.size;
  }

  /** Adds a new record. @throws InvalidArgumentError if the id is taken. */
  put(object: InventoryObject): void {
    if (this.#objects.has(object.id)) throw new InvalidArgumentError('id', `id ${object.id} is already registered`);
    this.#objects.set(object.id, object);
    this.#kindIndex(object.kind)?.set(object.id, object);
    this.#emit({ op: 'put', object });
  }

  /**
   * Replaces a record with `next` (same id and kind). Records are immutable: callers build the
   * new one, typically `{ ...old, field }`.
   */
  update<T extends InventoryObject>(next: T): T {
    const previous = this.#objects.get(next.id);
    if (!previous) throw new NotFoundError(next.kind, next.id);
    if (previous.kind !== next.kind) throw new InvalidArgumentError('kind', `cannot change ${next.id} from ${previous.kind} to ${next.kind}`);
    this.#objects.set(next.id, next);
    this.#kindIndex(next.kind)?.set(next.id, next);
    this.#emit({ op: 'update', object: next, previous });
    return next;
  }

  /** Removes a record. @throws NotFoundError when absent. */
  remove(id: string): InventoryObject {
    const object = this.#objects.get(id);
    if (!object) throw new NotFoundError('object', id);
    this.#objects.delete(id);
    this.#kindIndex(object.kind)?.delete(id);
    this.#emit({ op: 'remove', object });
    return object;
  }

  /** The record with that id, if any. */
  find(id: string): InventoryObject | undefined {
    return this.#objects.get(id);
  }

  /** The record of that kind with that id. @throws NotFoundError otherwise. */
  get<K extends InventoryObject['kind']>(kind: K, id: string): ObjectOfKind<K> {
    const object = this.#objects.get(id);
    if (!object || object.kind !== kind) throw new NotFoundError(kind, id);
    return object as ObjectOfKind<K>;
  }

  /** Every record of a kind, in registration order. O(records of that kind); O(all records) for VirtualMachine. */
  *all<K extends InventoryObject['kind']>(kind: K): IterableIterator<ObjectOfKind<K>> {
    const index = this.#kindIndex(kind);
    if (index) yield* index.values() as IterableIterator<ObjectOfKind<K>>;
    else for (const o of this.#objects.values()) if (o.kind === kind) yield o as ObjectOfKind<K>;
  }

  /** Every record, in registration order. */
  values(): IterableIterator<InventoryObject> {
    return this.#objects.values();
  }

  /** The record of a kind with that name, if any (first match). */
  findByName<K extends InventoryObject['kind']>(kind: K, name: string): ObjectOfKind<K> | undefined {
    for (const o of this.all(kind)) if (o.name === name) return o;
    return undefined;
  }

  /** Throws DuplicateNameError if `exists` says the name is taken in `scope`. */
  static assertNameFree(kind: string, name: string, scope: string, exists: boolean): void {
    if (exists) throw new DuplicateNameError(kind, name, scope);
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  listen(listener: RegistryListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The per-kind index of `kind`, made on first use; undefined for VirtualMachine. */
  #kindIndex(kind: InventoryObject['kind']): Map<string, InventoryObject> | undefined {
    if (kind === 'VirtualMachine') return undefined;
    let index = this.#fewByKind.get(kind);
    if (!index) this.#fewByKind.set(kind, (index = new Map()));
    return index;
  }

  #emit(change: RegistryChange): void {
    for (const l of this.#listeners) l(change);
  }
}

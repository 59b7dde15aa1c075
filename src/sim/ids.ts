/**
 * vSphere-style managed object ids. vCenter numbers objects from one counter whatever their type
 * (`datacenter-2`, `domain-c7`, `host-10`, `resgroup-8`, `datastore-11`, `vm-42`); so does vicsim,
 * which keeps ids unique across types and stable across save and restore.
 */
import { InvalidArgumentError } from './errors.js';

/** Datacenter id, e.g. `datacenter-2`. */
export type DatacenterId = `datacenter-${number}`;
/** Cluster (ClusterComputeResource) id, e.g. `domain-c7`. */
export type ClusterId = `domain-c${number}`;
/** ESXi host id, e.g. `host-10`. */
export type HostId = `host-${number}`;
/** Resource pool id, e.g. `resgroup-8`. */
export type ResourcePoolId = `resgroup-${number}`;
/** Datastore id, e.g. `datastore-11`. */
export type DatastoreId = `datastore-${number}`;
/** Virtual machine id, e.g. `vm-42`. */
export type VmId = `vm-${number}`;
/** Network (port group) id, e.g. `network-12`. */
export type NetworkId = `network-${number}`;
/** Task id, e.g. `task-101`. */
export type TaskId = `task-${number}`;
/** Snapshot id, e.g. `snapshot-77`. */
export type SnapshotId = `snapshot-${number}`;

/** Every managed object id. */
export type ManagedId =
  | DatacenterId
  | ClusterId
  | HostId
  | ResourcePoolId
  | DatastoreId
  | VmId
  | NetworkId
  | TaskId
  | SnapshotId;

/** Id prefixes by object kind. */
export const ID_PREFIX = {
  datacenter: 'datacenter-',
  cluster: 'domain-c',
  host: 'host-',
  pool: 'resgroup-',
  datastore: 'datastore-',
  vm: 'vm-',
  network: 'network-',
  task: 'task-',
  snapshot: 'snapshot-',
} as const;

/** An object kind that has ids. */
export type IdKind = keyof typeof ID_PREFIX;

type IdOf<K extends IdKind> = `${(typeof ID_PREFIX)[K]}${number}`;

/** Hands out ids from one counter. */
export class IdAllocator {
  #next: number;

  /** @param start the first number handed out, a safe integer ≥ 1 (vCenter starts near 1). */
  constructor(start = 1) {
    this.#next = checkCounter(start);
  }

  /** The next id of that kind. */
  next<K extends IdKind>(kind: K): IdOf<K> {
    return `${ID_PREFIX[kind]}${this.#next++}` as IdOf<K>;
  }

  /** The id {@link next} would hand out now for that kind, without taking it. O(1). */
  peek<K extends IdKind>(kind: K): IdOf<K> {
    return `${ID_PREFIX[kind]}${this.#next}` as IdOf<K>;
  }

  /** The number the next id will carry (for save and restore). */
  get counter(): number {
    return this.#next;
  }

  /** Restores the counter of a saved model; `n` must be a safe integer ≥ 1. */
  set counter(n: number) {
    this.#next = checkCounter(n);
  }
}

/** Returns `n` when it can number an id: a safe integer ≥ 1 (larger ones print in exponent form). */
function checkCounter(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('counter', `bad id counter ${n}`);
  return n;
}

/** Which kind an id belongs to, or undefined when it is not a vicsim-style id. */
export function kindOfId(id: string): IdKind | undefined {
  for (const [kind, prefix] of Object.entries(ID_PREFIX) as [IdKind, string][]) {
    if (id.startsWith(prefix) && /^\d+$/.test(id.slice(prefix.length))) return kind;
  }
  return undefined;
}

/** Whether `id` is an id of the given kind. */
export function isIdOf<K extends IdKind>(kind: K, id: string): id is IdOf<K> {
  return kindOfId(id) === kind;
}

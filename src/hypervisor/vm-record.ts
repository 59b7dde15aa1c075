/**
 * Changed copies of VM records. A record is replaced on every change (a power operation, a move);
 * `{ ...vm, field }` makes V8 keep only a few of its 14 fields in the object and the rest in an
 * out-of-object property array (≈ 32 B more per record, and a third of a capacity run's records are
 * such copies), so a copy is written as one literal of all fields instead.
 */
import type { VirtualMachine } from './types.js';

/** A VM record's fields in the order every record is made with (vm-create, instant clones). */
const FIELDS = ['id', 'kind', 'name', 'cluster', 'pool', 'host', 'datastore', 'folder', 'config', 'powerState', 'bootTime', 'provenance', 'snapshots', 'currentSnapshot'] as const;

/**
 * `{ ...vm, ...change }`: the same fields, values and key order. A record with exactly the usual
 * fields in the usual order is copied as one literal; any other (a record restored with extra or
 * reordered keys) as the spread. O(fields).
 */
export function vmWith(vm: VirtualMachine, change: Partial<VirtualMachine>): VirtualMachine {
  if (!usualKeys(vm) || !Object.keys(change).every((k) => (FIELDS as readonly string[]).includes(k))) return { ...vm, ...change };
  const pick = <K extends keyof VirtualMachine>(k: K): VirtualMachine[K] => (Object.hasOwn(change, k) ? (change[k] as VirtualMachine[K]) : vm[k]);
  return {
    id: pick('id'),
    kind: pick('kind'),
    name: pick('name'),
    cluster: pick('cluster'),
    pool: pick('pool'),
    host: pick('host'),
    datastore: pick('datastore'),
    folder: pick('folder'),
    config: pick('config'),
    powerState: pick('powerState'),
    bootTime: pick('bootTime'),
    provenance: pick('provenance'),
    snapshots: pick('snapshots'),
    currentSnapshot: pick('currentSnapshot'),
  };
}

function usualKeys(vm: VirtualMachine): boolean {
  const keys = Object.keys(vm);
  return keys.length === FIELDS.length && keys.every((k, i) => k === FIELDS[i]);
}

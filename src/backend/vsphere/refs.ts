/**
 * Backend ids ⇄ vim25 managed object references, and small readers of decoded property values.
 * Backend ids are moref values; the vim type of each id kind is fixed here. vcsim's datastore ids are
 * paths, not `datastore-N`: ids are treated as opaque strings, and the id types of sim/ids.ts are
 * asserted, not checked.
 */
import { SystemError } from '../../sim/errors.js';
import { ManagedObjectReference, isVimObject, type VimObject, type VimValue } from './vim25/index.js';

/** The vim managed object type of each Backend id kind. */
export const MOREF_TYPE = {
  datacenter: 'Datacenter',
  cluster: 'ClusterComputeResource',
  host: 'HostSystem',
  pool: 'ResourcePool',
  datastore: 'Datastore',
  network: 'Network',
  vm: 'VirtualMachine',
  snapshot: 'VirtualMachineSnapshot',
  task: 'Task',
} as const;

/** Which kind of id a reference is built for. */
export type IdKind = keyof typeof MOREF_TYPE;

/** The reference of a Backend id. Precondition: id is non-empty (else InvalidArgumentError). O(1). */
export function ref(kind: IdKind, id: string): ManagedObjectReference {
  return new ManagedObjectReference(MOREF_TYPE[kind], id);
}

/** A reference's value as a Backend id of type T (ids are moref values). */
export function idOf<T extends string>(value: ManagedObjectReference): T {
  return value.value as T;
}

/** The value as a reference, or SystemError naming `what`. */
export function asRef(value: VimValue | undefined, what: string): ManagedObjectReference {
  if (value instanceof ManagedObjectReference) return value;
  throw new SystemError(`the server sent no reference for ${what}`);
}

/** The value as a reference, or undefined. */
export function optionalRef(value: VimValue | undefined): ManagedObjectReference | undefined {
  return value instanceof ManagedObjectReference ? value : undefined;
}

/** The value as a string ('' when absent or not a string). */
export function str(value: VimValue | undefined): string {
  return typeof value === 'string' ? value : '';
}

/** The value as a number (`fallback` when absent; numeric strings of generic decoding are parsed). */
export function num(value: VimValue | undefined, fallback = 0): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return fallback;
}

/** The value as a boolean (`fallback` when absent). */
export function bool(value: VimValue | undefined, fallback = false): boolean {
  return typeof value === 'boolean' ? value : value === 'true' ? true : value === 'false' ? false : fallback;
}

/** The value as a data object, or undefined. */
export function obj(value: VimValue | undefined): VimObject | undefined {
  return isVimObject(value) ? value : undefined;
}

/** The value as an array (a lone value becomes a one-element array; absent → []). */
export function list(value: VimValue | undefined): readonly VimValue[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly VimValue[]) : [value];
}

/** An xsd:dateTime as an ISO 8601 string in UTC with milliseconds, or undefined when absent. */
export function isoTime(value: VimValue | undefined): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new SystemError(`the server sent a time that is not xsd:dateTime: ${value}`);
  return time.toISOString();
}

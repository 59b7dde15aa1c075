/**
 * TypeScript shapes of the decoded protocol objects the client itself works with. They mirror the
 * PROTOCOL_TYPES table (schema-protocol.ts); `expectObject` checks the vim type at run time before a
 * decoded value is treated as one of them.
 */
import { SystemError } from '../../../sim/errors.js';
import { isVimObject, type VimObject, type VimValue } from './decode.js';
import type { ManagedObjectReference } from './encode.js';
import { VIM_SCHEMA } from './schema.js';

/** Product and API version of the server (vim: AboutInfo). */
export interface AboutInfo extends VimObject {
  readonly name: string;
  readonly fullName: string;
  readonly version: string;
  readonly apiType: string;
  readonly apiVersion: string;
  readonly instanceUuid?: string;
}

/** Root references of the service (vim: ServiceContent); only the ones this client uses are typed. */
export interface ServiceContent extends VimObject {
  readonly rootFolder: ManagedObjectReference;
  readonly propertyCollector: ManagedObjectReference;
  readonly viewManager: ManagedObjectReference;
  readonly sessionManager: ManagedObjectReference;
  readonly about: AboutInfo;
}

/** A logged-in session (vim: UserSession). */
export interface UserSession extends VimObject {
  readonly key: string;
  readonly userName: string;
}

/** A fault with its message, as tasks and missing properties report it (vim: LocalizedMethodFault). */
export interface LocalizedMethodFault extends VimObject {
  readonly fault: VimObject;
  readonly localizedMessage?: string;
}

/** One property value of an object (vim: DynamicProperty). */
export interface DynamicProperty extends VimObject {
  readonly name: string;
  readonly val: VimValue;
}

/** A property that could not be read, with why (vim: MissingProperty). */
export interface MissingProperty extends VimObject {
  readonly path: string;
  readonly fault: LocalizedMethodFault;
}

/** The properties read for one object (vim: ObjectContent). */
export interface ObjectContent extends VimObject {
  readonly obj: ManagedObjectReference;
  readonly propSet: readonly DynamicProperty[];
  readonly missingSet: readonly MissingProperty[];
}

/** One page of RetrievePropertiesEx; `token` asks for the next page (vim: RetrieveResult). */
export interface RetrieveResult extends VimObject {
  readonly token?: string;
  readonly objects: readonly ObjectContent[];
}

/** One changed property (vim: PropertyChange); `val` is absent for `remove`. */
export interface PropertyChange extends VimObject {
  readonly name: string;
  readonly op: 'add' | 'remove' | 'assign' | 'indirectRemove';
  readonly val?: VimValue;
}

/** Changes to one object (vim: ObjectUpdate). */
export interface ObjectUpdate extends VimObject {
  readonly kind: 'modify' | 'enter' | 'leave';
  readonly obj: ManagedObjectReference;
  readonly changeSet: readonly PropertyChange[];
  readonly missingSet: readonly MissingProperty[];
}

/** Changes seen by one filter (vim: PropertyFilterUpdate). */
export interface PropertyFilterUpdate extends VimObject {
  readonly filter: ManagedObjectReference;
  readonly objectSet: readonly ObjectUpdate[];
}

/** The answer of WaitForUpdatesEx (vim: UpdateSet); pass `version` to the next call. */
export interface UpdateSet extends VimObject {
  readonly version: string;
  readonly filterSet: readonly PropertyFilterUpdate[];
  readonly truncated?: boolean;
}

/** The state of a task (vim: TaskInfo); `result` on success, `error` on error. */
export interface TaskInfo extends VimObject {
  readonly key: string;
  readonly task: ManagedObjectReference;
  /** The method that started the task, e.g. `PowerOnVM_Task`. */
  readonly name?: string;
  /** E.g. `VirtualMachine.powerOn`. */
  readonly descriptionId?: string;
  readonly entity?: ManagedObjectReference;
  readonly entityName?: string;
  readonly state: 'queued' | 'running' | 'success' | 'error';
  readonly error?: LocalizedMethodFault;
  readonly result?: VimValue;
  readonly progress?: number;
  readonly queueTime: string;
  readonly startTime?: string;
  readonly completeTime?: string;
}

/**
 * Checks that a decoded value is a data object of `typeName` (or a subtype) and returns it as T.
 * Precondition: T matches the schema entry of typeName. Throws SystemError otherwise. O(depth).
 */
export function expectObject<T extends VimObject>(value: VimValue | undefined, typeName: string): T {
  if (!isVimObject(value) || !VIM_SCHEMA.isA(value.$type, typeName)) {
    const got = isVimObject(value) ? value.$type : typeof value;
    throw new SystemError(`expected a ${typeName} from the server, got ${got}`);
  }
  return value as T;
}

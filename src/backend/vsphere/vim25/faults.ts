/**
 * vim faults → the project's typed errors. A fault arrives either as a SOAP Fault (HTTP 500, the vim
 * fault in `detail`) or as a task's `info.error` (a LocalizedMethodFault). Both are mapped here, once,
 * by walking the fault's type ancestry to the nearest mapped vim type.
 */
import {
  DuplicateNameError,
  InsufficientResourcesError,
  InvalidArgumentError,
  InvalidPowerStateError,
  InvalidStateError,
  NotFoundError,
  NotSupportedError,
  SystemError,
  type VicsimError,
} from '../../../sim/errors.js';
import { decodeElement, isVimObject, type VimObject, type VimValue } from './decode.js';
import { ManagedObjectReference } from './encode.js';
import { VimFaultError, VimLoginError } from './errors.js';
import { VIM_SCHEMA } from './schema.js';
import { childNamed, SOAP_ENVELOPE_NS, xsiTypeOf, type XmlElement } from './xml.js';

/** A fault as the server sent it: the vim fault object (typed by `$type`) and its message. */
export interface VimFault {
  readonly fault: VimObject;
  readonly message: string;
}

/** Where a fault happened, for the error's fields and message. */
export interface FaultContext {
  readonly method: string;
  readonly self: ManagedObjectReference;
  /** User name of the login attempt, for InvalidLogin. */
  readonly userName?: string;
}

/**
 * Reads a `soapenv:Fault` element: the vim fault is the first child of `detail`, typed by its
 * xsi:type or, failing that, by its element name (`<NameFault>` carries fault `Name`).
 * Precondition: `faultElement` is a SOAP 1.1 Fault. O(fault size).
 */
export function parseSoapFault(faultElement: XmlElement): VimFault {
  const faultString = childNamed(faultElement, 'faultstring')?.text ?? '';
  const detail = childNamed(faultElement, 'detail')?.children[0];
  if (detail === undefined) {
    const code = childNamed(faultElement, 'faultcode')?.text ?? 'ServerFaultCode';
    return { fault: { $type: code }, message: faultString || code };
  }
  const declared = xsiTypeOf(detail)?.localName ?? detail.localName.replace(/Fault$/, '');
  const decoded = decodeElement(detail, declared);
  return { fault: isVimObject(decoded) ? decoded : { $type: declared }, message: faultString || declared };
}

/** Reads a task's `info.error` (LocalizedMethodFault) as a VimFault. */
export function localizedFault(error: VimObject): VimFault {
  const fault = error['fault'];
  const message = typeof error['localizedMessage'] === 'string' ? error['localizedMessage'] : '';
  const vimFault: VimObject = isVimObject(fault) ? fault : { $type: 'SystemError' };
  return { fault: vimFault, message: message !== '' ? message : vimFault.$type };
}

/** True for a SOAP envelope body element that is a Fault. */
export function isSoapFault(element: XmlElement): boolean {
  return element.localName === 'Fault' && element.namespace === SOAP_ENVELOPE_NS;
}

function text(value: VimValue | undefined, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

function amount(value: VimValue | undefined): number {
  return typeof value === 'number' ? value : Number.NaN;
}

function insufficientResources(type: string, fault: VimObject, context: FaultContext): VicsimError {
  const requested = amount(fault['requested']);
  const available = amount(fault['unreserved']);
  const scope = context.self.key();
  if (/Cpu/.test(type)) return new InsufficientResourcesError(scope, 'cpu', requested, available, 'MHz');
  if (/Storage|Disk|Space/.test(type)) return new InsufficientResourcesError(scope, 'disk', requested, available, 'bytes');
  return new InsufficientResourcesError(scope, 'memory', requested, available, 'bytes');
}

type FaultMapper = (fault: VimObject, message: string, context: FaultContext) => VicsimError;

const MAPPERS: Readonly<Record<string, FaultMapper>> = {
  InvalidLogin: (_fault, message, context) => new VimLoginError(context.userName ?? '', message),
  ManagedObjectNotFound: (fault, _message, context) => {
    const ref = fault['obj'] instanceof ManagedObjectReference ? fault['obj'] : context.self;
    return new NotFoundError(ref.type, ref.value);
  },
  NotFound: (_fault, message, context) => new NotFoundError(context.self.type, `${context.self.value} (${message})`),
  InvalidPowerState: (fault, _message, context) =>
    new InvalidPowerStateError(
      context.self.value,
      context.method,
      text(fault['existingState'], 'unknown'),
      typeof fault['requestedState'] === 'string' ? fault['requestedState'] : undefined,
    ),
  InvalidHostState: (_fault, message, context) => new InvalidStateError('InvalidHostState', context.self.key(), '', message),
  ResourceInUse: (_fault, message, context) => new InvalidStateError('ResourceInUse', context.self.key(), '', message),
  SnapshotFault: (_fault, message, context) => new InvalidStateError('SnapshotFault', context.self.key(), '', message),
  InvalidState: (_fault, message, context) => new InvalidStateError('InvalidState', context.self.key(), '', message),
  InsufficientResourcesFault: (fault, _message, context) => insufficientResources(fault.$type, fault, context),
  InvalidArgument: (fault, message) => new InvalidArgumentError(text(fault['invalidProperty'], ''), message),
  DuplicateName: (fault, _message, context) => {
    const object = fault['object'];
    const kind = object instanceof ManagedObjectReference ? object.type : 'object';
    return new DuplicateNameError(kind, text(fault['name'], ''), context.self.key());
  },
  MethodNotFound: (_fault, message, context) =>
    new NotSupportedError(`${context.method} is not implemented by this server (${message})`),
  NotSupported: (_fault, message, context) => new NotSupportedError(`${context.method} is not supported: ${message}`),
  SystemError: (_fault, message) => new SystemError(message),
};

/**
 * Vim faults whose base types the schema does not list but that map like their base.
 * (Real vCenter raises subtypes such as InsufficientHostMemoryCapacityFault or InvalidDatastoreState.)
 */
const EXTRA_BASES: Readonly<Record<string, string>> = {
  InvalidDatastoreState: 'InvalidState',
  InvalidVmState: 'InvalidState',
  TooManySnapshotLevels: 'SnapshotFault',
  SnapshotLocked: 'SnapshotFault',
  SnapshotNoChange: 'SnapshotFault',
  InvalidSnapshotFormat: 'SnapshotFault',
  InsufficientFailoverResourcesFault: 'InsufficientResourcesFault',
  InsufficientStandbyResource: 'InsufficientResourcesFault',
  InvalidType: 'InvalidArgument',
  InvalidName: 'InvalidArgument',
};

/** The mapped vim type nearest to `type` in its ancestry, if any. O(depth). */
export function mappedFaultType(type: string): string | undefined {
  for (let current: string | undefined = type; current !== undefined; ) {
    for (const ancestor of VIM_SCHEMA.ancestry(current)) {
      if (MAPPERS[ancestor] !== undefined) return ancestor;
    }
    current = EXTRA_BASES[VIM_SCHEMA.ancestry(current).at(-1) ?? current];
  }
  return undefined;
}

/**
 * Turns a vim fault into the project's typed error: ManagedObjectNotFound → NotFoundError,
 * InvalidPowerState → InvalidPowerStateError, InsufficientResourcesFault → InsufficientResourcesError
 * (amounts NaN when the fault carries none), InvalidArgument → InvalidArgumentError, DuplicateName →
 * DuplicateNameError, NotSupported/MethodNotFound → NotSupportedError, InvalidLogin → VimLoginError,
 * other InvalidState kinds → InvalidStateError; anything else → VimFaultError naming the fault.
 */
export function faultToError(vimFault: VimFault, context: FaultContext): VicsimError {
  const mapped = mappedFaultType(vimFault.fault.$type);
  const mapper = mapped === undefined ? undefined : MAPPERS[mapped];
  if (mapper === undefined) return new VimFaultError(vimFault.fault.$type, context.method, vimFault.message);
  return mapper(vimFault.fault, vimFault.message, context);
}

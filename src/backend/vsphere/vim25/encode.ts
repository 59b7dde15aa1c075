/**
 * Writing vim25 SOAP requests. A request is a method element whose children are `_this` followed by the
 * arguments in WSDL order; data objects are written field by field in their key order, so builders
 * (specs.ts) create keys in WSDL order. Every text and attribute value goes through escapeXml.
 */
import { InvalidArgumentError } from '../../../sim/errors.js';
import { escapeXml, SOAP_ENVELOPE_NS, VIM25_NS, XSD_NS, XSI_NS } from './xml.js';

/**
 * A reference to a server-side managed object (vim: ManagedObjectReference). IDs are opaque strings:
 * vcsim's datastore IDs are paths, real vCenter's look like `datastore-12`.
 */
export class ManagedObjectReference {
  /** Precondition: type and value are non-empty. */
  constructor(
    readonly type: string,
    readonly value: string,
  ) {
    if (type === '' || value === '') throw new InvalidArgumentError('ref', 'a managed object reference needs a type and a value');
  }

  /** `Type:value`, unique per object; usable as a map key. */
  key(): string {
    return `${this.type}:${this.value}`;
  }

  /** True when both name the same object. */
  equals(other: ManagedObjectReference): boolean {
    return this.type === other.type && this.value === other.value;
  }

  /** Same text as key(), for messages. */
  toString(): string {
    return this.key();
  }
}

/** A scalar written as element text. Numbers must be finite. */
export type SoapScalar = string | number | boolean;

/**
 * A simple value written with an explicit xsi:type, as fields of type anyType need on real vCenter
 * (e.g. OptionValue.value): `{ $type: 'xsd:string', $text: 'TRUE' }`.
 */
export interface TypedScalar {
  readonly $type: string;
  readonly $text: SoapScalar;
}

/** A data object; `$type` (optional) is written as xsi:type, other keys as child elements in key order. */
export interface SoapData {
  readonly $type?: string;
  readonly [field: string]: SoapValue | undefined;
}

/** Anything that can be written as the content of one element (arrays repeat the element). */
export type SoapValue = SoapScalar | ManagedObjectReference | TypedScalar | SoapData | readonly SoapValue[];

/** One method argument: element name and value (undefined arguments are left out). */
export type SoapArgument = readonly [name: string, value: SoapValue | undefined];

/** Wraps a string in `{ $type: 'xsd:string' }`, for anyType fields. */
export function xsdString(text: string): TypedScalar {
  return { $type: 'xsd:string', $text: text };
}

function scalarText(value: SoapScalar, name: string): string {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new InvalidArgumentError(name, `${name} must be a finite number, got ${value}`);
  }
  return escapeXml(String(value));
}

function isTypedScalar(value: SoapValue): value is TypedScalar {
  return typeof value === 'object' && value !== null && '$text' in value && '$type' in value;
}

const ELEMENT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function checkedName(name: string): string {
  if (!ELEMENT_NAME.test(name)) throw new InvalidArgumentError('name', `"${name}" is not an XML element name`);
  return name;
}

function typeAttribute(type: string | undefined): string {
  return type === undefined ? '' : ` xsi:type="${escapeXml(type)}"`;
}

/**
 * Writes `<name>…</name>` for a value; arrays become repeated elements, undefined writes nothing.
 * O(size of the value).
 */
export function encodeElement(name: string, value: SoapValue | undefined): string {
  if (value === undefined) return '';
  checkedName(name);
  if (Array.isArray(value)) return (value as readonly SoapValue[]).map((item) => encodeElement(name, item)).join('');
  if (value instanceof ManagedObjectReference) {
    return `<${name} type="${escapeXml(value.type)}">${escapeXml(value.value)}</${name}>`;
  }
  if (typeof value !== 'object') return `<${name}>${scalarText(value, name)}</${name}>`;
  if (isTypedScalar(value)) return `<${name}${typeAttribute(value.$type)}>${scalarText(value.$text, name)}</${name}>`;
  const data = value as SoapData;
  let body = '';
  for (const [field, fieldValue] of Object.entries(data)) {
    if (field !== '$type') body += encodeElement(field, fieldValue);
  }
  return `<${name}${typeAttribute(data.$type)}>${body}</${name}>`;
}

/**
 * Builds the full SOAP envelope for one vim25 method call: `_this` first, then the arguments in the
 * order given (callers pass WSDL order). Precondition: method is a vim25 method name. O(request size).
 */
export function buildEnvelope(method: string, self: ManagedObjectReference, args: readonly SoapArgument[]): string {
  checkedName(method);
  let body = encodeElement('_this', self);
  for (const [name, value] of args) body += encodeElement(name, value);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE_NS}" xmlns:xsd="${XSD_NS}" xmlns:xsi="${XSI_NS}">` +
    `<soapenv:Body><${method} xmlns="${VIM25_NS}">${body}</${method}></soapenv:Body></soapenv:Envelope>`
  );
}

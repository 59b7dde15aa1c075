/**
 * Decoding vim25 response elements into plain values with the type map (schema.ts). An element's
 * xsi:type, when present (top-level property values, polymorphic fields), wins over the declared type;
 * XSD types are recognised by namespace URI, whatever the prefix. Declared array fields always decode
 * to arrays (absent → []), so a one-element array never turns into a scalar.
 */
import { SystemError } from '../../../sim/errors.js';
import { ManagedObjectReference } from './encode.js';
import { arrayItemType, PRIMITIVE_TYPES, VIM_SCHEMA, type DataType, type VimSchema } from './schema.js';
import { attributeValue, xsiTypeOf, type XmlElement } from './xml.js';

/** A decoded value: primitives, references, data objects and arrays of them. */
export type VimValue = string | number | boolean | ManagedObjectReference | VimObject | readonly VimValue[];

/** A decoded data object; `$type` is its vim type name (from xsi:type or the declaration). */
export interface VimObject {
  readonly $type: string;
  readonly [field: string]: VimValue | undefined;
}

/** Type name used for elements of unknown type that carry child elements. */
export const UNKNOWN_TYPE = 'anyType';

function decodeNumber(text: string, type: string): number {
  const value = Number(text.trim());
  const isInteger = type !== 'float' && type !== 'double';
  if (text.trim() === '' || !Number.isFinite(value) || (isInteger && !Number.isInteger(value))) {
    throw new SystemError(`expected xsd:${type}, got "${text}"`);
  }
  return value;
}

function decodeBoolean(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === 'true' || trimmed === '1') return true;
  if (trimmed === 'false' || trimmed === '0') return false;
  throw new SystemError(`expected xsd:boolean, got "${text}"`);
}

function decodeReference(element: XmlElement): ManagedObjectReference {
  const type = attributeValue(element, undefined, 'type');
  if (type === undefined || element.text === '') {
    throw new SystemError(`<${element.localName}> is not a managed object reference`);
  }
  return new ManagedObjectReference(type, element.text);
}

function decodePrimitive(element: XmlElement, type: string, schema: VimSchema): VimValue {
  switch (type) {
    case 'ManagedObjectReference':
      return decodeReference(element);
    case 'boolean':
      return decodeBoolean(element.text);
    case 'byte':
    case 'short':
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return decodeNumber(element.text, type);
    case 'anyType':
      return element.children.length === 0 ? element.text : decodeGeneric(element, UNKNOWN_TYPE, schema);
    default:
      return element.text;
  }
}

/**
 * The type an element is decoded as: its xsi:type if it has one, else the declared type. XSD
 * primitives and vim types share no local names, so the local name identifies the type once the prefix
 * has been resolved (an undeclared prefix is a SystemError from xml.ts).
 */
export function effectiveType(element: XmlElement, declared: string): string {
  return xsiTypeOf(element)?.localName ?? declared;
}

/**
 * Decodes one element as `declared` (or its xsi:type). Unknown types with child elements decode
 * generically (repeated children become arrays, single ones scalars); unknown leaf types (enumerations)
 * decode to their text. O(element size). Precondition: well-typed content, else SystemError.
 */
export function decodeElement(element: XmlElement, declared: string, schema: VimSchema = VIM_SCHEMA): VimValue {
  const type = effectiveType(element, declared);
  if (PRIMITIVE_TYPES.has(type)) return decodePrimitive(element, type, schema);
  const dataType = schema.dataType(type);
  if (dataType !== undefined) return decodeObject(element, dataType, schema);
  const itemType = arrayItemType(type);
  if (itemType !== undefined) return element.children.map((child) => decodeElement(child, itemType, schema));
  if (element.children.length === 0) return element.text;
  return decodeGeneric(element, type, schema);
}

function decodeObject(element: XmlElement, dataType: DataType, schema: VimSchema): VimObject {
  const result: Record<string, VimValue> = { $type: dataType.name };
  const arrays = new Map<string, VimValue[]>();
  for (const child of element.children) {
    const field = dataType.fields.get(child.localName);
    if (field === undefined) {
      addGeneric(result, child, schema);
      continue;
    }
    const value = decodeElement(child, field.type, schema);
    if (!field.isArray) {
      result[child.localName] = value;
      continue;
    }
    const items = arrays.get(child.localName) ?? [];
    items.push(value);
    arrays.set(child.localName, items);
  }
  for (const [name, field] of dataType.fields) {
    if (field.isArray) result[name] = arrays.get(name) ?? [];
  }
  return result as VimObject;
}

function addGeneric(target: Record<string, VimValue>, child: XmlElement, schema: VimSchema): void {
  const value = decodeElement(child, UNKNOWN_TYPE, schema);
  const existing = target[child.localName];
  if (existing === undefined) target[child.localName] = value;
  else if (Array.isArray(existing)) (existing as VimValue[]).push(value);
  else target[child.localName] = [existing, value];
}

/**
 * Lossy decoding of a type the schema does not know: repeated children become arrays, a single child
 * a scalar, leaves strings. Add the type to a schema table when its fields matter.
 */
function decodeGeneric(element: XmlElement, type: string, schema: VimSchema): VimObject {
  const result: Record<string, VimValue> = { $type: type };
  const repeated = new Set<string>();
  const seen = new Set<string>();
  for (const child of element.children) {
    if (seen.has(child.localName)) repeated.add(child.localName);
    seen.add(child.localName);
  }
  for (const child of element.children) {
    const value = decodeElement(child, UNKNOWN_TYPE, schema);
    if (!repeated.has(child.localName)) result[child.localName] = value;
    else ((result[child.localName] ??= []) as VimValue[]).push(value);
  }
  return result as VimObject;
}

/** True for decoded data objects (not references, arrays or primitives). */
export function isVimObject(value: VimValue | undefined): value is VimObject {
  return typeof value === 'object' && !Array.isArray(value) && !(value instanceof ManagedObjectReference);
}

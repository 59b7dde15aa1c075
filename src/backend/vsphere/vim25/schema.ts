/**
 * The type map the decoder needs. vim25 responses only label top-level property values and
 * polymorphic fields with xsi:type; everything else arrives as bare elements, and a one-element array
 * looks exactly like a scalar. So the client keeps, for each data type it reads, the type and
 * cardinality of every field. Tables are text (`Base | field:type field:type[] …`), parsed once.
 */
import { SystemError } from '../../../sim/errors.js';
import { INVENTORY_TYPES } from './schema-inventory.js';
import { PROTOCOL_TYPES } from './schema-protocol.js';

/** A table of data types: type name → `[Base |] field:type …` (`type[]` marks an array). */
export type TypeTable = Readonly<Record<string, string>>;

/** The declared type of one field. */
export interface FieldType {
  /** A primitive (see PRIMITIVE_TYPES), `ManagedObjectReference`, or a data type name. */
  readonly type: string;
  readonly isArray: boolean;
}

/** A data type with its own and inherited fields (base fields first, as in WSDL). */
export interface DataType {
  readonly name: string;
  readonly base: string | undefined;
  readonly fields: ReadonlyMap<string, FieldType>;
}

/** XSD primitive types the decoder converts (others are data types or enumerations). */
export const PRIMITIVE_TYPES: ReadonlySet<string> = new Set([
  'string', 'boolean', 'byte', 'short', 'int', 'long', 'float', 'double', 'dateTime', 'base64Binary', 'anyType',
  'anyURI', 'ManagedObjectReference',
]);

/** The `ArrayOfX` wrapper names vim uses for primitives, mapped to the item type. */
const PRIMITIVE_ARRAY_ITEMS: Readonly<Record<string, string>> = {
  ArrayOfString: 'string',
  ArrayOfBoolean: 'boolean',
  ArrayOfByte: 'byte',
  ArrayOfShort: 'short',
  ArrayOfInt: 'int',
  ArrayOfLong: 'long',
  ArrayOfFloat: 'float',
  ArrayOfDouble: 'double',
  ArrayOfDateTime: 'dateTime',
  ArrayOfAnyType: 'anyType',
  ArrayOfAnyURI: 'anyURI',
  ArrayOfManagedObjectReference: 'ManagedObjectReference',
};

function parseField(spec: string, typeName: string): [string, FieldType] {
  const match = /^(\w+):(\w+)(\[\])?$/.exec(spec);
  if (match === null) throw new SystemError(`bad field "${spec}" in vim type ${typeName}`);
  const [, field = '', type = ''] = match;
  return [field, { type: type === 'MoRef' ? 'ManagedObjectReference' : type, isArray: match[3] !== undefined }];
}

/** A set of data types resolved with inheritance; lookups are O(1). */
export class VimSchema {
  private readonly ownFields = new Map<string, { base: string | undefined; fields: [string, FieldType][] }>();
  private readonly resolved = new Map<string, DataType>();

  /** Precondition: every table line is well formed and names no type twice across tables. */
  constructor(tables: readonly TypeTable[]) {
    for (const table of tables) {
      for (const [name, text] of Object.entries(table)) {
        if (this.ownFields.has(name)) throw new SystemError(`vim type ${name} is defined twice`);
        const [head = '', tail] = text.includes('|') ? text.split('|') : ['', text];
        const base = head.trim() === '' ? undefined : head.trim();
        const specs = (tail ?? '').split(/\s+/).filter((s) => s !== '');
        this.ownFields.set(name, { base, fields: specs.map((s) => parseField(s, name)) });
      }
    }
  }

  /** The data type with its inherited fields, or undefined for an unknown name. O(1) amortised. */
  dataType(name: string): DataType | undefined {
    const cached = this.resolved.get(name);
    if (cached !== undefined) return cached;
    const own = this.ownFields.get(name);
    if (own === undefined) return undefined;
    const fields = new Map(own.base === undefined ? [] : this.dataType(own.base)?.fields ?? []);
    for (const [field, type] of own.fields) fields.set(field, type);
    const dataType: DataType = { name, base: own.base, fields };
    this.resolved.set(name, dataType);
    return dataType;
  }

  /** True when `name` is `ancestor` or derives from it through known bases. O(depth). */
  isA(name: string, ancestor: string): boolean {
    for (let current: string | undefined = name; current !== undefined; current = this.ownFields.get(current)?.base) {
      if (current === ancestor) return true;
    }
    return false;
  }

  /** The chain from `name` up through its known bases, `name` first. O(depth). */
  ancestry(name: string): string[] {
    const chain: string[] = [];
    for (let current: string | undefined = name; current !== undefined; current = this.ownFields.get(current)?.base) {
      chain.push(current);
    }
    return chain;
  }
}

/** The item type of an `ArrayOfX` wrapper type, or undefined when `name` is not one. */
export function arrayItemType(name: string): string | undefined {
  const primitive = PRIMITIVE_ARRAY_ITEMS[name];
  if (primitive !== undefined) return primitive;
  return name.startsWith('ArrayOf') && name.length > 'ArrayOf'.length ? name.slice('ArrayOf'.length) : undefined;
}

/** The schema of every type this client reads (protocol, faults, inventory). */
export const VIM_SCHEMA = new VimSchema([PROTOCOL_TYPES, INVENTORY_TYPES]);

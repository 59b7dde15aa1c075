/**
 * A small walker that checks a JSON value against a Swagger 2.0 schema of docker's API definition
 * and lists every violation with its JSON path.
 *
 * What it interprets: `$ref` (to `#/definitions/…`), `allOf` (the value must satisfy every branch;
 * their properties, required names and nullability are united), `type` (object, array, string,
 * integer, number, boolean), `required`, `properties`, `additionalProperties` (a schema or a
 * boolean), `items`, `enum`, `x-nullable`/`nullable`, `minimum`/`maximum`, `minItems`/`maxItems`,
 * the integer formats `uint8/16/32/64` and `int32` (ranges), and `format: dateTime|date-time`
 * (RFC 3339).
 *
 * Decisions:
 * - `null` is accepted where the schema (the node, its `$ref` target or an `allOf` branch) says
 *   `x-nullable: true` or `nullable: true`, or states no `type` at all (a free-form value); where it
 *   states a type and no nullability, `null` is an error, since Python and JavaScript clients index
 *   into what they get (`Labels: null` breaks `Object.keys`).
 * - `enum` mismatches are warnings by default: docker's enums lag its daemon (new states, drivers,
 *   scopes), so a value outside one is worth reading but not a failure by itself.
 * - A property no schema of an object declares is a warning by default when the object lists
 *   `properties` and has no `additionalProperties` (it catches `ID` written for `Id`); an error
 *   where `additionalProperties: false`; accepted on a free-form `type: object`.
 * - After a type mismatch the walker does not descend into that value (one finding, not a cascade).
 */
import { isDeepStrictEqual } from 'node:util';
import { resolveRef, type SchemaObject, type SwaggerDocument } from './swagger.js';

/** How much a finding weighs; `ignore` (in options only) drops it. */
export type Severity = 'error' | 'warning';

/** The rule a finding breaks. */
export type ViolationRule = 'type' | 'null' | 'required' | 'enum' | 'unknown-property' | 'range' | 'format';

/** One place where the value does not match the schema. */
export interface Violation {
  /** JSONPath of the offending value, from `$` (e.g. `$.NetworkSettings.Ports["80/tcp"][0]`). */
  readonly path: string;
  readonly rule: ViolationRule;
  readonly severity: Severity;
  /** What the schema asks for, in words (`integer`, `one of "running", "exited"`, `present`). */
  readonly expected: string;
  /** What the value has, in words (`string "abc"`, `absent`). */
  readonly got: string;
}

/** Severities of the rules that are not always errors. */
export interface WalkOptions {
  /** A value outside `enum` (default `warning`). */
  readonly enumMismatch?: Severity | 'ignore';
  /** A property no schema of the object declares, where `additionalProperties` is absent (default `warning`). */
  readonly unknownProperty?: Severity | 'ignore';
}

const INTEGER_FORMAT_RANGE: Readonly<Record<string, readonly [number, number]>> = {
  uint8: [0, 0xff],
  uint16: [0, 0xffff],
  uint32: [0, 0xffffffff],
  uint64: [0, Number.POSITIVE_INFINITY],
  int32: [-0x80000000, 0x7fffffff],
};

/** RFC 3339 date-time, as Go's time.Time marshals it (fraction optional, Z or an offset). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The name of a JSON value's type in the schema's vocabulary (`integer` for whole numbers). */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Appends a property name to a JSONPath: `.Name` for identifiers, `["80/tcp"]` otherwise. */
export function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'absent';
  const text = JSON.stringify(value);
  return `${jsonTypeOf(value)} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array': return Array.isArray(value);
    case 'integer': return Number.isInteger(value);
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'string': case 'boolean': return typeof value === type;
    default: throw new TypeError(`the walker does not know schema type "${type}"`);
  }
}

/**
 * Checks `value` against `schema` (resolved in `doc`) and returns every violation, errors and
 * warnings alike, in document order. Pure; O(size of value × schemas per node), with `$ref`/`allOf`
 * expansion cached per schema node.
 * @throws InvalidArgumentError on a `$ref` that does not name a definition of `doc`;
 *         TypeError on a `type` outside object, array, string, integer, number, boolean.
 */
export function validateValue(doc: SwaggerDocument, schema: SchemaObject, value: unknown, options: WalkOptions = {}): Violation[] {
  return new Walker(doc, options).walk(schema, value);
}

/** Only the errors of a list of violations. */
export function errorsOf(violations: readonly Violation[]): Violation[] {
  return violations.filter((v) => v.severity === 'error');
}

/** One line per violation: `error $.Foo (type): expected integer, got string "x"`. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.severity} ${v.path} (${v.rule}): expected ${v.expected}, got ${v.got}`).join('\n');
}

class Walker {
  private readonly found: Violation[] = [];
  private readonly expanded = new Map<SchemaObject, readonly SchemaObject[]>();

  constructor(
    private readonly doc: SwaggerDocument,
    private readonly options: WalkOptions,
  ) {}

  walk(schema: SchemaObject, value: unknown): Violation[] {
    this.check(schema, value, '$');
    return this.found;
  }

  private report(path: string, rule: ViolationRule, severity: Severity | 'ignore', expected: string, got: string): void {
    if (severity !== 'ignore') this.found.push({ path, rule, severity, expected, got });
  }

  /** The schema itself and every schema reached through `$ref` and `allOf`, once each. */
  private expand(schema: SchemaObject): readonly SchemaObject[] {
    const cached = this.expanded.get(schema);
    if (cached !== undefined) return cached;
    const parts: SchemaObject[] = [];
    const visit = (s: SchemaObject): void => {
      if (parts.includes(s)) return;
      parts.push(s);
      if (s.$ref !== undefined) visit(resolveRef(this.doc, s.$ref));
      for (const branch of s.allOf ?? []) visit(branch);
    };
    visit(schema);
    this.expanded.set(schema, parts);
    return parts;
  }

  private check(schema: SchemaObject, value: unknown, path: string): void {
    const parts = this.expand(schema);
    const types = [...new Set(parts.flatMap((p) => (p.type === undefined ? [] : [p.type])))];
    if (value === null) {
      const nullable = types.length === 0 || parts.some((p) => p['x-nullable'] === true || p.nullable === true);
      if (!nullable) this.report(path, 'null', 'error', types.join(' and '), 'null');
      return;
    }
    const wrongType = types.find((t) => !hasType(value, t));
    if (wrongType !== undefined) {
      this.report(path, 'type', 'error', wrongType, describeValue(value));
      return;
    }
    for (const part of parts) this.checkScalar(part, value, path);
    if (Array.isArray(value)) this.checkArray(parts, value, path);
    else if (typeof value === 'object') this.checkObject(parts, value as Record<string, unknown>, path);
  }

  private checkScalar(part: SchemaObject, value: unknown, path: string): void {
    if (part.enum !== undefined && !part.enum.some((member) => isDeepStrictEqual(member, value))) {
      this.report(path, 'enum', this.options.enumMismatch ?? 'warning', `one of ${part.enum.map((e) => JSON.stringify(e)).join(', ')}`, describeValue(value));
    }
    if (typeof value === 'number') {
      const [low, high] = INTEGER_FORMAT_RANGE[part.format ?? ''] ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
      const min = Math.max(low, part.minimum ?? Number.NEGATIVE_INFINITY);
      const max = Math.min(high, part.maximum ?? Number.POSITIVE_INFINITY);
      if (value < min || value > max) this.report(path, 'range', 'error', `a number in [${min}, ${max}]${part.format ? ` (${part.format})` : ''}`, describeValue(value));
    }
    if (typeof value === 'string' && (part.format === 'dateTime' || part.format === 'date-time') && !RFC3339.test(value)) {
      this.report(path, 'format', 'error', 'an RFC 3339 date-time', describeValue(value));
    }
  }

  private checkArray(parts: readonly SchemaObject[], value: readonly unknown[], path: string): void {
    for (const part of parts) {
      if (value.length < (part.minItems ?? 0) || value.length > (part.maxItems ?? Number.POSITIVE_INFINITY)) {
        this.report(path, 'range', 'error', `between ${part.minItems ?? 0} and ${part.maxItems ?? 'any number of'} items`, `${value.length} items`);
      }
      if (part.items === undefined) continue;
      for (const [i, element] of value.entries()) this.check(part.items, element, `${path}[${i}]`);
    }
  }

  private checkObject(parts: readonly SchemaObject[], value: Record<string, unknown>, path: string): void {
    for (const name of new Set(parts.flatMap((p) => p.required ?? []))) {
      if (!Object.hasOwn(value, name)) this.report(childPath(path, name), 'required', 'error', 'present', 'absent');
    }
    const declaresProperties = parts.some((p) => p.properties !== undefined);
    const additional = parts.flatMap((p) => (p.additionalProperties === undefined ? [] : [p.additionalProperties]));
    for (const [key, child] of Object.entries(value)) {
      const declared = parts.flatMap((p) => {
        const s = p.properties !== undefined && Object.hasOwn(p.properties, key) ? p.properties[key] : undefined;
        return s === undefined ? [] : [s];
      });
      if (declared.length > 0) {
        for (const s of declared) this.check(s, child, childPath(path, key));
      } else if (additional.includes(false)) {
        this.report(childPath(path, key), 'unknown-property', 'error', 'no further properties', describeValue(child));
      } else if (additional.length > 0) {
        for (const s of additional) if (typeof s === 'object') this.check(s, child, childPath(path, key));
      } else if (declaresProperties) {
        this.report(childPath(path, key), 'unknown-property', this.options.unknownProperty ?? 'warning', 'a property the schema declares', describeValue(child));
      }
    }
  }
}

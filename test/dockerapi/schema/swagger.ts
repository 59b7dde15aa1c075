/**
 * Docker's Swagger 2.0 API definition as the schema walker reads it: the schema keywords it
 * interprets, loading the YAML document, and finding the response schema of an operation.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { InvalidArgumentError } from '../../../src/sim/errors.js';

/** A Swagger 2.0 schema object, restricted to the keywords the walker interprets. */
export interface SchemaObject {
  readonly $ref?: string;
  readonly type?: string;
  readonly format?: string;
  readonly properties?: Readonly<Record<string, SchemaObject>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: SchemaObject | boolean;
  readonly items?: SchemaObject;
  readonly enum?: readonly unknown[];
  readonly allOf?: readonly SchemaObject[];
  readonly 'x-nullable'?: boolean;
  readonly nullable?: boolean;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
}

/** One response of an operation: a body schema, or none (204, 304, streams without a schema). */
export interface ResponseObject {
  readonly schema?: SchemaObject;
}

/** One operation (method under a path) of the document. */
export interface OperationObject {
  readonly responses?: Readonly<Record<string, ResponseObject>>;
}

/** The parts of a Swagger 2.0 document the walker uses. */
export interface SwaggerDocument {
  readonly definitions: Readonly<Record<string, SchemaObject>>;
  readonly paths: Readonly<Record<string, Readonly<Record<string, OperationObject>>>>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses a Swagger 2.0 document from YAML (or JSON) text.
 * @throws InvalidArgumentError when the text is not a mapping with `definitions` and `paths` mappings.
 * The schema objects inside are trusted to be well formed (docker's own document).
 */
export function parseSwagger(text: string): SwaggerDocument {
  const doc: unknown = parse(text);
  if (!isRecord(doc) || !isRecord(doc['paths']) || !isRecord(doc['definitions'] ?? {})) {
    throw new InvalidArgumentError('swagger', 'not a Swagger 2.0 document: expected mappings `paths` and `definitions`');
  }
  return { definitions: (doc['definitions'] ?? {}) as SwaggerDocument['definitions'], paths: doc['paths'] as SwaggerDocument['paths'] };
}

/** Reads and parses the Swagger document at `file` (see parseSwagger for what it accepts). */
export function loadSwagger(file: string): SwaggerDocument {
  return parseSwagger(readFileSync(file, 'utf8'));
}

/**
 * The body schema of `method path` answering `status`, where `path` is the document's templated
 * path without the version prefix (`/containers/{id}/json`). Undefined when that response has no
 * body schema.
 * @throws InvalidArgumentError when the document has no such operation or no such status for it.
 */
export function responseSchema(doc: SwaggerDocument, method: string, path: string, status: number): SchemaObject | undefined {
  const operation = doc.paths[path]?.[method.toLowerCase()];
  if (operation === undefined) throw new InvalidArgumentError('path', `the API definition has no operation ${method.toUpperCase()} ${path}`);
  const response = operation.responses?.[String(status)];
  if (response === undefined) throw new InvalidArgumentError('status', `${method.toUpperCase()} ${path} documents no ${status} response`);
  return response.schema;
}

/**
 * Resolves a local reference `#/definitions/Name`.
 * @throws InvalidArgumentError for any other reference form or an unknown name.
 */
export function resolveRef(doc: SwaggerDocument, ref: string): SchemaObject {
  const prefix = '#/definitions/';
  const target = ref.startsWith(prefix) ? doc.definitions[ref.slice(prefix.length)] : undefined;
  if (target === undefined) throw new InvalidArgumentError('$ref', `cannot resolve ${ref}: only #/definitions/<name> of this document is supported`);
  return target;
}

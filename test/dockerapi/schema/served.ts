/**
 * Test harness for checking a served VCH's answers against docker's API definition: where the
 * definition lives, a JSON request over HTTP, and one call that fetches a response and returns
 * its violations of the documented schema for its status.
 */
import { resolve } from 'node:path';
import { responseSchema, type SwaggerDocument } from './swagger.js';
import { validateValue, type Violation } from './walker.js';

/** moby's API definition for 1.47, shared/reference/ beside the project root. */
export const DOCKER_API_DEFINITION = resolve(import.meta.dirname, '../../../../shared/reference/docker-engine-api-v1.47.yaml');

/** An HTTP answer with its body parsed as JSON (undefined for an empty body). */
export interface JsonAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * Sends `method path` to the Docker API on 127.0.0.1:`port` with an optional JSON body and reads the
 * whole answer. Precondition: the answer, if not empty, is one JSON document (not a stream).
 */
export async function requestJson(port: number, method: string, path: string, body?: unknown): Promise<JsonAnswer> {
  const init: RequestInit = body === undefined ? { method } : { method, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } };
  const res = await fetch(`http://127.0.0.1:${port}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** What `conformance` found for one endpoint. */
export interface Conformance {
  readonly status: number;
  readonly body: unknown;
  readonly violations: readonly Violation[];
}

/** One endpoint to check: the request sent and the documented operation it answers. */
export interface EndpointCall {
  readonly method: string;
  /** The concrete path sent, with its query (`/containers/abc/stats?stream=0`). */
  readonly path: string;
  /** The document's templated path without the version prefix (`/containers/{id}/stats`). */
  readonly template: string;
  readonly body?: unknown;
}

/**
 * Sends the call and validates its body against the documented schema for the status it got.
 * @throws InvalidArgumentError when the document has no such operation or status (an undocumented
 *         status is itself a finding); Error when the status documents a schema but the body is empty.
 */
export async function conformance(doc: SwaggerDocument, port: number, call: EndpointCall): Promise<Conformance> {
  const { status, body } = await requestJson(port, call.method, call.path, call.body);
  const schema = responseSchema(doc, call.method, call.template, status);
  if (schema === undefined) return { status, body, violations: [] };
  if (body === undefined) throw new Error(`${call.method} ${call.path} answered ${status} with no body where the definition has a schema`);
  return { status, body, violations: validateValue(doc, schema, body) };
}

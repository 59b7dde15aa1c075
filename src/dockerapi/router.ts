/**
 * The route table's types and matcher: one table from (method, path) to handler, matched against
 * the path after the `/v1.NN` prefix. Patterns use `{id}` for one path segment and `{name*}` for the
 * rest of the path (image references in paths are not escaped: `/images/reg:5000/bb:v1/json`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ContainerEngine } from '../vch/engine/engine.js';
import { BadParameterError } from '../vch/engine/errors.js';
import type { Query } from './query.js';

/** Something that takes log lines (warnings about plain TCP, unexpected errors). */
export interface ApiLogger {
  warn(message: string): void;
  error(message: string): void;
}

/** Limits and intervals of a server, after defaults. */
export interface ServerLimits {
  /** Largest JSON body accepted (bytes). */
  readonly maxJsonBodyBytes: number;
  /** Largest tar upload accepted (PUT archive, image load; bytes). */
  readonly maxArchiveBodyBytes: number;
  /** Interval between stats samples of a stream (ms; docker: 1000). */
  readonly statsIntervalMs: number;
}

/** What every handler gets. */
export interface BaseContext {
  readonly engine: ContainerEngine;
  /** Path parameters in pattern order, percent-decoded. */
  readonly params: readonly string[];
  readonly query: Query;
  /** The API version of the request (MAX_API_VERSION when unversioned). */
  readonly apiVersion: string;
  /** Aborted when the client goes away or the server closes. */
  readonly signal: AbortSignal;
  readonly limits: ServerLimits;
  readonly headers: IncomingMessage['headers'];
}

/** A plain request: the handler reads the body itself and writes the response. */
export interface RequestContext extends BaseContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The body parsed as JSON within the JSON limit; empty gives `emptyValue` (required if undefined). */
  json(emptyValue?: unknown): Promise<unknown>;
  /** The raw body within the archive limit. */
  bytes(): Promise<Buffer>;
}

/**
 * The output side of attach and exec start: a hijacked socket (101 UPGRADED) or a plain 200
 * response (dockerode's default). Writes after the client went are dropped.
 */
export interface StreamConnection {
  /** True for a hijacked (101) connection, which also carries stdin. */
  readonly upgraded: boolean;
  /** The options body (exec start's JSON; empty for attach). */
  readonly options: Buffer;
  /** Whether `begin` was called (an error after it can no longer be an HTTP status). */
  readonly started: boolean;
  /**
   * Sends the status line and headers (101 or 200) with this content type. Call once. With
   * `firstFrameGapMs`, a hijacked connection holds output written sooner than that after the head
   * (see HIJACK_FIRST_FRAME_GAP_MS); the plain form ignores it.
   */
  begin(contentType: string, firstFrameGapMs?: number): void;
  write(chunk: Uint8Array): void;
  /** Ends the output (closes the attach stream); the connection closes once the client is done. */
  end(): void;
  /** Receives stdin (hijacked only): chunks in order, then `onEnd` at the client's half-close. */
  onInput(onData: (chunk: Buffer) => void, onEnd: () => void): void;
}

/** A route answering plain requests. */
export type PlainHandler = (ctx: RequestContext) => Promise<void>;
/** A route that streams both ways (attach, exec start). */
export type StreamHandler = (ctx: BaseContext, conn: StreamConnection) => Promise<void>;

/** One row of the route table. */
export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handle?: PlainHandler;
  readonly stream?: StreamHandler;
  /** For stream routes answered without upgrade: whether the body is options to read (exec start) or stdin to ignore (attach). */
  readonly readsOptions?: boolean;
}

/** Compiles `/containers/{id}/json` to a regular expression with one group per parameter. */
export function compilePattern(template: string): RegExp {
  const source = template
    .split('/')
    .map((seg) => (seg === '{name*}' ? '(.+)' : /^\{\w+\}$/.test(seg) ? '([^/]+)' : seg.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

/** A plain route. */
export function route(method: string, template: string, handle: PlainHandler): Route {
  return { method, pattern: compilePattern(template), handle };
}

/** A stream route (attach, exec start). */
export function streamRoute(method: string, template: string, stream: StreamHandler, readsOptions: boolean): Route {
  return { method, pattern: compilePattern(template), stream, readsOptions };
}

/** The outcome of matching a path. */
export type RouteMatch = { readonly route: Route; readonly params: string[] } | undefined;

/**
 * Finds the first route whose pattern and method match. Parameters are percent-decoded (400 if the
 * encoding is broken). O(routes).
 */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (!m) continue;
    return { route: r, params: m.slice(1).map(decodeParam) };
  }
  return undefined;
}

function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new BadParameterError(`invalid percent-encoding in path parameter ${JSON.stringify(raw)}`);
  }
}

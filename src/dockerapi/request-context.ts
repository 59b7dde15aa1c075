/**
 * The per-request objects the dispatcher hands to handlers: the request's lifetime (its abort
 * signal, made lazily) and the handler contexts. Making them costs O(1) and no AbortController
 * unless a handler reads `signal`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ContainerEngine } from '../vch/engine/engine.js';
import { parseJsonBody, readBody } from './body.js';
import type { Query } from './query.js';
import type { BaseContext, RequestContext, ServerLimits } from './router.js';

/**
 * Why a request's signal aborts: one reason for all (dockerd's clients see only the close). Made
 * once: a DOMException per request cost more than the rest of the request's bookkeeping.
 */
const REQUEST_ENDED = new DOMException('This operation was aborted', 'AbortError');

/**
 * A request's life: its AbortSignal is made only when a handler asks for it (most answer without),
 * and aborted when the request ends (the client went, the response closed, or the server closes).
 */
export class RequestLifetime {
  #controller: AbortController | undefined;
  #ended = false;

  /** Aborted once the request ended (already aborted if it has). O(1). */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#ended) this.#controller.abort(REQUEST_ENDED);
    }
    return this.#controller.signal;
  }

  /** Ends the request: aborts its signal if one was handed out. Idempotent. O(1) plus the signal's listeners. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#controller?.abort(REQUEST_ENDED);
  }
}

/** What every handler gets; the signal is made on first read (see RequestLifetime). Precondition: `params` are decoded. */
export class RequestBase implements BaseContext {
  constructor(
    readonly engine: ContainerEngine,
    readonly params: readonly string[],
    readonly query: Query,
    readonly apiVersion: string,
    readonly lifetime: RequestLifetime,
    readonly limits: ServerLimits,
    readonly headers: IncomingMessage['headers'],
  ) {}

  get signal(): AbortSignal {
    return this.lifetime.signal;
  }
}

/** A plain request's context: the base, the request and response, and body readers within the limits. */
export class PlainRequestContext extends RequestBase implements RequestContext {
  constructor(
    base: RequestBase,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {
    super(base.engine, base.params, base.query, base.apiVersion, base.lifetime, base.limits, base.headers);
  }

  async json(emptyValue?: unknown): Promise<unknown> {
    return parseJsonBody(await readBody(this.req, this.limits.maxJsonBodyBytes), emptyValue);
  }

  bytes(): Promise<Buffer> {
    return readBody(this.req, this.limits.maxArchiveBodyBytes);
  }
}

/**
 * The admin API's client, what `vicsim vch …` uses to reach a running `vicsim serve`.
 * A refused connection is an AdminUnreachableError; an error answer is an AdminRequestError
 * carrying the status and the server's message.
 */
import { VicsimError } from '../../sim/errors.js';
import type { VchSpec } from '../../vch/vch-spec.js';
import type { VchChanges } from '../../vch/vch-lifecycle.js';
import type { VchDeleteResponse, VchDescription } from './types.js';

/** The admin API's default address. */
export const DEFAULT_ADMIN_URL = 'http://127.0.0.1:2378';

/** No server answers at the admin address (code `AdminUnreachable`). */
export class AdminUnreachableError extends VicsimError {
  constructor(readonly url: string) {
    super('AdminUnreachable', `no vicsim serve answers on ${url} — start one with npm start`);
  }
}

/** The admin API answered with an error (code `AdminRequestFailed`); the message is the server's. */
export class AdminRequestError extends VicsimError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super('AdminRequestFailed', message);
  }
}

/** Calls the admin API at `url` (e.g. http://127.0.0.1:2378). */
export class AdminClient {
  readonly url: string;

  constructor(url: string = DEFAULT_ADMIN_URL) {
    this.url = url.replace(/\/+$/, '');
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}),
      });
    } catch {
      throw new AdminUnreachableError(this.url);
    }
    const text = await res.text();
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      throw new AdminRequestError(res.status, `the server on ${this.url} is not a vicsim admin API (HTTP ${res.status}: ${text.slice(0, 80)})`);
    }
    if (!res.ok) throw new AdminRequestError(res.status, (value as { message?: string }).message ?? `HTTP ${res.status}`);
    return value as T;
  }

  /** GET /vchs. */
  list(): Promise<VchDescription[]> {
    return this.#call('GET', '/vchs');
  }
  /** POST /vchs. */
  create(spec: VchSpec, dockerPort?: number): Promise<VchDescription> {
    return this.#call('POST', '/vchs', dockerPort === undefined ? { spec } : { spec, dockerPort });
  }
  /** GET /vchs/{name}. */
  inspect(name: string): Promise<VchDescription> {
    return this.#call('GET', `/vchs/${encodeURIComponent(name)}`);
  }
  /** PATCH /vchs/{name}. */
  configure(name: string, changes: VchChanges): Promise<VchDescription> {
    return this.#call('PATCH', `/vchs/${encodeURIComponent(name)}`, { changes });
  }
  /** DELETE /vchs/{name}. */
  delete(name: string, force: boolean): Promise<VchDeleteResponse> {
    return this.#call('DELETE', `/vchs/${encodeURIComponent(name)}${force ? '?force=true' : ''}`);
  }
}

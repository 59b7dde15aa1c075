/**
 * The Docker Engine API server: one route table served over TCP (optionally TLS) and unix sockets.
 * Every response carries docker's headers; errors are mapped in errors.ts; a handler that throws
 * or a client that disconnects never takes the server down. Held streams (events, logs -f, attach,
 * wait, pulls) end when the server closes.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ContainerEngine } from '../vch/engine/engine.js';
import { NoSuchObjectError } from '../vch/engine/errors.js';
import { readBody } from './body.js';
import { PlainStreamConnection, readOptionsBody, UpgradedConnection } from './connection.js';
import { toHttpError } from './errors.js';
import { Listeners, type TlsSettings } from './listeners.js';
import { Query } from './query.js';
import { PlainRequestContext, RequestBase, RequestLifetime } from './request-context.js';
import { matchRoute, type ApiLogger, type Route, type ServerLimits } from './router.js';
import { ROUTES } from './routes/index.js';
import { negotiateVersion } from './version.js';
import { dockerHeaders, rawHttpResponse, sendError } from './wire.js';

/** Options of {@link createDockerApiServer}; every field has a default. */
export interface DockerApiServerOptions {
  /** Engine version shown in the `Server: Docker/<v> (linux)` header. Default "vicsim". */
  readonly serverVersion?: string;
  /** Largest JSON body (bytes). Default 1 MiB (estimate: moby has no limit; create bodies are a few KB). */
  readonly maxJsonBodyBytes?: number;
  /** Largest tar upload (bytes). Default 1 GiB (estimate). */
  readonly maxArchiveBodyBytes?: number;
  /** Stats stream interval (ms). Default 1000, as dockerd. */
  readonly statsIntervalMs?: number;
  /** Where warnings and unexpected errors go. Default: the console. */
  readonly logger?: ApiLogger;
  /** TLS: `verify` = mutual TLS, `no-verify` = server authentication only; certificates from `dir`. */
  readonly tls?: TlsSettings;
  /** The route table; default the full Docker API (tests may narrow it). */
  readonly routes?: readonly Route[];
}

/** A running (or ready) Docker API server. */
export interface DockerApiServer {
  /** Listens on TCP; resolves with the bound port (pass 0 for any). Warns for plain TCP off loopback. */
  listenTcp(port: number, host?: string): Promise<number>;
  /** Listens on a unix socket; a stale socket file is removed, a live one refused. */
  listenUnix(path: string): Promise<void>;
  /** Ends held streams, then closes every listener. */
  close(): Promise<void>;
}

const DEFAULT_LIMITS: ServerLimits = { maxJsonBodyBytes: 1 << 20, maxArchiveBodyBytes: 1 << 30, statsIntervalMs: 1000 };

const consoleLogger: ApiLogger = { warn: (m) => console.warn(m), error: (m) => console.error(m) };

/** Creates a server for `engine`. Nothing listens until `listenTcp`/`listenUnix`. */
export function createDockerApiServer(engine: ContainerEngine, opts: DockerApiServerOptions = {}): DockerApiServer {
  const limits: ServerLimits = {
    maxJsonBodyBytes: opts.maxJsonBodyBytes ?? DEFAULT_LIMITS.maxJsonBodyBytes,
    maxArchiveBodyBytes: opts.maxArchiveBodyBytes ?? DEFAULT_LIMITS.maxArchiveBodyBytes,
    statsIntervalMs: opts.statsIntervalMs ?? DEFAULT_LIMITS.statsIntervalMs,
  };
  const dispatcher = new Dispatcher(engine, opts.routes ?? ROUTES, limits, opts.serverVersion ?? 'vicsim', opts.logger ?? consoleLogger);
  const listeners = new Listeners(dispatcher, opts.logger ?? consoleLogger, opts.tls);
  return {
    listenTcp: (port, host = '127.0.0.1') => listeners.listenTcp(port, host),
    listenUnix: (path) => listeners.listenUnix(path),
    close: async () => {
      dispatcher.abortAll();
      await listeners.close();
    },
  };
}

/** Routes requests and upgrades to handlers; tracks what is in flight so close() can end it. */
export class Dispatcher {
  private readonly inFlight = new Set<RequestLifetime>();
  private readonly logged = new WeakSet<object>();
  private readonly headers: Record<string, string>;
  /** `headers` as pairs, listed once rather than per request. */
  private readonly headerPairs: readonly (readonly [string, string])[];

  constructor(
    private readonly engine: ContainerEngine,
    private readonly routes: readonly Route[],
    private readonly limits: ServerLimits,
    serverVersion: string,
    private readonly logger: ApiLogger,
  ) {
    this.headers = dockerHeaders(serverVersion);
    this.headerPairs = Object.entries(this.headers);
  }

  /** Aborts every request in flight (their handlers end their streams). */
  abortAll(): void {
    for (const c of this.inFlight) c.end();
  }

  /** Handles a plain request. Never throws. */
  onRequest(req: IncomingMessage, res: ServerResponse): void {
    for (const [k, v] of this.headerPairs) res.setHeader(k, v);
    const lifetime = this.track();
    res.on('close', () => this.untrack(lifetime));
    req.on('error', () => lifetime.end());
    this.serve(req, res, lifetime).catch((err: unknown) => {
      const e = this.map(err);
      if (!res.headersSent) sendError(res, e.status, e.message);
      else res.destroy();
    });
  }

  /** Handles a request with `Connection: Upgrade` (hijacked attach and exec start). Never throws. */
  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const lifetime = this.track();
    socket.on('close', () => this.untrack(lifetime));
    let conn: UpgradedConnection | undefined;
    const run = async (): Promise<void> => {
      const { ctx, route } = this.resolve(req, lifetime);
      if (!route.stream) throw new NoSuchObjectError('page not found');
      const length = Number(req.headers['content-length'] ?? 0) || 0;
      const { options, rest } = await readOptionsBody(socket, head, length, this.limits.maxJsonBodyBytes);
      conn = new UpgradedConnection(socket, options, rest, this.headers);
      await route.stream(ctx, conn);
    };
    run().catch((err: unknown) => {
      const e = this.map(err);
      if (conn?.started) conn.end();
      else socket.end(rawHttpResponse(e.status, STATUS_CODES[e.status] ?? 'Error', { ...this.headers, 'Content-Type': 'application/json' }, JSON.stringify({ message: e.message }) + '\n'));
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse, lifetime: RequestLifetime): Promise<void> {
    const { ctx, route } = this.resolve(req, lifetime);
    if (route.stream) {
      let options: Buffer = Buffer.alloc(0);
      if (route.readsOptions) options = await readBody(req, this.limits.maxJsonBodyBytes);
      else req.resume();
      const conn = new PlainStreamConnection(req, res, options);
      try {
        await route.stream(ctx, conn);
      } finally {
        if (conn.started) conn.end();
      }
      return;
    }
    await route.handle!(new PlainRequestContext(ctx, req, res));
  }

  private resolve(req: IncomingMessage, lifetime: RequestLifetime): { ctx: RequestBase; route: Route } {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const { version, path } = negotiateVersion(q < 0 ? url : url.slice(0, q));
    const match = matchRoute(this.routes, req.method ?? 'GET', path);
    if (!match) throw new NoSuchObjectError('page not found');
    const query = new Query(new URLSearchParams(q < 0 ? '' : url.slice(q + 1)));
    return { ctx: new RequestBase(this.engine, match.params, query, version, lifetime, this.limits, req.headers), route: match.route };
  }

  private map(err: unknown): ReturnType<typeof toHttpError> {
    const e = toHttpError(err);
    if (e.unexpected && !(typeof err === 'object' && err !== null && this.logged.has(err))) {
      if (typeof err === 'object' && err !== null) this.logged.add(err);
      this.logger.error(`docker api: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    return e;
  }

  private track(): RequestLifetime {
    const c = new RequestLifetime();
    this.inFlight.add(c);
    return c;
  }

  private untrack(c: RequestLifetime): void {
    c.end();
    this.inFlight.delete(c);
  }
}

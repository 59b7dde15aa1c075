/**
 * The listening side: one http (or https) server per address, all feeding one Dispatcher. Unix
 * sockets: a stale socket file is removed, a live one refused. Plain TCP off loopback is warned about.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type Socket } from 'node:net';
import { lstatSync, unlinkSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { InvalidArgumentError } from '../sim/errors.js';
import type { ApiLogger } from './router.js';
import type { Dispatcher } from './server.js';
import { loadTlsFiles } from './tls.js';

/** TLS of a server: `verify` = mutual TLS (clients need a certificate signed by the CA), `no-verify` = server auth only. */
export interface TlsSettings {
  readonly mode: 'verify' | 'no-verify';
  /** Directory holding ca.pem, server-cert.pem and server-key.pem (see generateTlsMaterial). */
  readonly dir: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** The set of listening servers of one Docker API server. */
export class Listeners {
  private readonly servers: Server[] = [];
  private readonly hijacked = new Set<Duplex>();

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly logger: ApiLogger,
    private readonly tls: TlsSettings | undefined,
  ) {}

  /** Listens on host:port; resolves with the bound port. */
  async listenTcp(port: number, host: string): Promise<number> {
    if (!this.tls && !LOOPBACK.has(host)) {
      this.logger.warn(`WARNING: the Docker API listens on plain TCP at ${host}:${port} without TLS: anyone who can reach it controls the VCH. Use TLS (--tls) off loopback.`);
    }
    const server = this.newServer(this.tls !== undefined);
    await listen(server, () => server.listen(port, host));
    const address = server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  /** Listens on a unix socket path (plain HTTP, as dockerd's socket). */
  async listenUnix(path: string): Promise<void> {
    await removeStaleSocket(path);
    const server = this.newServer(false);
    await listen(server, () => server.listen(path));
  }

  /** Ends hijacked sockets and closes every server and connection. */
  async close(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    for (const s of this.hijacked) s.end();
    const closed = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const s of this.servers) s.closeIdleConnections();
    await new Promise((r) => setImmediate(r));
    for (const s of this.servers) s.closeAllConnections();
    for (const s of this.hijacked) s.destroy();
    await Promise.all(closed);
  }

  private newServer(secure: boolean): Server {
    const server: Server = secure && this.tls ? createHttpsServer(httpsOptions(this.tls)) : createHttpServer();
    server.requestTimeout = 0;
    server.headersTimeout = 60_000;
    server.keepAliveTimeout = 5_000;
    server.on('request', (req, res) => this.dispatcher.onRequest(req, res));
    server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
      this.hijacked.add(socket);
      socket.on('close', () => this.hijacked.delete(socket));
      this.dispatcher.onUpgrade(req, socket, head);
    });
    server.on('clientError', (_err, socket: Duplex) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    this.servers.push(server);
    return server;
  }
}

function httpsOptions(tls: TlsSettings): object {
  const files = loadTlsFiles(tls.dir);
  return { ca: files.ca, cert: files.serverCert, key: files.serverKey, requestCert: tls.mode === 'verify', rejectUnauthorized: tls.mode === 'verify' };
}

function listen(server: Server, start: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve();
    });
    start();
  });
}

/** Removes `path` if it is a socket nobody answers on; refuses a live socket or a non-socket file. */
async function removeStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return;
  }
  if (!isSocket) throw new InvalidArgumentError('path', `${path} exists and is not a socket: refusing to replace it`);
  const live = await new Promise<boolean>((resolve) => {
    const probe: Socket = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new InvalidArgumentError('path', `${path} is in use by a running server`);
  unlinkSync(path);
}

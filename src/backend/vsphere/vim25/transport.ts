/**
 * HTTP for vim25: one POST per call over keep-alive sockets, with TLS verification, timeouts and a
 * bounded retry. Built on node:http/https rather than fetch because the retry rule needs to know
 * whether a request could have reached the server: the body is written only once the socket is
 * connected (and, for https, its certificate verified), so a failure before that point provably sent
 * nothing. fetch hides the socket, and pinning a certificate thumbprint with it needs undici's
 * dispatcher API, which is not a dependency here.
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { InvalidArgumentError } from '../../../sim/errors.js';
import { VimCertificateError, VimConnectionError } from './errors.js';

/** How https certificates are checked. Verification is never switched off. */
export interface TlsOptions {
  /** SHA-1 or SHA-256 fingerprint of the server certificate (hex, colons optional): pins it. */
  readonly thumbprint?: string;
  /** CA certificates (PEM) trusted in place of the system store. */
  readonly ca?: string | readonly string[];
}

/** Timeouts, retries and pooling. Defaults are estimates (no figure in shared/reference/calibration.md). */
export interface TransportOptions {
  readonly tls?: TlsOptions;
  /** Until the socket is connected (and TLS verified). Default 10 s (estimate). */
  readonly connectTimeoutMs?: number;
  /** Whole request, connect to last response byte. Default 120 s (estimate). */
  readonly requestTimeoutMs?: number;
  /** Extra attempts after a transient failure. Default 3 (estimate). */
  readonly maxRetries?: number;
  /** First backoff, doubled per retry. Default 100 ms (estimate). */
  readonly retryDelayMs?: number;
  /** Sockets kept per server. Default 16 (estimate). */
  readonly maxSockets?: number;
  /** Idle keep-alive sockets are closed after this long, below usual proxy idle limits. Default 15 s (estimate). */
  readonly idleSocketTimeoutMs?: number;
  /** Called with every completed exchange (for recording fixtures and debugging). */
  readonly onExchange?: (exchange: SoapExchange) => void;
}

/** One request/response pair as it crossed the wire. */
export interface SoapExchange {
  readonly label: string;
  readonly requestBody: string;
  readonly status: number;
  readonly responseBody: string;
}

/** One POST to send. */
export interface SoapPost {
  /** For messages and the exchange hook (the vim method name). */
  readonly label: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  /** True when repeating the call is harmless even if the server already executed it. */
  readonly idempotent: boolean;
  /** Overrides requestTimeoutMs (long polls). */
  readonly timeoutMs?: number;
}

/** The server's answer: status, body text and any Set-Cookie headers. */
export interface HttpReply {
  readonly status: number;
  readonly body: string;
  readonly setCookie: readonly string[];
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED',
  'VIM_TIMEOUT',
]);

/** True for 127.0.0.0/8, ::1 and localhost: the only hosts plain http may be used with. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Normalises a thumbprint to upper-case hex pairs joined by colons, as Node prints fingerprints. */
export function normaliseThumbprint(thumbprint: string): string {
  const hex = thumbprint.replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]+$/.test(hex) || (hex.length !== 40 && hex.length !== 64)) {
    throw new InvalidArgumentError('thumbprint', 'a thumbprint is 40 (SHA-1) or 64 (SHA-256) hex digits');
  }
  return hex.match(/../g)?.join(':') ?? hex;
}

function isCertificateFailure(error: Error & { code?: string }): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(error.code ?? '');
}

class AttemptError extends Error {
  constructor(
    override readonly cause: Error & { code?: string },
    readonly sent: boolean,
  ) {
    super(cause.message);
  }
}

/** Sends SOAP POSTs to one server URL. Safe for concurrent use; close() releases the sockets. */
export class SoapTransport {
  private readonly agent: http.Agent;
  private readonly verified = new WeakSet<Socket>();
  private readonly thumbprint: string | undefined;
  private readonly isHttps: boolean;

  /**
   * Precondition: url is http(s); plain http only to a loopback host (vcsim), otherwise
   * InvalidArgumentError. https verifies the certificate against `tls.ca`, the system store, or a pin.
   */
  constructor(
    readonly url: URL,
    private readonly options: TransportOptions = {},
  ) {
    this.isHttps = url.protocol === 'https:';
    if (!this.isHttps && url.protocol !== 'http:') {
      throw new InvalidArgumentError('url', `unsupported protocol ${url.protocol} (use https, or http for loopback)`);
    }
    if (!this.isHttps && !isLoopbackHost(url.hostname)) {
      throw new InvalidArgumentError('url', `plain http is allowed only for loopback hosts, not ${url.hostname}`);
    }
    this.thumbprint = options.tls?.thumbprint === undefined ? undefined : normaliseThumbprint(options.tls.thumbprint);
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16, timeout: options.idleSocketTimeoutMs ?? 15_000 };
    const ca = options.tls?.ca;
    this.agent = this.isHttps
      ? new https.Agent({ ...agentOptions, rejectUnauthorized: this.thumbprint === undefined, ...(ca ? { ca: ca as string | string[] } : {}) })
      : new http.Agent(agentOptions);
  }

  /**
   * Sends one POST, retrying transient network failures with exponential backoff: always when the
   * request never left this process, and after it may have reached the server only for idempotent posts.
   * Any HTTP status is returned, not thrown. Throws VimConnectionError or VimCertificateError.
   */
  async post(request: SoapPost): Promise<HttpReply> {
    const maxRetries = this.options.maxRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        const reply = await this.attempt(request);
        this.options.onExchange?.({ label: request.label, requestBody: request.body, status: reply.status, responseBody: reply.body });
        return reply;
      } catch (error) {
        const failure = error as AttemptError;
        if (failure.cause instanceof VimCertificateError) throw failure.cause;
        if (isCertificateFailure(failure.cause)) throw new VimCertificateError(this.url.origin, failure.cause.message);
        const retriable = TRANSIENT_CODES.has(failure.cause.code ?? '') && (request.idempotent || !failure.sent);
        if (!retriable || attempt >= maxRetries) {
          throw new VimConnectionError(this.url.origin, failure.sent, `${request.label}: ${failure.cause.message}`);
        }
        await new Promise((resolve) => setTimeout(resolve, (this.options.retryDelayMs ?? 100) * 2 ** attempt));
      }
    }
  }

  /** Closes idle sockets and refuses nothing further: later posts open new sockets. */
  close(): void {
    this.agent.destroy();
  }

  private attempt(request: SoapPost): Promise<HttpReply> {
    return new Promise((resolve, reject) => {
      let sent = false;
      const transport = this.isHttps ? https : http;
      const req = transport.request(this.url, {
        method: 'POST',
        agent: this.agent,
        headers: { ...request.headers, 'Content-Length': Buffer.byteLength(request.body) },
      });
      const timeout = (what: string, ms: number) =>
        setTimeout(() => req.destroy(Object.assign(new Error(`${what} took over ${ms} ms`), { code: 'VIM_TIMEOUT' })), ms);
      const connectTimer = timeout('connecting', this.options.connectTimeoutMs ?? 10_000);
      const requestTimer = timeout('the request', request.timeoutMs ?? this.options.requestTimeoutMs ?? 120_000);
      const finish = () => (clearTimeout(connectTimer), clearTimeout(requestTimer));
      req.on('error', (error: Error) => (finish(), reject(new AttemptError(error, sent))));
      req.on('socket', (socket) => {
        this.whenReady(socket).then(
          () => ((sent = true), clearTimeout(connectTimer), req.end(request.body)),
          (error: Error) => req.destroy(error),
        );
      });
      req.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => (finish(), reject(new AttemptError(error, true))));
        response.on('end', () => {
          finish();
          const setCookie = response.headers['set-cookie'] ?? [];
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), setCookie });
        });
      });
    });
  }

  /** Resolves once the socket is connected and, for https, its certificate checked. */
  private whenReady(socket: Socket): Promise<void> {
    if (this.verified.has(socket)) return Promise.resolve();
    const event = this.isHttps ? 'secureConnect' : 'connect';
    const alreadyUp = !this.isHttps && !socket.connecting;
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        try {
          if (this.isHttps) this.checkCertificate(socket as TLSSocket);
          this.verified.add(socket);
          resolve();
        } catch (error) {
          reject(error as Error);
        }
      };
      if (alreadyUp) check();
      else socket.once(event, check);
    });
  }

  private checkCertificate(socket: TLSSocket): void {
    const certificate = socket.getPeerCertificate();
    if (this.thumbprint === undefined) {
      if (!socket.authorized) throw new VimCertificateError(this.url.origin, `untrusted certificate: ${String(socket.authorizationError)}`);
      return;
    }
    const seen = this.thumbprint.length > 59 ? certificate.fingerprint256 : certificate.fingerprint;
    if (seen !== this.thumbprint) {
      throw new VimCertificateError(this.url.origin, `certificate thumbprint ${seen} does not match the pinned ${this.thumbprint}`);
    }
  }
}

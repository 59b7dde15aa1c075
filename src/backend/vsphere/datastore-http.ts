/**
 * vCenter's datastore HTTP interface: `GET|PUT /folder/<path>?dcPath=<datacenter>&dsName=<datastore>`,
 * authenticated by the SOAP session's cookie, bodies as raw bytes. The TLS rules are the SOAP
 * transport's: the CA list or a pinned thumbprint, never unverified.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { NotFoundError, SystemError } from '../../sim/errors.js';
import { VimCertificateError, VimConnectionError, type VimClient, type TransportOptions } from './vim25/index.js';
import { normaliseThumbprint } from './vim25/transport.js';

/** Where one datastore file is. */
export interface FolderPath {
  readonly datacenterName: string;
  readonly datastoreName: string;
  /** Path inside the datastore, `/`-separated. */
  readonly path: string;
}

function folderUrl(client: VimClient, where: FolderPath): URL {
  const url = new URL(client.url);
  url.pathname = `/folder/${where.path.split('/').map(encodeURIComponent).join('/')}`;
  url.search = new URLSearchParams({ dcPath: where.datacenterName, dsName: where.datastoreName }).toString();
  return url;
}

/** Checks a pinned certificate's SHA-256 or SHA-1 fingerprint. */
function pinned(thumbprint: string, socket: TLSSocket): boolean {
  const raw = socket.getPeerCertificate().raw;
  if (raw === undefined) return false;
  return [createHash('sha256').update(raw).digest('hex'), createHash('sha1').update(raw).digest('hex')].includes(thumbprint);
}

/**
 * Sends one /folder request and returns the status and body bytes.
 * @throws VimConnectionError, VimCertificateError
 */
function send(url: URL, method: 'GET' | 'PUT', cookie: string | undefined, body: Uint8Array | undefined, options: TransportOptions): Promise<{ status: number; body: Buffer }> {
  const thumbprint = options.tls?.thumbprint === undefined ? undefined : normaliseThumbprint(options.tls.thumbprint).replace(/:/g, '').toLowerCase();
  const headers: Record<string, string | number> = { ...(cookie === undefined ? {} : { Cookie: cookie }), ...(body === undefined ? {} : { 'Content-Type': 'application/octet-stream', 'Content-Length': body.byteLength }) };
  const tls = url.protocol === 'https:' ? { rejectUnauthorized: thumbprint === undefined, ...(options.tls?.ca ? { ca: options.tls.ca as string | string[] } : {}) } : {};
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(url, { method, headers, ...tls, timeout: options.requestTimeoutMs ?? 120_000 }, (response) => {
      const socket = response.socket as TLSSocket;
      if (thumbprint !== undefined && !pinned(thumbprint, socket)) {
        response.destroy();
        reject(new VimCertificateError(url.origin, 'the certificate does not match the pinned thumbprint'));
        return;
      }
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
      response.on('error', (e) => reject(new VimConnectionError(url.origin, true, e.message)));
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (e) => reject(new VimConnectionError(url.origin, true, `${method} ${url.pathname}: ${e.message}`)));
    request.end(body === undefined ? undefined : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  });
}

/** GET /folder: the file's bytes. @throws NotFoundError (404), SystemError for another status. */
export async function downloadFile(client: VimClient, where: FolderPath, dsPath: string, options: TransportOptions): Promise<Uint8Array> {
  const reply = await send(folderUrl(client, where), 'GET', client.sessionCookie, undefined, options);
  if (reply.status === 404) throw new NotFoundError('file', dsPath);
  if (reply.status !== 200) throw new SystemError(`GET ${dsPath} answered HTTP ${reply.status}`);
  return new Uint8Array(reply.body);
}

/** PUT /folder: writes the file whole. @throws NotFoundError (404), SystemError for another failure status. */
export async function uploadFile(client: VimClient, where: FolderPath, dsPath: string, data: Uint8Array, options: TransportOptions): Promise<void> {
  const reply = await send(folderUrl(client, where), 'PUT', client.sessionCookie, data, options);
  if (reply.status === 404) throw new NotFoundError('folder', dsPath);
  if (reply.status < 200 || reply.status > 299) throw new SystemError(`PUT ${dsPath} answered HTTP ${reply.status}`);
}

/**
 * Turns a registry's error answers and Node's network failures into the typed errors of errors.ts,
 * worded as docker renders them (distribution's errcode: "<code in lowercase words>: <message>")
 * and, where VIC words them differently, as VIC does.
 */
import {
  ManifestUnknownError,
  RegistryResponseError,
  RegistryUnauthorizedError,
  RegistryUnavailableError,
  RepositoryNotFoundError,
} from './errors.js';

/** What an error needs to know about the conversation it came from. */
export interface ErrorContext {
  readonly host: string;
  readonly repository: string;
  readonly familiarName: string;
}

interface RegistryErrorBody {
  errors?: { code?: unknown; message?: unknown }[];
}

/**
 * The typed error for a non-2xx registry answer to a request for `path` ("manifests/<ref>",
 * "blobs/<digest>", …). Consumes the body. O(body size).
 */
export async function errorFromResponse(response: Response, context: ErrorContext, path: string): Promise<Error> {
  const errors = await readErrors(response);
  const codes = errors.map((e) => e.code);
  const rendered = renderErrors(errors) ?? `received unexpected HTTP status: ${response.status} ${response.statusText}`;
  const challenge = response.headers.get('www-authenticate') ?? '';
  if (response.status === 401) {
    if (/error="?insufficient_scope/.test(challenge)) return new RepositoryNotFoundError(context.familiarName);
    return new RegistryUnauthorizedError(context.host, renderErrors(errors) ?? undefined);
  }
  if (codes.includes('DENIED') || codes.includes('NAME_UNKNOWN')) return new RepositoryNotFoundError(context.familiarName);
  if (response.status === 404 && path.startsWith('manifests/')) {
    const reference = path.slice('manifests/'.length);
    const familiar = `${context.familiarName}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`;
    return new ManifestUnknownError(context.repository, reference, familiar);
  }
  return new RegistryResponseError(response.status, rendered);
}

async function readErrors(response: Response): Promise<{ code: string; message: string }[]> {
  let text: string;
  try {
    text = await response.text();
  } catch {
    return [];
  }
  try {
    const body = JSON.parse(text) as RegistryErrorBody;
    return (body.errors ?? []).map((e) => ({ code: String(e.code ?? 'UNKNOWN'), message: String(e.message ?? '') }));
  } catch {
    return [];
  }
}

/** docker's rendering of distribution errcode errors; undefined when there are none. */
function renderErrors(errors: readonly { code: string; message: string }[]): string | undefined {
  const lines = errors.map((e) => `${e.code.toLowerCase().replace(/_/g, ' ')}: ${e.message}`);
  if (lines.length === 0) return undefined;
  return lines.length === 1 ? lines[0] : `errors:\n${lines.join('\n')}\n`;
}

/**
 * The error for a request that got no answer (DNS, refused connection, TLS, reset), worded like
 * Go's net errors as docker prints them. An abort by the caller's signal is returned unchanged.
 */
export function networkError(url: string, error: unknown): Error {
  if (error instanceof Error && error.name === 'AbortError') return error;
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  const code = cause?.code ?? (error as { code?: string } | null)?.code;
  const host = hostOf(url);
  const hostname = host.replace(/:\d+$/, '');
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new RegistryUnavailableError(url, `dial tcp: lookup ${hostname}: no such host`);
    case 'ECONNREFUSED':
      return new RegistryUnavailableError(url, `dial tcp ${host}: connect: connection refused`);
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return new RegistryUnavailableError(url, `read tcp ${host}: connection reset by peer`);
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new RegistryUnavailableError(url, `dial tcp ${host}: i/o timeout`);
    default:
      if (code?.startsWith('ERR_TLS') || code?.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
        return new RegistryUnavailableError(url, `tls: failed to verify certificate: x509: ${cause?.message ?? code}`);
      }
      return new RegistryUnavailableError(url, cause?.message ?? (error as Error)?.message ?? String(error));
  }
}

function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.port ? `${parsed.hostname}:${parsed.port}` : `${parsed.hostname}:${parsed.protocol === 'https:' ? 443 : 80}`;
  } catch {
    return url;
  }
}

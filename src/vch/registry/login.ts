/**
 * `docker login` (POST /auth) as dockerd does it (moby registry/auth.go, loginV2): the registry's
 * `/v2/` is asked without credentials; a 401 names how to authenticate in WWW-Authenticate. Bearer:
 * a token is fetched from the realm with the credentials (HTTP Basic on a GET with
 * `offline_token=true&client_id=docker`, or an OAuth2 refresh-token POST for an identity token) and
 * `/v2/` is asked again with it; the token service's `refresh_token`, when it gives one, comes back
 * as the IdentityToken the client stores instead of the password. Basic: `/v2/` is asked again with
 * the credentials. A registry that answers 200 at once needs no login and accepts any credentials.
 * The VCH's registry policy decides: the whitelist refuses other registries, insecure ones are
 * reached over plain HTTP, all others over HTTPS.
 */
import { InvalidArgumentError } from '../../sim/errors.js';
import { basicAuthorization, parseChallenges, tokenFromResponse } from './auth.js';
import type { AuthChallenge, RegistryCredentials } from './auth.js';
import { RegistryResponseError, RegistryUnauthorizedError, RegistryUnavailableError } from './errors.js';
import { DEFAULT_DOMAIN, DEFAULT_REGISTRY_HOST } from './reference.js';
import { checkRegistryAllowed, isInsecureRegistry } from './registry-policy.js';
import type { RegistryPolicy } from './registry-policy.js';
import { networkError } from './response-errors.js';

/** What dockerd answers a successful login with. */
export const LOGIN_SUCCEEDED = 'Login Succeeded';

/** How long each request of a login may take: dockerd's login client timeout (moby registry/auth.go, 15 s). */
export const DEFAULT_LOGIN_TIMEOUT_MS = 15_000;

/**
 * The refusal of a login without any credentials. dockerd would still ask the registry (and succeed
 * where it needs no auth); no docker client sends one (the CLI insists on a username), so the VCH
 * refuses it without dialling out on behalf of an anonymous request.
 */
const NO_CREDENTIALS = 'unauthorized: a username and password (or an identity token) are required to log in';

/** docker's OAuth2 client id for token services (moby registry.AuthClientID). */
const AUTH_CLIENT_ID = 'docker';

/** A login to ask for. */
export interface LoginRequest {
  /** The client's `serveraddress`: "host[:port]", optionally with a scheme and a path; empty or Docker Hub's index address means Docker Hub. */
  readonly serverAddress?: string;
  /** The credentials to check; a login without any is refused (see NO_CREDENTIALS). */
  readonly credentials?: RegistryCredentials;
  /** Time limit of each request (default {@link DEFAULT_LOGIN_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** A successful login, in the shape of docker's AuthenticateOKBody. */
export interface LoginResult {
  readonly Status: typeof LOGIN_SUCCEEDED;
  /** The token service's refresh token for these credentials, or "" when it gave none. */
  readonly IdentityToken: string;
}

/**
 * The registry host a login goes to, as dockerd derives it: the host (and port) of the server
 * address, scheme and path dropped; Docker Hub's names and the empty address become registry-1.docker.io.
 * O(length). @throws InvalidArgumentError "unable to parse server address: …" when there is no host.
 */
export function loginRegistryHost(serverAddress: string | undefined): string {
  const address = (serverAddress ?? '').trim();
  if (address === '') return DEFAULT_REGISTRY_HOST;
  let host: string;
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(address) ? address : `https://${address}`).host;
  } catch {
    throw new InvalidArgumentError('serveraddress', `unable to parse server address: invalid address ${JSON.stringify(address)}`);
  }
  if (host === '') throw new InvalidArgumentError('serveraddress', `unable to parse server address: no host in ${JSON.stringify(address)}`);
  return host === DEFAULT_DOMAIN || host === 'index.docker.io' ? DEFAULT_REGISTRY_HOST : host;
}

/**
 * Checks credentials against a registry as `docker login` does (see the module comment). Two or
 * three HTTP requests; nothing is remembered. A login without credentials is refused before any.
 * @throws RegistryNotWhitelistedError when the policy's whitelist does not allow the registry;
 *   RegistryUnauthorizedError with the registry's or token service's words ("Get \"…/v2/\":
 *   unauthorized: incorrect username or password") or dockerd's ("login attempt to …/v2/ failed with
 *   status: 401 Unauthorized"); RegistryResponseError for another status; RegistryUnavailableError
 *   when the registry or its token service cannot be reached; InvalidArgumentError for a bad address.
 */
export async function loginToRegistry(request: LoginRequest, policy: RegistryPolicy): Promise<LoginResult> {
  const host = loginRegistryHost(request.serverAddress);
  checkRegistryAllowed(policy, host);
  if (request.credentials === undefined) throw new RegistryUnauthorizedError(host, NO_CREDENTIALS);
  const endpoint = `${isInsecureRegistry(policy, host) ? 'http' : 'https'}://${host}/v2/`;
  const http = new LoginHttp(request.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS, request.signal);
  const ping = await http.fetch(endpoint, {});
  await ping.body?.cancel();
  if (ping.ok) return { Status: LOGIN_SUCCEEDED, IdentityToken: '' };
  if (ping.status !== 401) throw attemptFailed(endpoint, ping);
  const challenges = parseChallenges(ping.headers.get('www-authenticate') ?? '');
  const bearer = challenges.find((c) => c.scheme === 'bearer');
  const credentials = request.credentials;
  let authorization: string;
  let identityToken = '';
  if (bearer) {
    const token = credentials.kind === 'registry-token' ? { token: credentials.registryToken, refreshToken: '' } : await fetchToken(http, endpoint, bearer, credentials);
    authorization = `Bearer ${token.token}`;
    identityToken = token.refreshToken;
  } else if (challenges.some((c) => c.scheme === 'basic')) {
    if (credentials.kind !== 'password') throw new RegistryUnauthorizedError(host, `Get "${endpoint}": no basic auth credentials`);
    authorization = basicAuthorization(credentials.username, credentials.password);
  } else {
    throw attemptFailed(endpoint, ping);
  }
  const answer = await http.fetch(endpoint, { Authorization: authorization });
  await answer.body?.cancel();
  if (!answer.ok) throw attemptFailed(endpoint, answer);
  return { Status: LOGIN_SUCCEEDED, IdentityToken: identityToken };
}

/** Each request with its own time limit and the caller's signal; network failures worded as docker's. */
class LoginHttp {
  constructor(
    private readonly timeoutMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async fetch(url: string | URL, headers: Record<string, string>, init: { method?: string; body?: URLSearchParams } = {}): Promise<Response> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = this.signal ? AbortSignal.any([this.signal, timeout]) : timeout;
    try {
      return await fetch(url, { ...init, headers, signal });
    } catch (error) {
      if (timeout.aborted && !this.signal?.aborted) {
        throw new RegistryUnavailableError(String(url), 'net/http: request canceled (Client.Timeout exceeded while awaiting headers)');
      }
      throw networkError(String(url), error);
    }
  }
}

/**
 * A token for the challenge's realm and service (and scope, when the challenge names one), with the
 * refresh token the service gave for offline access. O(1) requests.
 */
async function fetchToken(http: LoginHttp, endpoint: string, challenge: AuthChallenge, credentials: RegistryCredentials): Promise<{ token: string; refreshToken: string }> {
  const realm = challenge.params.realm;
  const host = new URL(endpoint).host;
  if (!realm) throw new RegistryUnauthorizedError(host, `Get "${endpoint}": unauthorized: bearer challenge without a realm`);
  const { service = '', scope } = challenge.params;
  let response: Response;
  if (credentials.kind === 'identity-token') {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.identityToken, service, client_id: AUTH_CLIENT_ID, access_type: 'offline' });
    if (scope) form.set('scope', scope);
    response = await http.fetch(realm, {}, { method: 'POST', body: form });
  } else {
    const url = new URL(realm);
    if (service) url.searchParams.set('service', service);
    if (scope) url.searchParams.set('scope', scope);
    const headers: Record<string, string> = {};
    if (credentials.kind === 'password') {
      url.searchParams.set('account', credentials.username);
      headers.Authorization = basicAuthorization(credentials.username, credentials.password);
    }
    url.searchParams.set('offline_token', 'true');
    url.searchParams.set('client_id', AUTH_CLIENT_ID);
    response = await http.fetch(url, headers);
  }
  if (!response.ok) {
    const detail = (await registryErrors(response)) ?? (response.status === 401 ? 'unauthorized: authentication required' : `token service answered ${response.status} ${response.statusText}`);
    if (response.status === 401 || response.status === 403) throw new RegistryUnauthorizedError(host, `Get "${endpoint}": ${detail}`);
    throw new RegistryResponseError(response.status, `Get "${endpoint}": ${detail}`);
  }
  const body = (await response.json()) as { refresh_token?: unknown };
  return { token: tokenFromResponse(body), refreshToken: typeof body?.refresh_token === 'string' ? body.refresh_token : '' };
}

/** dockerd's words for a /v2/ answer other than 200; 401 is a refusal of the credentials. */
function attemptFailed(endpoint: string, response: Response): Error {
  const message = `login attempt to ${endpoint} failed with status: ${response.status} ${response.statusText || statusText(response.status)}`;
  return response.status === 401 ? new RegistryUnauthorizedError(new URL(endpoint).host, message) : new RegistryResponseError(response.status, message);
}

function statusText(status: number): string {
  return ({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' } as Record<number, string>)[status] ?? '';
}

/** A token service's or registry's errors in docker's rendering ("unauthorized: incorrect username or password"); undefined when the body has none. */
async function registryErrors(response: Response): Promise<string | undefined> {
  let body: { errors?: { code?: unknown; message?: unknown }[]; details?: unknown };
  try {
    body = JSON.parse(await response.text()) as typeof body;
  } catch {
    return undefined;
  }
  const lines = (body?.errors ?? []).map((e) => `${String(e.code ?? 'UNKNOWN').toLowerCase().replace(/_/g, ' ')}: ${String(e.message ?? '')}`);
  return lines.length === 0 ? undefined : lines.join('; ');
}

/**
 * One authenticated conversation with one repository of one registry over the Registry HTTP API v2.
 *
 * HTTP goes through Node's built-in fetch (undici): it streams bodies, follows the redirects
 * registries answer blob requests with (dropping Authorization across origins, as the fetch
 * standard requires), takes an AbortSignal, and needs no dependency. Authentication follows the
 * server's WWW-Authenticate challenge on the first 401: Basic sends the credentials; Bearer fetches
 * a token from the realm (GET with Basic credentials, or an OAuth2 refresh-token POST for an
 * identity token) for the challenge's service and scope, then retries once. The resulting
 * Authorization header is sent up front on every later request of the session.
 */
import { basicAuthorization, parseChallenges, tokenFromResponse } from './auth.js';
import type { AuthChallenge, RegistryCredentials } from './auth.js';
import { errorFromResponse, networkError } from './response-errors.js';
import { RegistryUnauthorizedError } from './errors.js';

/** Where and how to talk to a repository. */
export interface SessionTarget {
  /** Registry host with optional port, as API calls address it (e.g. "registry-1.docker.io"). */
  readonly host: string;
  /** Repository path, e.g. "library/busybox". */
  readonly repository: string;
  /** Familiar repository name for error messages, e.g. "busybox". */
  readonly familiarName: string;
  /** Plain HTTP instead of HTTPS. */
  readonly insecure: boolean;
  readonly credentials?: RegistryCredentials;
  /** Token scope actions; pulls need "pull". */
  readonly actions?: readonly string[];
}

/** An open session; not safe to share between different credentials. */
export class RegistrySession {
  private authorization: string | undefined;

  constructor(
    readonly target: SessionTarget,
    private readonly signal?: AbortSignal,
  ) {
    if (target.credentials?.kind === 'registry-token') this.authorization = `Bearer ${target.credentials.registryToken}`;
  }

  /** The base URL of the registry API, e.g. "https://registry-1.docker.io/v2/". */
  get baseUrl(): string {
    return `${this.target.insecure ? 'http' : 'https'}://${this.target.host}/v2/`;
  }

  /**
   * GETs `path` below the repository ("manifests/latest", "blobs/sha256:…"). A 401 is answered once
   * per call (so an expired token is renewed), then the request is repeated. Returns the successful
   * response with its body unread.
   * @param signal aborts this request (defaults to the session's signal).
   * @throws the typed error for the registry's answer (see response-errors.ts), or RegistryUnavailableError.
   */
  async get(path: string, headers: Record<string, string> = {}, signal: AbortSignal | undefined = this.signal): Promise<Response> {
    const url = `${this.baseUrl}${this.target.repository}/${path}`;
    let response = await this.send(url, headers, signal);
    if (response.status === 401) {
      const answered = await this.answerChallenge(response, signal);
      if (answered) response = await this.send(url, headers, signal);
    }
    if (!response.ok) throw await errorFromResponse(response, this.target, path);
    return response;
  }

  private async send(url: string, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<Response> {
    const all = this.authorization ? { ...headers, Authorization: this.authorization } : headers;
    try {
      return await fetch(url, { headers: all, redirect: 'follow', signal: signal ?? null });
    } catch (error) {
      throw networkError(url, error);
    }
  }

  /** Returns true when credentials or a token were obtained and the request is worth repeating. */
  private async answerChallenge(response: Response, signal: AbortSignal | undefined): Promise<boolean> {
    const challenges = parseChallenges(response.headers.get('www-authenticate') ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    const credentials = this.target.credentials;
    if (bearer && !bearer.params.error) {
      await response.body?.cancel();
      this.authorization = `Bearer ${await this.fetchToken(bearer, signal)}`;
      return true;
    }
    if (challenges.some((c) => c.scheme === 'basic') && credentials?.kind === 'password') {
      await response.body?.cancel();
      this.authorization = basicAuthorization(credentials.username, credentials.password);
      return true;
    }
    return false;
  }

  private async fetchToken(challenge: AuthChallenge, signal: AbortSignal | undefined): Promise<string> {
    const realm = challenge.params.realm;
    if (!realm) throw new RegistryUnauthorizedError(this.target.host, 'unauthorized: bearer challenge without a realm');
    const scope = challenge.params.scope ?? `repository:${this.target.repository}:${(this.target.actions ?? ['pull']).join(',')}`;
    const service = challenge.params.service ?? '';
    const credentials = this.target.credentials;
    let response: Response;
    try {
      if (credentials?.kind === 'identity-token') {
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.identityToken, service, scope, client_id: 'docker' });
        response = await fetch(realm, { method: 'POST', body: form, signal: signal ?? null });
      } else {
        const url = new URL(realm);
        if (service) url.searchParams.set('service', service);
        url.searchParams.set('scope', scope);
        const headers: Record<string, string> = {};
        if (credentials?.kind === 'password') {
          url.searchParams.set('account', credentials.username);
          headers.Authorization = basicAuthorization(credentials.username, credentials.password);
        }
        response = await fetch(url, { headers, signal: signal ?? null });
      }
    } catch (error) {
      throw networkError(realm, error);
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new RegistryUnauthorizedError(this.target.host);
    }
    if (!response.ok) throw await errorFromResponse(response, this.target, 'token');
    return tokenFromResponse(await response.json());
  }
}

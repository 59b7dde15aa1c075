/**
 * Registry credentials and authentication challenges: decoding docker's X-Registry-Auth header,
 * parsing WWW-Authenticate (RFC 7235) and the token service's answer (distribution's token spec).
 */
import { InvalidArgumentError } from '../../sim/errors.js';

/** Credentials for one registry, as a Docker client hands them over. */
export type RegistryCredentials =
  | { readonly kind: 'password'; readonly username: string; readonly password: string }
  /** An OAuth2 refresh token from a previous login (docker's `identitytoken`). */
  | { readonly kind: 'identity-token'; readonly username: string; readonly identityToken: string }
  /** A bearer token to send as is (docker's `registrytoken`). */
  | { readonly kind: 'registry-token'; readonly registryToken: string };

/** One challenge of a WWW-Authenticate header: scheme (lowercase) and its parameters. */
export interface AuthChallenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

interface AuthConfigJson {
  username?: unknown;
  password?: unknown;
  auth?: unknown;
  identitytoken?: unknown;
  registrytoken?: unknown;
}

/**
 * Decodes an X-Registry-Auth header: base64url (or standard base64, padded or not) of JSON
 * {username, password, serveraddress} or {identitytoken} or {registrytoken}; an `auth` field
 * ("user:password" in base64) stands for username and password as in docker's config file.
 * Returns undefined for an empty header or one without credentials ("{}"), as docker does.
 * @throws InvalidArgumentError "invalid X-Registry-Auth header: …" when it does not decode.
 */
export function decodeRegistryAuth(header: string | undefined): RegistryCredentials | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  let json: AuthConfigJson;
  try {
    json = JSON.parse(Buffer.from(header.trim().replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')) as AuthConfigJson;
  } catch (error) {
    throw new InvalidArgumentError('X-Registry-Auth', `invalid X-Registry-Auth header: ${(error as Error).message}`);
  }
  if (json === null || typeof json !== 'object') throw new InvalidArgumentError('X-Registry-Auth', 'invalid X-Registry-Auth header: not a JSON object');
  return credentialsFromConfig(json);
}

function credentialsFromConfig(json: AuthConfigJson): RegistryCredentials | undefined {
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  if (text(json.registrytoken)) return { kind: 'registry-token', registryToken: text(json.registrytoken) };
  let username = text(json.username);
  let password = text(json.password);
  if (!username && text(json.auth)) {
    const decoded = Buffer.from(text(json.auth), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) throw new InvalidArgumentError('X-Registry-Auth', 'invalid X-Registry-Auth header: auth is not user:password');
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  if (text(json.identitytoken)) return { kind: 'identity-token', username, identityToken: text(json.identitytoken) };
  if (!username && !password) return undefined;
  return { kind: 'password', username, password };
}

/** Encodes credentials as a docker client would send them in X-Registry-Auth (base64url JSON). */
export function encodeRegistryAuth(credentials: RegistryCredentials, serverAddress = ''): string {
  const json =
    credentials.kind === 'password'
      ? { username: credentials.username, password: credentials.password, serveraddress: serverAddress }
      : credentials.kind === 'identity-token'
        ? { username: credentials.username, identitytoken: credentials.identityToken, serveraddress: serverAddress }
        : { registrytoken: credentials.registryToken, serveraddress: serverAddress };
  return Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');
}

/** The value of an `Authorization: Basic …` header. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/**
 * Parses a WWW-Authenticate header into its challenges, e.g.
 * `Bearer realm="https://auth/token",service="registry",scope="repository:x:pull"`. Quoted values may
 * hold commas and backslash escapes. O(length). Unparseable text yields the challenges before it.
 */
export function parseChallenges(header: string): AuthChallenge[] {
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  const token = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)/y;
  let at = 0;
  while (at < header.length) {
    token.lastIndex = at;
    const name = token.exec(header);
    if (!name) break;
    at = token.lastIndex;
    const afterName = header.slice(at).match(/^\s*=/);
    const current = challenges[challenges.length - 1];
    if (!afterName || current === undefined) {
      challenges.push({ scheme: name[1]!.toLowerCase(), params: {} });
      at = skipComma(header, at);
      continue;
    }
    at += afterName[0].length;
    const value = readValue(header, at);
    current.params[name[1]!.toLowerCase()] = value.text;
    at = skipComma(header, value.end);
  }
  return challenges;
}

function readValue(header: string, start: number): { text: string; end: number } {
  let at = start;
  while (header[at] === ' ') at++;
  if (header[at] !== '"') {
    const end = header.indexOf(',', at);
    const stop = end === -1 ? header.length : end;
    return { text: header.slice(at, stop).trim(), end: stop };
  }
  let text = '';
  for (at++; at < header.length && header[at] !== '"'; at++) {
    if (header[at] === '\\' && at + 1 < header.length) at++;
    text += header[at];
  }
  return { text, end: at + 1 };
}

function skipComma(header: string, at: number): number {
  let i = at;
  while (header[i] === ' ' || header[i] === ',') i++;
  return i;
}

/**
 * The bearer token in a token service's JSON answer ({token} or {access_token}).
 * @throws InvalidArgumentError when the answer holds neither.
 */
export function tokenFromResponse(body: unknown): string {
  const answer = body as { token?: unknown; access_token?: unknown } | null;
  const token = typeof answer?.token === 'string' && answer.token ? answer.token : answer?.access_token;
  if (typeof token !== 'string' || token === '') throw new InvalidArgumentError('token', 'token service answered without a token');
  return token;
}

/**
 * A token service for distribution's `auth: token` mode, for the Bearer-auth tests: it checks HTTP
 * Basic credentials and answers {token} with an RS256 JWT whose `kid` is the libtrust fingerprint of
 * the signing key (shared docs: distribution spec/auth/jwt.md), signed with a key whose self-signed
 * certificate (made with openssl) the registry lists as `rootcertbundle`. Anonymous requests get a
 * token with no access, as Docker Hub does, so the registry answers insufficient_scope.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, randomUUID, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { join } from 'node:path';

/** A running token service. */
export interface TokenServer {
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  /** PEM certificate file for the registry's rootcertbundle. */
  readonly certificatePath: string;
  stop(): Promise<void>;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** libtrust's key id: sha256 of the DER public key, first 240 bits, base32 in 12 groups of 4. */
function libtrustKeyId(publicKeyDer: Buffer): string {
  const encoded = base32(createHash('sha256').update(publicKeyDer).digest().subarray(0, 30));
  return encoded.match(/.{4}/g)!.join(':');
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/**
 * Starts the token service on 127.0.0.1 (a free port), with its key and certificate in `dir`.
 * @param users username → password accepted for Basic authentication.
 */
export async function startTokenServer(dir: string, users: Record<string, string>): Promise<TokenServer> {
  const keyPath = join(dir, 'token.key');
  const certificatePath = join(dir, 'token.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certificatePath, '-days', '2', '-subj', '/CN=vicsim-token'], {
    stdio: 'ignore',
  });
  const privateKey = createPrivateKey(readFileSync(keyPath));
  const kid = libtrustKeyId(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));
  const service = 'vicsim-test-registry';
  const issuer = 'vicsim-test-issuer';
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://token');
    const subject = authenticate(request.headers.authorization, users);
    if (subject === undefined) {
      response.writeHead(401, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'incorrect username or password' }] }));
      return;
    }
    const access = subject === '' ? [] : url.searchParams.getAll('scope').map(parseScope);
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: issuer, sub: subject, aud: url.searchParams.get('service') ?? service, exp: now + 600, nbf: now - 10, iat: now, jti: randomUUID(), access };
    const signingInput = `${base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid }))}.${base64url(JSON.stringify(claims))}`;
    const token = `${signingInput}.${base64url(sign('sha256', Buffer.from(signingInput), privateKey))}`;
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ token, access_token: token, expires_in: 600 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certificatePath,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The subject for the request: '' when anonymous, undefined when the credentials are wrong. */
function authenticate(header: string | undefined, users: Record<string, string>): string | undefined {
  if (!header) return '';
  const match = /^Basic (.+)$/.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  return colon > 0 && users[user] === decoded.slice(colon + 1) ? user : undefined;
}

function parseScope(scope: string): { type: string; name: string; actions: string[] } {
  const [type = '', ...rest] = scope.split(':');
  const actions = rest.pop() ?? '';
  return { type, name: rest.join(':'), actions: actions.split(',').filter(Boolean) };
}

/**
 * docker login against real registries (Debian's docker-registry with htpasswd, token and no auth),
 * and the real docker CLI's `docker login` against a served VCH, followed by a pull of a private
 * image with the credentials it stored.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type Served } from '../../../src/cli/serve.js';
import { InvalidArgumentError } from '../../../src/sim/errors.js';
import { RegistryNotWhitelistedError, RegistryUnauthorizedError, RegistryUnavailableError } from '../../../src/vch/registry/errors.js';
import { LOGIN_SUCCEEDED, loginRegistryHost, loginToRegistry } from '../../../src/vch/registry/login.js';
import { docker, testServeOptions } from '../../dockerapi/helpers.js';
import { busyboxRegistry, type BusyboxRegistry } from './busybox-registry.js';
import { startRegistry, TEST_USER, type LocalRegistry } from './registry-server.js';

// The first start may install the peers with apt-get (scripts/registry/ensure.sh).
const HOOK_TIMEOUT = 300_000;
const RIGHT = { kind: 'password', ...TEST_USER } as const;
const WRONG = { kind: 'password', username: TEST_USER.username, password: 'not-the-password' } as const;

describe('the registry a login goes to', () => {
  it('is the host and port of the server address, Docker Hub for its names and for none', () => {
    expect(loginRegistryHost('127.0.0.1:5000')).toBe('127.0.0.1:5000');
    expect(loginRegistryHost('http://127.0.0.1:5000/v2/')).toBe('127.0.0.1:5000');
    expect(loginRegistryHost('MyReg.Local')).toBe('myreg.local');
    for (const hub of ['', undefined, 'docker.io', 'index.docker.io', 'https://index.docker.io/v1/']) expect(loginRegistryHost(hub)).toBe('registry-1.docker.io');
    expect(() => loginRegistryHost('http://')).toThrow(InvalidArgumentError);
  });

  it('does not depend on a scheme or a path around the host', () => {
    const host = fc.tuple(fc.domain(), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }));
    fc.assert(
      fc.property(host, fc.constantFrom('', 'http://', 'https://'), fc.constantFrom('', '/', '/v1/', '/v2/x'), ([name, port], scheme, path) => {
        const bare = port === undefined ? name : `${name}:${port}`;
        expect(loginRegistryHost(`${scheme}${bare}${path}`)).toBe(loginRegistryHost(bare));
      }),
      { numRuns: 200 },
    );
  });
});

describe('login against a real registry', () => {
  const registries: Partial<Record<'htpasswd' | 'token' | 'none', LocalRegistry>> = {};
  const insecure = (r: LocalRegistry) => ({ insecureRegistries: [r.host] });

  beforeAll(async () => {
    [registries.htpasswd, registries.token, registries.none] = await Promise.all([startRegistry('htpasswd'), startRegistry('token'), startRegistry('none')]);
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    await Promise.all(Object.values(registries).map((r) => r.stop()));
  });

  it('accepts the right password with htpasswd (Basic) auth, and refuses a wrong one in dockerd’s words', async () => {
    const r = registries.htpasswd!;
    await expect(loginToRegistry({ serverAddress: r.host, credentials: RIGHT }, insecure(r))).resolves.toEqual({ Status: LOGIN_SUCCEEDED, IdentityToken: '' });
    const wrong = loginToRegistry({ serverAddress: r.host, credentials: WRONG }, insecure(r));
    await expect(wrong).rejects.toBeInstanceOf(RegistryUnauthorizedError);
    await expect(wrong).rejects.toThrow(`login attempt to http://${r.host}/v2/ failed with status: 401 Unauthorized`);
    await expect(loginToRegistry({ serverAddress: r.host, credentials: { kind: 'registry-token', registryToken: 't' } }, insecure(r))).rejects.toThrow(
      `Get "http://${r.host}/v2/": no basic auth credentials`,
    );
  });

  it('fetches a token with the right password with token (Bearer) auth, and passes on the token service’s refusal', async () => {
    const r = registries.token!;
    await expect(loginToRegistry({ serverAddress: `http://${r.host}/`, credentials: RIGHT }, insecure(r))).resolves.toEqual({ Status: LOGIN_SUCCEEDED, IdentityToken: '' });
    const wrong = loginToRegistry({ serverAddress: r.host, credentials: WRONG }, insecure(r));
    await expect(wrong).rejects.toBeInstanceOf(RegistryUnauthorizedError);
    await expect(wrong).rejects.toThrow(`Get "http://${r.host}/v2/": unauthorized: incorrect username or password`);
  });

  it('succeeds with any credentials at a registry without auth', async () => {
    const r = registries.none!;
    await expect(loginToRegistry({ serverAddress: r.host, credentials: WRONG }, insecure(r))).resolves.toMatchObject({ Status: 'Login Succeeded' });
  });

  it('refuses a login without any credentials before asking the registry', async () => {
    const login = loginToRegistry({ serverAddress: '127.0.0.1:1' }, { insecureRegistries: ['127.0.0.1:1'] });
    await expect(login).rejects.toBeInstanceOf(RegistryUnauthorizedError);
    await expect(login).rejects.toThrow('unauthorized: a username and password (or an identity token) are required to log in');
  });

  it('speaks HTTPS to a registry not listed as insecure', async () => {
    const r = registries.none!;
    const login = loginToRegistry({ serverAddress: r.host, credentials: RIGHT }, {});
    await expect(login).rejects.toBeInstanceOf(RegistryUnavailableError);
    await expect(login).rejects.toThrow(`Get "https://${r.host}/v2/"`);
  });

  it('refuses a registry outside the whitelist before asking it, and allows the listed and insecure ones', async () => {
    const r = registries.htpasswd!;
    const refused = loginToRegistry({ serverAddress: r.host, credentials: RIGHT }, { whitelist: ['myreg.local:5000'] });
    await expect(refused).rejects.toBeInstanceOf(RegistryNotWhitelistedError);
    await expect(refused).rejects.toThrow(`Access denied to unauthorized registry (${r.host}) while VCH is in whitelist mode`);
    await expect(loginToRegistry({ serverAddress: r.host, credentials: RIGHT }, { whitelist: [], insecureRegistries: [r.host] })).resolves.toMatchObject({ Status: 'Login Succeeded' });
  });
});

describe('login to a token service that gives refresh tokens', () => {
  // The shared token-server fixture issues no refresh tokens, so this one case runs against a
  // minimal registry and token service speaking distribution's token protocol.
  let server: Server;
  let host: string;
  const refreshToken = 'refresh-for-vicsim';
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/v2/') {
        const ok = req.headers.authorization === 'Bearer access-token';
        res.writeHead(ok ? 200 : 401, ok ? {} : { 'WWW-Authenticate': `Bearer realm="http://${host}/token",service="test"` }).end('{}');
        return;
      }
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const basic = req.headers.authorization === `Basic ${Buffer.from(`${TEST_USER.username}:${TEST_USER.password}`).toString('base64')}`;
        const byPassword = req.method === 'GET' && basic && url.searchParams.get('offline_token') === 'true' && url.searchParams.get('client_id') === 'docker';
        const byRefresh = req.method === 'POST' && form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === refreshToken;
        if (!byPassword && !byRefresh) {
          res.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'incorrect username or password' }] }));
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ access_token: 'access-token', refresh_token: refreshToken }));
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    host = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('returns the refresh token as the IdentityToken, which logs in again without the password', async () => {
    const first = await loginToRegistry({ serverAddress: host, credentials: RIGHT }, { insecureRegistries: [host] });
    expect(first).toEqual({ Status: 'Login Succeeded', IdentityToken: refreshToken });
    const again = await loginToRegistry({ serverAddress: host, credentials: { kind: 'identity-token', username: TEST_USER.username, identityToken: first.IdentityToken } }, { insecureRegistries: [host] });
    expect(again.Status).toBe('Login Succeeded');
    await expect(loginToRegistry({ serverAddress: host, credentials: { kind: 'identity-token', username: '', identityToken: 'stale' } }, { insecureRegistries: [host] })).rejects.toThrow(
      `Get "http://${host}/v2/": unauthorized: incorrect username or password`,
    );
  });
});

describe('docker login with the real docker CLI against a served VCH', () => {
  let fixture: BusyboxRegistry | undefined;
  let served: Served | undefined;
  let dir: string;
  let cli: (args: string[], input?: string) => ReturnType<typeof docker>;

  beforeAll(async () => {
    fixture = await busyboxRegistry('htpasswd');
    dir = mkdtempSync(join(tmpdir(), 'vch-login-'));
    served = await startServe(testServeOptions(join(dir, 'docker.sock'), { hosts: 1, insecureRegistries: [fixture.registry.host], seed: 5 }));
    const target = { port: served.dockerPort, socketPath: served.socket, dir };
    cli = (args, input) => docker(target, args, input === undefined ? {} : { input });
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    await served?.close();
    await fixture?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('logs in with --password-stdin, stores the credentials and pulls a private image with them', async () => {
    const host = fixture!.registry.host;
    const image = `${host}/library/busybox`;
    const anonymous = await cli(['pull', image]);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toContain('unauthorized: authentication required');
    const wrong = await cli(['login', host, '-u', TEST_USER.username, '--password-stdin'], 'not-the-password\n');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`Error response from daemon: login attempt to http://${host}/v2/ failed with status: 401 Unauthorized`);
    const login = await cli(['login', host, '-u', TEST_USER.username, '--password-stdin'], `${TEST_USER.password}\n`);
    expect(login.stdout).toContain('Login Succeeded');
    expect(login.code).toBe(0);
    const config = JSON.parse(readFileSync(join(dir, 'config', 'config.json'), 'utf8')) as { auths: Record<string, { auth?: string }> };
    expect(Buffer.from(config.auths[host]?.auth ?? '', 'base64').toString()).toBe(`${TEST_USER.username}:${TEST_USER.password}`);
    const pull = await cli(['pull', image]);
    expect(pull.stdout).toContain(`Status: Downloaded newer image for ${image}:latest`);
    expect(pull.code).toBe(0);
    expect(await cli(['run', '--rm', image, 'echo', 'private'])).toMatchObject({ code: 0, stdout: 'private\n' });
  });
});

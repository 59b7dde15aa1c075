import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/sim/errors.js';
import { basicAuthorization, decodeRegistryAuth, encodeRegistryAuth, parseChallenges, tokenFromResponse } from '../../../src/vch/registry/auth.js';
import type { RegistryCredentials } from '../../../src/vch/registry/auth.js';

function header(json: unknown, encoding: 'base64url' | 'base64' = 'base64url'): string {
  return Buffer.from(JSON.stringify(json)).toString(encoding);
}

describe('X-Registry-Auth', () => {
  it('decodes the username and password the docker CLI sends (base64url JSON)', () => {
    const value = header({ username: 'me', password: 'p?>>~', serveraddress: '127.0.0.1:5000' });
    expect(decodeRegistryAuth(value)).toEqual({ kind: 'password', username: 'me', password: 'p?>>~' });
  });

  it('accepts standard base64 with padding as well', () => {
    expect(decodeRegistryAuth(header({ username: 'me', password: 'p?>>~' }, 'base64'))).toEqual({ kind: 'password', username: 'me', password: 'p?>>~' });
  });

  it('reads identity tokens, registry tokens and the config file auth field', () => {
    expect(decodeRegistryAuth(header({ username: 'me', identitytoken: 'refresh' }))).toEqual({ kind: 'identity-token', username: 'me', identityToken: 'refresh' });
    expect(decodeRegistryAuth(header({ registrytoken: 'bearer' }))).toEqual({ kind: 'registry-token', registryToken: 'bearer' });
    const auth = Buffer.from('me:s:ecret').toString('base64');
    expect(decodeRegistryAuth(header({ auth }))).toEqual({ kind: 'password', username: 'me', password: 's:ecret' });
  });

  it('treats an absent, empty or credential-less header as anonymous', () => {
    expect(decodeRegistryAuth(undefined)).toBeUndefined();
    expect(decodeRegistryAuth('')).toBeUndefined();
    expect(decodeRegistryAuth(header({}))).toBeUndefined();
  });

  it('refuses a header that is not base64 JSON with docker words', () => {
    expect(() => decodeRegistryAuth('not-json')).toThrow(InvalidArgumentError);
    expect(() => decodeRegistryAuth('not-json')).toThrow(/^invalid X-Registry-Auth header/);
  });

  it('decodes whatever it encodes', () => {
    const text = fc.string({ minLength: 1, maxLength: 30 });
    const credentials: fc.Arbitrary<RegistryCredentials> = fc.oneof(
      fc.record({ kind: fc.constant('password' as const), username: text, password: text }),
      fc.record({ kind: fc.constant('identity-token' as const), username: text, identityToken: text }),
      fc.record({ kind: fc.constant('registry-token' as const), registryToken: text }),
    );
    fc.assert(
      fc.property(credentials, (c) => {
        expect(decodeRegistryAuth(encodeRegistryAuth(c, 'example:5000'))).toEqual(c);
      }),
      { numRuns: 200 },
    );
  });
});

describe('WWW-Authenticate challenges', () => {
  it("parses distribution's bearer challenge with a scope holding commas", () => {
    const value = 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull,push"';
    expect(parseChallenges(value)).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull,push' } },
    ]);
  });

  it('parses several challenges, unquoted values and escapes', () => {
    const value = 'Basic realm="a \\"quoted\\" realm", Bearer realm=https://x/token, error="insufficient_scope"';
    expect(parseChallenges(value)).toEqual([
      { scheme: 'basic', params: { realm: 'a "quoted" realm' } },
      { scheme: 'bearer', params: { realm: 'https://x/token', error: 'insufficient_scope' } },
    ]);
  });

  it('finds no challenge in an empty header', () => {
    expect(parseChallenges('')).toEqual([]);
  });

  it('builds Basic authorization and reads either token field', () => {
    expect(basicAuthorization('u', 'p')).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(tokenFromResponse({ token: 't1' })).toBe('t1');
    expect(tokenFromResponse({ access_token: 't2' })).toBe('t2');
    expect(() => tokenFromResponse({})).toThrow(InvalidArgumentError);
  });
});

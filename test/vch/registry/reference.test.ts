import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidReferenceError } from '../../../src/vch/registry/errors.js';
import { parseReference, referenceFromPullParameters } from '../../../src/vch/registry/reference.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

function reasonOf(text: string): string {
  try {
    parseReference(text);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidReferenceError);
    return (error as InvalidReferenceError).reason;
  }
  throw new Error(`${text} parsed`);
}

describe('image references', () => {
  it.each([
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['index.docker.io/library/busybox:musl', 'docker.io/library/busybox:musl'],
    ['user/app', 'docker.io/user/app:latest'],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:5000/app:v1', 'localhost:5000/app:v1'],
    ['127.0.0.1:5000/library/busybox', '127.0.0.1:5000/library/busybox:latest'],
    ['myreg.local:5000/a/b/c:tag-1.2_x', 'myreg.local:5000/a/b/c:tag-1.2_x'],
    ['[::1]:5000/app', '[::1]:5000/app:latest'],
    [`busybox@${DIGEST}`, `docker.io/library/busybox@${DIGEST}`],
    [`busybox:1.36@${DIGEST}`, `docker.io/library/busybox:1.36@${DIGEST}`],
  ])('normalises %s to %s as docker does', (text, normalised) => {
    expect(parseReference(text).toString()).toBe(normalised);
  });

  it('keeps a digest without inventing a tag, and fetches by the digest', () => {
    const reference = parseReference(`127.0.0.1:5000/library/busybox@${DIGEST}`);
    expect(reference.tag).toBeUndefined();
    expect(reference.digest).toBe(DIGEST);
    expect(reference.tagOrDigest).toBe(DIGEST);
    expect(reference.registryHost).toBe('127.0.0.1:5000');
  });

  it('addresses Docker Hub at registry-1.docker.io and prints familiar names', () => {
    const reference = parseReference('busybox');
    expect(reference.registryHost).toBe('registry-1.docker.io');
    expect(reference.path).toBe('library/busybox');
    expect(reference.familiarName).toBe('busybox');
    expect(reference.familiarString).toBe('busybox:latest');
    expect(parseReference('user/app:v2').familiarString).toBe('user/app:v2');
    expect(parseReference('127.0.0.1:5000/library/busybox').familiarName).toBe('127.0.0.1:5000/library/busybox');
  });

  it("refuses an uppercase name with VIC's and docker's words", () => {
    expect(() => parseReference('fakeImage')).toThrow('Error parsing reference: "fakeImage" is not a valid repository/tag');
    expect(reasonOf('fakeImage')).toBe('invalid reference format: repository name must be lowercase');
  });

  it.each([
    ['busybox:faketag:x', 'invalid reference format'],
    ['-busybox', 'invalid reference format'],
    ['busybox:', 'invalid reference format'],
    ['', 'repository name must have at least one component'],
    ['a'.repeat(64).replace(/a/g, 'f'), `invalid repository name (${'f'.repeat(64)}), cannot specify 64-byte hexadecimal strings`],
    ['busybox@sha256:abcd', 'invalid reference format'],
    [`busybox@sha256:${'ab'.repeat(20)}`, 'invalid checksum digest length'],
    [`busybox@sha512:${'ab'.repeat(64)}`, 'unsupported digest algorithm'],
    [`${'a'.repeat(250)}/bb`, 'repository name must not be more than 255 characters'],
  ])('refuses %j: %s', (text, reason) => {
    expect(reasonOf(text)).toBe(reason);
  });

  it('combines the Docker API pull parameters fromImage and tag as the daemon does', () => {
    expect(referenceFromPullParameters('docker.io/library/busybox', 'latest').toString()).toBe('docker.io/library/busybox:latest');
    expect(referenceFromPullParameters('busybox', '1.36').toString()).toBe('docker.io/library/busybox:1.36');
    expect(referenceFromPullParameters('busybox', DIGEST).toString()).toBe(`docker.io/library/busybox@${DIGEST}`);
    expect(referenceFromPullParameters('busybox:1.36', '').toString()).toBe('docker.io/library/busybox:1.36');
    expect(() => referenceFromPullParameters('busybox', 'bad tag')).toThrow(InvalidReferenceError);
  });

  it('parses its own normalised and familiar renderings back to the same reference', () => {
    // Docker's familiar form is ambiguous when a Hub path starts with a host-like component
    // ("docker.io/a.b/c" prints as "a.b/c"), so such paths are left out of the familiar check.
    const component = fc.stringMatching(/^[a-z0-9]+(?:[._-][a-z0-9]+)?$/).filter((s) => s.length <= 20);
    const domain = fc.oneof(fc.constant(undefined), fc.constant('docker.io'), fc.constant('localhost:5000'), fc.constant('reg.example.com'), fc.constant('10.1.2.3:443'));
    const tag = fc.oneof(fc.constant(undefined), fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,15}$/));
    fc.assert(
      fc.property(domain, fc.array(component, { minLength: 1, maxLength: 3 }), tag, (host, path, tagName) => {
        const text = `${host ? `${host}/` : ''}${path.join('/')}${tagName ? `:${tagName}` : ''}`;
        const reference = parseReference(text);
        expect(parseReference(reference.toString()).toString()).toBe(reference.toString());
        if (!/[.:]/.test(path[0]!)) expect(parseReference(reference.familiarString).toString()).toBe(reference.toString());
        expect(reference.tag).toBe(tagName ?? 'latest');
      }),
      { numRuns: 200 },
    );
  });
});

/** Resolving image references as dockerd does: ids, id prefixes, tags, digests, normalisation. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseImageConfig, sha256Digest, type Digest } from '../../../src/vch/archive/image.js';
import { NoSuchObjectError, BadParameterError } from '../../../src/vch/engine/errors.js';
import { ImageIndex, type ImageRecord } from '../../../src/vch/images/index.js';
import { parseReference } from '../../../src/vch/registry/reference.js';

const T = '2026-01-01T00:00:00.000Z';

function configFor(seed: number) {
  return parseImageConfig(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', seed, rootfs: { type: 'layers', diff_ids: [] } })));
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  return expect.unreachable('it did not throw');
}

const repoName = fc.constantFrom('busybox', 'alpine', 'library/redis', 'me/app', 'myreg.local:5000/bb', 'docker.io/library/nginx');
const tagName = fc.constantFrom('latest', 'v1', '1.36', 'edge');

describe('image reference resolution', () => {
  it('finds images by tag (normalised), by name alone as :latest, by digest, by full id with or without sha256:, and by a unique id prefix', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 12 }), fc.array(fc.tuple(repoName, tagName, fc.nat()), { maxLength: 10 }), (seeds, tags) => {
        const index = new ImageIndex();
        const records = seeds.map((s) => index.add(configFor(s)));
        const owner = new Map<string, ImageRecord>();
        for (const [repo, tag, pick] of tags) {
          const record = records[pick % records.length]!;
          index.setReference(parseReference(`${repo}:${tag}`), record.id, T);
          owner.set(parseReference(`${repo}:${tag}`).toString(), record);
        }
        for (const [key, record] of owner) {
          const ref = parseReference(key);
          expect(index.resolve(key)).toBe(record);
          expect(index.resolve(ref.familiarString)).toBe(record);
          if (ref.tag === 'latest') expect(index.resolve(ref.familiarName)).toBe(record);
        }
        for (const record of records) {
          const hex = record.id.slice(7);
          expect(index.resolve(record.id)).toBe(record);
          expect(index.resolve(hex)).toBe(record);
          for (const length of [1, 4, 12]) {
            const prefix = hex.slice(0, length);
            const matches = records.filter((r) => r.id.slice(7).startsWith(prefix));
            const named = [...owner.keys()].some((k) => k === parseReference(prefix).toString());
            if (named) continue;
            if (matches.length === 1) {
              expect(index.resolve(prefix)).toBe(record);
              expect(index.resolve(`sha256:${prefix}`)).toBe(record);
            } else expect((thrown(() => index.resolve(prefix)) as Error).message).toBe(`No such image: ${prefix}`);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('resolves digest references to the image recorded with them', () => {
    const index = new ImageIndex();
    const record = index.add(configFor(1));
    const digest = sha256Digest('manifest') as Digest;
    index.setReference(parseReference(`busybox@${digest}`), record.id, T);
    expect(index.resolve(`busybox@${digest}`)).toBe(record);
    expect(index.resolve(`docker.io/library/busybox@${digest}`)).toBe(record);
    expect(record.repoDigests).toEqual([`docker.io/library/busybox@${digest}`]);
  });

  it('answers an unknown reference with "No such image" and malformed text with docker\'s reason', () => {
    const index = new ImageIndex();
    index.add(configFor(2));
    const missing = thrown(() => index.resolve('nope:latest'));
    expect(missing).toBeInstanceOf(NoSuchObjectError);
    expect((missing as Error).message).toBe('No such image: nope:latest');
    const bad = thrown(() => index.resolve('BusyBox'));
    expect(bad).toBeInstanceOf(BadParameterError);
    expect((bad as Error).message).toBe('invalid reference format: repository name must be lowercase');
  });

  it('moves a tag to the image it is set on, leaving the other image untagged', () => {
    const index = new ImageIndex();
    const a = index.add(configFor(3));
    const b = index.add(configFor(4));
    index.setReference(parseReference('app:v1'), a.id, T);
    expect(index.setReference(parseReference('app:v1'), b.id, T)).toBe(a.id);
    expect(a.repoTags).toEqual([]);
    expect(index.resolve('app:v1')).toBe(b);
  });
});

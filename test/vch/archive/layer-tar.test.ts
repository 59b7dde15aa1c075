import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImageArchiveError } from '../../../src/vch/archive/errors.js';
import { normaliseLayerPath, readLayerTar, writeLayerTar } from '../../../src/vch/archive/layer-tar.js';
import type { LayerEntry } from '../../../src/vch/archive/layer-tar.js';

const base = { mode: 0o644, uid: 0, gid: 0, mtime: 1_700_000_000, size: 0, linkname: '' };

const segment = fc.stringMatching(/^[a-zA-Z0-9._-]{1,12}$/).filter((s) => s !== '.' && s !== '..');
const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));

const entry: fc.Arbitrary<LayerEntry> = fc.oneof(
  fc.record({ path, content: fc.uint8Array({ maxLength: 3000 }), mode: fc.integer({ min: 0, max: 0o7777 }), uid: fc.nat(70000), gid: fc.nat(70000), mtime: fc.nat(2 ** 31 - 1) }).map(
    (r) => ({ ...base, ...r, type: 'file' as const, size: r.content.length }),
  ),
  fc.record({ path, mode: fc.integer({ min: 0, max: 0o7777 }) }).map((r) => ({ ...base, ...r, type: 'dir' as const })),
  fc.record({ path, linkname: fc.stringMatching(/^[a-z/.]{1,40}$/) }).map((r) => ({ ...base, ...r, type: 'symlink' as const, mode: 0o777 })),
  fc.record({ path, linkname: path }).map((r) => ({ ...base, ...r, type: 'hardlink' as const })),
  fc.record({ path, devmajor: fc.nat(255), devminor: fc.nat(255) }).map((r) => ({ ...base, ...r, type: 'char-device' as const })),
  path.map((p) => ({ ...base, path: p, type: 'fifo' as const })),
);

describe('layer tars', () => {
  it('read back every entry they were written from, in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 12 }), async (entries) => {
        const read = await readLayerTar(await writeLayerTar(entries));
        expect(read).toEqual(entries.map((e) => ({ ...e, content: e.content === undefined ? undefined : Buffer.from(e.content) })).map(stripUndefined));
      }),
      { numRuns: 100 },
    );
  });

  it('write the same bytes for the same entries, so diff_ids are stable', async () => {
    const entries: LayerEntry[] = [{ ...base, path: 'a', type: 'file', size: 1, content: Buffer.from('x') }];
    expect(Buffer.compare(await writeLayerTar(entries), await writeLayerTar(entries))).toBe(0);
  });

  it('keep long paths (over 100 characters) through the pax headers', async () => {
    const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(60)}`;
    const [read] = await readLayerTar(await writeLayerTar([{ ...base, path: long, type: 'file', size: 0, content: Buffer.alloc(0) }]));
    expect(read!.path).toBe(long);
  });

  it('refuse an mtime tar-stream would write wrongly (2038 and later)', async () => {
    await expect(writeLayerTar([{ ...base, path: 'late', type: 'dir', mtime: 2 ** 31 }])).rejects.toBeInstanceOf(ImageArchiveError);
  });

  it('normalise member names the way image stores want them', () => {
    expect(normaliseLayerPath('./bin/')).toBe('bin');
    expect(normaliseLayerPath('/etc//passwd')).toBe('etc/passwd');
    expect(normaliseLayerPath('./')).toBe('.');
    expect(normaliseLayerPath('.wh..wh..opq')).toBe('.wh..wh..opq');
  });

  it('refuse bytes that are not a tar', async () => {
    await expect(readLayerTar(Buffer.from('definitely not a tar archive'.repeat(40)))).rejects.toBeInstanceOf(ImageArchiveError);
  });
});

function stripUndefined(entry: LayerEntry): LayerEntry {
  return Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined)) as unknown as LayerEntry;
}

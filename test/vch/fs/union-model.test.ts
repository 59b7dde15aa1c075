/**
 * Model test: any sequence of writes, removes, renames, mkdirs, symlinks and chmods applied to a
 * container's UnionFs and to a plain FileTree copy of its image gives the same observable tree and
 * the same errors, and leaves the shared image layers untouched.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LayerEntry } from '../../../src/vch/archive/layer-tar.js';
import { FileTree, FsError, LayerStack, UnionFs, flattenToTree, layerFromEntries, type GuestFs } from '../../../src/vch/fs/index.js';
import { dir, dump, file, manualClock, opaque, symlink, whiteout } from './helpers.js';

const segment = fc.constantFrom('a', 'b');
const relPath = fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
const absPath = relPath.map((p) => `/${p}`);

const layerEntry: fc.Arbitrary<LayerEntry> = fc.oneof(
  relPath.map((p) => dir(p)),
  fc.tuple(relPath, fc.string({ maxLength: 4 })).map(([p, c]) => file(p, c)),
  fc.tuple(relPath, fc.constantFrom('a', '../b', '/a/b', 'c/a')).map(([p, t]) => symlink(p, t)),
  relPath.map((p) => whiteout(p)),
  relPath.map((p) => opaque(p)),
);

/** Entries that form a valid layer (nothing under a non-directory of the same layer). */
function validLayer(entries: LayerEntry[]) {
  try {
    return layerFromEntries(entries);
  } catch {
    return undefined;
  }
}

type Op = (fs: GuestFs) => void;
const op: fc.Arbitrary<[string, Op]> = fc.oneof(
  fc.tuple(absPath, fc.string({ maxLength: 3 }), fc.boolean()).map(([p, c, append]) => [`write ${p} ${append}`, (fs: GuestFs) => fs.writeFile(p, c, { append })] as [string, Op]),
  fc.tuple(absPath, fc.boolean()).map(([p, recursive]) => [`rm ${p} ${recursive}`, (fs: GuestFs) => fs.remove(p, { recursive })] as [string, Op]),
  fc.tuple(absPath, absPath).map(([a, b]) => [`mv ${a} ${b}`, (fs: GuestFs) => fs.rename(a, b)] as [string, Op]),
  fc.tuple(absPath, fc.boolean()).map(([p, recursive]) => [`mkdir ${p} ${recursive}`, (fs: GuestFs) => fs.mkdir(p, { recursive })] as [string, Op]),
  fc.tuple(fc.constantFrom('a', '../c', '/b'), absPath).map(([t, p]) => [`ln ${t} ${p}`, (fs: GuestFs) => fs.symlink(t, p)] as [string, Op]),
  fc.tuple(absPath, fc.constantFrom(0o700, 0o644)).map(([p, m]) => [`chmod ${p}`, (fs: GuestFs) => fs.chmod(p, m)] as [string, Op]),
);

function outcome(fs: GuestFs, run: Op): string {
  try {
    run(fs);
    return 'ok';
  } catch (error) {
    if (error instanceof FsError) return error.errno;
    throw error;
  }
}

describe('UnionFs against a plain tree', () => {
  it('gives the same observable tree and errors for any sequence of changes', () => {
    fc.assert(
      fc.property(fc.array(fc.array(layerEntry, { maxLength: 8 }), { minLength: 1, maxLength: 3 }), fc.array(op, { minLength: 4, maxLength: 16 }), (layerSpecs, ops) => {
        const layers = layerSpecs.map(validLayer).filter((layer) => layer !== undefined);
        const clock = manualClock();
        const stack = LayerStack.of(layers);
        const union = UnionFs.create(stack, { now: clock.now });
        const plain = flattenToTree(union, new FileTree({ now: clock.now }));
        const image = dump(plain);
        expect(dump(union)).toEqual(image);
        const log: string[] = [];
        for (const [label, run] of ops) {
          clock.advance(1000);
          const expected = outcome(plain, run);
          log.push(`${label} -> ${expected}`);
          expect(outcome(union, run), log.join('\n')).toBe(expected);
          expect(dump(union), log.join('\n')).toEqual(dump(plain));
        }
        expect(dump(UnionFs.create(stack, { now: clock.now }))).toEqual(image);
      }),
      { numRuns: 250 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tryWalkPath, walkPath, type WalkAdapter } from '../../../src/vch/fs/path-walk.js';
import { FsError } from '../../../src/vch/fs/types.js';

/** A toy node graph: directories by name, files, and symlinks with targets. */
type Node = { kind: 'dir'; children: Map<string, Node> } | { kind: 'file' } | { kind: 'symlink'; target: string };

const NAMES = ['a', 'b', 'c'] as const;

/** A root with a few entries per directory, two levels deep, symlinks to absolute, relative, empty or looping targets. */
const graph: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant<Node>({ kind: 'file' }),
    fc.constantFrom('/a', '/a/b', 'b', '../c', '', '/').map<Node>((target) => ({ kind: 'symlink', target })),
    fc.dictionary(fc.constantFrom(...NAMES), tie('node'), { maxKeys: 3 }).map<Node>((d) => ({ kind: 'dir', children: new Map(Object.entries(d)) })),
  ),
})).node.map((n) => (n.kind === 'dir' ? n : { kind: 'dir', children: new Map([['a', n]]) }));

function adapter(root: Node): WalkAdapter<Node> {
  return {
    root: () => root,
    child: (dir, name) => (dir.kind === 'dir' ? dir.children.get(name) : undefined),
    kind: (n) => n.kind,
    target: (n) => (n.kind === 'symlink' ? n.target : ''),
  };
}

describe('walking a path without throwing', () => {
  it('returns the errno walkPath throws, and otherwise what walkPath returns', () => {
    const path = fc.array(fc.constantFrom(...NAMES, '..', '.'), { maxLength: 6 }).map((parts) => '/' + parts.join('/'));
    fc.assert(
      fc.property(graph, path, fc.boolean(), (root, p, follow) => {
        const a = adapter(root);
        const quiet = tryWalkPath(a, p, follow);
        let thrown: unknown;
        let walked: unknown;
        try {
          walked = walkPath(a, p, follow);
        } catch (e) {
          thrown = e;
        }
        if (typeof quiet === 'string') {
          expect(thrown).toBeInstanceOf(FsError);
          expect((thrown as FsError).errno).toBe(quiet);
          expect((thrown as FsError).path).toBe(p);
        } else expect(walked).toEqual(quiet);
      }),
      { numRuns: 300 },
    );
  });

  it('names a missing directory on the way ENOENT, a file on the way ENOTDIR and a symlink loop ELOOP', () => {
    const loop: Node = { kind: 'symlink', target: '/l' };
    const root: Node = { kind: 'dir', children: new Map<string, Node>([['f', { kind: 'file' }], ['l', loop]]) };
    expect(tryWalkPath(adapter(root), '/x/y', true)).toBe('ENOENT');
    expect(tryWalkPath(adapter(root), '/f/y', true)).toBe('ENOTDIR');
    expect(tryWalkPath(adapter(root), '/l/y', true)).toBe('ELOOP');
    expect(tryWalkPath(adapter(root), '/x', true)).toMatchObject({ names: ['x'], node: undefined });
  });
});

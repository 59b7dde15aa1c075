import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../../src/sim/rng.js';
import { VmdkStore, parseDescriptor, revertToSnapshot, takeSnapshot } from '../../../src/hypervisor/vmdk/index.js';
import type { SparseFormat } from '../../../src/hypervisor/vmdk/index.js';
import { ChainOracle } from './chain-oracle.js';

const GRAINS = 24;
const METADATA = 1000;
const BASE = '[ds1] vm/disk.vmdk';

type Op =
  | { kind: 'write'; disk: number; offset: number; length: number; tag: number }
  | { kind: 'read'; disk: number; offset: number; length: number }
  | { kind: 'layer' | 'snapshot' | 'intoParent' | 'parentIntoChild' | 'remove'; disk: number }
  | { kind: 'revert'; disk: number; ancestor: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('write' as const), disk: fc.nat(), offset: fc.nat(), length: fc.nat(), tag: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('read' as const), disk: fc.nat(), offset: fc.nat(), length: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('layer' as const, 'snapshot' as const), disk: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('intoParent' as const, 'parentIntoChild' as const), disk: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), disk: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('revert' as const), disk: fc.nat(), ancestor: fc.nat() }) },
);

/** One random scenario: a format and a sequence of operations. */
class Scenario {
  readonly store: VmdkStore;
  readonly oracle: ChainOracle;
  readonly capacity: number;
  #names = 0;

  constructor(readonly format: SparseFormat) {
    this.store = new VmdkStore({ rng: Rng.seeded(7), sparseMetadataBytes: METADATA });
    const info = this.store.createBase(BASE, { capacityBytes: 512 * 8 * GRAINS, format });
    this.capacity = GRAINS * info.grainBytes;
    this.oracle = new ChainOracle(info.grainBytes, Math.ceil(info.capacityBytes / info.grainBytes), METADATA);
    this.oracle.base(BASE);
  }

  pick(n: number, filter: (path: string) => boolean): string | undefined {
    const candidates = [...this.oracle.disks.keys()].filter(filter);
    return candidates.length === 0 ? undefined : candidates[n % candidates.length];
  }

  leaf = (p: string): boolean => this.oracle.children(p).length === 0;

  /** A delta whose parent has no other child (and, when asked, is itself a delta). */
  mergeable(parentMustBeDelta: boolean): (p: string) => boolean {
    return (p) => {
      const parent = this.oracle.disk(p).parent;
      if (parent === undefined || this.oracle.children(parent).length !== 1) return false;
      return !parentMustBeDelta || this.oracle.disk(parent).parent !== undefined;
    };
  }

  run(op: Op): void {
    if (op.kind === 'write') return this.write(op);
    if (op.kind === 'read') return this.read(op);
    if (op.kind === 'revert') return this.revert(op.disk, op.ancestor);
    if (op.kind === 'layer') return this.layer(op.disk);
    if (op.kind === 'snapshot') return this.snapshot(op.disk);
    if (op.kind === 'remove') return this.remove(op.disk);
    return this.merge(op.kind, op.disk);
  }

  write(op: { disk: number; offset: number; length: number; tag: number }): void {
    const path = this.pick(op.disk, this.leaf);
    if (!path) return;
    const offset = op.offset % this.capacity;
    const length = 1 + (op.length % Math.min(3 * this.oracle.grainBytes, this.capacity - offset));
    const others = this.ownRunsOfAllBut(path);
    this.store.write(path, offset, length, op.tag);
    this.oracle.write(path, offset, length, op.tag);
    expect(this.ownRunsOfAllBut(path)).toEqual(others);
  }

  read(op: { disk: number; offset: number; length: number }): void {
    const path = this.pick(op.disk, () => true)!;
    const offset = op.offset % this.capacity;
    const length = 1 + (op.length % (this.capacity - offset));
    let at = offset;
    for (const run of this.store.read(path, offset, length)) {
      expect(run.offset).toBe(at);
      at += run.length;
      const g = this.oracle.grainBytes;
      for (let grain = Math.floor(run.offset / g); grain * g < run.offset + run.length; grain++) {
        expect([run.tag, run.allocated]).toEqual(this.oracle.readGrain(path, grain));
      }
    }
    expect(at).toBe(offset + length);
  }

  layer(n: number): void {
    const parent = this.pick(n, () => true)!;
    const path = `[ds1] layers/l${this.#names++}.vmdk`;
    this.store.createDelta(path, parent);
    this.oracle.delta(path, parent, 'layer');
  }

  snapshot(n: number): void {
    const top = this.pick(n, this.leaf);
    if (!top) return;
    const taken = takeSnapshot(this.store, top);
    this.oracle.delta(taken.top, top, 'snapshot');
  }

  revert(n: number, ancestor: number): void {
    const top = this.pick(n, (p) => this.leaf(p) && this.oracle.disk(p).parent !== undefined);
    if (!top) return;
    const ancestors = this.store.chain(top).slice(1);
    const target = ancestors[ancestor % ancestors.length]!;
    const expectedFreed = this.oracle.allocatedBytes(top);
    const reverted = revertToSnapshot(this.store, top, target);
    expect(reverted.bytesFreed).toBe(expectedFreed);
    this.oracle.disks.delete(top);
    this.oracle.delta(reverted.top, target, 'snapshot');
  }

  remove(n: number): void {
    const path = this.pick(n, this.leaf);
    if (!path || this.oracle.disks.size === 1) return;
    expect(this.store.remove(path)).toBe(this.oracle.allocatedBytes(path));
    this.oracle.disks.delete(path);
  }

  merge(kind: 'intoParent' | 'parentIntoChild', n: number): void {
    const path = this.pick(n, this.mergeable(kind === 'parentIntoChild'));
    if (!path) return;
    const views = this.viewsOfAll();
    const result = kind === 'intoParent' ? this.store.consolidateIntoParent(path) : this.store.consolidateParentIntoChild(path);
    const freed = kind === 'intoParent' ? this.oracle.mergeIntoParent(path) : this.oracle.mergeParentIntoChild(path);
    expect(result.bytesFreed).toBe(freed);
    expect([...result.rewritten].sort()).toEqual([result.survivor, ...this.oracle.children(result.survivor)].sort());
    // The survivor reads what the child read; every other remaining disk reads what it read before.
    views.set(result.survivor, views.get(kind === 'intoParent' ? result.removed : result.survivor));
    views.delete(result.removed);
    expect(this.viewsOfAll()).toEqual(views);
  }

  ownRunsOfAllBut(path: string): Map<string, unknown> {
    return new Map(this.store.paths().filter((p) => p !== path).map((p) => [p, this.store.ownRuns(p)]));
  }

  viewsOfAll(): Map<string, unknown> {
    return new Map(this.store.paths().map((p) => [p, this.store.read(p, 0, this.capacity)]));
  }

  /** A store restored from the saved JSON holds the same disks, descriptors and content. */
  checkRestore(): void {
    const restored = VmdkStore.restore(JSON.parse(JSON.stringify(this.store.toJSON())), { rng: Rng.seeded(7), sparseMetadataBytes: METADATA });
    expect(restored.paths()).toEqual(this.store.paths());
    for (const path of this.store.paths()) {
      expect(restored.info(path)).toEqual(this.store.info(path));
      expect(restored.descriptorText(path)).toBe(this.store.descriptorText(path));
      expect(restored.read(path, 0, this.capacity)).toEqual(this.store.read(path, 0, this.capacity));
    }
  }

  /** Every disk of the store agrees with the oracle: content, allocation, chain links, CIDs. */
  check(): void {
    expect(this.store.paths().sort()).toEqual([...this.oracle.disks.keys()].sort());
    for (const path of this.store.paths()) {
      const info = this.store.info(path);
      const model = this.oracle.disk(path);
      const grains = Array.from({ length: this.oracle.grains }, (_, g) => [this.store.readGrain(path, g), this.store.read(path, g * this.oracle.grainBytes, 1)[0]!.allocated]);
      expect(grains).toEqual(this.oracle.view(path));
      expect(info.parentPath).toBe(model.parent);
      expect(info.allocatedBytes).toBe(this.oracle.allocatedBytes(path));
      expect(info.depth).toBe(this.oracle.depth(path));
      expect(info.writable).toBe(this.leaf(path));
      expect(info.children).toEqual(this.oracle.children(path).sort());
      const descriptor = parseDescriptor(this.store.descriptorText(path));
      expect(descriptor.cid).toBe(info.cid);
      if (model.parent !== undefined) expect(descriptor.parentCid).toBe(this.store.info(model.parent).cid);
    }
  }
}

describe('delta chains', () => {
  for (const format of ['seSparse', 'vmfsSparse'] as const) {
    it(`agree with a per-grain reference model over random write, snapshot, revert and consolidate sequences (${format})`, () => {
      fc.assert(
        fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops) => {
          const scenario = new Scenario(format);
          for (const op of ops) {
            scenario.run(op);
            scenario.check();
          }
          scenario.checkRestore();
        }),
        { numRuns: 150 },
      );
    });
  }
});

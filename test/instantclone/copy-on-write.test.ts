import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { occupiedRegions, scanCensus } from '../../src/instantclone/index.js';
import type { MemoryImages, ScanScope } from '../../src/instantclone/index.js';
import { Lockstep, programs } from './harness.js';

/** Two scanner views: every layer with one salt (inter-VM TPS), and a salt per owner with odd owners' private pages on large pages. */
const SCOPES: ScanScope[] = [
  { eligible: () => true, saltOf: () => 0 },
  { eligible: (owner, shared) => shared || owner % 2 === 0, saltOf: (owner, layer) => (owner >= 0 ? owner : -1 - layer) },
];

/** Duplicate pages counted one page at a time: for each (salt, tag, page) held n times, n − 1. */
function bruteForceDuplicates(pool: MemoryImages, scope: ScanScope): number {
  const copies = new Map<string, number>();
  pool.forEachRun((start, end, tag, layer, owner, shared) => {
    if (!scope.eligible(owner, shared)) return;
    for (let p = start; p < end; p++) {
      const key = `${scope.saltOf(owner, layer)}:${tag}:${p}`;
      copies.set(key, (copies.get(key) ?? 0) + 1);
    }
  });
  let duplicates = 0;
  for (const n of copies.values()) duplicates += n - 1;
  return duplicates;
}

/** Scanner censuses and large-page regions agree across modes, and with a page-by-page count. */
function checkScans(run: Lockstep): void {
  const contents = new Set(run.tags);
  for (const scope of SCOPES) {
    const census = scanCensus(run.extent, scope, contents);
    expect(scanCensus(run.exact, scope, contents)).toEqual(census);
    expect(census.duplicatePages).toBe(bruteForceDuplicates(run.exact, scope));
  }
  for (const id of run.alive) {
    for (const regionPages of [1, 4, 512]) expect(occupiedRegions(run.extent, id, regionPages)).toBe(occupiedRegions(run.exact, id, regionPages));
  }
}

/** Checks reads against the naive model and every count across modes and against a full recount. */
function checkAgreement(run: Lockstep): void {
  let privateSum = 0;
  for (const id of run.alive) {
    const naive = run.naive.get(id)!;
    const counters = run.extent.counters(id);
    expect(run.exact.counters(id)).toEqual(counters);
    expect(run.exact.recount(id)).toEqual(counters);
    privateSum += counters.privatePages;
    for (let page = 0; page < naive.tags.length; page++) {
      expect(run.extent.read(id, page)).toBe(naive.tags[page]);
      expect(run.exact.read(id, page)).toBe(naive.tags[page]);
    }
  }
  const totals = run.extent.totals();
  expect(run.exact.totals()).toEqual(totals);
  expect(run.exact.recountTotals()).toEqual({
    images: totals.images,
    layers: totals.layers,
    generations: totals.generations,
    references: totals.references,
    configuredPages: totals.configuredPages,
    mappedPages: totals.mappedPages,
    physicalPages: totals.physicalPages,
    privatePages: totals.privatePages,
  });
  expect(totals.privatePages).toBe(privateSum);
  checkScans(run);
}

describe('copy-on-write memory images', () => {
  it('read what a full copy at fork time would read, in both modes, and agree with each other and with a recount on every count, scanner censuses and large-page regions included', () => {
    fc.assert(
      fc.property(programs(), (steps) => {
        const run = new Lockstep();
        for (const step of steps) {
          run.apply(step);
          checkAgreement(run);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('destroying an image frees at least its private pages and changes nothing another image reads', () => {
    fc.assert(
      fc.property(programs(), fc.nat(1000), (steps, victim) => {
        const run = new Lockstep();
        for (const step of steps) run.apply(step);
        if (run.alive.length === 0) return;
        const id = run.alive[victim % run.alive.length]!;
        const freedAtLeast = run.extent.counters(id).privatePages;
        const before = run.extent.totals().physicalPages;
        run.destroy(id);
        expect(run.extent.totals().physicalPages).toBeLessThanOrEqual(before - freedAtLeast);
        checkAgreement(run);
      }),
      { numRuns: 150 },
    );
  });

  it('after everything is destroyed, in any order, every reference count and every page is released', () => {
    fc.assert(
      fc.property(programs(), fc.array(fc.nat(1000), { maxLength: 60 }), (steps, order) => {
        const run = new Lockstep();
        for (const step of steps) run.apply(step);
        for (const pick of order) if (run.alive.length > 0) run.destroy(run.alive[pick % run.alive.length]!);
        while (run.alive.length > 0) run.destroy(run.alive[0]!);
        for (const pool of [run.extent, run.exact]) {
          expect(pool.totals()).toMatchObject({
            images: 0,
            layers: 0,
            generations: 0,
            references: 0,
            configuredPages: 0,
            mappedPages: 0,
            physicalPages: 0,
            privatePages: 0,
          });
        }
        expect(run.exact.recountTotals().references).toBe(0);
      }),
      { numRuns: 150 },
    );
  });
});

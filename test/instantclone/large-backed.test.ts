/**
 * Breaking large pages counts, for every image still on large pages (tracked, not forgotten, not
 * broken since), the large-page regions its private memory occupies — whatever the order images
 * came and went in and however their ids were reused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryPool, occupiedRegions, PageSharing, type ImageId } from '../../src/instantclone/index.js';
import { DEFAULT_CALIBRATION as CAL } from '../../src/sim/calibration.js';
import { MiB } from '../../src/sim/units.js';

type Step = { readonly kind: 'boot'; readonly touchMB: number } | { readonly kind: 'stop'; readonly pick: number } | { readonly kind: 'break' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('boot' as const), touchMB: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ kind: fc.constant('stop' as const), pick: fc.nat() }),
  fc.constant({ kind: 'break' as const }),
);

describe('large-page breaking', () => {
  it('counts the regions of exactly the images still on large pages', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const pool = createMemoryPool('extent', { calibration: CAL });
        const sharing = new PageSharing(pool, CAL, { largePages: true });
        const regionPages = Math.max(1, Math.floor(CAL.memory.largePageSize / pool.granuleBytes));
        const live: ImageId[] = [];
        const onLarge = new Set<ImageId>();
        let expected = 0;
        for (const s of steps) {
          if (s.kind === 'boot') {
            const image = pool.createBytes(16 * MiB);
            if (s.touchMB > 0) pool.writeBytes(image, 0, s.touchMB * MiB);
            sharing.track(image);
            live.push(image);
            onLarge.add(image);
          } else if (s.kind === 'stop' && live.length > 0) {
            const [image] = live.splice(s.pick % live.length, 1);
            pool.destroy(image!);
            sharing.forget(image!);
            onLarge.delete(image!);
          } else if (s.kind === 'break') {
            for (const image of onLarge) if (pool.counters(image).privatePages > 0) expected += occupiedRegions(pool, image, regionPages);
            onLarge.clear();
            sharing.breakLargePages();
          }
          expect(sharing.brokenLargePages).toBe(expected);
        }
      }),
      { numRuns: 200 },
    );
  });
});

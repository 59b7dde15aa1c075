import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibrate } from '../../../src/sim/calibration.js';
import { Rng } from '../../../src/sim/rng.js';
import { VmdkStore, parseDescriptor } from '../../../src/hypervisor/vmdk/index.js';

/** A folder or file name segment: ASCII, accented and wide characters (their UTF-8 bytes differ from their length). */
const segment = fc.stringMatching(/^[a-zA-Z0-9éü字_-]{1,12}$/);

describe('descriptor byte length', () => {
  it('equals the byte length of the rendered descriptor for bases and deltas of any name, format and size', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          dirs: fc.array(segment, { minLength: 1, maxLength: 3 }),
          names: fc.array(segment, { minLength: 2, maxLength: 4 }),
          sameFolder: fc.boolean(),
          format: fc.constantFrom('seSparse' as const, 'vmfsSparse' as const),
          sectors: fc.integer({ min: 1, max: 2 ** 32 }),
          writeFirst: fc.boolean(),
        }),
        ({ seed, dirs, names, sameFolder, format, sectors, writeFirst }) => {
          const store = new VmdkStore({ rng: Rng.seeded(seed), calibration: calibrate().disk });
          const folder = `[ds] ${dirs.join('/')}`;
          const paths = names.map((n, i) => `${sameFolder || i === 0 ? folder : `[ds] other${i}`}/${n}${i}.vmdk`);
          store.createBase(paths[0]!, { capacityBytes: sectors * 512, format });
          for (let i = 1; i < paths.length; i++) {
            if (writeFirst) store.write(paths[i - 1]!, 0, 512, i);
            store.createDelta(paths[i]!, paths[i - 1]!);
          }
          for (const p of paths) expect(store.descriptorByteLength(p)).toBe(Buffer.byteLength(store.descriptorText(p)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('renders a drawn long content id as 32 hex digits ending with the CID', () => {
    const store = new VmdkStore({ rng: Rng.seeded(7), calibration: calibrate().disk });
    store.createBase('[ds] a/a.vmdk', { capacityBytes: 1 << 20 });
    store.createDelta('[ds] a/a-000001.vmdk', '[ds] a/a.vmdk');
    for (const p of ['[ds] a/a.vmdk', '[ds] a/a-000001.vmdk']) {
      const d = parseDescriptor(store.descriptorText(p));
      expect(d.ddb['longContentID']).toMatch(/^[0-9a-f]{32}$/);
      expect(d.ddb['longContentID']!.slice(24)).toBe(d.cid.toString(16).padStart(8, '0'));
    }
  });
});

/** vic-machine's flags both ways: parsed into settings, and written back as the equivalent create command. */
import fc from 'fast-check';
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { changesFromFlags, createCommandOf, parseVolumeStore, VCH_SPEC_OPTIONS } from '../../src/cli/vch-flags.js';
import type { VchSpec } from '../../src/vch/vch-spec.js';

/** Splits a POSIX shell line of plain and single-quoted words (what createCommandOf writes). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!);
  return words;
}

function parse(words: string[]) {
  return parseArgs({ args: words, options: VCH_SPEC_OPTIONS, strict: true, allowPositionals: true }).values;
}

const shares = fc.oneof(fc.constantFrom('low' as const, 'normal' as const, 'high' as const), fc.integer({ min: 1, max: 100_000 }));
const allocation = fc.record({ limit: fc.integer({ min: 1, max: 1_000_000 }), reservation: fc.nat(100_000), shares }, { requiredKeys: [] });
const word = fc.stringMatching(/^[a-z][a-z0-9.-]{0,10}$/);
const spec: fc.Arbitrary<VchSpec> = fc.record(
  {
    name: word,
    computeResource: word,
    imageStore: word,
    cpu: allocation,
    memory: allocation,
    containersLimit: fc.integer({ min: 1, max: 1000 }),
    volumeStores: fc.dictionary(word, word.map((p) => `[ds 1] ${p}`), { maxKeys: 3 }),
    bridgeRange: fc.constant('10.1.0.0/16'),
    provisioning: fc.constantFrom('instant' as const, 'linked' as const, 'full' as const, 'boot' as const),
    insecureRegistries: fc.array(word, { maxLength: 2 }),
    whitelistRegistries: fc.array(word, { maxLength: 2 }),
  },
  { requiredKeys: ['name', 'provisioning'] },
);

/** What a spec says, with empty lists and allocations read as not given (the command omits them). */
function meaning(s: VchSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'name' || v === undefined) continue;
    if (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out;
}

describe('vch flags', () => {
  it('parse back, from the create command inspect prints, into the same settings', () => {
    fc.assert(
      fc.property(spec, fc.integer({ min: 1, max: 65535 }), (s, port) => {
        const words = shellWords(createCommandOf(s, port));
        expect(words.slice(0, 3)).toEqual(['vicsim', 'vch', 'create']);
        const values = parse(words.slice(3));
        expect(values.name).toBe(s.name);
        expect(values['docker-port']).toBe(String(port));
        expect(changesFromFlags(values)).toEqual(meaning(s));
      }),
      { numRuns: 200 },
    );
  });

  it('read a volume store as [ds] path:label, the label defaulting to default', () => {
    expect(parseVolumeStore('[datastore1] vols/a:fast')).toEqual(['fast', '[datastore1] vols/a']);
    expect(parseVolumeStore('[datastore1] vols')).toEqual(['default', '[datastore1] vols']);
    expect(() => parseVolumeStore('[datastore1] vols:')).toThrow("--volume-store '[datastore1] vols:' has an empty label");
  });

  it('take comma-separated and repeated registries alike', () => {
    const values = parse(['--insecure-registry', 'a:5000,b', '--insecure-registry', 'c']);
    expect(changesFromFlags(values)).toEqual({ insecureRegistries: ['a:5000', 'b', 'c'] });
  });

  it('give only the flags that were set', () => {
    expect(changesFromFlags(parse(['--cpu-reservation', '500']))).toEqual({ cpu: { reservation: 500 } });
    expect(changesFromFlags(parse([]))).toEqual({});
  });
});

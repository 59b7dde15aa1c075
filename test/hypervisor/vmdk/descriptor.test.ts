import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CREATE_TYPES,
  DescriptorParseError,
  EXTENT_ACCESS,
  NO_PARENT_CID,
  formatDescriptor,
  geometryFor,
  parseDescriptor,
} from '../../../src/hypervisor/vmdk/index.js';
import type { ExtentLine, VmdkDescriptor } from '../../../src/hypervisor/vmdk/index.js';

const safeText = fc.stringMatching(/^[A-Za-z0-9_. [\]/-]{1,24}$/);
const fileName = fc.stringMatching(/^[A-Za-z0-9_.-]{1,16}\.vmdk$/);
const cid = fc.integer({ min: 0, max: 0xfffffffe });

const extentArb: fc.Arbitrary<ExtentLine> = fc.oneof(
  fc.record({ access: fc.constantFrom(...EXTENT_ACCESS), sectors: fc.integer({ min: 1, max: 2 ** 40 }), type: fc.constant('ZERO' as const) }),
  fc.record(
    {
      access: fc.constantFrom(...EXTENT_ACCESS),
      sectors: fc.integer({ min: 1, max: 2 ** 40 }),
      type: fc.constantFrom('FLAT', 'SPARSE', 'VMFS', 'VMFSSPARSE', 'SESPARSE' as const),
      fileName,
      offset: fc.nat(),
    },
    { requiredKeys: ['access', 'sectors', 'type', 'fileName'] },
  ),
);

const ddbArb = fc.record(
  {
    free: fc.dictionary(fc.stringMatching(/^[a-z][A-Za-z0-9_.]{0,15}$/).filter((k) => !k.startsWith('geometry') && k !== 'grain'), safeText, { maxKeys: 5 }),
    cylinders: fc.nat().map(String),
    grain: fc.constantFrom('1', '8'),
    thinProvisioned: fc.constantFrom('0', '1'),
  },
  { requiredKeys: ['free'] },
);

const descriptorArb: fc.Arbitrary<VmdkDescriptor> = fc
  .record({
    version: fc.integer({ min: 1, max: 3 }),
    encoding: fc.constantFrom('UTF-8', 'windows-1252'),
    cid,
    parent: fc.option(fc.tuple(cid, safeText), { nil: undefined }),
    isNativeSnapshot: fc.option(fc.constantFrom('no', 'yes'), { nil: undefined }),
    createType: fc.constantFrom(...CREATE_TYPES),
    extents: fc.array(extentArb, { minLength: 1, maxLength: 3 }),
    ddb: ddbArb,
  })
  .map(({ parent, isNativeSnapshot, ddb, ...rest }) => {
    const { free, cylinders, grain, thinProvisioned } = ddb;
    const entries: Record<string, string> = { ...free };
    if (cylinders !== undefined) entries['geometry.cylinders'] = cylinders;
    if (grain !== undefined) entries['grain'] = grain;
    if (thinProvisioned !== undefined) entries['thinProvisioned'] = thinProvisioned;
    return {
      ...rest,
      parentCid: parent?.[0] ?? NO_PARENT_CID,
      ...(parent ? { parentFileNameHint: parent[1] } : {}),
      ...(isNativeSnapshot === undefined ? {} : { isNativeSnapshot }),
      ddb: entries,
    };
  });

const ESXI_BASE = `# Disk DescriptorFile
version=1
encoding="UTF-8"
CID=fffffffe
parentCID=ffffffff
createType="vmfs"

# Extent description
RW 2097152 VMFS "volume-flat.vmdk"

# The Disk Data Base
#DDB

ddb.adapterType = "lsilogic"
ddb.geometry.cylinders = "130"
ddb.geometry.heads = "255"
ddb.geometry.sectors = "63"
ddb.longContentID = "4b9a3c0e8f0a61d2c37e54a2fffffffe"
ddb.thinProvisioned = "1"
ddb.uuid = "60 00 C2 91 3a 6b 5c 7e-8d 9f 01 23 45 67 89 ab"
ddb.virtualHWVersion = "14"
`;

function parseError(text: string): DescriptorParseError {
  try {
    parseDescriptor(text);
  } catch (err) {
    if (err instanceof DescriptorParseError) return err;
    throw err;
  }
  throw new Error('the text parsed');
}

describe('VMDK descriptor text', () => {
  it('parses back to the descriptor it was generated from, and generates the same text again', () => {
    fc.assert(
      fc.property(descriptorArb, (d) => {
        const text = formatDescriptor(d);
        const parsed = parseDescriptor(text);
        expect(parsed).toEqual(d);
        expect(formatDescriptor(parsed)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('reads a base descriptor as ESXi writes it', () => {
    const d = parseDescriptor(ESXI_BASE);
    expect(d.cid).toBe(0xfffffffe);
    expect(d.parentCid).toBe(NO_PARENT_CID);
    expect(d.createType).toBe('vmfs');
    expect(d.extents).toEqual([{ access: 'RW', sectors: 2097152, type: 'VMFS', fileName: 'volume-flat.vmdk' }]);
    expect(d.ddb['thinProvisioned']).toBe('1');
    expect(d.ddb['geometry.cylinders']).toBe(String(geometryFor(2097152, 'lsilogic').cylinders));
  });

  it('reads a sparse delta as qemu writes it, without an encoding line and with CRLF line ends', () => {
    const text = [
      '# Disk DescriptorFile',
      'version=1',
      'CID=1a2b3c4d',
      'parentCID=0badf00d',
      'createType="monolithicSparse"',
      'parentFileNameHint="base.vmdk"',
      '',
      '# Extent description',
      'RW 204800 SPARSE "child.vmdk"',
      '',
    ].join('\r\n');
    const d = parseDescriptor(text);
    expect(d).toMatchObject({ encoding: 'UTF-8', cid: 0x1a2b3c4d, parentCid: 0x0badf00d, parentFileNameHint: 'base.vmdk' });
    expect(d.extents[0]).toEqual({ access: 'RW', sectors: 204800, type: 'SPARSE', fileName: 'child.vmdk' });
  });

  it('derives the geometry ESXi writes for SCSI and IDE adapters', () => {
    expect(geometryFor(16777216, 'pvscsi')).toEqual({ cylinders: 1044, heads: 255, sectors: 63 });
    expect(geometryFor(2 ** 34, 'ide')).toEqual({ cylinders: 16383, heads: 16, sectors: 63 });
  });

  const broken: [string, (text: string) => string, number, string][] = [
    ['a missing signature', (t) => t.replace('# Disk DescriptorFile', 'version=1'), 1, 'expected "# Disk DescriptorFile"'],
    ['a malformed CID', (t) => t.replace('CID=fffffffe', 'CID=xyz'), 4, 'a CID is 8 hex digits'],
    ['an unknown createType', (t) => t.replace('"vmfs"', '"floppy"'), 6, 'unknown createType floppy'],
    ['an unknown extent type', (t) => t.replace(' VMFS ', ' TAPE '), 9, 'unknown extent type TAPE'],
    ['an extent without its file', (t) => t.replace(' "volume-flat.vmdk"', ''), 9, 'extent file name missing'],
    ['a non-numeric geometry', (t) => t.replace('heads = "255"', 'heads = "many"'), 16, 'ddb.geometry.heads must be a whole number'],
    ['a bad thinProvisioned flag', (t) => t.replace('thinProvisioned = "1"', 'thinProvisioned = "yes"'), 19, 'thinProvisioned'],
    ['a duplicate field', (t) => t.replace('version=1', 'version=1\nversion=1'), 3, 'duplicate header field version'],
    ['a stray line', (t) => t.replace('# Extent description', 'hello world'), 8, 'not a header field, extent or ddb entry'],
    ['an unquoted ddb value', (t) => t.replace('"lsilogic"', 'lsilogic'), 14, 'ddb.<key> = "<value>"'],
    ['a parent CID without a parentFileNameHint', (t) => t.replace('parentCID=ffffffff', 'parentCID=01020304'), 5, 'go together'],
    ['a missing createType', (t) => t.replace('createType="vmfs"\n', ''), 0, 'missing header field createType'],
    ['no extent at all', (t) => t.replace('RW 2097152 VMFS "volume-flat.vmdk"\n', ''), 0, 'no extent lines'],
  ];

  for (const [what, breakIt, line, reason] of broken) {
    it(`refuses ${what}, naming the line`, () => {
      const err = parseError(breakIt(ESXI_BASE));
      expect(err.code).toBe('InvalidVmdkDescriptor');
      expect(err.line).toBe(line);
      expect(err.reason).toContain(reason);
      if (line > 0) expect(err.message).toContain(`line ${line} "${err.text}"`);
    });
  }
});

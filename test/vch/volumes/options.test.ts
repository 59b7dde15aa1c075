import { describe, expect, it } from 'vitest';
import { BadParameterError } from '../../../src/vch/engine/errors.js';
import { checkVolumeDriver, checkVolumeName, checkVolumeOptions, parseCapacityMB } from '../../../src/vch/volumes/index.js';

const stores = new Set(['default', 'fast']);

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BadParameterError);
    return (e as Error).message;
  }
  return expect.unreachable('no error');
}

describe('volume options', () => {
  it.each([
    ['2048', 2048],
    ['512MB', 512],
    ['2GB', 2048],
    ['1.5GB', 1536],
    ['1TB', 1024 * 1024],
    ['3g', 3072],
    [' 10 ', 10],
  ])('reads Capacity %s as %i MB', (text, mb) => {
    expect(parseCapacityMB(text)).toBe(mb);
  });

  it.each(['abc', '', '0', '-5', '12KB', '5PB', '1.5', 'GB'])('refuses Capacity %j with "Invalid size"', (text) => {
    expect(message(() => parseCapacityMB(text))).toBe('Invalid size');
  });

  it.each(['2147483648', '99999999999999', '4096TB'])('refuses Capacity %s with "Capacity value too large"', (text) => {
    expect(message(() => parseCapacityMB(text))).toBe('Capacity value too large');
  });

  it('defaults to the default store and 1024 MB, and echoes the options given', () => {
    expect(checkVolumeOptions(undefined, stores)).toEqual({ store: 'default', capacityMB: 1024, options: {} });
    expect(checkVolumeOptions({ Capacity: '2GB', VolumeStore: 'fast' }, stores)).toEqual({ store: 'fast', capacityMB: 2048, options: { Capacity: '2GB', VolumeStore: 'fast' } });
  });

  it('reads option keys without regard to case, as VIC lower-cased them', () => {
    expect(checkVolumeOptions({ capacity: '64', volumestore: 'fast' }, stores)).toMatchObject({ store: 'fast', capacityMB: 64 });
  });

  it("refuses a store the VCH does not have and an option VIC did not know, in VIC's words", () => {
    expect(message(() => checkVolumeOptions({ VolumeStore: 'nope' }, stores))).toBe('No volume store named (nope) exists');
    expect(message(() => checkVolumeOptions({ Size: '10' }, stores))).toBe('Size is not a supported option');
    expect(message(() => checkVolumeOptions({}, new Set(['fast'])))).toBe('No volume store named (default) exists');
  });

  it('accepts docker volume names and refuses others with docker’s message', () => {
    expect(checkVolumeName('my_vol-1.x')).toBe('my_vol-1.x');
    for (const bad of ['a', '-x', 'a/b', 'with space', '.hidden']) {
      expect(message(() => checkVolumeName(bad))).toContain(`"${bad}" includes invalid characters for a local volume name`);
    }
  });

  it('knows the vsphere driver, takes local as its alias and refuses others', () => {
    expect(checkVolumeDriver(undefined)).toBe('vsphere');
    expect(checkVolumeDriver('local')).toBe('vsphere');
    expect(checkVolumeDriver('vsphere')).toBe('vsphere');
    expect(message(() => checkVolumeDriver('nfs'))).toBe('error looking up volume plugin nfs: plugin "nfs" not found');
  });
});

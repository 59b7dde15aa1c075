import { describe, expect, it } from 'vitest';
import { type Calibration, type CalibrationOverrides, DEFAULT_CALIBRATION, calibrate } from '../../src/sim/calibration.js';
import { InvalidArgumentError } from '../../src/sim/errors.js';

/** A deep copy taken before a test, to show the defaults did not change. */
const PRISTINE: Calibration = structuredClone(DEFAULT_CALIBRATION);

/** Overrides as untyped input (a scenario file), to reach the runtime checks. */
function untyped(value: unknown): CalibrationOverrides {
  return value as CalibrationOverrides;
}

function expectRefused(overrides: unknown, message: string | RegExp): void {
  expect(() => calibrate(untyped(overrides))).toThrow(InvalidArgumentError);
  expect(() => calibrate(untyped(overrides))).toThrow(message);
}

describe('DEFAULT_CALIBRATION', () => {
  it('holds the VIC container VM defaults and the vSphere clone generation limits', () => {
    expect(DEFAULT_CALIBRATION.vm).toEqual({ defaultMemoryMB: 2048, defaultCpus: 2, minMemoryMB: 512, memoryGranularityMB: 128, maxVmsPerHost: 1024 });
    expect(DEFAULT_CALIBRATION.cloneGenerations).toEqual({ warnAbove: 100, failAt: 255 });
    expect(DEFAULT_CALIBRATION.memory.interVmTps).toBe(false);
  });

  it('is frozen all the way down', () => {
    expect(Object.isFrozen(DEFAULT_CALIBRATION)).toBe(true);
    for (const section of Object.values(DEFAULT_CALIBRATION)) expect(Object.isFrozen(section)).toBe(true);
    expect(Object.isFrozen(DEFAULT_CALIBRATION.memory.stateThresholds)).toBe(true);
    expect(() => {
      (DEFAULT_CALIBRATION.latency as { instantCloneMs: number }).instantCloneMs = 1;
    }).toThrow(TypeError);
  });
});

describe('calibrate', () => {
  it('returns the defaults when given no overrides', () => {
    expect(calibrate()).toEqual(DEFAULT_CALIBRATION);
    expect(calibrate({})).toEqual(DEFAULT_CALIBRATION);
  });

  it('applies overrides per section and keeps every other value', () => {
    const c = calibrate({ latency: { instantCloneMs: 40 }, vm: { defaultCpus: 4 }, cloneGenerations: { failAt: 32 } });
    expect(c.latency).toEqual({ ...DEFAULT_CALIBRATION.latency, instantCloneMs: 40 });
    expect(c.vm).toEqual({ ...DEFAULT_CALIBRATION.vm, defaultCpus: 4 });
    expect(c.cloneGenerations).toEqual({ warnAbove: 100, failAt: 32 });
    expect(c.memory).toEqual(DEFAULT_CALIBRATION.memory);
    expect(c.disk).toEqual(DEFAULT_CALIBRATION.disk);
  });

  it('accepts a boolean override of a boolean value', () => {
    expect(calibrate({ memory: { interVmTps: true } }).memory.interVmTps).toBe(true);
  });

  it('replaces the memory state thresholds given whole', () => {
    const stateThresholds = { high: 3, clear: 1, soft: 0.5, hard: 0.25, low: 0.125 };
    expect(calibrate({ memory: { stateThresholds } }).memory.stateThresholds).toEqual(stateThresholds);
  });

  it('keeps the thresholds a scenario file leaves out when it gives only some', () => {
    const c = calibrate(untyped({ memory: { stateThresholds: { high: 5 } } }));
    expect(c.memory.stateThresholds).toEqual({ ...DEFAULT_CALIBRATION.memory.stateThresholds, high: 5 });
  });

  it('treats an undefined section or value as not given', () => {
    const c = calibrate({ latency: undefined, vm: { defaultCpus: undefined } });
    expect(c).toEqual(DEFAULT_CALIBRATION);
  });

  it('applies overrides on top of the base it is given', () => {
    const base = calibrate({ vm: { defaultMemoryMB: 4096 } });
    const c = calibrate({ vm: { defaultCpus: 8 } }, base);
    expect(c.vm).toMatchObject({ defaultMemoryMB: 4096, defaultCpus: 8 });
  });

  it('returns a calibration frozen all the way down', () => {
    const c = calibrate({ latency: { powerOnMs: 1 } });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.latency)).toBe(true);
    expect(Object.isFrozen(c.memory.stateThresholds)).toBe(true);
  });

  it('leaves DEFAULT_CALIBRATION untouched', () => {
    calibrate({ latency: { instantCloneMs: 1 }, memory: { interVmTps: true }, disk: { vicMaxLayers: 3 } });
    calibrate(untyped({ memory: { stateThresholds: { low: 0 } } }));
    expect(DEFAULT_CALIBRATION).toEqual(PRISTINE);
  });

  it('does not share the caller\'s override objects', () => {
    const latency = { instantCloneMs: 40 };
    const c = calibrate({ latency });
    latency.instantCloneMs = 99;
    expect(c.latency.instantCloneMs).toBe(40);
  });
});

describe('calibrate refusals', () => {
  it('refuses an unknown section', () => {
    expectRefused({ network: { mtu: 1500 } }, 'unknown calibration section network');
  });

  it.each(['toString', 'constructor', 'hasOwnProperty'])('refuses the section %s inherited from Object', (section) => {
    expectRefused({ [section]: {} }, `unknown calibration section ${section}`);
  });

  it('refuses an unknown key, naming section and key', () => {
    expectRefused({ latency: { warpDriveMs: 1 } }, 'unknown calibration key latency.warpDriveMs');
  });

  it.each(['constructor', 'toString', 'valueOf'])('refuses the key %s inherited from Object', (key) => {
    expectRefused({ latency: { [key]: Object } }, `unknown calibration key latency.${key}`);
  });

  it('refuses an unknown threshold, naming its full path', () => {
    expectRefused({ memory: { stateThresholds: { extreme: 0.01 } } }, 'unknown calibration key memory.stateThresholds.extreme');
  });

  it.each([
    [{ latency: { instantCloneMs: '100' } }, 'calibration latency.instantCloneMs must be a number, got string'],
    [{ memory: { interVmTps: 1 } }, 'calibration memory.interVmTps must be a boolean, got number'],
    [{ vm: { defaultCpus: null } }, 'calibration vm.defaultCpus must be a number, got null'],
    [{ memory: { stateThresholds: { high: 'x' } } }, 'calibration memory.stateThresholds.high must be a number, got string'],
  ])('refuses the wrong type in %j', (overrides, message) => {
    expectRefused(overrides, message);
  });

  it.each([
    [{ memory: { stateThresholds: null } }, 'memory.stateThresholds'],
    [{ memory: { stateThresholds: [4, 1] } }, 'memory.stateThresholds'],
    [{ memory: { stateThresholds: 4 } }, 'memory.stateThresholds'],
    [{ latency: 5 }, 'latency'],
    [{ vm: null }, 'vm'],
  ])('refuses something other than an object in %j', (overrides, path) => {
    expectRefused(overrides, `calibration ${path} must be an object`);
  });
});

describe('calibration memory.guestWrites', () => {
  it('is sampled by default, takes expected, and refuses any other value by name', () => {
    expect(DEFAULT_CALIBRATION.memory.guestWrites).toBe('sampled');
    expect(calibrate({ memory: { guestWrites: 'expected' } }).memory.guestWrites).toBe('expected');
    expect(() => calibrate({ memory: { guestWrites: 'average' as never } })).toThrow("calibration memory.guestWrites must be one of sampled, expected, got 'average'");
  });
});

import { describe, expect, it } from 'vitest';
import {
  DuplicateNameError,
  ERROR_CODES,
  InsufficientResourcesError,
  InvalidArgumentError,
  InvalidPowerStateError,
  InvalidStateError,
  NotFoundError,
  NotSupportedError,
  RestoreError,
  VicsimError,
} from '../../src/sim/errors.js';

/** One instance of each error class, with the message it must write. */
const SAMPLES: [VicsimError, string][] = [
  [new InvalidArgumentError('size', "invalid size: 'x'"), "invalid size: 'x'"],
  [new NotFoundError('VirtualMachine', 'vm-9'), 'VirtualMachine vm-9 not found'],
  [new DuplicateNameError('VirtualMachine', 'web', 'resgroup-4'), 'VirtualMachine named "web" already exists in resgroup-4'],
  [new InvalidPowerStateError('vm-3', 'power off', 'poweredOff'), 'cannot power off vm-3: it is poweredOff'],
  [
    new InvalidPowerStateError('vm-3', 'suspend', 'poweredOff', 'poweredOn'),
    'cannot suspend vm-3: it is poweredOff (requested poweredOn)',
  ],
  [new InvalidStateError('InvalidHostState', 'host-2', 'maintenance', 'host-2 is in maintenance mode'), 'host-2 is in maintenance mode'],
  [
    new InsufficientResourcesError('resgroup-4', 'memory', 4096, 1024, 'MB'),
    'insufficient memory resources in resgroup-4: requested 4096 MB, available 1024 MB',
  ],
  [new NotSupportedError('no live migration'), 'no live migration'],
  [new RestoreError('bad version'), 'bad version'],
];

/** The samples with their class name first, for test names. */
const NAMED = SAMPLES.map(([error, message]) => [error.constructor.name, message, error] as const);

describe('VicsimError and its subclasses', () => {
  it.each(NAMED)('%s writes %j from its fields', (_, message, error) => {
    expect(error.message).toBe(message);
  });

  it.each(NAMED)('%s is an Error and a VicsimError named after its code', (_name, _message, error) => {
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(VicsimError);
    expect(error.name).toBe(error.code);
  });

  it.each(NAMED)('%s has a code listed in ERROR_CODES', (_name, _message, error) => {
    expect(ERROR_CODES as readonly string[]).toContain(error.code);
  });

  it('keeps the fields a caller asserts on', () => {
    const e = new InvalidPowerStateError('vm-3', 'suspend', 'poweredOff', 'poweredOn');
    expect(e).toMatchObject({ vm: 'vm-3', operation: 'suspend', existing: 'poweredOff', requested: 'poweredOn' });
    expect(new InvalidArgumentError('scale', 'bad')).toMatchObject({ code: 'InvalidArgument', argument: 'scale' });
  });

  it('lists each code once', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/sim/errors.js';
import { ID_PREFIX, IdAllocator, type IdKind, isIdOf, kindOfId } from '../../src/sim/ids.js';

const KINDS = Object.keys(ID_PREFIX) as IdKind[];

describe('IdAllocator', () => {
  it('numbers objects of every kind from one counter, as vCenter does', () => {
    const ids = new IdAllocator();
    expect(ids.next('datacenter')).toBe('datacenter-1');
    expect(ids.next('cluster')).toBe('domain-c2');
    expect(ids.next('host')).toBe('host-3');
    expect(ids.next('pool')).toBe('resgroup-4');
    expect(ids.next('datastore')).toBe('datastore-5');
    expect(ids.next('vm')).toBe('vm-6');
    expect(ids.next('network')).toBe('network-7');
    expect(ids.next('task')).toBe('task-8');
    expect(ids.next('snapshot')).toBe('snapshot-9');
    expect(ids.counter).toBe(10);
  });

  it('peeks at the id the next call hands out without taking it', () => {
    const ids = new IdAllocator(41);
    expect(ids.peek('vm')).toBe('vm-41');
    expect(ids.peek('task')).toBe('task-41');
    expect(ids.counter).toBe(41);
    expect(ids.next('vm')).toBe('vm-41');
    expect(ids.peek('vm')).toBe('vm-42');
  });

  it('starts from the number it is given', () => {
    expect(new IdAllocator(1000).next('vm')).toBe('vm-1000');
  });

  it('hands out unique ids whose kind reads back (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...KINDS), { maxLength: 50 }), fc.integer({ min: 1, max: 1e9 }), (kinds, start) => {
        const alloc = new IdAllocator(start);
        const ids = kinds.map((k) => alloc.next(k));
        expect(new Set(ids).size).toBe(ids.length);
        ids.forEach((id, i) => expect(kindOfId(id)).toBe(kinds[i]));
        expect(alloc.counter).toBe(start + kinds.length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('IdAllocator counter', () => {
  it('continues where a saved allocator left off after a counter round trip', () => {
    const original = new IdAllocator();
    original.next('host');
    original.next('vm');
    const restored = new IdAllocator();
    restored.counter = original.counter;
    expect(restored.next('vm')).toBe(original.next('vm'));
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('refuses the counter %s', (n) => {
    const ids = new IdAllocator();
    expect(() => (ids.counter = n)).toThrow(InvalidArgumentError);
    expect(() => (ids.counter = n)).toThrow(expect.objectContaining({ argument: 'counter' }));
    expect(ids.counter).toBe(1);
  });

  it.each([0, -5, 2.5, Number.NaN])('refuses to start from %s', (start) => {
    expect(() => new IdAllocator(start)).toThrow(InvalidArgumentError);
  });
});

describe('kindOfId and isIdOf', () => {
  it.each([
    ['datacenter-2', 'datacenter'],
    ['domain-c7', 'cluster'],
    ['host-10', 'host'],
    ['resgroup-8', 'pool'],
    ['datastore-11', 'datastore'],
    ['vm-42', 'vm'],
    ['network-12', 'network'],
    ['task-101', 'task'],
    ['snapshot-77', 'snapshot'],
  ] as const)('reads %s as a %s id', (id, kind) => {
    expect(kindOfId(id)).toBe(kind);
    expect(isIdOf(kind, id)).toBe(true);
  });

  it.each(['', 'vm-', 'vm-abc', 'vm-1x', 'VM-1', 'domain-5', 'host_3', 'folder-4', ' vm-1', 'vm--1', 'vm-1.5'])(
    'does not read %j as an id',
    (text) => {
      expect(kindOfId(text)).toBeUndefined();
    },
  );

  it('says no when the id is of another kind', () => {
    expect(isIdOf('host', 'vm-3')).toBe(false);
    expect(isIdOf('cluster', 'datacenter-3')).toBe(false);
    expect(isIdOf('datastore', 'datacenter-3')).toBe(false);
  });
});

/** Parameter paths and grid expansion: where a swept value lands, and every combination once. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandGrid, makeAxis, overlappingAxes, parseAxisSetting, type SweepAxis } from '../../../src/capacity/sweep/grid.js';
import { isIssue, parsePath, setAtPath, type ParameterPath } from '../../../src/capacity/sweep/paths.js';

function path(text: string): ParameterPath {
  const p = parsePath(text);
  if (isIssue(p)) throw new Error(p.message);
  return p;
}

function axis(setting: string): SweepAxis {
  const a = parseAxisSetting(setting);
  if (isIssue(a)) throw new Error(`${a.path}: ${a.message}`);
  return a;
}

const doc = () => ({
  duration: '1h',
  vchs: [{ name: 'a', provisioning: 'instant' }, { name: 'b' }],
  arrivals: [{ kind: 'poisson', rate: '30/h' }],
  clusters: [{ preset: 'cluster', hosts: 2 }],
});

describe('parameter paths', () => {
  it('read dotted indices and the bracket form of error messages alike', () => {
    expect(path('vchs.0.provisioning').steps).toEqual([{ key: 'vchs' }, { key: '0' }, { key: 'provisioning' }]);
    expect(path('vchs[0].provisioning').steps).toEqual([{ key: 'vchs' }, { index: 0 }, { key: 'provisioning' }]);
    expect(path('arrivals.*.rate').steps).toEqual([{ key: 'arrivals' }, { every: true }, { key: 'rate' }]);
  });

  it('reject empty and malformed segments, naming the segment', () => {
    expect(parsePath('  ')).toMatchObject({ message: 'empty parameter path' });
    expect(parsePath('vchs..provisioning')).toMatchObject({ path: 'vchs..provisioning', message: expect.stringContaining("malformed segment ''") });
    expect(parsePath('vchs[x].name')).toMatchObject({ message: expect.stringContaining("malformed segment 'vchs[x]'") });
  });

  it('set one list element by index, in either form', () => {
    for (const text of ['vchs.1.provisioning', 'vchs[1].provisioning']) {
      const d = doc();
      expect(setAtPath(d, path(text), 'full')).toEqual([]);
      expect(d.vchs).toEqual([{ name: 'a', provisioning: 'instant' }, { name: 'b', provisioning: 'full' }]);
    }
  });

  it('set every element when a key meets a list without an index, or with *', () => {
    for (const text of ['vchs.provisioning', 'vchs.*.provisioning']) {
      const d = doc();
      expect(setAtPath(d, path(text), 'full')).toEqual([]);
      expect(d.vchs.map((v) => (v as { provisioning?: string }).provisioning)).toEqual(['full', 'full']);
    }
  });

  it('create the mappings a path passes through that the scenario leaves out', () => {
    const d: Record<string, unknown> = doc();
    expect(setAtPath(d, path('clusters.0.drs.migrationThreshold'), 4)).toEqual([]);
    expect(d.clusters).toEqual([{ preset: 'cluster', hosts: 2, drs: { migrationThreshold: 4 } }]);
  });

  it('name the offending place when an index is out of range, a value has no keys, or a list is missing', () => {
    expect(setAtPath(doc(), path('vchs.5.provisioning'), 'full')).toEqual([{ path: 'vchs[5]', message: 'no such element: vchs has 2' }]);
    expect(setAtPath(doc(), path('duration.unit'), 's')).toEqual([{ path: 'duration', message: `is a plain value ("1h"), so it has no key 'unit'` }]);
    expect(setAtPath(doc(), path('events.0.at'), '1h')).toEqual([{ path: 'events', message: 'is not set, so it has no element 0' }]);
  });
});

describe('axes', () => {
  it('read command-line values as a YAML flow list: numbers, words, units and whole mappings', () => {
    expect(axis('clusters.0.hosts=2,4,8').values).toEqual([2, 4, 8]);
    expect(axis('vchs.provisioning=instant, full').values).toEqual(['instant', 'full']);
    expect(axis('arrivals.0.rate=30/h,2/s').values).toEqual(['30/h', '2/s']);
    const hosts = axis('clusters.0.host={cores: 16, memory: 128g},{cores: 32}');
    expect(hosts.values).toEqual([{ cores: 16, memory: '128g' }, { cores: 32 }]);
    expect(hosts.labels).toEqual(['{"cores":16,"memory":"128g"}', '{"cores":32}']);
  });

  it('refuse a setting without values, a value given twice, and text that is not PATH=VALUES', () => {
    expect(parseAxisSetting('vchs.provisioning=')).toMatchObject({ path: 'vchs.provisioning', message: 'no values given' });
    expect(parseAxisSetting('arrivals.0.rate=30/h,30/h')).toMatchObject({ path: 'arrivals.0.rate', message: 'the value 30/h is given twice' });
    expect(parseAxisSetting('vchs.provisioning')).toMatchObject({ message: expect.stringContaining('expected PATH=VALUE1,VALUE2') });
    expect(makeAxis('seed', [])).toMatchObject({ path: 'seed', message: 'no values given' });
  });

  it('refuse two parameters that write the same place', () => {
    expect(overlappingAxes([axis('vchs.0=x'), axis('vchs.0.provisioning=full')])).toEqual([{ path: 'vchs.0.provisioning', message: 'overlaps the parameter vchs.0: give each place one parameter' }]);
    expect(overlappingAxes([axis('vchs.*.provisioning=full'), axis('vchs.1.provisioning=instant')])).toHaveLength(1);
    expect(overlappingAxes([axis('vchs.0.provisioning=full'), axis('vchs.1.provisioning=instant')])).toEqual([]);
  });
});

describe('grid expansion', () => {
  it('varies the first parameter slowest and the last fastest', () => {
    expect(expandGrid([axis('a=1,2'), axis('b=x,y,z')])).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
  });

  it('gives every combination exactly once: as many points as the product of the axis sizes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 }), (sizes) => {
        const axes = sizes.map((n, i) => makeAxis(`p${i}`, Array.from({ length: n }, (_, v) => v)) as SweepAxis);
        const grid = expandGrid(axes);
        expect(grid).toHaveLength(sizes.reduce((p, n) => p * n, 1));
        expect(new Set(grid.map((c) => c.join(','))).size).toBe(grid.length);
        for (const combo of grid) combo.forEach((v, i) => expect(v).toBeLessThan(sizes[i]!));
      }),
      { numRuns: 150 },
    );
  });
});

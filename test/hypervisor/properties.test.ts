import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterPreset, restoreModel, saveModel, type VSphereModel } from '../../src/hypervisor/index.js';
import { modelViolations } from '../../src/testing/invariants.js';
import { applyOp, opsArb, type Op } from './random-ops.js';

function run(ops: Op[], seed = 7, onStep?: (m: VSphereModel) => void): VSphereModel {
  const { model } = clusterPreset({ hosts: 3, seed, host: { cpuCores: 16, cpuMhzPerCore: 2400, memoryMB: 16 * 1024 } });
  for (const o of ops) {
    applyOp(model, o);
    onStep?.(model);
  }
  model.clock.runUntilIdle();
  onStep?.(model);
  return model;
}

describe('the model under random operation sequences', () => {
  it('keeps every invariant after every operation and every simulated instant', () => {
    fc.assert(
      fc.property(opsArb(60), (ops) => {
        run(ops, 7, (m) => expect(modelViolations(m)).toEqual([]));
      }),
      { numRuns: 150 },
    );
  });

  it('produces the same event log and task history from the same seed and inputs', () => {
    fc.assert(
      fc.property(opsArb(50), fc.integer(), (ops, seed) => {
        const a = run(ops, seed);
        const b = run(ops, seed);
        expect(JSON.stringify(b.events.history())).toBe(JSON.stringify(a.events.history()));
        expect(JSON.stringify(b.tasks.list())).toBe(JSON.stringify(a.tasks.list()));
      }),
      { numRuns: 60 },
    );
  });

  it('saves, restores and saves again to the identical document', () => {
    fc.assert(
      fc.property(opsArb(50), (ops) => {
        const m = run(ops);
        const saved = JSON.stringify(saveModel(m));
        const restored = restoreModel(saved);
        expect(JSON.stringify(saveModel(restored))).toBe(saved);
        expect(modelViolations(restored)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('never lets a power state change other than as the VM power machine allows', () => {
    const allowed = new Set(['poweredOff>poweredOn', 'poweredOn>poweredOff', 'poweredOn>suspended', 'suspended>poweredOn', 'suspended>poweredOff']);
    fc.assert(
      fc.property(opsArb(60), (ops) => {
        const { model } = clusterPreset({ hosts: 2, seed: 3 });
        const seen: string[] = [];
        model.registry.listen((c) => {
          if (c.op === 'update' && c.object.kind === 'VirtualMachine' && c.previous.kind === 'VirtualMachine' && c.previous.powerState !== c.object.powerState) {
            seen.push(`${c.previous.powerState}>${c.object.powerState}`);
          }
        });
        for (const o of ops) applyOp(model, o);
        model.clock.runUntilIdle();
        for (const t of seen) expect(allowed.has(t), t).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { buildInventory, copyModel, type CapacityInventory } from '../../../src/capacity/runner/index.js';
import { Provisioner } from '../../../src/capacity/runner/provisioner.js';
import { parseScenario } from '../../../src/capacity/scenario/load.js';
import { saveModel } from '../../../src/hypervisor/persist.js';

const SCENARIO = parseScenario(
  JSON.stringify({
    name: 'copies',
    seed: 3,
    duration: '1h',
    sampleInterval: '10m',
    clusters: [{ preset: 'cluster', hosts: 2, host: { cores: 8, memory: '16g' } }],
    vchs: [{ name: 'v', provisioning: 'instant' }],
    profiles: [
      { name: 'small', memory: '1g', cpus: 1, workingSet: '128m', lifetime: 'forever' },
      { name: 'large', memory: '4g', cpus: 2, workingSet: '512m', lifetime: 'forever' },
    ],
    arrivals: [
      { kind: 'poisson', profile: 'small', rate: '20/h' },
      { kind: 'poisson', profile: 'large', rate: '5/h' },
    ],
  }),
);

const poweredOn = (inv: { model: CapacityInventory['model'] }) => [...inv.model.registry.all('VirtualMachine')].filter((vm) => vm.powerState === 'poweredOn').length;

describe('headroom trial copies restored from one save', () => {
  it('are independent: filling one leaves the next copy as the model was saved', async () => {
    const { model, vchs } = buildInventory(SCENARIO);
    const provisioner = new Provisioner(model);
    const vch = { ...vchs.get('v')! };
    for (let i = 0; i < 6; i++) provisioner.provision(vch, SCENARIO.profiles[i % 2]!, `c${i}`, () => undefined);
    model.clock.runUntilIdle();
    const saved = saveModel(model);
    const before = poweredOn({ model });
    const first = copyModel(model, saved);
    const trial = provisioner.forModel(first);
    for (let i = 0; i < 5; i++) trial.provision(vch, SCENARIO.profiles[1]!, `extra-${i}`, () => undefined);
    first.clock.runUntilIdle();
    expect(poweredOn({ model: first })).toBeGreaterThan(before);
    const second = copyModel(model, saved);
    expect(poweredOn({ model: second })).toBe(before);
    expect(saveModel(second).objects).toEqual(saved.objects);
    expect(poweredOn({ model })).toBe(before);
  });
});

/** What DRS measures of a capacity run's containers: the CPU their profiles give at that moment. */
import { describe, expect, it } from 'vitest';
import { runScenario, type CapacityInventory } from '../../../src/capacity/runner/index.js';
import { parseScenario } from '../../../src/capacity/scenario/load.js';
import { drsState } from '../../../src/drs/driver/index.js';
import { measuredDemand } from '../../../src/drs/driver/model-snapshot.js';

/** Two hosts, DRS every 5 minutes; 6 containers whose CPU climbs from 100 MHz at 0h to 2 GHz at 1h. */
const SCENARIO = JSON.stringify({
  name: 'cpu-curve',
  seed: 3,
  duration: '1h',
  sampleInterval: '5m',
  drs: { enabled: true, migrationThreshold: 5, interval: '5m' },
  clusters: [{ name: 'c', preset: 'cluster', hosts: 2, host: { cores: 8, coreSpeed: '2GHz', memory: '64g' } }],
  vchs: [{ name: 'v', cluster: 'c', provisioning: 'instant' }],
  profiles: [{ name: 'p', memory: '1g', cpus: 2, workingSet: '64m', cpu: { clock: 'scenario', period: '24h', curve: [{ at: '0h', demand: '100MHz' }, { at: '1h', demand: '2GHz' }] }, lifetime: 'forever' }],
  arrivals: [{ kind: 'schedule', profile: 'p', vch: 'v', batches: [{ at: '0s', count: 6 }] }],
});

describe("a capacity run's CPU curves", () => {
  it('are what DRS measures of each container, at the moment it measures', async () => {
    let inventory: CapacityInventory | undefined;
    const r = await runScenario(parseScenario(SCENARIO), { onInventory: (i) => void (inventory = i) });
    const model = inventory!.model;
    const containers = [...model.registry.all('VirtualMachine')].filter((vm) => vm.powerState === 'poweredOn' && vm.name.startsWith('c'));
    expect(containers).toHaveLength(6);
    // At the end (1h) the curve is at 2 GHz; the headroom trial's copy does not play curves, the run's model does.
    for (const vm of containers) expect(measuredDemand(model, vm).cpuRunMHz).toBeCloseTo(2000, 6);
    const lastSample = r.samples.at(-1)!;
    expect(lastSample.cpuDemandMHz).toBeCloseTo(6 * 2000, 6);
    expect(drsState(model)!.passes.length).toBeGreaterThan(0);
  });
});

import { describe, expect, it } from 'vitest';
import { clusterPreset, createVM, powerVM, type Preset } from '../../src/hypervisor/index.js';
import { setShareForceSalting } from '../../src/hypervisor/guest-memory.js';
import type { VmId } from '../../src/sim/ids.js';
import { MiB } from '../../src/sim/units.js';

/** One 8 GB host with four running 2 GB VMs of the same guest OS, each writing 1800 MB past its boot footprint. */
function crowdedHost(salting: number): Preset {
  const p = clusterPreset({ hosts: 1, seed: 3, host: { cpuCores: 8, cpuMhzPerCore: 2000, memoryMB: 8192 } });
  const host = p.hosts[0]!.id;
  setShareForceSalting(p.model, host, salting);
  for (let i = 0; i < 4; i++) {
    const t = createVM(p.model, { name: `vm-${i}`, pool: p.rootPool.id, memoryMB: 2048, numCpu: 2, disks: [{ capacityBytes: 2 ** 30 }] });
    p.model.clock.runUntilIdle();
    const id = p.model.tasks.info(t.id).result as VmId;
    powerVM(p.model, id, 'powerOn');
    p.model.clock.runUntilIdle();
    p.model.memoryOf(host).write(id, 100 * MiB, 1800 * MiB);
  }
  return p;
}

describe('page sharing in the model', () => {
  it('merges the boot footprints of VMs of one guest OS once Mem.ShareForceSalting is 0 and the host is short of memory', () => {
    const p = crowdedHost(0);
    // 16 GHz scans 64 MB/s: a pass over the ≈ 7.3 GB of candidate pages takes about two minutes
    p.model.clock.advance(60_000);
    expect(p.model.memoryOf(p.hosts[0]!.id).stats().sharedByTpsMB).toBeLessThan(3 * p.model.calibration.memory.bootTouchedMB);
    p.model.clock.advance(120_000);
    const s = p.model.memoryOf(p.hosts[0]!.id).stats();
    expect(s.state).not.toBe('high');
    expect(s.brokenLargePages).toBeGreaterThan(0);
    expect(s.sharedByTpsMB).toBeCloseTo(3 * p.model.calibration.memory.bootTouchedMB, 6);
  });

  it('merges nothing between VMs with the default salting', () => {
    const p = crowdedHost(2);
    p.model.clock.advance(60_000);
    expect(p.model.memoryOf(p.hosts[0]!.id).stats().sharedByTpsMB).toBe(0);
  });

  it('refuses a Mem.ShareForceSalting value ESXi does not know', () => {
    const p = clusterPreset({ hosts: 1 });
    expect(() => setShareForceSalting(p.model, p.hosts[0]!.id, 3)).toThrow(/must be 0, 1 or 2/);
  });
});

import { describe, expect, it } from 'vitest';
import { HostMemory, WORKLOAD_SATURATION } from '../../src/instantclone/index.js';
import { calibrate, DEFAULT_CALIBRATION } from '../../src/sim/calibration.js';
import { Rng } from '../../src/sim/rng.js';
import { MiB } from '../../src/sim/units.js';
import type { GuestWorkload } from '../../src/instantclone/index.js';

const EXPECTED = calibrate({ memory: { guestWrites: 'expected' } });
const web: GuestWorkload = { workingSetBytes: 64 * MiB, dirtyPagesPerSec: 256, locality: 0.9, zeroShare: 0 };

/** A 64 GB host with a frozen template that touched 64 MB and `clones` instant clones of it. */
function clonesOnHost(calibration = EXPECTED, clones = 3): HostMemory {
  const host = new HostMemory(64 * 1024, calibration);
  host.powerOn('template', 1024, 30, 64);
  host.freeze('template');
  for (let i = 0; i < clones; i++) host.fork('template', `clone-${i}`, 30);
  return host;
}

/** Steps every writer of `host` for `ms`; returns how many ran. */
function step(host: HostMemory, ms: number): number {
  let n = 0;
  for (const vm of host.writers()) {
    host.runWorkload(vm, web, Rng.seeded(n), ms);
    n++;
  }
  return n;
}

describe("a host's guest writers and per-VM figures", () => {
  it('are the running VMs whose memory was shared, not the frozen template', () => {
    expect([...clonesOnHost().writers()]).toEqual(['clone-0', 'clone-1', 'clone-2']);
  });

  it('leave once their expected writes settle, with their working set private', () => {
    const host = clonesOnHost();
    let steps = 0;
    while (step(host, 600_000) > 0) steps++;
    expect(steps).toBeGreaterThan(1);
    expect(host.vmStats('clone-0').privateMB).toBe(64);
    expect(host.vmStats('clone-0').sharedMB).toBe(0);
  });

  it('leave once sampled writes reach the saturation point', () => {
    const host = clonesOnHost(DEFAULT_CALIBRATION, 1);
    const secondsToSaturate = (WORKLOAD_SATURATION * 64 * 256) / web.dirtyPagesPerSec;
    host.runWorkload('clone-0', web, Rng.seeded(1), (secondsToSaturate - 1) * 1000);
    expect([...host.writers()]).toEqual(['clone-0']);
    host.runWorkload('clone-0', web, Rng.seeded(2), 2000);
    expect([...host.writers()]).toEqual([]);
  });

  it('rest without a workload and come back when woken', () => {
    const host = clonesOnHost();
    expect(host.runWorkloads((vm) => (vm === 'clone-1' ? undefined : web), Rng.seeded(1), 1000)).toBe(2);
    expect([...host.writers()]).toEqual(['clone-0', 'clone-2']);
    host.wake('clone-1');
    host.wake('no-such-vm');
    expect([...host.writers()].sort()).toEqual(['clone-0', 'clone-1', 'clone-2']);
  });

  it('come back when a settled VM is forked again, the source with it', () => {
    const host = clonesOnHost(EXPECTED, 1);
    while (step(host, 600_000) > 0);
    host.fork('clone-0', 'grandchild', 30);
    expect([...host.writers()].sort()).toEqual(['clone-0', 'grandchild']);
  });

  it('report each VM’s resident and active memory and its generations as its stats do, and nothing for a VM they do not hold', () => {
    const host = clonesOnHost();
    step(host, 60_000);
    for (const vm of ['template', 'clone-0', 'clone-1']) {
      const s = host.vmStats(vm);
      expect(host.usageMB(vm)).toEqual({ residentMB: s.privateMB + s.sharedMB, activeMB: s.activeMB });
      expect(host.generations(vm)).toBe(s.generations);
    }
    expect(host.usageMB('no-such-vm')).toBeUndefined();
  });

  it('count memory that arrived by vMotion as written: a guest whose working set arrived settles at once, one with less grows into the rest', () => {
    const host = new HostMemory(64 * 1024, EXPECTED);
    host.adopt('whole', 1024, 30, 64, 64);
    host.adopt('part', 1024, 30, 16, 16);
    expect(host.runWorkloads(() => web, Rng.seeded(1), 60_000)).toBe(2);
    expect([...host.writers()]).toEqual(['part']);
    expect(host.vmStats('whole').privateMB).toBe(64);
    while (host.runWorkloads(() => web, Rng.seeded(1), 600_000) > 0);
    expect(host.vmStats('part').privateMB).toBe(64);
  });

  it('keep configured memory summed as VMs come and go', () => {
    const host = clonesOnHost();
    expect(host.configuredMB).toBe(4 * 1024);
    host.release('clone-2');
    expect(host.configuredMB).toBe(3 * 1024);
  });
});

/**
 * What the running containers put on each host — how many, their vCPUs and their CPU demand —
 * kept as containers arrive, leave and move, so a sample costs O(hosts × shared CPU probes) plus
 * one read per container whose CPU curve runs on its own clock, not a pass over every container.
 */
import type { GuestCpuProbe } from '../../hypervisor/model.js';
import type { Container } from './state.js';

/** Per-host container load of a run; hosts by their position in the inventory. */
export class HostLoads {
  readonly #containers: Float64Array;
  readonly #vcpus: Float64Array;
  /** Per CPU probe shared by many containers (cpu-probes.ts), how many of them run on each host. */
  readonly #shared = new Map<GuestCpuProbe, Float64Array>();
  /** Containers with a probe of their own, which are read one by one. */
  readonly #own = new Set<Container>();

  /** Loads of `hosts` hosts, all empty. */
  constructor(readonly hosts: number) {
    this.#containers = new Float64Array(hosts);
    this.#vcpus = new Float64Array(hosts);
  }

  /** Adds container `c` on its host (c.hostSlot); `shared` says whether its CPU probe is shared. O(1). */
  add(c: Container, shared: boolean): void {
    this.#count(c, c.hostSlot, 1);
    if (shared) this.#sharedCounts(c.cpuAt)[c.hostSlot]! += 1;
    else this.#own.add(c);
  }

  /** Removes container `c` from its host. O(1). Precondition: added and not removed since. */
  remove(c: Container): void {
    this.#count(c, c.hostSlot, -1);
    if (!this.#own.delete(c)) this.#sharedCounts(c.cpuAt)[c.hostSlot]! -= 1;
  }

  /** Moves container `c` to host `slot` (it ran on c.hostSlot; c.hostSlot becomes `slot`). O(1). */
  move(c: Container, slot: number): void {
    this.#count(c, c.hostSlot, -1);
    this.#count(c, slot, 1);
    if (!this.#own.has(c)) {
      const counts = this.#sharedCounts(c.cpuAt);
      counts[c.hostSlot]! -= 1;
      counts[slot]! += 1;
    }
    c.hostSlot = slot;
  }

  /**
   * Containers, vCPUs and CPU demand (MHz, at scenario time `tMs`) per host, new arrays.
   * O(hosts × shared probes + containers with their own probe).
   */
  at(tMs: number): { containers: Float64Array; vcpus: Float64Array; cpuDemandMHz: Float64Array } {
    const cpuDemandMHz = new Float64Array(this.hosts);
    for (const [probe, counts] of this.#shared) {
      const mhz = probe(tMs);
      for (let h = 0; h < this.hosts; h++) if (counts[h]! > 0) cpuDemandMHz[h]! += counts[h]! * mhz;
    }
    for (const c of this.#own) cpuDemandMHz[c.hostSlot]! += c.cpuAt(tMs);
    return { containers: this.#containers.slice(), vcpus: this.#vcpus.slice(), cpuDemandMHz };
  }

  #count(c: Container, slot: number, sign: 1 | -1): void {
    this.#containers[slot]! += sign;
    this.#vcpus[slot]! += sign * c.profile.cpus;
  }

  #sharedCounts(probe: GuestCpuProbe): Float64Array {
    let counts = this.#shared.get(probe);
    if (!counts) this.#shared.set(probe, (counts = new Float64Array(this.hosts)));
    return counts;
  }
}

/** What a capacity run keeps while it runs: containers, interval counters and event records. */
import type { Timer } from '../../sim/clock.js';
import type { GuestCpuProbe } from '../../hypervisor/model.js';
import type { SharedCpuProbes } from './cpu-probes.js';
import { HostLoads } from './host-loads.js';
import { HostSeriesRecorder } from './host-series.js';
import type { HostId, VmId } from '../../sim/ids.js';
import type { CapacitySample, ProvisioningSample, RefusalReason, TimelineEvent } from '../report/result.js';
import { noRefusals } from '../report/totals.js';
import type { WorkloadProfile } from '../scenario/types.js';
import type { CapacityInventory, VchRuntime } from './inventory.js';
import type { Provisioner } from './provisioner.js';

/** A running container. */
export interface Container {
  readonly vm: VmId;
  readonly vch: VchRuntime;
  readonly profile: WorkloadProfile;
  /** Scenario time it started running, ms. */
  readonly startedAtMs: number;
  /** Its CPU demand at a scenario time, MHz, by its profile (cpu-probes.ts). */
  readonly cpuAt: GuestCpuProbe;
  /** Position in inventory.hosts of the host its VM runs on now (HostLoads.move follows DRS's moves). */
  hostSlot: number;
  /** Its departure, when its lifetime ends before the run does. */
  departure: Timer | undefined;
}

/** The mutable state of one run. */
export interface RunState {
  readonly inventory: CapacityInventory;
  readonly provisioner: Provisioner;
  /** Running containers by VM id. */
  readonly containers: Map<VmId, Container>;
  /** Position of each host in inventory.hosts. */
  readonly hostSlots: ReadonlyMap<HostId, number>;
  /** The CPU probes containers of one profile share. */
  readonly cpuProbes: SharedCpuProbes;
  /** What the running containers put on each host. */
  readonly loads: HostLoads;
  /** The last sample's memory stack and connected hosts, which the next sample shares when nothing changed. */
  lastTotals: Pick<CapacitySample, 'memory' | 'connected'> | undefined;
  /** Every host at the host sampling interval. */
  readonly hostSeries: HostSeriesRecorder;
  /** Counters of the current sampling interval. */
  readonly interval: { placed: number; refused: Record<RefusalReason, number> };
  readonly provisioning: ProvisioningSample[];
  readonly timeline: TimelineEvent[];
  /** Container VMs named so far (names are `c<n>`). */
  requests: number;
  /** Simulated time of the previous sample (interval counters run from it). */
  lastSampleMs: number;
  /** Set when a VM left the powered-on state since the last look for stopped containers (loseStopped). */
  mayHaveStopped: boolean;
}

/** The host a container's VM runs on now (DRS may have moved it since it started). O(1). */
export function hostOf(state: RunState, c: Container): HostId {
  return state.inventory.hosts[c.hostSlot]!.id;
}

/** A fresh run state for a run of `durationMs`; its host series takes every host each `hostSampleIntervalMs` (> 0). */
export function newRunState(inventory: CapacityInventory, provisioner: Provisioner, hostSampleIntervalMs: number, durationMs: number): RunState {
  const hostSlots = new Map(inventory.hosts.map((h, i) => [h.id, i]));
  return { inventory, provisioner, containers: new Map(), hostSlots, cpuProbes: new Map(), loads: new HostLoads(inventory.hosts.length), lastTotals: undefined, hostSeries: new HostSeriesRecorder(inventory.hosts.length, hostSampleIntervalMs, durationMs), interval: { placed: 0, refused: noRefusals() }, provisioning: [], timeline: [], requests: 0, lastSampleMs: -1, mayHaveStopped: false };
}

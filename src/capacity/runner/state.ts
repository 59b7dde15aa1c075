/** What a capacity run keeps while it runs: containers, interval counters and event records. */
import type { Timer } from '../../sim/clock.js';
import type { HostId, VmId } from '../../sim/ids.js';
import type { ProvisioningSample, RefusalReason, TimelineEvent } from '../report/result.js';
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
  /** Its departure, when its lifetime ends before the run does. */
  departure: Timer | undefined;
}

/** The mutable state of one run. */
export interface RunState {
  readonly inventory: CapacityInventory;
  readonly provisioner: Provisioner;
  /** Running containers by VM id. */
  readonly containers: Map<VmId, Container>;
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

/** The host a container's VM runs on now (DRS may have moved it since it started). */
export function hostOf(state: RunState, c: Container): HostId {
  return state.inventory.model.registry.get('VirtualMachine', c.vm).host;
}

/** A fresh run state. */
export function newRunState(inventory: CapacityInventory, provisioner: Provisioner): RunState {
  return { inventory, provisioner, containers: new Map(), interval: { placed: 0, refused: noRefusals() }, provisioning: [], timeline: [], requests: 0, lastSampleMs: -1, mayHaveStopped: false };
}

/**
 * The data contract between the capacity runner and the report writers: {@link CapacityRunResult}.
 * The runner fills it (samples at every sampling instant, event lists, totals from
 * {@link deriveTotals} plus the facts only the model knows); the writers only read it.
 * {@link checkRunResult} states and checks its invariants. Every quantity carries its unit in
 * its name; times are ms of simulated time from the start of the run.
 */
import type { Scenario } from '../scenario/types.js';

/** Why a container request was refused. */
export const REFUSAL_REASONS = Object.freeze([
  /** No host had room (memory or CPU admission) for the VM. */
  'noHostFits',
  /** The VCH pool's memory limit or reservation admission refused it. */
  'poolMemory',
  /** The VCH pool's CPU limit or reservation admission refused it. */
  'poolCpu',
  /** HA admission control refused the power-on (failover capacity would drop below the policy). */
  'haAdmission',
  /** The VCH already ran its maxContainers. */
  'containerLimit',
  /** The datastore had no room for the VM's disks. */
  'datastoreFull',
] as const);
/** One of {@link REFUSAL_REASONS}. */
export type RefusalReason = (typeof REFUSAL_REASONS)[number];
/** A count per refusal reason; every reason present (0 when none). */
export type RefusalCounts = Readonly<Record<RefusalReason, number>>;

/** A host of the run, in the order every sample lists hosts. */
export interface HostInfo {
  readonly name: string;
  readonly cluster: string;
  readonly cpuCores: number;
  readonly cpuMhzPerCore: number;
  readonly memoryMB: number;
}

/**
 * A host's physical memory at one instant, MB. The physical kinds stack to the capacity:
 * privateMB + sharedByForkMB + sharedByTpsMB + overheadMB + freeMB = capacityMB (± 1 MB), and
 * consumedMB = capacityMB − freeMB. zeroMB and configuredMB are guest views, not physical memory.
 */
export interface HostMemorySample {
  readonly capacityMB: number;
  readonly consumedMB: number;
  /** Guest pages backed by this host and read by one VM only. */
  readonly privateMB: number;
  /** Pages held once and read by two or more instant-clone forks (counted once). */
  readonly sharedByForkMB: number;
  /** Pages held once after transparent page sharing merged identical pages (counted once). */
  readonly sharedByTpsMB: number;
  /** Guest memory that reads as zero and is not backed. */
  readonly zeroMB: number;
  /** Per-VM overhead memory (vSphere Resource Management guide table). */
  readonly overheadMB: number;
  readonly freeMB: number;
  /** Configured guest memory of the VMs running here. */
  readonly configuredMB: number;
}

/** HA/DRS host state at a sample (drs DrsHostState). */
export type HostSampleState = 'connected' | 'maintenance' | 'failed' | 'standby';

/** One host at one instant (a row of its {@link HostColumns}). */
export interface HostSample {
  readonly state: HostSampleState;
  /** Container VMs running on it. */
  readonly containers: number;
  /** Their vCPUs. */
  readonly vcpus: number;
  /** CPU the VMs ask for (run + ready), MHz. */
  readonly cpuDemandMHz: number;
  /** cores × MHz per core while connected; 0 in any other state. */
  readonly cpuCapacityMHz: number;
  readonly memory: HostMemorySample;
}

/**
 * Per-host figures by column: entry j of every column is the host at `HostSeries.tMs[j]`.
 * `cpuCapacityMHz` is cores × MHz per core while connected, 0 in any other state.
 */
export interface HostColumns {
  readonly state: readonly HostSampleState[];
  /** Container VMs running on it. */
  readonly containers: readonly number[];
  /** Their vCPUs. */
  readonly vcpus: readonly number[];
  /** CPU the VMs ask for (run + ready), MHz. */
  readonly cpuDemandMHz: readonly number[];
  readonly cpuCapacityMHz: readonly number[];
  /** The memory stack (HostMemorySample's fields), one column per kind. */
  readonly memory: { readonly [K in keyof HostMemorySample]: readonly number[] };
}

/**
 * Every host at every `intervalMs` of simulated time (the scenario's hostSampleIntervalMs, a
 * multiple of its sampling interval) and at the last sample: a subset of the samples' instants,
 * stored by column so a month of a hundred hosts stays a few MB.
 */
export interface HostSeries {
  readonly intervalMs: number;
  /** Increasing; each is the tMs of a sample. */
  readonly tMs: readonly number[];
  /** In the order of CapacityRunResult.hosts. */
  readonly hosts: readonly HostColumns[];
}

/** The connected hosts at one instant: how many, their physical cores and memory. */
export interface ConnectedHosts {
  readonly hosts: number;
  readonly cpuCores: number;
  readonly memoryMB: number;
}

/** DPM at a sample: hosts on (connected or in maintenance) and in standby now; power changes completed in the interval. */
export interface DpmSample {
  readonly hostsOn: number;
  readonly hostsStandby: number;
  readonly powerOns: number;
  readonly standbys: number;
}

/** Everything at one sampling instant; counts of happenings cover (previous sample, this sample]. */
export interface CapacitySample {
  /** 0, interval, 2 × interval, … (the last sample may be at the end of an interrupted run). */
  readonly tMs: number;
  /** Containers running at tMs. */
  readonly running: number;
  /** Containers placed and started in the interval. */
  readonly placed: number;
  /** Requests refused in the interval, by reason. */
  readonly refused: RefusalCounts;
  /** The hosts connected at tMs. */
  readonly connected: ConnectedHosts;
  /** vCPUs of the running containers. */
  readonly vcpus: number;
  /** CPU the VMs of every host ask for, MHz. */
  readonly cpuDemandMHz: number;
  /** CPU of the connected hosts, MHz. */
  readonly cpuCapacityMHz: number;
  /** Every host's memory stack summed (it stacks as one host's does). */
  readonly memory: HostMemorySample;
  /** DRS imbalance (standard deviation of normalised host load) per cluster, in the order of the scenario's clusters. */
  readonly imbalance: readonly number[];
  /** vMotions completed in the interval. */
  readonly vmotions: number;
  /** Memory they moved, MB. */
  readonly vmotionMB: number;
  /** VMs HA restarted in the interval. */
  readonly haRestarts: number;
  /** Present when DPM runs. */
  readonly dpm?: DpmSample;
}

/** One HA restart (or attempt) after a host failure. */
export interface HaRestart {
  /** When the restarted VM was running again (or, if it failed, when HA gave up). */
  readonly tMs: number;
  readonly container: string;
  readonly fromHost: string;
  /** null = no host could take it. */
  readonly toHost: string | null;
  /** From the host failure to running again, ms. */
  readonly latencyMs: number;
}

/** One provisioned container: how long from the request to running. */
export interface ProvisioningSample {
  readonly tMs: number;
  readonly profile: string;
  readonly mode: 'instant' | 'linked' | 'full' | 'boot';
  readonly latencyMs: number;
}

/** An injected event as it happened (scenario events echo here with their effect). */
export interface TimelineEvent {
  readonly tMs: number;
  readonly kind: 'hostFailure' | 'maintenance' | 'recover' | 'poolLimit';
  /** Host or VCH name. */
  readonly target: string;
  /** One line: what happened ("evacuated 12 VMs in 40 s"). */
  readonly detail: string;
}

/**
 * How many more containers of one profile fit now (at the end of the run), and what stops the next:
 * a resource of the hosts (memory, cpu, or vmsPerHost — every host runs ESXi's maximum of VMs) or
 * another refusal reason.
 */
export interface Headroom {
  readonly profile: string;
  readonly vch: string;
  readonly additional: number;
  readonly limitedBy: 'memory' | 'cpu' | 'vmsPerHost' | RefusalReason;
}

/** Failover capacity of one cluster at the end of the run: it survives `hostFailures` failures (N+k). */
export interface FailoverCapacity {
  readonly cluster: string;
  readonly hostFailures: number;
  readonly policy: 'slot' | 'percentage' | 'disabled';
}

/** Percentiles of a set of values (nearest-rank); all 0 for an empty set. */
export interface Distribution {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Totals of a run. */
export interface CapacityTotals {
  readonly placed: number;
  readonly refused: RefusalCounts;
  readonly peakRunning: number;
  /** At the sample with the most running containers (the first such sample). */
  readonly atPeak: {
    readonly tMs: number;
    /** Running containers ÷ connected hosts. */
    readonly containersPerHost: number;
    /** vCPUs of running containers ÷ physical cores of connected hosts. */
    readonly vcpuPerPcpu: number;
    readonly configuredMB: number;
    readonly consumedMB: number;
    /** Guest memory not needing its own physical page: fork + TPS sharing + zero pages, MB. */
    readonly savedMB: number;
    readonly sharedByForkMB: number;
    readonly sharedByTpsMB: number;
    readonly zeroMB: number;
  };
  readonly vmotions: { readonly count: number; readonly movedGB: number };
  readonly haRestarts: { readonly count: number; readonly failed: number; readonly latencyMs: Distribution };
  readonly provisioningLatencyMs: Distribution;
  readonly maxImbalance: number;
  /** Supplied by the runner (checked against a placement oracle there). */
  readonly headroom: readonly Headroom[];
  /** First time a request was refused for lack of capacity (noHostFits, pool or HA admission); null = never. */
  readonly capacityExhaustedAtMs: number | null;
  readonly failover: readonly FailoverCapacity[];
  /** Present when DPM ran: power changes over the run, and the fewest hosts on / most in standby at a sample. */
  readonly dpm?: { readonly powerOns: number; readonly standbys: number; readonly minHostsOn: number; readonly maxHostsStandby: number };
}

/** The whole outcome of a capacity run. */
export interface CapacityRunResult {
  /** Format version of this structure. */
  readonly version: 2;
  /** The normalised scenario that was run. */
  readonly scenario: Scenario;
  /** False when the run was interrupted: samples end where it stopped. */
  readonly completed: boolean;
  /** Simulated time reached, ms. */
  readonly simulatedMs: number;
  readonly hosts: readonly HostInfo[];
  readonly samples: readonly CapacitySample[];
  /** Each host over the run, at hostSampleIntervalMs. */
  readonly hostSeries: HostSeries;
  readonly timeline: readonly TimelineEvent[];
  readonly haRestarts: readonly HaRestart[];
  readonly provisioning: readonly ProvisioningSample[];
  readonly totals: CapacityTotals;
  /** Sentences stating what the numbers assume (see scenarioAssumptions), plus any the runner adds. */
  readonly assumptions: readonly string[];
}

/**
 * The normalised scenario: what {@link parseScenario} returns once a YAML or JSON file has been
 * validated, its human units converted and every default filled in. Plain, JSON-serialisable
 * data; every quantity carries its unit in its name (MB, MHz, Ms). The runner reads only this.
 */
import type { Calibration, CalibrationOverrides } from '../../sim/calibration.js';
import type { Allocation } from '../../hypervisor/types.js';

/** How a VCH makes a container VM (ARCHITECTURE.md, decision 7). */
export type ProvisioningMode = 'instant' | 'linked' | 'full' | 'boot';

/** One ESXi host. */
export interface HostSpec {
  /** Unique across the scenario; events name hosts by it. Preset hosts: `<cluster>_H<i>`. */
  readonly name: string;
  /** Physical cores (default 32, hypervisor/presets DEFAULT_HOST). */
  readonly cpuCores: number;
  /** MHz of one core (default 2400). */
  readonly cpuMhzPerCore: number;
  /** Physical memory, MB (default 262,144 = 256 GB). */
  readonly memoryMB: number;
}

/** DRS settings of a cluster. */
export interface DrsSettings {
  /** Default true. */
  readonly enabled: boolean;
  /** 1 (mandatory moves only) … 5 (most aggressive); default 3 (calibration.md, DRS). */
  readonly migrationThreshold: 1 | 2 | 3 | 4 | 5;
  /** Invocation period; default 300 s (calibration.md, DRS). */
  readonly intervalMs: number;
  /** Page-sharing-aware initial placement (beyond DRS; src/drs/placement.ts); absent = off. */
  readonly sharingAwarePlacement?: boolean;
}

/** HA admission control policy. */
export type HaAdmission =
  /** Slot policy tolerating `hostFailures` failures (default 1). */
  | { readonly policy: 'slot'; readonly hostFailures: number }
  /** Percentage policy: shares of cluster CPU and memory held back, each in [0, 1). */
  | { readonly policy: 'percentage'; readonly cpuFraction: number; readonly memoryFraction: number }
  /** Admission control off: HA restarts VMs but admits every power-on. */
  | { readonly policy: 'disabled' };

/** vSphere HA settings of a cluster. */
export interface HaSettings {
  /** Default false. When false no VM is restarted after a host failure. */
  readonly enabled: boolean;
  /** Default: slot policy, one host failure. */
  readonly admission: HaAdmission;
}

/** DPM settings of a cluster; the band and timings are filled in only when DPM is enabled. */
export type DpmSettings =
  | {
      /** Default false. */
      readonly enabled: false;
      /** 1 … 5 like the DRS threshold; default 3. */
      readonly threshold: 1 | 2 | 3 | 4 | 5;
    }
  | {
      readonly enabled: true;
      readonly threshold: 1 | 2 | 3 | 4 | 5;
      /** Standby below this host utilisation (demand ÷ capacity); default 45% (drs DPM_DEFAULTS). */
      readonly lowUtilization: number;
      /** Power-on above this; default 81%. */
      readonly highUtilization: number;
      /** Hosts always left on; default 1. */
      readonly minHostsOn: number;
      /** Time a host takes to leave standby, ms; default 5 minutes (hypervisor HOST_EXIT_STANDBY_MS, an estimate). */
      readonly hostBootMs: number;
    };

/** A cluster with its hosts and a shared datastore. */
export interface ClusterSpec {
  /** Unique; default `DC0_C<i>` (hypervisor/presets naming). */
  readonly name: string;
  /** At least one host. */
  readonly hosts: readonly HostSpec[];
  /** Shared datastore capacity, bytes (default 16 TiB, as hypervisor/presets). */
  readonly datastoreBytes: number;
  readonly drs: DrsSettings;
  readonly ha: HaSettings;
  readonly dpm: DpmSettings;
}

/** A VCH: a resource pool in one cluster where containers of the arrival streams run. */
export interface VchSpec {
  /** Unique; default `default` for the first VCH. */
  readonly name: string;
  /** Name of a cluster of the scenario (default: the first). */
  readonly cluster: string;
  /** Default `instant`. */
  readonly provisioning: ProvisioningMode;
  /** The VCH pool's CPU allocation, MHz (default: no reservation, unlimited, normal shares, expandable). */
  readonly cpu: Allocation;
  /** The VCH pool's memory allocation, MB (same defaults). */
  readonly memory: Allocation;
  /** Most containers the VCH runs at once; null = no limit (the default). */
  readonly maxContainers: number | null;
}

/** CPU demand of a container over its life. */
export type CpuDemand =
  | { readonly kind: 'constant'; readonly mhz: number }
  /**
   * Piecewise-linear demand through `points` (sorted by `atMs`, first at 0), repeating every
   * `periodMs` (≥ the last point; null = hold the last value). Evaluate with cpuDemandAt.
   */
  | { readonly kind: 'curve'; readonly points: readonly { readonly atMs: number; readonly mhz: number }[]; readonly periodMs: number | null; readonly clock: 'container' | 'scenario' };

/** How long a container runs. */
export type LifetimeDistribution =
  | { readonly kind: 'fixed'; readonly durationMs: number }
  | { readonly kind: 'exponential'; readonly meanMs: number }
  /** ln(lifetime) is normal with mean ln(medianMs) and standard deviation `sigma`. */
  | { readonly kind: 'lognormal'; readonly medianMs: number; readonly sigma: number }
  | { readonly kind: 'forever' };

/** A workload profile: what one container of this kind is and does. */
export interface WorkloadProfile {
  /** Unique; arrival streams name profiles by it. */
  readonly name: string;
  /** Configured memory, MB, rounded up to calibration vm.memoryGranularityMB (VIC); default vm.defaultMemoryMB. */
  readonly memoryMB: number;
  /** vCPUs; default calibration vm.defaultCpus. */
  readonly cpus: number;
  /** Memory the guest touches (W of the density formula), MB ≤ memoryMB; default a quarter of memoryMB (estimate). */
  readonly workingSetMB: number;
  /** Bytes of guest memory written per second (pages a clone dirties turn private); default 0. */
  readonly dirtyBytesPerSec: number;
  /** Probability in [0, 1) that a dirtied page continues a run (instantclone GuestWorkload.locality); default 0.9 (estimate). */
  readonly locality: number;
  /** Share of writes that write zeros, in [0, 1]; default 0. */
  readonly zeroShare: number;
  readonly cpu: CpuDemand;
  readonly lifetime: LifetimeDistribution;
  /** Per-VM reservations (HA slot size and admission); default 0 MHz and 0 MB. */
  readonly reservation: { readonly cpuMHz: number; readonly memoryMB: number };
}

/** How arrival rates vary over the day. */
export type DiurnalPattern =
  | { readonly kind: 'flat' }
  /** 24 multipliers, hour 0 first; the rate in hour h is rate × multipliers[h]. */
  | { readonly kind: 'hourly'; readonly multipliers: readonly number[] }
  /** rate × (1 + amplitude · cos(2π (hour − peakHour) / 24)); amplitude in [0, 1]. */
  | { readonly kind: 'sinusoid'; readonly amplitude: number; readonly peakHour: number };

/** Fields every arrival stream has. */
interface ArrivalStreamBase {
  /** The VCH the containers go to (default: the first VCH). */
  readonly vch: string;
  /** The profile of the containers; for traces, the profile the trace's own fields override. */
  readonly profile: string;
}

/** Where containers come from. */
export type ArrivalStream =
  | (ArrivalStreamBase & {
      readonly kind: 'poisson';
      /** Mean arrivals per second before the diurnal multiplier. */
      readonly ratePerSec: number;
      readonly diurnal: DiurnalPattern;
      /** Window of the stream, ms from the scenario start; default the whole run. */
      readonly startMs: number;
      readonly endMs: number;
    })
  | (ArrivalStreamBase & {
      readonly kind: 'schedule';
      /** Sorted by atMs: `count` containers arrive at `atMs`. */
      readonly batches: readonly { readonly atMs: number; readonly count: number }[];
    })
  | (ArrivalStreamBase & {
      readonly kind: 'trace';
      /** The path as the scenario wrote it (relative to the scenario file). */
      readonly file: string;
      /** Absolute path of the file. */
      readonly resolvedPath: string;
      readonly format: 'azure-vmtable' | 'simple';
      /** Trace time is multiplied by this (0.5 plays a trace at double speed); default 1. */
      readonly timeScale: number;
      /** Records starting before this trace time are skipped, and trace time is shifted by it; default 0. */
      readonly skipMs: number;
      /** Most records read; null = all. */
      readonly maxRecords: number | null;
      /** How many records may arrive out of start order and still be sorted (a bounded buffer); default 0. */
      readonly reorderWindow: number;
    });

/** A change injected at a time. */
export type InjectedEvent =
  | { readonly kind: 'hostFailure'; readonly atMs: number; readonly host: string }
  | { readonly kind: 'maintenance'; readonly atMs: number; readonly host: string }
  /** A failed host, or one in maintenance, returns to service. */
  | { readonly kind: 'recover'; readonly atMs: number; readonly host: string }
  /** New limits for a VCH pool; -1 = unlimited; undefined = unchanged. */
  | { readonly kind: 'poolLimit'; readonly atMs: number; readonly vch: string; readonly cpuLimitMHz?: number; readonly memoryLimitMB?: number };

/** A whole capacity scenario, normalised. */
export interface Scenario {
  /** Default: the file name without extension, or `scenario`. */
  readonly name: string;
  /** Free text: the question the scenario answers. Default ''. */
  readonly description: string;
  /** 32-bit integer; default 1. */
  readonly seed: number;
  /** Simulated time to run, > 0. */
  readonly durationMs: number;
  /** Time between samples of the report, > 0 and ≤ durationMs; default 5 minutes. */
  readonly sampleIntervalMs: number;
  /**
   * Time between the report's samples of each host, a multiple of sampleIntervalMs; default the
   * smallest multiple giving at most HOST_SERIES_MAX_POINTS per host.
   */
  readonly hostSampleIntervalMs: number;
  readonly clusters: readonly ClusterSpec[];
  readonly vchs: readonly VchSpec[];
  readonly profiles: readonly WorkloadProfile[];
  readonly arrivals: readonly ArrivalStream[];
  /** Sorted by time (stable). */
  readonly events: readonly InjectedEvent[];
  /** The overrides as written (validated). */
  readonly calibrationOverrides: CalibrationOverrides;
  /** DEFAULT_CALIBRATION with the overrides applied. */
  readonly calibration: Calibration;
}

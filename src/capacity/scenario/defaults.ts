/**
 * What a scenario gets for everything it leaves out. Model numbers come from their owners (the
 * calibration, DRS constants, hypervisor presets); the few that are ours say "estimate" and can be
 * overridden in the scenario itself. Candidates for src/sim/calibration.ts are marked so.
 */
import { DEFAULT_MIGRATION_THRESHOLD, DRS_PERIOD_SEC, SHARES_POOL } from '../../drs/constants.js';
import { DPM_DEFAULTS as DRS_DPM_DEFAULTS } from '../../drs/dpm-window.js';
import { HOST_EXIT_STANDBY_MS } from '../../hypervisor/hosts.js';
import { DEFAULT_HOST } from '../../hypervisor/presets.js';
import type { Allocation } from '../../hypervisor/types.js';
import { TiB } from '../../sim/units.js';
import type { DpmSettings, DrsSettings, LifetimeDistribution, ProvisioningMode } from './types.js';

/** Scenario-level defaults. */
export const SCENARIO_DEFAULTS = Object.freeze({
  seed: 1,
  /**
   * Sampling interval of the report, ms. Estimate: 5 minutes, the period of DRS (calibration.md)
   * and of the Azure trace's CPU readings.
   */
  sampleIntervalMs: 5 * 60_000,
  /**
   * Most samples per host a scenario gets by default (its host sampling interval is the smallest
   * multiple of the sampling interval that stays within it). Estimate: 500 points draw a host's
   * chart at full detail and keep a month of 100 hosts' series ≈ 4 MB; a scenario may set its own.
   */
  hostSeriesMaxPoints: 500,
  /** Name of the first VCH when none is given (`vicsim serve` names its VCH `default`). */
  vchName: 'default',
  /** VIC's provisioning mode when none is given (ARCHITECTURE.md decision 7: instant is the default). */
  provisioning: 'instant' as ProvisioningMode,
});

/** Host size when a host leaves it out: hypervisor/presets DEFAULT_HOST (32 × 2.4 GHz, 256 GB). */
export const HOST_DEFAULTS = Object.freeze({ cpuCores: DEFAULT_HOST.cpuCores, cpuMhzPerCore: DEFAULT_HOST.cpuMhzPerCore, memoryMB: DEFAULT_HOST.memoryMB });

/** Shared datastore capacity of a cluster, bytes: 16 TiB as hypervisor/presets clusterPreset. */
export const DATASTORE_DEFAULT_BYTES = 16 * TiB;

/** DRS on, threshold 3, every 300 s (calibration.md, DRS). */
export const DRS_DEFAULTS: DrsSettings = Object.freeze({ enabled: true, migrationThreshold: DEFAULT_MIGRATION_THRESHOLD as 3, intervalMs: DRS_PERIOD_SEC * 1000 });

/** HA off; when on, the slot policy tolerating this many host failures (vSphere's default). */
export const HA_DEFAULT_HOST_FAILURES = 1;

/** DPM off, threshold 3 (vSphere's default). */
export const DPM_DEFAULTS: DpmSettings = Object.freeze({ enabled: false, threshold: 3 });

/**
 * A DPM that is on: the 45–81% band and one host kept on from drs DPM_DEFAULTS (vSphere's
 * DemandCapacityRatioTarget 63% ± 18%), the host boot time from hypervisor HOST_EXIT_STANDBY_MS (an estimate).
 */
export const DPM_ENABLED_DEFAULTS = Object.freeze({
  lowUtilization: DRS_DPM_DEFAULTS.lowUtilization,
  highUtilization: DRS_DPM_DEFAULTS.highUtilization,
  minHostsOn: DRS_DPM_DEFAULTS.minHostsOn,
  hostBootMs: HOST_EXIT_STANDBY_MS,
});

/** A VCH pool resource with nothing set: no reservation, unlimited, normal shares, expandable. */
export function defaultAllocation(resource: 'cpu' | 'memory'): Allocation {
  return { reservation: 0, limit: -1, shares: { level: 'normal', shares: SHARES_POOL[resource].normal }, expandableReservation: true };
}

/** Workload profile defaults that do not come from the calibration's VM sizing. */
export const PROFILE_DEFAULTS = Object.freeze({
  /** Working set as a share of configured memory. Estimate (calibration.md's density example uses W = 256 MB of 2 GB… 1 GB guests). */
  workingSetFraction: 0.25,
  /** Guest writes per second: none, so sharing by fork lasts (estimate; set dirtyRate to model a busy guest). */
  dirtyBytesPerSec: 0,
  /** Run locality of guest writes (instantclone GuestWorkload.locality). Estimate. */
  locality: 0.9,
  zeroShare: 0,
  /** CPU demand of a container. Estimate: a mostly idle service, 200 MHz. Candidate for calibration. */
  cpuDemandMHz: 200,
  lifetime: Object.freeze({ kind: 'forever' }) as LifetimeDistribution,
});

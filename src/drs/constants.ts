/**
 * The numbers of DRS, vMotion and HA, each with its source: shared/reference/calibration.md
 * (sections DRS, vMotion, HA admission control) or "estimate" where the page gives none. Every
 * function that uses one takes it through an options object whose defaults are these, so a
 * scenario can override any of them. They are candidates for src/sim/calibration.ts.
 */

/** The three named shares levels. */
export type SharesLevelName = 'low' | 'normal' | 'high';

/**
 * VM shares per unit: per vCPU for CPU, per configured MB for memory.
 * calibration.md, DRS: "VM High/Normal/Low = 2000/1000/500 per vCPU and 20/10/5 per MB".
 */
export const SHARES_PER_UNIT_VM = Object.freeze({
  cpu: Object.freeze({ high: 2000, normal: 1000, low: 500 }),
  memory: Object.freeze({ high: 20, normal: 10, low: 5 }),
});

/**
 * Resource pool shares, fixed per pool. calibration.md, DRS: "pool Normal = 4000 CPU / 163,840
 * memory, High = 8000 / 327,680"; Low is half of Normal (vSphere Resource Management guide,
 * the same 4:2:1 ratio as the VM levels).
 */
export const SHARES_POOL = Object.freeze({
  cpu: Object.freeze({ high: 8000, normal: 4000, low: 2000 }),
  memory: Object.freeze({ high: 327_680, normal: 163_840, low: 81_920 }),
});

/** Share of idle consumed memory counted as demand. calibration.md, DRS: "active + 25% of idle consumed + overhead". */
export const IDLE_MEMORY_DEMAND_FRACTION = 0.25;

/** The imbalance step of one priority level. calibration.md, DRS: "priority = 6 − ceil(I / 0.1 × √hosts)". */
export const IMBALANCE_PRIORITY_STEP = 0.1;

/** Migration threshold when none is given. calibration.md, DRS: "t in 1..5 (default 3)". */
export const DEFAULT_MIGRATION_THRESHOLD = 3;

/**
 * Tolerable utilization gap between any two hosts, by migration threshold (vSphere 6.5+).
 * calibration.md, DRS: "MT2 30%, MT3 20%, MT4 10%, MT5 5%". Threshold 1 balances nothing.
 */
export const PAIRWISE_GAP_BY_THRESHOLD: Readonly<Record<number, number>> = Object.freeze({ 2: 0.3, 3: 0.2, 4: 0.1, 5: 0.05 });

/** Cap on a host's normalized load after a move. calibration.md, DRS: "Never push a host to 100%". */
export const HOST_LOAD_CAP = 1.0;

/** Cap while evacuating a host for maintenance. calibration.md, DRS: "(150% during maintenance evacuation)". */
export const HOST_LOAD_CAP_EVACUATION = 1.5;

/**
 * Smallest imbalance reduction worth a migration. Estimate: the page names MinGoodness without a
 * value. Goodness shrinks as 1/hosts (one VM is a smaller share of a bigger cluster): on 64 hosts
 * of 512 GB, moving a 1 GB VM off the busiest host gains about 1e-4, so the floor sits well below
 * that and only drops moves that are noise; the cost-benefit filter judges the rest.
 */
export const MIN_GOODNESS = 1e-6;

/** DRS invocation period, seconds. calibration.md, DRS: "Invoked every 300 s". */
export const DRS_PERIOD_SEC = 300;

/**
 * How long the benefit of a move is assumed to last, seconds, for the cost-benefit filter: a
 * move gains only from the end of its vMotion to this horizon. Estimate: one invocation period
 * (the next pass re-decides).
 */
export const COST_BENEFIT_HORIZON_SEC = 300;

/**
 * Weights of CPU and memory in the combined imbalance I = w_cpu·σ_cpu + w_mem·σ_mem.
 * Estimate: equal weights, so a cluster imbalanced the same in both resources has I = σ.
 */
export const RESOURCE_WEIGHTS = Object.freeze({ cpu: 0.5, memory: 0.5 });

/** Smallest CPU slot, MHz. calibration.md, HA admission control: "(32 MHz minimum)". */
export const HA_MIN_CPU_SLOT_MHZ = 32;

/** vMotion concurrency costs. calibration.md, vMotion: "network 4 (1 GbE) / 8 (10 GbE) per host; host max cost 8; datastore 128". */
export const VMOTION_COSTS = Object.freeze({
  /** Cost a vMotion puts on each host, on the network of each host and on the datastore. */
  perVmotion: 1,
  hostMaxCost: 8,
  networkMaxCost1GbE: 4,
  networkMaxCost10GbE: 8,
  datastoreMaxCost: 128,
  /** calibration.md, vMotion: "at least 250 Mbps per vMotion". */
  minMbpsPerVmotion: 250,
});

/** Pre-copy parameters of the vMotion model. */
export const VMOTION_PRECOPY = Object.freeze({
  /** Stun the switch-over aims under, ms. calibration.md, vMotion: "target below 1 s". */
  targetStunMs: 1000,
  /** Time to resume the VM on the destination after the last copy, ms. Estimate. */
  resumeMs: 100,
  /** Most pre-copy rounds before a forced switch-over. Estimate (ESXi publishes no figure). */
  maxRounds: 16,
  /** Dirty rate SDPS throttles the guest to, as a share of the link rate (λ after slowdown). Estimate. */
  sdpsLambda: 0.5,
});

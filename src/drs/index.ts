/**
 * DRS, vMotion and HA as pure functions over cluster snapshots: demand and entitlement, imbalance
 * and priority, initial placement, the load-balancing pass with mandatory moves, the vMotion
 * pre-copy model and concurrency limits, HA admission control and restart planning; a
 * {@link DrsSession} keeps a cluster's pass state across passes (same results as balanceCluster).
 */
export * from './snapshot.js';
export * from './constants.js';
export * from './demand.js';
export * from './waterfill.js';
export * from './entitlement.js';
export * from './imbalance.js';
export * from './ledger.js';
export * from './rules.js';
export * from './placement.js';
export * from './moves.js';
export * from './recommendations.js';
export * from './mandatory.js';
export * from './candidates.js';
export * from './balance.js';
export { DrsSession } from './session.js';
export * from './vmotion.js';
export * from './ha-admission.js';
export * from './ha-restart.js';
export * from './dpm-window.js';
export * from './dpm.js';
export * from './driver/index.js';

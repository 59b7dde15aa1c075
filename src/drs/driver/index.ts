/**
 * DRS and HA driven on a live {@link VSphereModel}'s clock: cluster snapshots from the model,
 * DRS placement and balancing with vMotion tasks, maintenance evacuation, HA restarts.
 */
export * from './model-snapshot.js';
export * from './migrations.js';
export * from './placement-cache.js';
export * from './drs-driver.js';
export * from './ha-driver.js';
export * from './dpm-driver.js';
export * from './cluster-config.js';
export * from './ha-power-on.js';
export * from './rule-placement.js';

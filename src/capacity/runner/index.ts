/** The capacity runner: a scenario in, a CapacityRunResult out. */
export { runScenario, CAPACITY_GUEST_TICK_MS, type RunOptions, type RunProgress } from './run.js';
export { headroomTrial, copyModel } from './headroom.js';
export { failoverCapacity } from './failover.js';
export { haRestartsBetween, haRestarting, migrationsBetween, startClusterServices, type MigrationCounts } from './cluster-services.js';
export { buildInventory, type CapacityInventory, type VchRuntime } from './inventory.js';

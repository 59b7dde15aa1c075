/** The simulation core: virtual time, drivers, seeded randomness, ids, units, calibration, errors. */
export * from './clock.js';
export * from './drivers.js';
export * from './rng.js';
export * from './ids.js';
export * from './units.js';
export * from './errors.js';
export * from './calibration.js';
export * from './overhead.js';

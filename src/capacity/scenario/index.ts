/** Capacity scenarios: the schema, loading with located errors, the normalised types and their evaluation. */
export * from './types.js';
export * from './defaults.js';
export * from './load.js';
export * from './evaluate.js';
export { parseRatePerSec } from './fields.js';
export { formatPath } from './issues.js';

/** Capacity planning inputs and outputs: scenarios, traces and arrivals, and reports. The runner lives beside them. */
export * from './errors.js';
export * from './scenario/index.js';
export * from './trace/index.js';
export * from './report/index.js';

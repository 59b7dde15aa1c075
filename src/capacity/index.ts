/** Capacity planning: scenarios, traces and arrivals, the runner on the model, and reports. */
export * from './errors.js';
export * from './scenario/index.js';
export * from './trace/index.js';
export * from './report/index.js';
export * from './runner/index.js';

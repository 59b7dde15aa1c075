/** Capacity reports: the run-result contract, derived totals, assumptions, and the JSON, Markdown and HTML writers. */
export * from './result.js';
export * from './totals.js';
export * from './host-series.js';
export * from './assumptions.js';
export * from './json.js';
export * from './markdown.js';
export * from './html.js';
export * from './svg.js';
export * from './write.js';
export { formatSimTime } from './summary.js';

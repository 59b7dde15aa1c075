/** Trace input: streaming readers of the Azure vmtable and the simple per-VM CSV, the sample generator and the merged arrival stream. */
export * from './records.js';
export * from './lines.js';
export * from './azure.js';
export * from './simple.js';
export * from './reorder.js';
export * from './arrivals.js';
export * from './sample.js';

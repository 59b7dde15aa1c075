/** The Backend over the in-process model. */
export * from './model-backend.js';
export * from './convert.js';
export { DEFAULT_DATASTORE_LATENCY, type DatastoreLatency } from './datastore.js';

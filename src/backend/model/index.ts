/** The Backend over the in-process model. */
export * from './model-backend.js';
export * from './convert.js';

/** The Docker Registry HTTP API v2 client: references, auth, manifests, verified blobs and pulls. */
export * from './errors.js';
export * from './reference.js';
export * from './registry-policy.js';
export * from './auth.js';
export * from './manifest.js';
export * from './progress.js';
export * from './session.js';
export * from './blob.js';
export * from './layer-downloads.js';
export * from './pull.js';

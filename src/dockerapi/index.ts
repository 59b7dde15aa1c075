/** The Docker Engine API server of a VCH: createDockerApiServer, its options, and TLS material. */
export { createDockerApiServer, type DockerApiServer, type DockerApiServerOptions } from './server.js';
export type { TlsSettings } from './listeners.js';
export type { ApiLogger } from './router.js';
export { generateTlsMaterial, loadTlsFiles, TLS_FILE_NAMES, type TlsFiles } from './tls.js';
export { MAX_API_VERSION, MIN_API_VERSION } from './version.js';
export { toHttpError, STATUS_BY_CODE, RequestBodyTooLargeError } from './errors.js';
